"""The statutory activities and their deadlines: one declarative table.

A change in the law is a change to one row here. Each rule names what triggers it, the
activity it creates (Danish title), its legal basis, how its deadline is computed from the
trigger's facts, and which event completes it. ``confirmed`` says whether the citation was
checked against the consolidated act (Barnets Lov, LBK nr. 282 af 17/03/2025); an
unconfirmed one is shown to people as such (docs/deadlines.md lists the sources).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal

from backend.core.danish import DK as DK  # re-exported: the case core's clock
from backend.core.danish import today_dk as today_dk
from backend.core.workdays import (
    add_months,
    add_working_days,
    next_working_day,
    previous_working_day,
)


class Trigger(StrEnum):
    UNDERRETNING = "underretning.modtaget"
    UNDERRETNING_FRA_FAGPERSON = "underretning.fagperson"
    UNDERRETNING_KENDT_ELLER_OVERGREB = "underretning.kendt_eller_overgreb"
    HENVENDELSE = "henvendelse.modtaget"  # a henvendelse or ansøgning from family or child
    UNDERSOEGELSE_BESLUTTET = "undersoegelse.besluttet"
    AFGOERELSE_FORBEREDES = "afgoerelse.forberedes"
    STOETTE_32 = "afgoerelse.32"
    ANBRINGELSE_46 = "afgoerelse.46"
    AFGOERELSE_47_FORBEREDES = "afgoerelse.47.forberedes"
    INDSATS_STARTET = "indsats.startet"
    OPFOELGNING_PLANLAGT = "opfoelgning.planlagt"
    ANBRAGT_UNG = "anbragt.ung"
    ANBRINGELSE_STARTET = "anbringelse.startet"  # a placement measure started
    TILSYNSBESOEG_HOLDT = "tilsyn.holdt"  # a supervision visit recorded: the next one
    AFDAEKNING_STARTET = "afdaekning.startet"  # § 19: a short clarification begins
    UNDERRETNING_OVERGREB = "underretning.overgreb"  # a notification about suspected abuse
    UNDERSOEGELSE_FORLOEBIG = "undersoegelse.foreloebig"  # § 20, stk. 3: a preliminary assessment
    # Later events of a placement and § 139 decisions: each raises its report to Ankestyrelsen.
    ANBRINGELSE_AENDRET = "anbringelse.aendret"  # a new place, type or legal basis while placed
    ANBRINGELSE_OPHOERT = "anbringelse.ophoert"  # the placement ended (no placement follows)
    EFTERVAERN_STARTET = "eftervaern.startet"  # § 114: continued stay at the place (18-22)
    INDGREB_139 = "indgreb.139"  # § 139: access to the home / enforcement recorded


@dataclass(frozen=True)
class Facts:
    """What a trigger knows: when it happened, and dates it may depend on."""

    at: datetime  # aware, when the trigger happened (e.g. receipt of the notification)
    aware_since: date | None = None  # when the kommune became aware (4-month rule)
    investigation_ends: date | None = None  # a parallel investigation's deadline (§ 95)
    birth_date: date | None = None
    planned: date | None = None  # a date the caseworker set (the next follow-up)
    decided_on: date | None = None  # the decision a plan deadline counts from (§§ 91, 108)
    # Whether 24/12, 31/12 and Grundlovsdag are non-working days (the kommune's setting).
    closed_days: bool = True

    @property
    def day(self) -> date:
        return self.at.astimezone(DK).date()


Due = Callable[[Facts], datetime | None]


def age_on(birth: date, today: date) -> int:
    """A person's age in whole years on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=DK)


def within_hours(hours: int) -> Due:
    return lambda f: f.at + timedelta(hours=hours)


def within_working_days(days: int) -> Due:
    return lambda f: _end_of(add_working_days(f.day, days, f.closed_days))


def within_months(months: int, *, from_aware: bool = False) -> Due:
    def due(f: Facts) -> datetime:
        start = f.aware_since if from_aware and f.aware_since else f.day
        return _end_of(next_working_day(add_months(start, months), f.closed_days))

    return due


def months_after_decision(months: int) -> Due:
    """``months`` after the decision (not the measure's start), on a working day."""

    def due(f: Facts) -> datetime:
        return _end_of(next_working_day(add_months(f.decided_on or f.day, months), f.closed_days))

    return due


def weeks_after_decision(weeks: int) -> Due:
    """``weeks`` after the decision (the trigger's day without one), on a working day."""

    def due(f: Facts) -> datetime:
        start = f.decided_on or f.day
        return _end_of(next_working_day(start + timedelta(weeks=weeks), f.closed_days))

    return due


def before_decision(f: Facts) -> None:
    """Due before the decision it belongs to; it has no date of its own."""
    return None


def no_fixed_deadline(f: Facts) -> None:
    """Required, but the law sets no date; the caseworker plans it."""
    return None


