"""The legal process after the notification: visitation and decision (§§ 32, 46, 47),
measures (indsatser) and their follow-up (§ 95), the steps that complete statutory
activities, changed dates that move deadlines, and closing the case.

Like ``service``, every function runs in the request's tenant transaction and journals
what it does in that same transaction. Preconditions are in the docstrings.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from backend.casework import lifecycle, ports
from backend.casework import repository as repo
from backend.casework.events import ChildCasesChanged
from backend.casework.lifecycle import (
    create_activities,
    measure_facts,
    restage,
    start_measure,
    start_of,
)
from backend.casework.rules import DK, REPORT_RULES, Facts, Trigger, rules_for, today_dk
from backend.casework.service import (
    CASE_NOT_FOUND_OR_CLOSED,
    CaseError,
    CaseNotFound,
    close_clarifications,
    complete_by_event,
    lock_case,
    recompute,
)
from backend.core.danish import fmt_due
from backend.core.errors import Stale
from backend.core.events import publish
from backend.core.journal import named, stamp
from backend.core.measures import MEASURES as MEASURES
from backend.core.measures import OUTCOMES as OUTCOMES
from backend.core.measures import PARAGRAPHS as PARAGRAPHS
from backend.core.measures import (
    YOUTH_CONTACT_PERSON,
    YOUTH_END_AGE,
    YOUTH_MEASURES,
    YOUTH_MIN_AGE,
    YOUTH_PARAGRAPH,
)
from backend.core.workdays import add_months

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

# What a recorded step is, the event that completes activities, and its journal title.
STEPS: dict[str, tuple[str, str]] = {
    "boernesamtale": ("boernesamtale.holdt", "Børnesamtale holdt"),
    "partshoering": ("partshoering.gennemfoert", "Partshøring gennemført"),
    "plan": ("plan.godkendt", "Barnets plan udarbejdet"),
    "ungeplan": ("ungeplan.udarbejdet", "Ungeplan udarbejdet"),
    "opfoelgning": ("opfoelgning.gennemfoert", "Opfølgning på indsatsen gennemført"),
    "overgang": ("overgang.planlagt", "Overgangen til voksenlivet er planlagt"),
    "revurdering": ("underretning.revurderet", "Revurdering gennemført"),
}

# Activities that must be done before a decision; making it without them needs a reason.
PREREQUISITES = ("boernesamtale", "partshoering", "barnets-plan-47")
COMMITTEE_ONLY = (
    "En anbringelse uden samtykke træffes af børne- og ungeudvalget, ikke af "
    "sagsbehandleren. Forbered en indstilling til udvalget under Forløb › Børne- og "
    "ungeudvalget."
)


def _check_date(field: str, value: date, *, past_years: int = 5, future_days: int = 0) -> None:
    today = today_dk()
    if value > date.fromordinal(today.toordinal() + future_days):
        raise CaseError(field, "Datoen ligger i fremtiden")
    if value.year < today.year - past_years:
        raise CaseError(field, "Datoen ligger for langt tilbage")


async def _open_enkeltsag(hovedsag_id: uuid.UUID, kind: str) -> repo.OpenEnkeltsag | None:
    return await repo.get_open_enkeltsag(hovedsag_id, kind)


async def do_start_visitation(
    actor: str, hovedsag_id: AccessibleCase, paragraph: str
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Prepare a decision under ``paragraph``: a visitation enkeltsag, and the activities
    the law requires before it (child conversation, hearing; for § 47 also the plan)."""
    if paragraph not in PARAGRAPHS:
        raise CaseError("paragraph", "Vælg hvilken paragraf afgørelsen skal træffes efter")
    case = await lock_case(hovedsag_id)
    if case.closed_at is not None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    if await _open_enkeltsag(hovedsag_id, "afgoerelse"):
        raise CaseError("paragraph", "Der er allerede en afgørelse under forberedelse")
    enkeltsag_id = await repo.insert_enkeltsag(hovedsag_id, "afgoerelse", paragraph)
    await close_clarifications(hovedsag_id, "Afklaringen er afsluttet: afgørelse forberedes")
    await stamp(
        hovedsag_id,
        actor,
        "afgoerelse.forberedes",
        f"Visitation: afgørelse efter {PARAGRAPHS[paragraph]} forberedes",
        "",
        enkeltsag_id,
    )
    rules = rules_for(Trigger.AFGOERELSE_FORBEREDES)
    if paragraph == "47":
        rules += rules_for(Trigger.AFGOERELSE_47_FORBEREDES)
    ids = await create_activities(
        rules,
        Facts(at=datetime.now(UTC)),
        hovedsag_id,
        enkeltsag_id,
        case.caseworker_id,
        actor,
        ("enkeltsag", enkeltsag_id),
    )
    await restage(hovedsag_id, actor)
    return enkeltsag_id, ids


