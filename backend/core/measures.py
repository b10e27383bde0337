"""The vocabulary of decisions and measures (Barnets Lov): the sections a decision is made
under and the measure types with whether each is a placement. Casework, money and
crosskommune all read it; it depends on nothing."""

from __future__ import annotations

PARAGRAPHS = {
    "32": "§ 32 (støtte uden anbringelse)",
    "46": "§ 46 (anbringelse med samtykke)",
    "47": "§ 47 (anbringelse uden samtykke)",
}
OUTCOMES = {"bevilget": "bevilget", "afslag": "afslag"}

# Measure types (Barnets Lov § 32, stk. 1, and placement places, § 43 ff.; skal verificeres
# against the consolidated act). ``placement`` decides which section they may be given under.
MEASURES: dict[str, tuple[str, bool]] = {
    "praktisk_paedagogisk_stoette": ("Praktisk, pædagogisk eller anden støtte i hjemmet", False),
    "familiebehandling": ("Familiebehandling", False),
    "kontaktperson": ("Fast kontaktperson", False),
    "dagbehandling": ("Dagbehandling eller særligt dagtilbud", False),
    "aflastning": ("Aflastningsophold", False),
    "anden_stoette": (
        "Anden hjælp, der har til formål at yde rådgivning, behandling eller støtte",
        False,
    ),
    "plejefamilie": ("Anbringelse i plejefamilie", True),
    "netvaerksplejefamilie": ("Anbringelse i netværksplejefamilie", True),
    "opholdssted": ("Anbringelse på opholdssted", True),
    "doegninstitution": ("Anbringelse på døgninstitution", True),
    "eget_vaerelse": ("Anbringelse på eget værelse, kollegium el.lign.", True),
}

# Support after 18 (ungestøtte, Barnets Lov §§ 113-116, formerly SEL § 76 "efterværn"): for
# a young person 18-22 who was placed, or had a fast kontaktperson, right before turning 18
# (Social- og Boligministeriet and Ankestyrelsen, read 2026-12-06; the exact stk. of each
# form in LBK 282/2025 was not confirmed). Decided under "114"; a decision may be made
# before the 18th birthday (§ 111: six months before), the support starts on it at the
# earliest and ends by the day before the 23rd birthday. Not placements: the placement
# itself ends at 18. The kinds are the money catalogue's (backend/money/catalogue.py).
PARAGRAPHS["114"] = "§ 114 (ungestøtte efter det 18. år)"
YOUTH_PARAGRAPH = "114"
YOUTH_MEASURES: dict[str, str] = {
    "viderefoert_anbringelse": "Opretholdt døgnophold på anbringelsesstedet (18-22 år)",
    "eftervaern_kontaktperson": "Fast kontaktperson efter det 18. år (18-22 år)",
    "eftervaern_udslusning": "Udslusningsordning i det hidtidige anbringelsessted (18-22 år)",
    "eftervaern_anden_stoette": "Anden ungestøtte til overgangen til voksenlivet (18-22 år)",
}
# Without a placement before 18, only the fast kontaktperson may be kept (§ 32 measure).
YOUTH_CONTACT_PERSON = "eftervaern_kontaktperson"
YOUTH_MIN_AGE = 18
YOUTH_END_AGE = 23  # support ends no later than the day before this birthday
MEASURES.update({kind: (label, False) for kind, label in YOUTH_MEASURES.items()})