def first_follow_up(f: Facts) -> datetime:
    """The earlier of three months after the start and the end of a parallel investigation."""
    candidates = [next_working_day(add_months(f.day, 3), f.closed_days)]
    if f.investigation_ends:
        candidates.append(next_working_day(f.investigation_ends, f.closed_days))
    return _end_of(min(candidates))


def on_planned_date(f: Facts) -> datetime | None:
    """The date the caseworker set, moved to a working day."""
    return _end_of(next_working_day(f.planned, f.closed_days)) if f.planned else None


def youth_plan_due(f: Facts) -> datetime | None:
    """Three months after the later of the decision and the 16th birthday (§ 108)."""
    if f.birth_date is None:
        return None
    sixteen = add_months(f.birth_date, 16 * 12)
    start = max(f.decided_on or f.day, sixteen)
    return _end_of(next_working_day(add_months(start, 3), f.closed_days))


def _six_months_before_18(f: Facts) -> date | None:
    if f.birth_date is None:
        return None
    eighteen = add_months(f.birth_date, 18 * 12)
    return previous_working_day(add_months(eighteen, -6), f.closed_days)


AFTER_17_5 = "anbringelsen begyndte efter 17½ år"
UNCONFIRMED = "(henvisning ikke bekræftet)"


def before_18(f: Facts) -> datetime | None:
    """No later than six months before the 18th birthday: a deadline "before X", so a
    non-working day moves it back, never forward. A placement that starts after that day
    (after 17½) cannot meet it: then it is due as soon as possible (``after_17_5``)."""
    deadline = _six_months_before_18(f)
    if deadline is None:
        return None
    if after_17_5(f):
        return _end_of(max(f.day, today_dk()))
    return _end_of(deadline)


def after_17_5(f: Facts) -> str | None:
    """Why the transition is due as soon as possible, if the placement began after the
    last day the law allows (six months before the 18th birthday)."""
    deadline = _six_months_before_18(f)
    return AFTER_17_5 if deadline is not None and f.day > deadline else None


# How an open activity is completed: one click ("Udført"), a record written in a form
# (``CompletionForm``), or another flow of the case that also records what was done: the
# investigation's "Afslut undersøgelse", a recorded step ("Registrér skridt"), the approved
# child's plan (ICS). An activity of another flow is never completed by a second form.
Completion = Literal[
    "click", "record", "investigation", "step", "plan", "klage", "udvalg", "brev", "indberetning"
]
FieldKind = Literal["bool", "text", "date", "choice", "user"]


@dataclass(frozen=True)
class FieldChoice:
    value: str
    label: str


@dataclass(frozen=True)
class RecordField:
    """One field of a completion record: ``key`` in the record, the Danish ``label`` (a
    question for a yes/no field), ``kind``, whether it is required, and a help text.
    ``when`` makes it apply (and be required) only when another field has a value."""

    key: str
    label: str
    kind: FieldKind
    required: bool = True
    help: str | None = None
    choices: tuple[FieldChoice, ...] = ()
    when: tuple[str, bool | str] | None = None
    missing: str | None = None  # the Danish message when a required field is empty
    # A date field that plans something (today or later) instead of recording what happened.
    future: bool = False


@dataclass(frozen=True)
class CompletionForm:
    """What completing an activity of a rule records, and how the journal names it."""

    title: str  # the journal entry's title, e.g. "Vurdering inden 24 timer"
    action: str  # the button that opens the form, e.g. "Registrér vurdering"
    fields: tuple[RecordField, ...]


YES_NO = (FieldChoice("ja", "Ja"), FieldChoice("nej", "Nej"))

ASSESSMENT_24H = CompletionForm(
    "Vurdering inden 24 timer",
    "Registrér vurdering",
    (
        RecordField(
            "fare",
            "Er barnets sundhed eller udvikling i fare?",
            "bool",
            missing="Svar på, om barnets sundhed eller udvikling er i fare",
        ),
        RecordField(
            "akut",
            "Er der behov for akutte foranstaltninger?",
            "bool",
            missing="Svar på, om der er behov for akutte foranstaltninger",
        ),
        RecordField(
            "akutte_foranstaltninger",
            "Hvilke akutte foranstaltninger?",
            "text",
            when=("akut", True),
            missing="Beskriv de akutte foranstaltninger",
        ),
        RecordField(
            "vurdering",
            "Vurdering",
            "text",
            help="Din faglige vurdering af underretningen og barnets situation.",
            missing="Skriv din vurdering",
        ),
        RecordField(
            "naeste_skridt",
            "Næste skridt",
            "choice",
            choices=(
                FieldChoice("undersoegelse", "Børnefaglig undersøgelse"),
                FieldChoice("afdaekning", "Afdækning"),
                FieldChoice("ingen", "Ingen yderligere"),
                FieldChoice("andet", "Andet"),
            ),
            help="Afdækning starter en afdækning (§ 19) på sagen med det samme.",
            missing="Vælg det næste skridt",
        ),
        RecordField(
            "naeste_skridt_andet",
            "Hvilket andet skridt?",
            "text",
            when=("naeste_skridt", "andet"),
            missing="Beskriv det næste skridt",
        ),
    ),
)