@dataclass
class Decided:
    afgoerelse_id: uuid.UUID
    indsats_id: uuid.UUID | None
    activities: list[uuid.UUID]


@dataclass
class MissingStep:
    rule_id: str
    title: str
    basis: str | None


class MissingSteps(Exception):
    """The decision lacks required steps and no reason was given for proceeding."""

    def __init__(self, missing: list[MissingStep]) -> None:
        super().__init__("missing steps")
        self.missing = missing


async def missing_before_decision(enkeltsag_id: uuid.UUID) -> list[MissingStep]:
    rows = await repo.list_open_prerequisites(enkeltsag_id, list(PREREQUISITES))
    return [MissingStep(r.rule_id, r.title, r.basis) for r in rows]


async def do_decide(
    actor: str,
    hovedsag_id: AccessibleCase,
    *,
    paragraph: str,
    outcome: str,
    decided_on: date,
    summary: str,
    exceptions: dict[str, str],
    measure: str | None,
    starts_on: date | None,
    draft_id: uuid.UUID | None = None,
    ends_on: date | None = None,
    by_committee: bool = False,
) -> Decided:
    """Record a decision. A § 47 decision is made only by børne- og ungeudvalget (or its
    chair), through ``backend.casework.committee`` (``by_committee``); asked of a caseworker
    it is refused with a 400 at ``paragraph``, whatever exceptions are given.

    Required steps still open (børnesamtale, partshøring, the plan before § 47) stop it
    with :class:`MissingSteps` unless ``exceptions`` gives a reason for
    each — the law allows exceptions; the reasons go into the journal and the activities are
    cancelled with them. A granted decision with ``measure`` starts that measure, and both
    start the deadlines that follow (barnets plan, first § 95 follow-up, transition).
    With ``draft_id`` (an approved visitation draft, backend/money) the decision grants
    the draft's measures instead, each with its bevilling. Support after 18 (§ 114) is
    granted to a young person placed, or with a fast kontaktperson, before 18: it starts on
    the 18th birthday at the earliest and ``ends_on`` (its planned end) is required and no
    later than the day before the 23rd birthday (:func:`check_youth_support`)."""
    if paragraph not in PARAGRAPHS:
        raise CaseError("paragraph", "Vælg hvilken paragraf afgørelsen træffes efter")
    if paragraph == "47" and not by_committee:
        raise CaseError("paragraph", COMMITTEE_ONLY)
    if outcome not in OUTCOMES:
        raise CaseError("outcome", "Vælg om der gives bevilling eller afslag")
    if not summary.strip():
        raise CaseError("summary", "Skriv afgørelsens indhold og begrundelse")
    _check_date("decided_on", decided_on)
    if outcome == "bevilget" and measure is not None:
        if measure not in MEASURES:
            raise CaseError("measure", "Vælg en indsats")
        if (measure in YOUTH_MEASURES) != (paragraph == YOUTH_PARAGRAPH):
            raise CaseError(
                "measure",
                "Efter § 114 kan kun ungestøtte efter det 18. år vælges"
                if paragraph == YOUTH_PARAGRAPH
                else "Ungestøtte efter det 18. år gives efter § 114",
            )
        placement = MEASURES[measure][1]
        if placement != (paragraph in ("46", "47")):
            raise CaseError(
                "measure",
                "En anbringelse kræver afgørelse efter § 46 eller § 47"
                if placement
                else "Efter § 46 og § 47 skal indsatsen være en anbringelse",
            )
        if starts_on is None:
            raise CaseError("starts_on", "Angiv hvornår indsatsen starter")
        if starts_on < decided_on:
            raise CaseError("starts_on", "Indsatsen kan ikke starte før afgørelsen")
        if (starts_on - decided_on).days > 366:
            raise CaseError("starts_on", "Startdatoen ligger mere end et år efter afgørelsen")
    if ends_on is not None and (paragraph != YOUTH_PARAGRAPH or measure is None):
        raise CaseError("ends_on", "Kun ungestøtte efter § 114 får en slutdato i afgørelsen")
    money_plan = None
    if draft_id is not None:
        grant = ports.grant()  # backend.money.grants
        money_plan = await grant.check_decision(
            hovedsag_id,
            draft_id,
            paragraph=paragraph,
            outcome=outcome,
            decided_on=decided_on,
            measure=measure,
            starts_on=starts_on,
        )
        starts_on = money_plan.starts_on
    case = await lock_case(hovedsag_id)
    if case.closed_at is not None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    if paragraph == YOUTH_PARAGRAPH and outcome == "bevilget":
        periods: list[tuple[str, str | None, date, date | None]] = (
            [("", measure, starts_on, ends_on)] if measure and starts_on else []
        )
        if money_plan is not None:
            periods += money_plan.periods
        await check_youth_support(case, periods)
    visitation = await _open_enkeltsag(hovedsag_id, "afgoerelse")
    if visitation is None:
        # Deciding without a visitation first: prepare it now, so the required steps are
        # checked the same way.
        enkeltsag_id, _ = await do_start_visitation(actor, hovedsag_id, paragraph)
    else:
        enkeltsag_id = visitation["id"]
        if visitation["paragraph"] != paragraph and paragraph == "47":
            await create_activities(
                rules_for(Trigger.AFGOERELSE_47_FORBEREDES),
                Facts(at=datetime.now(UTC)),
                hovedsag_id,
                enkeltsag_id,
                case.caseworker_id,
                actor,
                ("enkeltsag", enkeltsag_id),
            )
    missing = await missing_before_decision(enkeltsag_id)
    unexplained = [m for m in missing if not (exceptions.get(m.rule_id) or "").strip()]
    if unexplained:
        raise MissingSteps(unexplained)
    used = []
    for m in missing:
        reason = exceptions[m.rule_id].strip()
        used.append({"rule_id": m.rule_id, "title": m.title, "reason": reason})
        await repo.cancel_prerequisite(
            enkeltsag_id, m.rule_id, f"Afgørelsen er truffet uden: {reason}", actor
        )
    afgoerelse_id = await repo.insert_afgoerelse(
        hovedsag_id,
        enkeltsag_id,
        paragraph,
        outcome,
        decided_on,
        summary.strip(),
        json.dumps(used, ensure_ascii=False),
        actor,
    )
    await repo.close_decided_enkeltsag(enkeltsag_id, f"Afgørelse: {OUTCOMES[outcome]}", paragraph)
    body = summary.strip()
    if used:
        body += "\n\nTruffet uden forudgående skridt:\n" + "\n".join(
            f"- {u['title']}: {u['reason']}" for u in used
        )
    await complete_by_event(actor, hovedsag_id, "henvendelse.afklaret")
    await stamp(
        hovedsag_id,
        actor,
        "afgoerelse.truffet",
        f"Afgørelse efter {PARAGRAPHS[paragraph]}: {OUTCOMES[outcome]}"
        + (" (uden forudgående skridt – se begrundelse)" if used else ""),
        body,
        enkeltsag_id,
    )
    created: list[uuid.UUID] = []
    indsats_id = None
    if outcome == "bevilget":
        trigger = {"32": Trigger.STOETTE_32, "46": Trigger.ANBRINGELSE_46}.get(paragraph)
        plan = await approved_plan(hovedsag_id)
        if trigger and plan is not None:
            # The plan already exists (approved): nothing to decide or write by a deadline.
            await stamp(
                hovedsag_id,
                actor,
                "plan.foreligger",
                "Barnets plan foreligger allerede (godkendt "
                f"{plan['approved_at'].astimezone(DK).strftime('%d.%m.%Y')}); der oprettes "
                "ingen ny frist for planen",
                "",
                enkeltsag_id,
            )
        elif trigger:
            # § 91: the plan counts from the decision, not from the measure's start.
            created += await create_activities(
                rules_for(trigger),
                Facts(at=start_of(decided_on), decided_on=decided_on),
                hovedsag_id,
                None,
                case.caseworker_id,
                actor,
                ("enkeltsag", enkeltsag_id),
            )
        if measure is not None and starts_on is not None:
            indsats_id, more = await start_measure(
                actor, case, afgoerelse_id, paragraph, measure, starts_on, ends_on
            )
            created += more
        if money_plan is not None:
            indsats_id, more = await grant.apply_decision(
                actor, case, afgoerelse_id, paragraph, money_plan
            )
            created += more
    await restage(hovedsag_id, actor)
    return Decided(afgoerelse_id, indsats_id, created)


