"""The statutory activities and their deadlines: one declarative table.

A change in the law is a change to one row here. Each rule names what triggers it, the
activity it creates (Danish title), its legal basis, how its deadline is computed from the
trigger's facts, and which event completes it. Where the exact section of Barnets Lov is
still to be confirmed against the consolidated act, ``basis`` says so rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from backend.casework.workdays import add_months, add_working_days, next_working_day

DK = ZoneInfo("Europe/Copenhagen")


def today_dk() -> date:
    """Today in Denmark: the date every deadline, form and check is about."""
    return datetime.now(DK).date()


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


@dataclass(frozen=True)
class Facts:
    """What a trigger knows: when it happened, and dates it may depend on."""

    at: datetime  # aware, when the trigger happened (e.g. receipt of the notification)
    aware_since: date | None = None  # when the kommune became aware (4-month rule)
    investigation_ends: date | None = None  # a parallel investigation's deadline (§ 95)
    birth_date: date | None = None
    planned: date | None = None  # a date the caseworker set (the next follow-up)

    @property
    def day(self) -> date:
        return self.at.astimezone(DK).date()


Due = Callable[[Facts], datetime | None]


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=DK)


def within_hours(hours: int) -> Due:
    return lambda f: f.at + timedelta(hours=hours)


def within_working_days(days: int) -> Due:
    return lambda f: _end_of(add_working_days(f.day, days))


def within_months(months: int, *, from_aware: bool = False) -> Due:
    def due(f: Facts) -> datetime:
        start = f.aware_since if from_aware and f.aware_since else f.day
        return _end_of(next_working_day(add_months(start, months)))

    return due


def before_decision(f: Facts) -> None:
    """Due before the decision it belongs to; it has no date of its own."""
    return None


def no_fixed_deadline(f: Facts) -> None:
    """Required, but the law sets no date; the caseworker plans it."""
    return None


def first_follow_up(f: Facts) -> datetime:
    """The earlier of three months after the start and the end of a parallel investigation."""
    candidates = [next_working_day(add_months(f.day, 3))]
    if f.investigation_ends:
        candidates.append(next_working_day(f.investigation_ends))
    return _end_of(min(candidates))


def on_planned_date(f: Facts) -> datetime | None:
    """The date the caseworker set, moved to a working day."""
    return _end_of(next_working_day(f.planned)) if f.planned else None


def youth_plan_due(f: Facts) -> datetime | None:
    """Three months after the later of the measure's start and the 16th birthday."""
    if f.birth_date is None:
        return None
    sixteen = add_months(f.birth_date, 16 * 12)
    return _end_of(next_working_day(add_months(max(f.day, sixteen), 3)))


def before_18(f: Facts) -> datetime | None:
    """Transition planning due six months before the 18th birthday."""
    if f.birth_date is None:
        return None
    eighteen = add_months(f.birth_date, 18 * 12)
    return _end_of(next_working_day(add_months(eighteen, -6)))


@dataclass(frozen=True)
class Rule:
    id: str
    trigger: Trigger
    title: str
    basis: str
    due: Due
    completed_by: str  # the event that completes the activity