RECEIPT = CompletionForm(
    "Kvittering sendt til fagpersonen",
    "Registrér kvittering",
    (
        RecordField(
            "sendt_dato",
            "Dato for kvitteringen",
            "date",
            missing="Angiv den dato, kvitteringen blev sendt",
        ),
        RecordField(
            "sendt_med",
            "Sendt med",
            "choice",
            choices=(
                FieldChoice("digital_post", "Digital Post"),
                FieldChoice("e_mail", "E-mail"),
                FieldChoice("brev", "Brev"),
            ),
            missing="Vælg hvordan kvitteringen blev sendt",
        ),
    ),
)

REASSESSMENT = CompletionForm(
    "Genvurdering af sagen",
    "Registrér genvurdering",
    (
        RecordField(
            "revurderet_af",
            "Hvem har foretaget genvurderingen?",
            "user",
            help="En medarbejder, der ikke tidligere har deltaget i behandlingen af sagen "
            "(§ 137, stk. 1).",
            missing="Vælg hvem der har foretaget genvurderingen",
        ),
        RecordField("konklusion", "Konklusion", "text", missing="Skriv konklusionen"),
    ),
)

ANSWER = CompletionForm(
    "Svar på henvendelsen",
    "Registrér svar",
    (
        RecordField("svar", "Svaret til familien", "text", missing="Skriv hvad familien fik svar"),
        RecordField("svar_dato", "Dato for svaret", "date", missing="Angiv datoen for svaret"),
    ),
)

# Personrettet tilsyn (Barnets Lov § 156, stk. 5, LBK 282/2025, checked 2026-12-06): at
# least two supervision visits a year at the placement where the kommune talks with the
# child, as far as possible without the placement's staff present. Trekant plans one visit
# 6 months after the placement starts and the next 6 months after each visit (the law says
# "mindst to årlige"; the interval is our reading of it).
SUPERVISION_MONTHS = 6
SUPERVISION_VISIT = CompletionForm(
    "Tilsynsbesøg",
    "Registrér tilsynsbesøg",
    (
        RecordField("dato", "Dato for besøget", "date", missing="Angiv datoen for besøget"),
        RecordField(
            "sted",
            "Hvor fandt besøget sted?",
            "text",
            help="Fx plejefamiliens hjem eller opholdsstedet.",
            missing="Skriv hvor besøget fandt sted",
        ),
        RecordField(
            "besoegt_af",
            "Hvem besøgte barnet?",
            "text",
            missing="Skriv hvem der besøgte barnet",
        ),
        RecordField(
            "alene",
            "Blev samtalen med barnet holdt alene?",
            "bool",
            help="Så vidt muligt uden ansatte fra anbringelsesstedet (§ 156, stk. 5).",
            missing="Svar på, om samtalen med barnet blev holdt alene",
        ),
        RecordField(
            "ikke_alene_begrundelse",
            "Hvorfor blev samtalen ikke holdt alene?",
            "text",
            when=("alene", False),
            missing="Begrund, hvorfor samtalen ikke blev holdt alene",
        ),
        RecordField(
            "barnets_ord",
            "Hvad fortalte barnet?",
            "text",
            missing="Skriv hvad barnet fortalte",
        ),
        RecordField(
            "iagttagelser",
            "Iagttagelser",
            "text",
            help="Hvordan barnet trives, og hvad du så på anbringelsesstedet.",
            missing="Skriv dine iagttagelser",
        ),
        RecordField(
            "opfoelgning",
            "Opfølgning (valgfri)",
            "text",
            required=False,
            help="Hvad der skal ske efter besøget.",
        ),
        RecordField(
            "opfoelgning_frist",
            "Frist for opfølgningen (valgfri)",
            "date",
            required=False,
            help="Giver en aktivitet på sagen med denne frist.",
            future=True,
        ),
    ),
)
SUPERVISION_BASIS = "Barnets Lov § 156, stk. 5: mindst to tilsynsbesøg om året"