def youth_limits(birth_date: date) -> tuple[date, date]:
    """The first and the last day support after 18 may run: the 18th birthday and the day
    before the 23rd."""
    return (
        add_months(birth_date, YOUTH_MIN_AGE * 12),
        add_months(birth_date, YOUTH_END_AGE * 12) - timedelta(days=1),
    )


async def check_youth_support(
    case: repo.LockedCase, periods: list[tuple[str, str | None, date, date | None]]
) -> None:
    """A grant under § 114 fits the young person: placed (or with a fast kontaktperson)
    before 18, and each measure's period (``line``: "" for the form's own measure, else a
    draft line's id; kind; start; planned end) inside the 18th to the day before the 23rd
    birthday. Raises a :class:`CaseError` naming the field."""
    if case.birth_date is None:
        raise CaseError("paragraph", "Ungestøtte kræver den unges fødselsdato")
    before = await repo.support_before_18(case.id)
    if not (before.placed or before.contact_person):
        raise CaseError(
            "paragraph",
            "Ungestøtte efter § 114 forudsætter, at den unge var anbragt eller havde en fast "
            "kontaktperson før det 18. år",
        )
    first, last = youth_limits(case.birth_date)
    for line, kind, start, end in periods:

        def on(field: str, line: str = line) -> str:
            return f"lines.{line}" if line else field

        if not before.placed and kind != YOUTH_CONTACT_PERSON:
            raise CaseError(
                on("measure"),
                "Uden en anbringelse før det 18. år kan kun den faste kontaktperson fortsætte "
                "efter det 18. år",
            )
        if start < first:
            raise CaseError(
                on("starts_on"),
                f"Ungestøtte kan tidligst starte på 18-årsdagen, {first.strftime('%d.%m.%Y')}",
            )
        if end is None:
            raise CaseError(
                on("ends_on"),
                "Angiv hvornår støtten ophører (senest dagen før 23-årsdagen, "
                f"{last.strftime('%d.%m.%Y')})",
            )
        if end > last:
            raise CaseError(
                on("ends_on"),
                "Ungestøtte kan højst gives til og med dagen før det fyldte 23. år "
                f"({last.strftime('%d.%m.%Y')})",
            )
        if end < start:
            raise CaseError(on("ends_on"), "Støtten kan ikke ophøre, før den starter")


