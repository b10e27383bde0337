"""The rules of the case core: registering children and notifications, the statutory
activities they create, completing activities, and the journal that records all of it.

Every function runs inside the request's tenant transaction (``current_scope()``) and
writes its journal entries in that same transaction, so an event and its journal entry
commit or vanish together. Verb naming: ``do_*`` changes data and records side effects.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from backend.casework import front, supervision
from backend.casework import repository as repo
from backend.casework.events import ChildCasesChanged, UnderretningRegistered
from backend.casework.lifecycle import (
    closed_days_setting,
    create_activities,
    open_case,
    restage,
    with_kommune_calendar,
)
from backend.casework.records import check_record, record_text
from backend.casework.repositories import front as frepo
from backend.casework.rules import (
    DK,
    OWN_RULE,
    PLANNED_RULES,
    REASSESSMENT_PARAGRAPHS,
    SUPERVISION_RULES,
    Facts,
    Trigger,
    completion_of,
    form_of,
    rules_for,
    today_dk,
)
from backend.core.cpr import check_cpr
from backend.core.danish import fmt_due
from backend.core.errors import CaseClosed, FieldError, NotFound, Stale, StateConflict
from backend.core.events import publish
from backend.core.journal import named, stamp
from backend.core.vocab import INTAKE_KINDS, NOTIFICATION_CAUSES, NOTIFIER_KINDS, SOURCE_LABELS
from backend.core.workdays import add_months

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

# A rule's bad input names the form field (400); the core's FieldError, under the name the
# case rules have always used.
CaseError = FieldError


class CaseNotFound(NotFound, LookupError):
    """Not here (404 with ``message``, by ``backend.errors.DOMAIN_HANDLERS``). Also a
    ``LookupError``, so a caller outside casework that translates ``LookupError`` into its own
    answer (``backend.ics.routes``) still does."""


CASE_NOT_FOUND = "Sagen findes ikke"
CASE_NOT_FOUND_OR_CLOSED = "Sagen findes ikke eller er lukket"

log = logging.getLogger(__name__)


async def check_case_open(hovedsag_id: uuid.UUID) -> None:
    """Raise :class:`CaseClosed` if the main case is closed or transferred away;
    :class:`CaseNotFound` if it does not exist."""
    row = await repo.get_case_state(hovedsag_id)
    if row is None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    if row.transferred_to is not None:
        raise CaseClosed(
            "Sagen er overført til en anden kommune og er lukket her. Registrér barnet igen "
            "for at åbne en ny sag, hvis kommunen skal behandle noget nyt."
        )
    if row.closed_at is not None:
        raise CaseClosed(
            "Sagen er lukket. Registrér barnet igen for at åbne en ny sag, hvis kommunen "
            "skal behandle noget nyt."
        )


@dataclass
class Registered:
    child_id: uuid.UUID
    hovedsag_id: uuid.UUID
    existing: bool


async def do_register_child(
    actor: str,
    actor_id: uuid.UUID,
    *,
    cpr: str | None,
    first_name: str,
    last_name: str,
    address: str,
    mother_cpr: str | None = None,
    expected_date: date | None = None,
) -> Registered:
    """Register a child (or an unborn child by the mother's CPR and the expected date)
    with an open main case held by the actor. A CPR that already has a child here leads
    to that child's open case (or a new period of involvement), never a duplicate."""
    first, last = first_name.strip(), last_name.strip()
    if cpr:
        number, birth = check_cpr(cpr)
        existing = await repo.get_child_by_cpr(number)
        if existing:
            case_id = await repo.get_current_case(existing)
            if case_id:
                return Registered(existing, case_id, True)
            case_id = await open_case(existing, actor, actor_id, "Ny sag åbnet")
            return Registered(existing, case_id, True)
        mother = None
    else:
        if not mother_cpr or not expected_date:
            raise CaseError(
                "cpr",
                "Angiv barnets CPR-nummer, eller morens CPR-nummer og "
                "forventet termin for et ufødt barn",
            )
        mother, _ = check_cpr(mother_cpr, field="mother_cpr")
        unborn = await repo.get_unborn_case(mother)
        if unborn:
            return Registered(unborn.id, unborn.case_id, True)
        today = today_dk()
        if not (today <= expected_date <= add_months(today, 12)):
            raise CaseError("expected_date", "Terminen skal ligge inden for det næste år")
        number, birth = None, expected_date
    if not first and not mother:
        raise CaseError("first_name", "Fornavn mangler")
    if not last and not mother:
        raise CaseError("last_name", "Efternavn mangler")
    child_id = await repo.insert_child(
        number,
        first or "Ufødt",
        last or "barn",
        birth,
        address.strip(),
        mother,
        expected_date,
    )
    title = "Ufødt barn registreret" if mother else "Barn registreret"
    case_id = await open_case(child_id, actor, actor_id, title)
    return Registered(child_id, case_id, False)


async def do_set_closed_days(actor: str, closed: bool) -> bool:
    """Set whether the kommune's closed days count as non-working days. Applies to
    deadlines computed from now on (open deadlines are not moved)."""
    old = await closed_days_setting()
    if old != closed:
        await repo.update_closed_days(closed)
    return closed


def check_intake_fields(kind: str, notifier_kind: str, source: str, suspected_abuse: bool) -> None:
    """Only an underretning carries a suspicion of abuse (it shortens the deadline for the
    child conversation, § 20/§ 137); an ansøgning is made by someone who says who they are,
    so it is never anonymous."""
    if suspected_abuse and kind != "underretning":
        raise CaseError(
            "suspected_abuse",
            "Mistanke om overgreb registreres som en underretning. Vælg „Underretning“.",
        )
    if kind == "ansoegning" and "anonym" in (notifier_kind, source):
        raise CaseError(
            "notifier_kind" if notifier_kind == "anonym" else "source",
            "En ansøgning kan ikke være anonym. Angiv hvem der søger.",
        )


def check_causes(kind: str, causes: list[str], suspected_abuse: bool) -> list[str]:
    """What an underretning is about, by Danmarks Statistik's causes (several allowed, each
    once, in the vocabulary's order). A suspicion of abuse is a notification about abuse, so
    ``overgreb`` is added when it is missing. Only an underretning has causes."""
    if kind != "underretning":
        if causes:
            raise CaseError(
                "causes",
                "Kun en underretning har en årsag. Vælg „Underretning“ eller fjern årsagen.",
            )
        return []
    unknown = [c for c in causes if c not in NOTIFICATION_CAUSES]
    if unknown:
        raise CaseError("causes", "Vælg årsagen blandt Danmarks Statistiks årsager")
    if len(causes) != len(set(causes)):
        raise CaseError("causes", "Den samme årsag er valgt to gange")
    chosen = set(causes) | ({"overgreb"} if suspected_abuse else set())
    return [c for c in NOTIFICATION_CAUSES if c in chosen]


async def do_register_underretning(
    actor: str,
    hovedsag_id: AccessibleCase,
    *,
    received_at: datetime,
    notifier_kind: str,
    source: str,
    concerns: str,
    suspected_abuse: bool,
    notifier_name: str | None,
    notifier_contact: str | None,
    kind: str = "underretning",
    causes: list[str] | None = None,
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Record a notification (or a henvendelse or ansøgning) on the case as a new afklaring
    and create the activities the law requires."""
    await check_case_open(hovedsag_id)
    if kind not in INTAKE_KINDS:
        raise CaseError("kind", "Vælg om det er en underretning, henvendelse eller ansøgning")
    if notifier_kind not in NOTIFIER_KINDS:
        raise CaseError("notifier_kind", "Vælg hvem der har underrettet")
    if source not in SOURCE_LABELS:
        raise CaseError("source", "Vælg hvor underretningen kommer fra")
    check_intake_fields(kind, notifier_kind, source, suspected_abuse)
    chosen_causes = check_causes(kind, causes or [], suspected_abuse)
    if not concerns.strip():
        raise CaseError("concerns", "Beskriv hvad underretningen handler om")
    if received_at.tzinfo is None:
        raise CaseError("received_at", "Tidspunktet skal have en tidszone")
    if received_at > datetime.now(UTC):
        raise CaseError("received_at", "Modtagelsestidspunktet ligger i fremtiden")
    case = await repo.lock_open_case_for_intake(hovedsag_id)
    if case is None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    enkeltsag_id = await repo.insert_enkeltsag(hovedsag_id, "afklaring", None)
    underretning_id = await repo.insert_underretning(
        enkeltsag_id,
        received_at,
        notifier_kind,
        source,
        notifier_name,
        notifier_contact,
        concerns.strip(),
        suspected_abuse,
        actor,
        kind,
        chosen_causes,
    )
    await stamp(
        hovedsag_id,
        actor,
        "underretning.modtaget" if kind == "underretning" else "henvendelse.modtaget",
        f"{INTAKE_KINDS[kind]} modtaget fra {SOURCE_LABELS[source].lower()} "
        f"({NOTIFIER_KINDS[notifier_kind].lower()})"
        + (" – mistanke om overgreb" if suspected_abuse else ""),
        concerns.strip(),
        enkeltsag_id,
    )
    planned = None
    if kind == "underretning":
        triggers = [Trigger.UNDERRETNING]
        if notifier_kind == "fagperson":
            triggers.append(Trigger.UNDERRETNING_FRA_FAGPERSON)
        # § 137, stk. 1: a child who already has support under §§ 32, 46, 47 or 67.
        if await frepo.has_running_measure_under(hovedsag_id, REASSESSMENT_PARAGRAPHS):
            triggers.append(Trigger.UNDERRETNING_KENDT_ELLER_OVERGREB)
        # § 20, stk. 1, nr. 2 and § 137, stk. 3: decide on an investigation, talk with the child.
        if suspected_abuse:
            triggers.append(Trigger.UNDERRETNING_OVERGREB)
    else:
        triggers = [Trigger.HENVENDELSE]
        days = await repo.get_application_days()
        planned = received_at.astimezone(DK).date() + timedelta(days=days or 28)
    rules = [r for t in triggers for r in rules_for(t)]
    facts = Facts(at=received_at.astimezone(UTC), birth_date=case.birth_date, planned=planned)
    activities = await create_activities(
        rules,
        facts,
        hovedsag_id,
        enkeltsag_id,
        case.caseworker_id,
        actor,
        ("underretning", underretning_id),
    )
    await restage(hovedsag_id)
    # A child whose case went to another kommune: the notification follows the case there
    # (backend.crosskommune.subscribers forwards it, in this transaction).
    await publish(UnderretningRegistered(actor, hovedsag_id, underretning_id))
    return underretning_id, activities


STATUS_LABELS = {"open": "åben", "done": "udført", "cancelled": "annulleret"}


def _stale_activity(row: repo.LockedActivity) -> Stale:
    return Stale(
        row.changed_by,
        row.changed_at,
        # Named as a person reads them: the answer's message lists them ("Nu: status: …").
        {
            "status": STATUS_LABELS.get(row.status, row.status),
            "frist": row.due_at,
        }
        | ({"begrundelse": row.cancel_reason} if row.cancel_reason else {}),
        what="Aktiviteten",
    )


FLOW_MESSAGES = {
    "investigation": "Aktiviteten udføres ved at afslutte undersøgelsen på sagen "
    "(Forløb → Afslut undersøgelse).",
    "step": "Aktiviteten udføres ved at registrere skridtet på sagen (Forløb → Registrér skridt).",
    "plan": "Aktiviteten udføres, når barnets plan er godkendt (ICS), eller ved at registrere "
    "skridtet på sagen (Forløb → Registrér skridt).",
    "klage": "Aktiviteten udføres under Klager på sagen (Forløb → Klager: Genvurdér eller Send "
    "til Ankestyrelsen).",
    "udvalg": "Aktiviteten udføres under Børne- og ungeudvalget på sagen (Forløb → Børne- og "
    "ungeudvalget).",
    "brev": "Aktiviteten udføres ved at sende afgørelsen som brev med klagevejledning (Breve → "
    "Skriv brev).",
    "indberetning": "Aktiviteten udføres ved at sende indberetningen til Ankestyrelsen "
    "(knappen Indberet ved aktiviteten).",
}


async def do_complete_activity(
    actor: str,
    activity_id: uuid.UUID,
    version: int,
    record: dict[str, Any] | None = None,
    case: AccessibleCase | None = None,
) -> None:
    """Complete an open activity. An activity whose rule has a completion form needs its
    record (checked against the form, stored on the activity and written to the journal as
    Danish text, in this transaction); one completed by another flow of the case (the
    investigation, a step, the plan) is completed there, not here. With ``case`` (the
    activity's case, access checked), what the record decides follows in the same
    transaction (``front.after_record``: an afdækning or investigation started, ...)."""
    row = await repo.lock_activity(activity_id)
    if row is None:
        raise CaseNotFound("Aktiviteten findes ikke")
    if row.version != version:
        raise await named(_stale_activity(row))
    if row.status != "open":
        raise StateConflict("Aktiviteten er ikke åben")
    how = completion_of(row.rule_id)
    if how in FLOW_MESSAGES:
        raise StateConflict(FLOW_MESSAGES[how])
    form = form_of(row.rule_id)
    if row.rule_id == OWN_RULE and form is not None:
        checked = check_record(form, record or {})
        await repo.update_activity_done(activity_id, actor, checked or None)
        await stamp(
            row.hovedsag_id,
            actor,
            "aktivitet.udfoert",
            f"Udført: {row.title}",
            str(checked.get("bemaerkning", "")),
            enkeltsag_id=row.enkeltsag_id,
        )
        return
    if form is None:
        if record:
            raise CaseError("record", "Aktiviteten skal ikke have en registrering")
        await repo.update_activity_done(activity_id, actor)
        await stamp(
            row.hovedsag_id,
            actor,
            "aktivitet.udfoert",
            f"Udført: {row.title}",
            enkeltsag_id=row.enkeltsag_id,
        )
        return
    checked = check_record(form, record or {})
    names = (
        await front.check_reassessor(row.hovedsag_id, checked)
        if row.rule_id == ("revurdering-137")
        else {}
    )
    await repo.update_activity_done(activity_id, actor, checked)
    await stamp(
        row.hovedsag_id,
        actor,
        "aktivitet.udfoert",
        form.title,
        f"{record_text(form, checked, names)}\n\nUdført: {row.title}",
        enkeltsag_id=row.enkeltsag_id,
    )
    if row.rule_id in SUPERVISION_RULES:
        await supervision.after_visit(actor, activity_id, row, checked)
    if case is not None:
        await front.after_record(actor, case, activity_id, row, checked)


# How far back a note may say it was written (the longest offline period an administrator
# can set is 90 days) and how far a device's clock may run ahead of the server's.
WRITTEN_AT_MAX_AGE = timedelta(days=92)
WRITTEN_AT_CLOCK_SKEW = timedelta(minutes=10)


async def do_add_note(
    actor: str,
    hovedsag_id: AccessibleCase,
    title: str,
    body: str,
    corrects_id: int | None = None,
    written_at: datetime | None = None,
) -> int:
    """A caseworker's note, or a correction pointing at an earlier entry of the same case.

    ``written_at`` is when a note written offline was written (the device's clock); the
    entry is still recorded now (``at``) and shows both. A time the server cannot believe (a
    device clock ahead of the server's, or older than any offline period) is left out rather
    than refusing the note: a wrong clock must never cost a note written on a home visit."""
    if not title.strip():
        raise CaseError("title", "Overskrift mangler")
    if written_at is not None:
        now = datetime.now(UTC)
        if written_at.tzinfo is None or not (
            now - WRITTEN_AT_MAX_AGE <= written_at <= now + WRITTEN_AT_CLOCK_SKEW
        ):
            log.info("note's written_at outside the plausible range; recorded without it")
            written_at = None
        elif written_at > now - timedelta(minutes=1):
            written_at = None  # written just now: nothing to show apart from `at`
    if not await repo.case_exists(hovedsag_id):
        raise CaseNotFound(CASE_NOT_FOUND)
    if corrects_id is not None and not await repo.journal_entry_in_case(corrects_id, hovedsag_id):
        raise CaseError("corrects_id", "Det notat, der rettes, findes ikke i sagen")
    entry_id = await repo.insert_note(
        hovedsag_id,
        actor,
        "rettelse" if corrects_id else "notat",
        title.strip(),
        body,
        corrects_id,
        written_at,
    )
    return entry_id


async def do_start_investigation(
    actor: str, hovedsag_id: AccessibleCase, aware_since: date
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Decide to carry out a child investigation (§ 20): a new enkeltsag, the case moves to
    the investigation stage, and the 4-month deadline counts from when the kommune became
    aware (usually the first notification)."""
    await check_case_open(hovedsag_id)
    if aware_since > today_dk():
        raise CaseError("aware_since", "Datoen ligger i fremtiden")
    case = await repo.lock_open_case_for_investigation(hovedsag_id)
    if case is None:
        raise CaseNotFound(CASE_NOT_FOUND_OR_CLOSED)
    if await repo.has_open_enkeltsag(hovedsag_id, "undersoegelse"):
        raise CaseError("aware_since", "Der er allerede en igangværende børnefaglig undersøgelse")
    enkeltsag_id = await repo.insert_investigation(hovedsag_id, aware_since)
    await close_clarifications(hovedsag_id, "Afklaringen er afsluttet: undersøgelse besluttet")
    await complete_by_event(actor, hovedsag_id, "henvendelse.afklaret")
    await stamp(
        hovedsag_id,
        actor,
        "undersoegelse.besluttet",
        "Beslutning om børnefaglig undersøgelse (Barnets Lov § 20)",
        f"Kommunen blev opmærksom på barnets forhold {aware_since.strftime('%d.%m.%Y')}.",
        enkeltsag_id,
    )
    facts = Facts(at=datetime.now(UTC), aware_since=aware_since)
    ids = await create_activities(
        rules_for(Trigger.UNDERSOEGELSE_BESLUTTET),
        facts,
        hovedsag_id,
        enkeltsag_id,
        case.caseworker_id,
        actor,
        ("enkeltsag", enkeltsag_id),
    )
    await restage(hovedsag_id, actor)
    return enkeltsag_id, ids


async def do_assign(
    actor: str,
    hovedsag_id: AccessibleCase,
    version: int,
    caseworker_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
) -> None:
    """Give the case (and its open activities) to another caseworker and/or team. Without
    an explicit ``team_id`` the case follows the new caseworker: it stays in its team if
    they are a member, else moves to their (first) team; a caseworker in no team leaves
    the team as it was."""
    case = await lock_case(hovedsag_id, version)
    new_worker = case.caseworker_id if caseworker_id is None else caseworker_id
    new_team = case.team_id if team_id is None else team_id
    if team_id is None and caseworker_id is not None and caseworker_id != case.caseworker_id:
        team_id = await repo.team_of(caseworker_id, case.team_id)
        new_team = case.team_id if team_id is None else team_id
    if caseworker_id is not None:
        name = await repo.get_assignable_name(caseworker_id)
        if name is None:
            raise CaseError("caseworker_id", "Vælg en aktiv sagsbehandler eller leder")
        if caseworker_id != case.caseworker_id:
            await repo.update_open_activity_owner(hovedsag_id, caseworker_id, case.caseworker_id)
            await stamp(
                hovedsag_id,
                actor,
                "sag.sagsbehandler",
                f"Sagsbehandler skiftet: {case['caseworker'] or 'ingen'} → {name}",
            )
    if team_id is not None and team_id != case.team_id:
        team = await repo.get_team_name(team_id)
        if team is None:
            raise CaseError("team_id", "Ukendt team")
        await stamp(hovedsag_id, actor, "sag.team", f"Sagen er flyttet til {team}")
    await repo.update_case_holder(hovedsag_id, new_worker, new_team, actor)


async def do_register_birth(
    actor: str, child_id: uuid.UUID, cpr: str, first_name: str, last_name: str
) -> uuid.UUID | None:
    """Re-key an unborn child's case to the child's own CPR number at birth. The child row
    keeps its id, so the case, journal, activities and network stay with it whole.
    Returns the open main case, if any."""
    row = await repo.lock_child_for_birth(child_id)
    if row is None:
        raise CaseNotFound("Barnet findes ikke")
    if row.cpr is not None:
        raise CaseError("cpr", "Barnet har allerede et CPR-nummer")
    assert row.expected_date is not None  # a child without a CPR number is unborn
    number, birth = check_cpr(cpr)
    if abs((birth - row.expected_date).days) > 120:
        raise CaseError("cpr", "Fødselsdatoen ligger langt fra terminen; tjek CPR-nummeret")
    if await repo.child_cpr_taken(number):
        raise CaseError("cpr", "Der findes allerede et barn med dette CPR-nummer i kommunen")
    if not first_name.strip() or not last_name.strip():
        raise CaseError(
            "first_name" if not first_name.strip() else "last_name", "Barnets navn mangler"
        )
    await repo.update_child_born(child_id, number, birth, first_name.strip(), last_name.strip())
    await publish(ChildCasesChanged(child_id))  # re-keyed: the index follows the child's CPR
    case_id = await repo.get_current_case(child_id)
    if case_id:
        await stamp(
            case_id,
            actor,
            "barn.foedt",
            "Barnet er født; sagen følger nu barnets eget CPR-nummer",
            f"Født {birth.strftime('%d.%m.%Y')} (termin {row.expected_date.strftime('%d.%m.%Y')}).",
        )
    return case_id


async def do_cancel_activity(actor: str, activity_id: uuid.UUID, version: int, reason: str) -> None:
    """Cancel an open activity; the law's exceptions need a reason, which the journal keeps."""
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor aktiviteten annulleres")
    row = await repo.lock_activity(activity_id)
    if row is None:
        raise CaseNotFound("Aktiviteten findes ikke")
    if row.version != version:
        raise await named(_stale_activity(row))
    if row.status != "open":
        raise CaseError("status", "Aktiviteten er ikke åben")
    await repo.update_activity_cancelled(activity_id, reason.strip(), actor)
    await stamp(
        row.hovedsag_id,
        actor,
        "aktivitet.annulleret",
        f"Annulleret: {row.title}",
        f"Begrundelse: {reason.strip()}",
        row.enkeltsag_id,
    )


async def lock_case(hovedsag_id: uuid.UUID, version: int | None = None) -> repo.LockedCase:
    """Lock an open main case ``FOR UPDATE``; with ``version``, raise :class:`Stale` (saying
    who changed what) when the client's copy is out of date."""
    case = await repo.lock_case_row(hovedsag_id)
    if case is None:
        raise CaseNotFound(CASE_NOT_FOUND)
    if version is not None and case.version != version:
        raise await named(
            Stale(
                case.changed_by,
                case.changed_at,
                {
                    "sagsbehandler": case.caseworker or "ingen",
                    "team": case.team or "intet",
                    "fase": case.stage,
                },
                what="Sagen",
            )
        )
    return case


async def close_clarifications(hovedsag_id: uuid.UUID, why: str) -> None:
    """Close the open afklaring enkeltsager: the case has moved on."""
    await repo.close_open_clarifications(hovedsag_id, why)


async def complete_by_event(
    actor: str,
    hovedsag_id: uuid.UUID,
    event: str,
    *,
    concerns_id: uuid.UUID | None = None,
    enkeltsag_id: uuid.UUID | None = None,
) -> list[str]:
    """Completing the step completes the activity: close the case's open activities whose
    rule is completed by ``event`` (only those about ``concerns_id`` / in ``enkeltsag_id``
    when given). Returns the titles completed."""
    from backend.casework.rules import RULES

    rule_ids = [r.id for r in RULES if r.completed_by == event]
    rows = await repo.complete_open_activities(
        hovedsag_id, actor, rule_ids, concerns_id, enkeltsag_id
    )
    for r in rows:
        await stamp(
            hovedsag_id, actor, "aktivitet.udfoert", f"Udført: {r.title}", "", r.enkeltsag_id
        )
    return [r.title for r in rows]


async def recompute(
    actor: str, hovedsag_id: uuid.UUID, concerns_id: uuid.UUID, facts: Facts, why: str
) -> list[tuple[str, datetime | None, datetime | None]]:
    """A date changed: recompute the deadlines of the open activities about ``concerns_id``
    from the rule table, and journal each one that moved. Returns (title, old, new)."""
    from backend.casework.rules import rule as rule_by_id

    moved = []
    facts = await with_kommune_calendar(facts)
    for row in await repo.lock_open_activities_about(concerns_id):
        try:
            r = rule_by_id(row.rule_id)
        except KeyError:
            continue
        if r.id in PLANNED_RULES:
            continue  # planned from a date recorded (a follow-up, a visit), not computed
        new, asap = r.deadline(facts)
        if new == row.due_at and (asap is not None) == row.due_asap:
            continue
        await repo.update_activity_due(
            row.id,
            new,
            actor,
            asap is not None,
            asap if asap is not None else (None if row.due_asap else row.due_reason),
        )
        moved.append((row.title, row.due_at, new))
        await stamp(
            hovedsag_id,
            actor,
            "aktivitet.frist",
            f"Frist flyttet: {row.title}",
            f"{why}. Fra {fmt_due(row.due_at)} til {'snarest muligt' if asap else fmt_due(new)}.",
            row.enkeltsag_id,
        )
    return moved