# The front of the process (issue 17 item 1). Afdækning (Barnets Lov § 19): a short
# clarification of one or more matters before or instead of a full investigation. The law
# sets no deadline; Trekant plans 20 working days (about four weeks), the kommune's own frame.
AFDAEKNING_WORKING_DAYS = 20
AFDAEKNING_NEXT = (
    FieldChoice("ingen", "Ingen yderligere – afdækningen afsluttes"),
    FieldChoice("stoette", "Støtte uden børnefaglig undersøgelse (afgørelse efter § 32)"),
    FieldChoice("undersoegelse", "Børnefaglig undersøgelse (§ 20)"),
)
AFDAEKNING = CompletionForm(
    "Afdækning afsluttet",
    "Registrér afdækning",
    (
        RecordField(
            "afdaekket",
            "Hvad er afdækket?",
            "text",
            help="De forhold, afdækningen har belyst, og hvem du har talt med.",
            missing="Skriv hvad der er afdækket",
        ),
        RecordField("konklusion", "Konklusion", "text", missing="Skriv konklusionen"),
        RecordField(
            "hvad_nu",
            "Hvad sker der nu?",
            "choice",
            choices=AFDAEKNING_NEXT,
            missing="Vælg hvad der sker nu",
        ),
        RecordField(
            "opmaerksom",
            "Hvornår blev kommunen opmærksom på barnets forhold?",
            "date",
            when=("hvad_nu", "undersoegelse"),
            help="Undersøgelsens frist på 4 måneder regnes fra denne dato (§ 20, stk. 3).",
            missing="Angiv datoen, hvor kommunen blev opmærksom på barnets forhold",
        ),
    ),
)
# Suspected abuse (Barnets Lov § 20, stk. 1, nr. 2; § 137, stk. 3-4, checked 2026-12-06):
# the kommune must decide on a børnefaglig undersøgelse and hold a conversation with the
# child. The law names no number of days; Trekant gives the kommune's own short frames.
ABUSE_DECISION_WORKING_DAYS = 2
ABUSE_CONVERSATION_WORKING_DAYS = 5
ABUSE_DECISION = CompletionForm(
    "Stillingtagen til børnefaglig undersøgelse",
    "Tag stilling",
    (
        RecordField(
            "undersoegelse",
            "Skal der gennemføres en børnefaglig undersøgelse (§ 20)?",
            "bool",
            help="Ja starter undersøgelsen med fristen på 4 måneder fra underretningen.",
            missing="Svar på, om der skal gennemføres en børnefaglig undersøgelse",
        ),
        RecordField(
            "begrundelse",
            "Begrundelse",
            "text",
            missing="Begrund beslutningen",
        ),
    ),
)
ABUSE_CONVERSATION = CompletionForm(
    "Samtale med barnet ved mistanke om overgreb",
    "Registrér samtale",
    (
        RecordField(
            "holdt",
            "Er samtalen med barnet holdt?",
            "bool",
            missing="Svar på, om samtalen med barnet er holdt",
        ),
        RecordField(
            "dato",
            "Dato for samtalen",
            "date",
            when=("holdt", True),
            missing="Angiv datoen for samtalen",
        ),
        RecordField(
            "uden_foraeldre",
            "Blev samtalen holdt uden forældremyndighedsindehaveren?",
            "bool",
            when=("holdt", True),
            help="Ved mistanke om overgreb fra forældrenes side holdes samtalen uden deres "
            "samtykke og tilstedeværelse (§ 137, stk. 3).",
            missing="Svar på, om samtalen blev holdt uden forældremyndighedsindehaveren",
        ),
        RecordField(
            "barnets_ord",
            "Hvad fortalte barnet?",
            "text",
            when=("holdt", True),
            missing="Skriv hvad barnet fortalte",
        ),
        RecordField(
            "undladt_begrundelse",
            "Hvorfor er samtalen undladt?",
            "text",
            when=("holdt", False),
            help="Samtalen kan undlades, hvis barnets modenhed eller sagens karakter taler "
            "imod (§ 137, stk. 4).",
            missing="Begrund, hvorfor samtalen er undladt",
        ),
    ),
)


@dataclass(frozen=True)
class Rule:
    id: str
    trigger: Trigger
    title: str
    basis: str
    due: Due
    completed_by: str  # the event that completes the activity
    confirmed: bool = True  # the citation was checked against the consolidated act
    # Why the activity is due "as soon as possible" instead (the facts made the statutory
    # deadline impossible); it is then not counted as missed.
    asap: Callable[[Facts], str | None] | None = None
    # What completing it records (a form), or the other flow that completes it.
    form: CompletionForm | None = None
    completed_in: Literal["investigation", "step", "plan", "indberetning"] | None = None

    @property
    def completion(self) -> Completion:
        if self.form is not None:
            return "record"
        return self.completed_in or "click"

    @property
    def citation(self) -> str:
        """The basis as shown to people: an unconfirmed one says so in the text itself, so
        no screen, journal line or transferred case presents it as certain."""
        return self.basis if self.confirmed else f"{self.basis} {UNCONFIRMED}"

    def deadline(self, f: Facts) -> tuple[datetime | None, str | None]:
        """The deadline and, when it is "as soon as possible", the reason."""
        return self.due(f), (self.asap(f) if self.asap else None)