async def approved_plan(hovedsag_id: uuid.UUID) -> repo.ApprovedPlan | None:
    """The case's approved barnets plan whose series has no newer open version, if any."""
    return await repo.get_approved_plan(hovedsag_id)


async def do_complete_investigation(
    actor: str, hovedsag_id: AccessibleCase, completed_on: date, conclusion: str
) -> list[tuple[str, datetime | None, datetime | None]]:
    """End the running child investigation: its 4-month activity is done, and the first
    follow-up of a measure running alongside moves to this date if that is earlier."""
    if not conclusion.strip():
        raise CaseError("conclusion", "Skriv undersøgelsens konklusion")
    _check_date("completed_on", completed_on)
    case = await lock_case(hovedsag_id)
    investigation = await _open_enkeltsag(hovedsag_id, "undersoegelse")
    if investigation is None or case.closed_at is not None:
        raise CaseError("completed_on", "Der er ingen igangværende børnefaglig undersøgelse")
    if completed_on < investigation["opened_at"].astimezone(DK).date():
        raise CaseError("completed_on", "Undersøgelsen kan ikke afsluttes før den er startet")
    await repo.close_investigation(
        investigation["id"],
        start_of(completed_on) if completed_on < today_dk() else datetime.now(UTC),
        conclusion.strip(),
        actor,
    )
    await stamp(
        hovedsag_id,
        actor,
        "undersoegelse.afsluttet",
        f"Børnefaglig undersøgelse afsluttet {completed_on.strftime('%d.%m.%Y')}",
        conclusion.strip(),
        investigation["id"],
    )
    await complete_by_event(
        actor, hovedsag_id, "undersoegelse.afsluttet", enkeltsag_id=investigation["id"]
    )
    moved = []
    for m in await repo.list_running_measures(hovedsag_id):
        facts = Facts(
            at=start_of(m["starts_on"]),
            investigation_ends=completed_on,
            birth_date=case.birth_date,
            decided_on=m["decided_on"],
        )
        moved += await recompute(
            actor, hovedsag_id, m["id"], facts, "Den sideløbende undersøgelse er afsluttet"
        )
    await restage(hovedsag_id, actor)
    return moved


