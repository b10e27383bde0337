"""Demo ICS documents, written through the real services (called from
``backend.demo.seed_casework`` inside the kommune's tenant transaction).

One running investigation gets a submitted børnefaglig undersøgelse with all ten
dimensions partly filled, awaiting the manager (a newcomer can approve it, or create
barnets plan from it); another gets a half-written draft.
"""

from __future__ import annotations

from backend.casework.access import system_case
from backend.ics import repository as repo
from backend.ics import service as ics
from backend.ics.method import view
from backend.ics.schemas import DimensionEntries, InvestigationContent, Need, Statement

# Per dimension: (observation, source), (resource, source), (concern, source) or None.
DEMO_DIMENSIONS: dict[str, list[tuple[str, str, str]]] = {
    "sundhedsforhold": [
        ("observations", "Barnet er ofte træt om morgenen og har haft mange sygedage.", "skole"),
        ("resources", "Barnet er vaccineret og har fast læge.", "laege"),
    ],
    "udvikling_og_adfaerd": [
        (
            "observations",
            "Barnet trækker sig i store grupper og bliver hurtigt ked af det.",
            "skole",
        ),
        ("concerns", "Barnet siger, at det tit er bange, når forældrene skændes.", "barnet"),
    ],
    "dagtilbud_skole_og_laering": [
        ("observations", "Fraværet er 18 % i indeværende skoleår.", "skole"),
        ("resources", "Barnet er glad for dansk og læser alderssvarende.", "skole"),
    ],
    "fritidsforhold_og_venskaber": [
        ("resources", "Barnet går til fodbold om tirsdagen og har en god ven i klassen.", "mor"),
        ("concerns", "Barnet er stoppet i fritidsklubben.", "barnet"),
    ],
    "trygt_omsorgsmiljoe": [
        (
            "observations",
            "Ved hjemmebesøget var der ryddeligt og mad i køleskabet.",
            "sagsbehandler",
        ),
        ("concerns", "Politiet har to gange været tilkaldt til uro på adressen.", "politi"),
    ],
    "stimulering_og_vejledning": [
        ("resources", "Mor hjælper med lektier og deltager i skole-hjem-samtaler.", "skole"),
    ],
    "understoettelse_af_relationer": [
        ("observations", "Samværet med far er uregelmæssigt og aflyses ofte.", "mor"),
    ],
    "familieforhold_og_baggrund": [
        ("observations", "Forældrene er gået fra hinanden for et år siden.", "foraeldre"),
        ("concerns", "Far fortæller om et periodevis stort alkoholforbrug.", "far"),
    ],
    "bolig_beskaeftigelse_og_oekonomi": [
        (
            "observations",
            "Familien har fået varsel om udsættelse på grund af huslejerestance.",
            "mor",
        ),
    ],
    "socialt_netvaerk": [
        ("resources", "Mormor bor tæt på og henter barnet to dage om ugen.", "netvaerk"),
    ],
}


def demo_investigation(complete: bool) -> InvestigationContent:
    content = ics.empty_investigation(view())
    for key, statements in DEMO_DIMENSIONS.items():
        entries: DimensionEntries = content.dimensions[key]
        for entry, text, source in statements if complete else statements[:1]:
            getattr(entries, entry).append(Statement(text=text, source=source))
    if not complete:
        content.analysis = "Påbegyndt: samtaler med skole og forældre er holdt."
        return content
    content.child_view = (
        "Barnet fortæller ved børnesamtalen, at det er glad for sin skole og sin mormor, men "
        "at det er svært at sove, når mor og far skændes i telefonen."
    )
    content.parents_view = (
        "Mor ønsker hjælp til at få struktur på morgenerne. Far er enig i, at barnet har brug "
        "for støtte, men ønsker ikke selv at deltage i familiebehandling."
    )
    content.analysis = (
        "Barnet har gode ressourcer i skolen og i netværket, men konflikterne mellem "
        "forældrene og familiens økonomiske situation påvirker barnets søvn, fremmøde og "
        "trivsel. Mormor er en vigtig voksen for barnet."
    )
    content.conclusion = (
        "Barnet har behov for støtte. Det anbefales at bevilge familiebehandling efter § 32 "
        "og en fast kontaktperson til barnet."
    )
    content.unmet_needs = [
        Need(
            id=ics.new_id(),
            text="Stabilt fremmøde i skolen",
            dimension="dagtilbud_skole_og_laering",
        ),
        Need(
            id=ics.new_id(), text="Ro og forudsigelighed i hjemmet", dimension="trygt_omsorgsmiljoe"
        ),
        Need(
            id=ics.new_id(),
            text="Regelmæssigt samvær med far",
            dimension="understoettelse_af_relationer",
        ),
    ]
    return content


async def seed_ics() -> int:
    """Give two running investigations of caseworkers (not managers, so the demo manager
    can approve) an ICS document. Returns how many were made."""
    cases = await repo.list_demo_cases()
    for i, case in enumerate(cases):
        actor = case.username
        seeded = await system_case(case.id, "demo seed: an ICS document on a demo case")
        started = await ics.do_start_investigation(actor, seeded, None)
        doc = started.row
        saved = await ics.do_save_draft(actor, doc.id, doc.rev, demo_investigation(i == 0))
        if i == 0:
            await ics.do_submit(actor, doc.id, saved.rev)
    return len(cases)