# Statutory reporting to Ankestyrelsen (issue 18 item 2, backend/ankestyrelsen): a placement
# is reported within four weeks of the decision (docs/reporting.md, "Ankestyrelsen"). Sent
# from the report's own dialog (completion "indberetning"), never by "Udført".
ANKESTYRELSEN_WEEKS = 4
# § 139 decisions are registered with Ankestyrelsen "løbende" (no day count found, see
# docs/reporting.md): Trekant's own frame is two weeks after the decision.
ANKESTYRELSEN_139_WEEKS = 2
# Retssikkerhedsloven and the bekendtgørelse om dataindberetninger (docs/reporting.md), short:
# it is the line under the activity on the front page.
ANKESTYRELSEN_BASIS = "Retssikkerhedsloven: senest 4 uger efter hændelsen"
RULES: tuple[Rule, ...] = (
    Rule(
        "vurdering-24-timer",
        Trigger.UNDERRETNING,
        "Vurdér inden 24 timer, om barnets sundhed eller udvikling er i fare, og om der er "
        "behov for akutte foranstaltninger",
        "Barnets Lov § 136 om kommunens behandling af underretninger: inden 24 timer",
        within_hours(24),
        "underretning.vurderet",
        form=ASSESSMENT_24H,
    ),
    Rule(
        "kvittering-fagperson",
        Trigger.UNDERRETNING_FRA_FAGPERSON,
        "Send kvittering for modtagelsen til den fagperson, der har underrettet",
        "Barnets Lov § 136 (tidl. SEL § 155 b, stk. 1): bekræft modtagelsen inden 6 hverdage",
        within_working_days(6),
        "underretning.kvitteret",
        confirmed=False,
        form=RECEIPT,
    ),
    Rule(
        "revurdering-137",
        Trigger.UNDERRETNING_KENDT_ELLER_OVERGREB,
        "Genvurdér sagen med en medarbejder, der ikke tidligere har deltaget i behandlingen "
        "af sagen",
        "Barnets Lov § 137, stk. 1: genvurdering, når barnet allerede har en støttende indsats "
        "efter § 32 eller en anbringelse efter §§ 46, 47 eller 67",
        no_fixed_deadline,
        # Only its form completes it (who re-assessed is checked); the step "Revurdering"
        # (event "underretning.revurderet") names no one, so it no longer does.
        "underretning.genvurderet",
        form=REASSESSMENT,
    ),
    Rule(
        "afklar-henvendelse",
        Trigger.HENVENDELSE,
        "Tag stilling til henvendelsen eller ansøgningen og giv familien svar",
        "Retssikkerhedsloven § 3, stk. 2: inden for kommunens egen sagsbehandlingsfrist",
        on_planned_date,
        "henvendelse.afklaret",
        confirmed=False,
        form=ANSWER,
    ),
    Rule(
        "undersoegelse-4-maaneder",
        Trigger.UNDERSOEGELSE_BESLUTTET,
        "Afslut den børnefaglige undersøgelse (ellers en foreløbig vurdering)",
        "Barnets Lov § 20, stk. 3: senest 4 måneder efter, at kommunen blev opmærksom",
        within_months(4, from_aware=True),
        "undersoegelse.afsluttet",
        completed_in="investigation",
    ),
    Rule(
        "boernesamtale",
        Trigger.AFGOERELSE_FORBEREDES,
        "Hold børnesamtale før afgørelsen",
        "Barnets Lov § 5, stk. 3 (kan i helt særlige tilfælde fraviges efter stk. 4)",
        before_decision,
        "boernesamtale.holdt",
        completed_in="step",
    ),
    Rule(
        "partshoering",
        Trigger.AFGOERELSE_FORBEREDES,
        "Partshøring før afgørelse mod en part",
        "Forvaltningsloven § 19",
        before_decision,
        "partshoering.gennemfoert",
        confirmed=False,
        completed_in="step",
    ),
    Rule(
        "barnets-plan-32",
        Trigger.STOETTE_32,
        "Tag stilling til barnets plan, og udarbejd den i givet fald",
        "Barnets Lov § 91, stk. 1: senest 3 måneder efter afgørelsen om indsats efter § 32",
        months_after_decision(3),
        "plan.godkendt",
        completed_in="plan",
    ),
    Rule(
        "barnets-plan-46",
        Trigger.ANBRINGELSE_46,
        "Udarbejd barnets plan (anbringelse med samtykke)",
        "Barnets Lov § 91, stk. 2: senest 3 måneder efter afgørelsen om anbringelse",
        months_after_decision(3),
        "plan.godkendt",
        completed_in="plan",
    ),
    Rule(
        "barnets-plan-47",
        Trigger.AFGOERELSE_47_FORBEREDES,
        "Udarbejd barnets plan før afgørelsen om anbringelse uden samtykke",
        "Barnets Lov § 91, stk. 2, 3. pkt.: planen skal foreligge før afgørelsen",
        before_decision,
        "plan.godkendt",
        completed_in="plan",
    ),
    Rule(
        "foerste-opfoelgning",
        Trigger.INDSATS_STARTET,
        "Første opfølgning på indsatsen",
        "Barnets Lov § 95, stk. 2: senest 3 måneder efter start, eller når en sideløbende "
        "undersøgelse afsluttes, hvis det er før",
        first_follow_up,
        "opfoelgning.gennemfoert",
        completed_in="step",
    ),
    Rule(
        "naeste-opfoelgning",
        Trigger.OPFOELGNING_PLANLAGT,
        "Opfølgning på indsatsen",
        "Barnets Lov § 95, stk. 3: løbende opfølgning efter den plan, sagsbehandleren har "
        "fastsat og begrundet",
        on_planned_date,
        "opfoelgning.gennemfoert",
        completed_in="step",
    ),
    Rule(
        "ungeplan",
        Trigger.ANBRAGT_UNG,
        "Udarbejd ungeplan for den anbragte unge",
        "Barnets Lov § 108, stk. 2-3: ved anbringelse af en ung over 16 år, senest 3 måneder "
        "efter afgørelsen eller efter det fyldte 16. år",
        youth_plan_due,
        "ungeplan.udarbejdet",
        confirmed=False,
        completed_in="step",
    ),
    Rule(
        "overgang-18",
        Trigger.ANBRAGT_UNG,
        "Revidér ungeplanen og træf afgørelse om ungestøtte efter det 18. år",
        "Barnets Lov § 111, stk. 1-2: senest 6 måneder før anbringelsen ophører ved det "
        "fyldte 18. år",
        before_18,
        "overgang.planlagt",
        confirmed=False,
        asap=after_17_5,
        completed_in="step",
    ),
    Rule(
        "tilsynsbesoeg",
        Trigger.ANBRINGELSE_STARTET,
        "Tilsynsbesøg hos det anbragte barn",
        SUPERVISION_BASIS,
        within_months(SUPERVISION_MONTHS),
        "tilsyn.holdt",
        form=SUPERVISION_VISIT,
    ),
    Rule(
        "naeste-tilsynsbesoeg",
        Trigger.TILSYNSBESOEG_HOLDT,
        "Tilsynsbesøg hos det anbragte barn",
        SUPERVISION_BASIS,
        on_planned_date,
        "tilsyn.holdt",
        form=SUPERVISION_VISIT,
    ),
    Rule(
        "afdaekning",
        Trigger.AFDAEKNING_STARTET,
        "Afslut afdækningen: hvad er afdækket, konklusionen, og hvad der nu skal ske",
        "Barnets Lov § 19 (afdækning); loven fastsætter ingen frist – kommunens egen: "
        f"{AFDAEKNING_WORKING_DAYS} hverdage",
        within_working_days(AFDAEKNING_WORKING_DAYS),
        "afdaekning.afsluttet",
        confirmed=False,
        form=AFDAEKNING,
    ),
    Rule(
        "overgreb-stillingtagen",
        Trigger.UNDERRETNING_OVERGREB,
        "Tag stilling til børnefaglig undersøgelse (§ 20)",
        "Barnets Lov § 20, stk. 1, nr. 2: afgørelse om børnefaglig undersøgelse ved mistanke "
        f"om overgreb; fristen er kommunens egen ({ABUSE_DECISION_WORKING_DAYS} hverdage)",
        within_working_days(ABUSE_DECISION_WORKING_DAYS),
        "overgreb.stillingtaget",
        form=ABUSE_DECISION,
    ),
    Rule(
        "overgreb-samtale",
        Trigger.UNDERRETNING_OVERGREB,
        "Hold samtale med barnet (mistanke om overgreb)",
        "Barnets Lov § 137, stk. 3-4: ved underretning om overgreb skal der finde en samtale "
        "sted med barnet; kan undlades efter stk. 4; fristen er kommunens egen "
        f"({ABUSE_CONVERSATION_WORKING_DAYS} hverdage)",
        within_working_days(ABUSE_CONVERSATION_WORKING_DAYS),
        "overgreb.samtale",
        form=ABUSE_CONVERSATION,
    ),
    Rule(
        "undersoegelse-afslut",
        Trigger.UNDERSOEGELSE_FORLOEBIG,
        "Afslut den børnefaglige undersøgelse",
        "Barnets Lov § 20, stk. 3, 2. pkt.: efter den foreløbige vurdering afsluttes "
        "undersøgelsen snarest",
        on_planned_date,
        "undersoegelse.afsluttet",
        completed_in="investigation",
    ),
    Rule(
        "indberet-anbringelse",
        Trigger.ANBRINGELSE_STARTET,
        "Indberet anbringelsen til Ankestyrelsen",
        "Retssikkerhedsloven: senest 4 uger efter afgørelsen",
        weeks_after_decision(ANKESTYRELSEN_WEEKS),
        "ankestyrelsen.indberettet",
        confirmed=False,
        completed_in="indberetning",
    ),
    Rule(
        "indberet-aendring",
        Trigger.ANBRINGELSE_AENDRET,
        "Indberet ændringen af anbringelsen til Ankestyrelsen",
        ANKESTYRELSEN_BASIS,
        weeks_after_decision(ANKESTYRELSEN_WEEKS),
        "ankestyrelsen.indberettet",
        confirmed=False,
        completed_in="indberetning",
    ),
    Rule(
        "indberet-ophoer",
        Trigger.ANBRINGELSE_OPHOERT,
        "Indberet anbringelsens ophør til Ankestyrelsen",
        ANKESTYRELSEN_BASIS,
        weeks_after_decision(ANKESTYRELSEN_WEEKS),
        "ankestyrelsen.indberettet",
        confirmed=False,
        completed_in="indberetning",
    ),
    Rule(
        "indberet-eftervaern",
        Trigger.EFTERVAERN_STARTET,
        "Indberet døgnophold i efterværn til Ankestyrelsen",
        ANKESTYRELSEN_BASIS,
        weeks_after_decision(ANKESTYRELSEN_WEEKS),
        "ankestyrelsen.indberettet",
        confirmed=False,
        completed_in="indberetning",
    ),
    Rule(
        "indberet-139",
        Trigger.INDGREB_139,
        "Indberet afgørelsen efter § 139 til Ankestyrelsen",
        f"Barnets Lov § 139: løbende (kommunens egen frist: {ANKESTYRELSEN_139_WEEKS} uger)",
        weeks_after_decision(ANKESTYRELSEN_139_WEEKS),
        "ankestyrelsen.indberettet",
        confirmed=False,
        completed_in="indberetning",
    ),
)
# The report activities (backend/ankestyrelsen): completed only by sending the report, never
# cancelled by the event that ends what they report on (a placement that ended was still
# a placement to report).
REPORT_RULES = (
    "indberet-anbringelse",
    "indberet-aendring",
    "indberet-ophoer",
    "indberet-eftervaern",
    "indberet-139",
)
SUPERVISION_RULES = frozenset({"tilsynsbesoeg", "naeste-tilsynsbesoeg"})
# Reviewing a decision on contact during a placement (backend/contact): not in the table
# above (its date is the decision's own), completed with "Udført".
CONTACT_REVIEW_RULE = "samvaer-revurdering"