async def do_record_step(
    actor: str,
    hovedsag_id: AccessibleCase,
    *,
    kind: str,
    happened_on: date,
    note: str,
    indsats_id: uuid.UUID | None,
    next_due: date | None,
    next_reason: str | None,
    afgoerelse_id: uuid.UUID | None = None,
    no_support: str | None = None,
) -> tuple[uuid.UUID, list[str], list[uuid.UUID]]:
    """Record a step the caseworker carried out; it completes the activities it answers.
    A follow-up on a running measure must set the next one, with a reason for the interval.
    The transition (§ 111, "overgang") answers whether support after 18 was decided: it
    links the § 114 decision (``afgoerelse_id``) or says why not (``no_support`` and a note).
    Returns the step, the titles of the activities it completed and new activities."""
    if kind not in STEPS:
        raise CaseError("kind", "Vælg hvad der er gennemført")
    _check_date("happened_on", happened_on)
    case = await lock_case(hovedsag_id)
    if case.closed_at is not None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    measure = None
    if kind == "opfoelgning":
        if indsats_id is None:
            raise CaseError("indsats_id", "Vælg hvilken indsats der er fulgt op på")
        measure = await repo.get_measure_of_case(indsats_id, hovedsag_id)
        if measure is None:
            raise CaseError("indsats_id", "Indsatsen findes ikke i sagen")
        if measure["ends_on"] is None:
            if next_due is None:
                raise CaseError(
                    "next_due", "Angiv hvornår der næste gang skal følges op på indsatsen"
                )
            if next_due <= today_dk():
                raise CaseError("next_due", "Næste opfølgning skal ligge efter i dag")
            if not (next_reason or "").strip():
                raise CaseError("next_reason", "Begrund hvorfor der følges op på det tidspunkt")
    elif next_due is not None:
        raise CaseError("next_due", "Kun en opfølgning kan planlægge den næste")
    support = await _check_transition(hovedsag_id, kind, afgoerelse_id, no_support, note)
    event, title = STEPS[kind]
    enkeltsag_id = measure["enkeltsag_id"] if measure else None
    step_id = await repo.insert_case_step(
        hovedsag_id,
        enkeltsag_id,
        indsats_id,
        kind,
        happened_on,
        note.strip(),
        next_due,
        (next_reason or "").strip() or None,
        actor,
        afgoerelse_id,
        no_support or None,
    )
    await stamp(
        hovedsag_id,
        actor,
        event,
        f"{title} {happened_on.strftime('%d.%m.%Y')}",
        "\n\n".join(p for p in (support, note.strip()) if p),
        enkeltsag_id,
    )
    done = await complete_by_event(actor, hovedsag_id, event, concerns_id=indsats_id)
    created: list[uuid.UUID] = []
    if measure is not None and next_due is not None:
        created = await create_activities(
            rules_for(Trigger.OPFOELGNING_PLANLAGT),
            Facts(at=datetime.now(UTC), planned=next_due),
            hovedsag_id,
            enkeltsag_id,
            case.caseworker_id,
            actor,
            ("indsats", measure["id"]),
            due_reason=(next_reason or "").strip(),
        )
    return step_id, done, created


