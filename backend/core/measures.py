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