def rules_for(trigger: Trigger) -> list[Rule]:
    return [r for r in RULES if r.trigger == trigger]


# By id: the front page asks for an activity's rule several times per activity.
_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rule(rule_id: str) -> Rule:
    """The rule ``rule_id``; KeyError for an unknown id."""
    return _BY_ID[rule_id]


# The caseworker's own activities (and those made from a team's activity plan): not in the
# rule table; completed with "Udført" and an optional note (issue 17 item 7).
OWN_RULE = "egen"
OWN_FORM = CompletionForm(
    "Udført",
    "Udført",
    (
        RecordField(
            "bemaerkning",
            "Bemærkning (valgfri)",
            "text",
            required=False,
            help="Skrives i journalen sammen med aktiviteten.",
        ),
    ),
)


def completion_of(rule_id: str | None) -> Completion:
    """How an activity of ``rule_id`` is completed ("click" for one without a rule)."""
    if rule_id is None:
        return "click"
    if rule_id == OWN_RULE:
        return "record"
    if rule_id in APPEAL_FLOW:
        return "klage"
    if rule_id in COMMITTEE_FLOW:
        return "udvalg"
    if rule_id in LETTER_COMPLETED:
        return "brev"
    try:
        return rule(rule_id).completion
    except KeyError:
        return "click"