async def do_end_measure(
    actor: str, indsats_id: uuid.UUID, version: int, ends_on: date, reason: str
) -> uuid.UUID:
    """End a measure: its open follow-ups are cancelled with the reason, its enkeltsag
    closes. Returns the main case."""
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor indsatsen ophører")
    _check_date("ends_on", ends_on, future_days=366)
    row = await _lock_measure(indsats_id, version)
    if row["ends_on"] is not None:
        raise CaseError("ends_on", "Indsatsen er allerede afsluttet")
    if ends_on < row["starts_on"]:
        raise CaseError("ends_on", "Indsatsen kan ikke slutte før den starter")
    await repo.update_measure_ended(indsats_id, ends_on, reason.strip(), actor)
    await repo.close_enkeltsag(
        row["enkeltsag_id"], f"Indsatsen ophører {ends_on.strftime('%d.%m.%Y')}"
    )
    # A report to Ankestyrelsen not yet sent stays: what it reports still happened.
    await repo.cancel_activities_about(
        indsats_id, f"Indsatsen er ophørt: {reason.strip()}", actor, keep=REPORT_RULES
    )
    await stamp(
        row["hovedsag_id"],
        actor,
        "indsats.ophoert",
        f"Indsats ophører {ends_on.strftime('%d.%m.%Y')}: {MEASURES[row['kind']][0]}",
        reason.strip(),
        row["enkeltsag_id"],
    )
    if MEASURES[row["kind"]][1]:
        await lifecycle.placement_ended(actor, row["hovedsag_id"], indsats_id, ends_on)
    await restage(row["hovedsag_id"], actor)
    hovedsag_id: uuid.UUID = row["hovedsag_id"]
    return hovedsag_id


async def _lock_measure(indsats_id: uuid.UUID, version: int) -> repo.LockedMeasure:
    row = await repo.lock_measure(indsats_id)
    if row is None:
        raise CaseNotFound("Indsatsen findes ikke")
    if row["version"] != version:
        raise await named(
            Stale(
                row["changed_by"],
                row["changed_at"],
                {
                    "start": row["starts_on"],
                    "slut": row["ends_on"],
                },
                what="Indsatsen",
            )
        )
    return row


async def do_move_measure_start(
    actor: str, indsats_id: uuid.UUID, version: int, starts_on: date, reason: str
) -> list[tuple[str, datetime | None, datetime | None]]:
    """Change when a measure starts; the deadlines computed from it move with it."""
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor startdatoen ændres")
    _check_date("starts_on", starts_on, future_days=366)
    row = await _lock_measure(indsats_id, version)
    if row["ends_on"] is not None and starts_on > row["ends_on"]:
        raise CaseError("starts_on", "Indsatsen kan ikke starte efter den er ophørt")
    if starts_on == row["starts_on"]:
        return []
    await repo.update_measure_start(indsats_id, starts_on, actor)
    await stamp(
        row["hovedsag_id"],
        actor,
        "indsats.rettet",
        f"Indsatsens start rettet fra {row['starts_on'].strftime('%d.%m.%Y')} til "
        f"{starts_on.strftime('%d.%m.%Y')}",
        reason.strip(),
        row["enkeltsag_id"],
    )
    facts = await measure_facts(
        row["hovedsag_id"],
        starts_on,
        row["birth_date"],
        await lifecycle.decided_on(row["afgoerelse_id"]),
    )
    return await recompute(
        actor, row["hovedsag_id"], indsats_id, facts, "Indsatsens startdato er ændret"
    )


async def do_move_receipt(
    actor: str, underretning_id: uuid.UUID, version: int, received_at: datetime, reason: str
) -> tuple[uuid.UUID, list[tuple[str, datetime | None, datetime | None]]]:
    """Correct when a notification was received; the 24-hour and receipt deadlines move."""
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor modtagelsestidspunktet rettes")
    if received_at.tzinfo is None:
        raise CaseError("received_at", "Tidspunktet skal have en tidszone")
    if received_at > datetime.now(UTC):
        raise CaseError("received_at", "Modtagelsestidspunktet ligger i fremtiden")
    row = await repo.lock_underretning(underretning_id)
    if row is None:
        raise CaseNotFound("Underretningen findes ikke")
    if row["version"] != version:
        raise await named(
            Stale(
                row["changed_by"],
                row["changed_at"],
                {"modtaget": row["received_at"]},
                what="Underretningen",
            )
        )
    await repo.update_received_at(underretning_id, received_at, actor)
    await stamp(
        row["hovedsag_id"],
        actor,
        "underretning.rettet",
        f"Modtagelsestidspunkt rettet fra {fmt_due(row['received_at'])} til {fmt_due(received_at)}",
        reason.strip(),
        row["enkeltsag_id"],
    )
    planned = None
    if row["kind"] != "underretning":
        days = await repo.get_application_days()
        planned = received_at.astimezone(DK).date() + timedelta(days=days or 28)
    facts = Facts(at=received_at.astimezone(UTC), birth_date=row["birth_date"], planned=planned)
    moved = await recompute(
        actor, row["hovedsag_id"], underretning_id, facts, "Modtagelsestidspunktet er rettet"
    )
    return row["hovedsag_id"], moved