RULES: tuple[Rule, ...] = (
    Rule(
        "vurdering-24-timer",
        Trigger.UNDERRETNING,
        "Vurdér inden 24 timer, om barnets sundhed eller udvikling er i fare, og om der er "
        "behov for akutte foranstaltninger",
        "Barnets Lov § 136 om kommunens behandling af underretninger (tidl. SEL § 155, stk. 2)",
        within_hours(24),
        "underretning.vurderet",
    ),
    Rule(
        "kvittering-fagperson",
        Trigger.UNDERRETNING_FRA_FAGPERSON,
        "Send kvittering for modtagelsen til den fagperson, der har underrettet",
        "Tidl. SEL § 155 b, stk. 1, videreført i Barnets Lov; 6 hverdage",
        within_working_days(6),
        "underretning.kvitteret",
    ),
    Rule(
        "revurdering-137",
        Trigger.UNDERRETNING_KENDT_ELLER_OVERGREB,
        "Revurdering af en medarbejder, der ikke tidligere har været involveret i sagen, "
        "og børnesamtale (skal holdes ved mistanke om overgreb)",
        "Barnets Lov § 137",
        no_fixed_deadline,
        "underretning.revurderet",
    ),
    Rule(
        "afklar-henvendelse",
        Trigger.HENVENDELSE,
        "Tag stilling til henvendelsen eller ansøgningen og giv familien svar",
        "Retssikkerhedsloven § 3, stk. 2: inden for kommunens egen sagsbehandlingsfrist",
        on_planned_date,
        "henvendelse.afklaret",
    ),
    Rule(
        "undersoegelse-4-maaneder",
        Trigger.UNDERSOEGELSE_BESLUTTET,
        "Afslut den børnefaglige undersøgelse (ellers en foreløbig vurdering)",
        "Barnets Lov §§ 20 og 22: senest 4 måneder efter, at kommunen blev opmærksom",
        within_months(4, from_aware=True),
        "undersoegelse.afsluttet",
    ),
    Rule(
        "boernesamtale",
        Trigger.AFGOERELSE_FORBEREDES,
        "Hold børnesamtale før afgørelsen",
        "Barnets Lov § 5, stk. 3-4",
        before_decision,
        "boernesamtale.holdt",
    ),
    Rule(
        "partshoering",
        Trigger.AFGOERELSE_FORBEREDES,
        "Partshøring før afgørelse mod en part",
        "Forvaltningsloven § 19",
        before_decision,
        "partshoering.gennemfoert",
    ),
    Rule(
        "barnets-plan-32",
        Trigger.STOETTE_32,
        "Tag stilling til barnets plan, og udarbejd den i givet fald",
        "Barnets Lov §§ 91-92: inden 3 måneder efter støtte efter § 32",
        within_months(3),
        "plan.godkendt",
    ),
    Rule(
        "barnets-plan-46",
        Trigger.ANBRINGELSE_46,
        "Udarbejd barnets plan (anbringelse med samtykke)",
        "Barnets Lov §§ 91-92: inden 3 måneder efter afgørelse efter § 46",
        within_months(3),
        "plan.godkendt",
    ),
    Rule(
        "barnets-plan-47",
        Trigger.AFGOERELSE_47_FORBEREDES,
        "Udarbejd barnets plan før afgørelsen om anbringelse uden samtykke",
        "Barnets Lov § 91",
        before_decision,
        "plan.godkendt",
    ),
    Rule(
        "foerste-opfoelgning",
        Trigger.INDSATS_STARTET,
        "Første opfølgning på indsatsen",
        "Barnets Lov § 95: senest 3 måneder efter start, eller når en sideløbende "
        "undersøgelse afsluttes, hvis det er før",
        first_follow_up,
        "opfoelgning.gennemfoert",
    ),
    Rule(
        "naeste-opfoelgning",
        Trigger.OPFOELGNING_PLANLAGT,
        "Opfølgning på indsatsen",
        "Barnets Lov § 95: løbende opfølgning efter den plan, sagsbehandleren har "
        "fastsat og begrundet",
        on_planned_date,
        "opfoelgning.gennemfoert",
    ),
    Rule(
        "ungeplan",
        Trigger.ANBRAGT_UNG,
        "Udarbejd ungeplan for den anbragte unge",
        "Barnets Lov § 108, stk. 2-3: ved anbringelse af en ung over 16 år, senest 3 måneder "
        "efter afgørelsen eller efter det fyldte 16. år",
        youth_plan_due,
        "ungeplan.udarbejdet",
    ),
    Rule(
        "overgang-18",
        Trigger.ANBRAGT_UNG,
        "Revidér ungeplanen og træf afgørelse om ungestøtte efter det 18. år",
        "Barnets Lov § 111, stk. 1-2: senest 6 måneder før anbringelsen ophører ved det "
        "fyldte 18. år",
        before_18,
        "overgang.planlagt",
    ),
)


def rules_for(trigger: Trigger) -> list[Rule]:
    return [r for r in RULES if r.trigger == trigger]


def rule(rule_id: str) -> Rule:
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)