def form_of(rule_id: str | None) -> CompletionForm | None:
    """The record completing an activity of ``rule_id`` needs, if any."""
    if rule_id is None:
        return None
    if rule_id == OWN_RULE:
        return OWN_FORM
    try:
        return rule(rule_id).form
    except KeyError:
        return None


def basis_confirmed(rule_id: str | None) -> bool:
    """Whether the citation of ``rule_id``'s activity was confirmed (True for activities
    without a rule: their text is the caseworker's own)."""
    if rule_id is None:
        return True
    if rule_id in COMMITTEE_RULES:
        return COMMITTEE_RULES[rule_id]
    try:
        return rule(rule_id).confirmed
    except KeyError:
        return True


# The activities of a complaint's course (backend/appeals adds them through
# lifecycle.add_activity; their deadlines are computed there, not from this table).
APPEAL_RULES = ("klage-genvurdering", "klage-send", "klage-gennemfoer", "klage-hjemvist")
# Of those, the ones the complaint's own steps complete (the genvurdering, the package).
APPEAL_FLOW = ("klage-genvurdering", "klage-send")

# Short Danish names of the rules' activities, for filters and counts (the title is the
# full sentence).
SHORT_TITLES: dict[str, str] = {
    "vurdering-24-timer": "24-timers vurdering",
    "kvittering-fagperson": "Kvittering til fagperson",
    "revurdering-137": "Revurdering af underretning",
    "afklar-henvendelse": "Svar på henvendelse",
    "undersoegelse-4-maaneder": "Børnefaglig undersøgelse",
    "boernesamtale": "Børnesamtale",
    "partshoering": "Partshøring",
    "barnets-plan-32": "Barnets plan (støtte)",
    "barnets-plan-46": "Barnets plan (anbringelse)",
    "barnets-plan-47": "Barnets plan (uden samtykke)",
    "foerste-opfoelgning": "Første opfølgning",
    "naeste-opfoelgning": "Opfølgning",
    "ungeplan": "Ungeplan",
    "overgang-18": "Overgang til voksenlivet",
    "tilsynsbesoeg": "Første tilsynsbesøg",
    "naeste-tilsynsbesoeg": "Tilsynsbesøg",
    CONTACT_REVIEW_RULE: "Revurdering af samvær",
    OWN_RULE: "Egen aktivitet",
    # complaints (backend/appeals): activities added through lifecycle.add_activity
    "klage-genvurdering": "Genvurdering af klage",
    "klage-send": "Klage til Ankestyrelsen",
    "klage-gennemfoer": "Ankestyrelsens afgørelse",
    "klage-hjemvist": "Hjemvist sag",
    # the front of the process (issue 17 item 1)
    "afdaekning": "Afdækning",
    "overgreb-stillingtagen": "Stillingtagen til undersøgelse",
    "overgreb-samtale": "Samtale ved overgreb",
    "undersoegelse-afslut": "Afslut undersøgelse",
    "indberet-anbringelse": "Indberetning til Ankestyrelsen",
    "indberet-aendring": "Indberet ændret anbringelse",
    "indberet-ophoer": "Indberet ophør af anbringelse",
    "indberet-eftervaern": "Indberet ophold i efterværn",
    "indberet-139": "Indberetning: § 139",
}
# Activities planned from a date recorded (not computed from the trigger's facts): a changed
# date does not recompute them.
PLANNED_RULES = frozenset({"naeste-opfoelgning", "naeste-tilsynsbesoeg", "undersoegelse-afslut"})
# The § 137, stk. 1 re-assessment: the measures' sections that make a notification call for it.
REASSESSMENT_PARAGRAPHS = ("32", "46", "47", "67")
OTHER_ACTIVITIES = "anden"  # the type filter's value for activities without a rule