async def do_move_aware_since(
    actor: str, hovedsag_id: AccessibleCase, aware_since: date, reason: str
) -> list[tuple[str, datetime | None, datetime | None]]:
    """Correct when the kommune became aware; the investigation's 4-month deadline moves."""
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor datoen rettes")
    _check_date("aware_since", aware_since)
    await lock_case(hovedsag_id)
    investigation = await _open_enkeltsag(hovedsag_id, "undersoegelse")
    if investigation is None:
        raise CaseError("aware_since", "Der er ingen igangværende børnefaglig undersøgelse")
    old = investigation["aware_since"]
    await repo.update_aware_since(investigation["id"], aware_since, actor)
    await stamp(
        hovedsag_id,
        actor,
        "undersoegelse.rettet",
        "Opmærksom-dato rettet fra "
        f"{old.strftime('%d.%m.%Y') if old else 'ukendt'} til {aware_since.strftime('%d.%m.%Y')}",
        reason.strip(),
        investigation["id"],
    )
    facts = Facts(at=investigation["opened_at"], aware_since=aware_since)
    return await recompute(
        actor, hovedsag_id, investigation["id"], facts, "Datoen for kommunens kendskab er rettet"
    )


async def do_close_case(actor: str, hovedsag_id: AccessibleCase, version: int, reason: str) -> None:
    """Close the period of involvement. Running measures must be ended first; open
    activities are cancelled with the reason."""
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor sagen lukkes")
    case = await lock_case(hovedsag_id, version)
    if case.closed_at is not None:
        raise CaseError("reason", "Sagen er allerede lukket")
    if await repo.has_running_measure(hovedsag_id):
        raise CaseError("reason", "Afslut sagens indsatser, før sagen lukkes")
    await repo.cancel_open_activities(hovedsag_id, f"Sagen er lukket: {reason.strip()}", actor)
    await repo.close_enkeltsager_of(hovedsag_id)
    await repo.close_case(hovedsag_id, reason.strip(), actor)
    await stamp(hovedsag_id, actor, "sag.lukket", "Sagen er lukket", reason.strip())
    await publish(ChildCasesChanged(case.child_id))  # the prior-case index shows it closed


# Why a transition (§ 111) records no decision on support after 18.
NO_SUPPORT = {
    "afslaar": "Den unge ønsker ikke støtte efter det 18. år",
    "ikke_omfattet": "Den unge er ikke i målgruppen for ungestøtte",
}


async def _check_transition(
    hovedsag_id: uuid.UUID,
    kind: str,
    afgoerelse_id: uuid.UUID | None,
    no_support: str | None,
    note: str,
) -> str:
    """The transition's answer to "Er der truffet afgørelse om støtte efter det 18. år?",
    checked, as the journal's line ("" for other steps, which may not answer it)."""
    if kind != "overgang":
        if afgoerelse_id is not None or no_support:
            raise CaseError(
                "afgoerelse_id",
                "Kun overgangen til voksenlivet kan pege på en afgørelse om støtte efter 18",
            )
        return ""
    if afgoerelse_id is None and not no_support:
        raise CaseError(
            "afgoerelse_id", "Svar på, om der er truffet afgørelse om støtte efter det 18. år"
        )
    if afgoerelse_id is not None:
        if no_support:
            raise CaseError("no_support", "Vælg enten afgørelsen eller hvorfor der ikke er en")
        decision = await repo.get_decision_of_case(afgoerelse_id, hovedsag_id)
        if decision is None or decision.paragraph != YOUTH_PARAGRAPH:
            raise CaseError("afgoerelse_id", "Vælg en afgørelse efter § 114 på sagen")
        return (
            f"Afgørelse om støtte efter det 18. år: {PARAGRAPHS[YOUTH_PARAGRAPH]}, "
            f"{OUTCOMES[decision.outcome]} {decision.decided_on.strftime('%d.%m.%Y')}"
        )
    if no_support not in NO_SUPPORT:
        raise CaseError("no_support", "Vælg hvorfor der ikke er truffet afgørelse")
    if not note.strip():
        raise CaseError(
            "note", "Begrund, hvorfor der ikke er truffet afgørelse om støtte efter det 18. år"
        )
    return f"Ingen afgørelse om støtte efter det 18. år: {NO_SUPPORT[no_support]}"