def short_title(rule_id: str | None) -> str:
    """The short name of ``rule_id``'s activities ("Andre aktiviteter" without a rule)."""
    if rule_id is None:
        return "Andre aktiviteter"
    return SHORT_TITLES.get(rule_id) or "Andre aktiviteter"


# Placement without consent (§ 47) by børne- og ungeudvalget (backend/casework/committee.py
# adds these activities through lifecycle.add_activity; their deadlines come from the
# indstilling's dates, not from the table above).
COMMITTEE_BASIS = "Barnets Lov § 142, stk. 1: børne- og ungeudvalget træffer afgørelse i et møde"
COMMITTEE_COUNSEL_BASIS = (
    "Barnets Lov § 140 (gratis advokatbistand) og § 141 (aktindsigt, barnet fra 10 år) "
    "før udvalgets afgørelse"
)
COMMITTEE_CONFIRM_BASIS = (
    "Barnets Lov § 143: formandens foreløbige afgørelse forelægges udvalget inden 7 dage"
)
COMMITTEE_REVIEW_BASIS = (
    "Barnets Lov § 50: opretholdelse ud over 1 år (2 eller 3 år efter udvalgets afgørelse) "
    "kræver ny afgørelse i udvalget"
)
COMMITTEE_LETTER_BASIS = (
    "Barnets Lov § 145: udvalgets afgørelse sendes med klagevejledning (klage direkte til "
    "Ankestyrelsen inden 4 uger)"
)
# Whether each rule's citation was confirmed against LBK 282/2025 (docs/deadlines.md).
COMMITTEE_RULES: dict[str, bool] = {
    "udvalg-advokat": False,  # § 140 not seen; § 141 confirmed (regelrytter/retsinformation)
    "udvalg-moede": True,  # § 142, stk. 1 (lovguiden.dk, LBK 282/2025)
    "udvalg-formand": False,  # § 143 text not seen; 7 days from the former SEL § 75
    "udvalg-genbehandling": False,  # § 50 not seen; 1/2/3 years from the former SEL § 62
    "udvalg-send": False,  # the complaint section was not seen in the act's text
}
# Of those, the ones completed by the indstilling's own steps (Forløb › Børne- og
# ungeudvalget): the offers, the meeting's decision, the committee's answer to the chair.
COMMITTEE_FLOW = ("udvalg-advokat", "udvalg-moede", "udvalg-formand")
# Completed by sending a letter (backend/letters): the rule's letter purpose, which the PWA's
# "Udfør" opens the letter writer with.
LETTER_COMPLETED: dict[str, str] = {"udvalg-send": "afgoerelse_udvalg"}
COMMITTEE_COUNSEL_AGE = 10  # the child is a party from 10 (§ 3, § 141, § 142, stk. 2)
COMMITTEE_CONFIRM_DAYS = 7
SHORT_TITLES.update(
    {
        "udvalg-advokat": "Advokatbistand og aktindsigt",
        "udvalg-moede": "Børne- og ungeudvalgets møde",
        "udvalg-formand": "Formandsafgørelse",
        "udvalg-genbehandling": "Genbehandling i udvalget",
        "udvalg-send": "Udvalgets afgørelse sendes",
    }
)
