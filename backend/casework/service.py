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
from typing import Any

from backend.casework import repository as repo
from backend.casework.events import ChildCasesChanged, UnderretningRegistered
from backend.casework.lifecycle import closed_days_setting as closed_days_setting
from backend.casework.lifecycle import create_activities, open_case
from backend.casework.lifecycle import restage as restage
from backend.casework.lifecycle import with_kommune_calendar as with_kommune_calendar
from backend.casework.rules import DK, Facts, Trigger, rules_for, today_dk
from backend.core.cpr import check_cpr as check_cpr
from backend.core.danish import fmt_due as fmt_due
from backend.core.errors import CaseClosed as CaseClosed
from backend.core.errors import FieldError
from backend.core.errors import Stale as Stale
from backend.core.events import publish
from backend.core.journal import named as named
from backend.core.journal import stamp as stamp
from backend.core.vocab import INTAKE_KINDS as INTAKE_KINDS
from backend.core.vocab import NOTIFIER_KINDS as NOTIFIER_KINDS
from backend.core.vocab import SOURCE_LABELS as SOURCE_LABELS
from backend.core.workdays import add_months
from tenancy.context import current_scope

# A rule's bad input names the form field (400); the core's FieldError, under the name the
# case rules have always used.
CaseError = FieldError

log = logging.getLogger(__name__)


async def check_case_open(hovedsag_id: uuid.UUID) -> None:
    """Raise :class:`CaseClosed` if the main case is closed or transferred away;
    ``LookupError`` if it does not exist."""
    row = await _conn().fetchrow(
        "SELECT closed_at, transferred_to FROM hovedsag WHERE id = $1", hovedsag_id
    )
    if row is None:
        raise LookupError("case")
    if row["transferred_to"] is not None:
        raise CaseClosed(
            "Sagen er overført til en anden kommune og er lukket her. Registrér barnet igen "
            "for at åbne en ny sag, hvis kommunen skal behandle noget nyt."
        )
    if row["closed_at"] is not None:
        raise CaseClosed(
            "Sagen er lukket. Registrér barnet igen for at åbne en ny sag, hvis kommunen "
            "skal behandle noget nyt."
        )


def _conn() -> Any:
    return current_scope().connection


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
    conn = _conn()
    first, last = first_name.strip(), last_name.strip()
    if cpr:
        number, birth = check_cpr(cpr)
        existing = await conn.fetchrow("SELECT id FROM child WHERE cpr = $1", number)
        if existing:
            case_id = await conn.fetchval(
                "SELECT id FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL "
                "ORDER BY opened_at DESC LIMIT 1",
                existing["id"],
            )
            if case_id:
                return Registered(existing["id"], case_id, True)
            case_id = await open_case(existing["id"], actor, actor_id, "Ny sag åbnet")
            return Registered(existing["id"], case_id, True)
        mother = None
    else:
        if not mother_cpr or not expected_date:
            raise CaseError(
                "cpr",
                "Angiv barnets CPR-nummer, eller morens CPR-nummer og "
                "forventet termin for et ufødt barn",
            )
        mother, _ = check_cpr(mother_cpr, field="mother_cpr")
        unborn = await conn.fetchrow(
            "SELECT c.id, h.id AS case_id FROM child c JOIN hovedsag h ON h.child_id = c.id "
            "WHERE c.mother_cpr = $1 AND c.cpr IS NULL AND h.closed_at IS NULL "
            "ORDER BY h.opened_at DESC LIMIT 1",
            mother,
        )
        if unborn:
            return Registered(unborn["id"], unborn["case_id"], True)
        today = today_dk()
        if not (today <= expected_date <= add_months(today, 12)):
            raise CaseError("expected_date", "Terminen skal ligge inden for det næste år")
        number, birth = None, expected_date
    if not first and not mother:
        raise CaseError("first_name", "Fornavn mangler")
    if not last and not mother:
        raise CaseError("last_name", "Efternavn mangler")
    child_id = await conn.fetchval(
        "INSERT INTO child (cpr, first_name, last_name, birth_date, address, mother_cpr, "
        "expected_date) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
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
    conn = _conn()
    old = await closed_days_setting()
    if old != closed:
        await conn.execute("UPDATE kommune_settings SET closed_days = $1", closed)
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


async def do_register_underretning(
    actor: str,
    hovedsag_id: uuid.UUID,
    *,
    received_at: datetime,
    notifier_kind: str,
    source: str,
    concerns: str,
    suspected_abuse: bool,
    notifier_name: str | None,
    notifier_contact: str | None,
    kind: str = "underretning",
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Record a notification (or a henvendelse or ansøgning) on the case as a new afklaring
    and create the activities the law requires."""
    conn = _conn()
    await check_case_open(hovedsag_id)
    if kind not in INTAKE_KINDS:
        raise CaseError("kind", "Vælg om det er en underretning, henvendelse eller ansøgning")
    if notifier_kind not in NOTIFIER_KINDS:
        raise CaseError("notifier_kind", "Vælg hvem der har underrettet")
    if source not in SOURCE_LABELS:
        raise CaseError("source", "Vælg hvor underretningen kommer fra")
    check_intake_fields(kind, notifier_kind, source, suspected_abuse)
    if not concerns.strip():
        raise CaseError("concerns", "Beskriv hvad underretningen handler om")
    if received_at.tzinfo is None:
        raise CaseError("received_at", "Tidspunktet skal have en tidszone")
    if received_at > datetime.now(UTC):
        raise CaseError("received_at", "Modtagelsestidspunktet ligger i fremtiden")
    case = await conn.fetchrow(
        "SELECT h.id, h.caseworker_id, c.birth_date FROM hovedsag h JOIN child c "
        "ON c.id = h.child_id WHERE h.id = $1 AND h.closed_at IS NULL FOR UPDATE OF h",
        hovedsag_id,
    )
    if case is None:
        raise LookupError("case")
    enkeltsag_id = await conn.fetchval(
        "INSERT INTO enkeltsag (hovedsag_id, kind) VALUES ($1, 'afklaring') RETURNING id",
        hovedsag_id,
    )
    underretning_id = await conn.fetchval(
        "INSERT INTO underretning (enkeltsag_id, received_at, notifier_kind, source, "
        "notifier_name, notifier_contact, concerns, suspected_abuse, created_by, kind) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
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
    receives_support = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM enkeltsag WHERE hovedsag_id = $1 AND kind = 'indsats' "
        "AND closed_at IS NULL)",
        hovedsag_id,
    )
    planned = None
    if kind == "underretning":
        triggers = [Trigger.UNDERRETNING]
        if notifier_kind == "fagperson":
            triggers.append(Trigger.UNDERRETNING_FRA_FAGPERSON)
        if receives_support or suspected_abuse:
            triggers.append(Trigger.UNDERRETNING_KENDT_ELLER_OVERGREB)
    else:
        triggers = [Trigger.HENVENDELSE]
        days = await conn.fetchval("SELECT application_days FROM kommune_settings")
        planned = received_at.astimezone(DK).date() + timedelta(days=days or 28)
    rules = [r for t in triggers for r in rules_for(t)]
    facts = Facts(at=received_at.astimezone(UTC), birth_date=case["birth_date"], planned=planned)
    activities = await create_activities(
        rules,
        facts,
        hovedsag_id,
        enkeltsag_id,
        case["caseworker_id"],
        actor,
        ("underretning", underretning_id),
    )
    await restage(hovedsag_id)
    # A child whose case went to another kommune: the notification follows the case there
    # (backend.crosskommune.subscribers forwards it, in this transaction).
    await publish(UnderretningRegistered(actor, hovedsag_id, underretning_id))
    return underretning_id, activities


_ACTIVITY_FOR_UPDATE = (
    "SELECT hovedsag_id, enkeltsag_id, title, status, version, due_at, owner_id, "
    "cancel_reason, completed_by, changed_by, changed_at FROM activity WHERE id = $1 FOR UPDATE"
)
STATUS_LABELS = {"open": "åben", "done": "udført", "cancelled": "annulleret"}


def _stale_activity(row: Any) -> Stale:
    return Stale(
        row["changed_by"],
        row["changed_at"],
        {
            "status": STATUS_LABELS.get(row["status"], row["status"]),
            "due_at": row["due_at"],
            "cancel_reason": row["cancel_reason"],
        },
    )


async def do_complete_activity(actor: str, activity_id: uuid.UUID, version: int) -> None:
    conn = _conn()
    row = await conn.fetchrow(_ACTIVITY_FOR_UPDATE, activity_id)
    if row is None:
        raise LookupError("activity")
    if row["version"] != version:
        raise await named(_stale_activity(row))
    if row["status"] != "open":
        raise CaseError("status", "Aktiviteten er ikke åben")
    await conn.execute(
        "UPDATE activity SET status = 'done', completed_at = now(), completed_by = $2, "
        "changed_by = $2, changed_at = now(), version = version + 1 WHERE id = $1",
        activity_id,
        actor,
    )
    await stamp(
        row["hovedsag_id"],
        actor,
        "aktivitet.udfoert",
        f"Udført: {row['title']}",
        enkeltsag_id=row["enkeltsag_id"],
    )


# How far back a note may say it was written (the longest offline period an administrator
# can set is 90 days) and how far a device's clock may run ahead of the server's.
WRITTEN_AT_MAX_AGE = timedelta(days=92)
WRITTEN_AT_CLOCK_SKEW = timedelta(minutes=10)


async def do_add_note(
    actor: str,
    hovedsag_id: uuid.UUID,
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
    conn = _conn()
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
    if not await conn.fetchval("SELECT 1 FROM hovedsag WHERE id = $1", hovedsag_id):
        raise LookupError("case")
    if corrects_id is not None and not await conn.fetchval(
        "SELECT 1 FROM journal_entry WHERE id = $1 AND hovedsag_id = $2", corrects_id, hovedsag_id
    ):
        raise CaseError("corrects_id", "Det notat, der rettes, findes ikke i sagen")
    entry_id: int = await conn.fetchval(
        "INSERT INTO journal_entry (hovedsag_id, author, kind, title, body, corrects_id, "
        "written_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
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
    actor: str, hovedsag_id: uuid.UUID, aware_since: date
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Decide to carry out a child investigation (§ 20): a new enkeltsag, the case moves to
    the investigation stage, and the 4-month deadline counts from when the kommune became
    aware (usually the first notification)."""
    conn = _conn()
    await check_case_open(hovedsag_id)
    if aware_since > today_dk():
        raise CaseError("aware_since", "Datoen ligger i fremtiden")
    case = await conn.fetchrow(
        "SELECT id, caseworker_id, opened_at FROM hovedsag WHERE id = $1 AND closed_at IS NULL "
        "FOR UPDATE",
        hovedsag_id,
    )
    if case is None:
        raise LookupError("case")
    if await conn.fetchval(
        "SELECT 1 FROM enkeltsag WHERE hovedsag_id = $1 AND kind = 'undersoegelse' "
        "AND closed_at IS NULL",
        hovedsag_id,
    ):
        raise CaseError("aware_since", "Der er allerede en igangværende børnefaglig undersøgelse")
    enkeltsag_id = await conn.fetchval(
        "INSERT INTO enkeltsag (hovedsag_id, kind, aware_since) "
        "VALUES ($1, 'undersoegelse', $2) RETURNING id",
        hovedsag_id,
        aware_since,
    )
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
        case["caseworker_id"],
        actor,
        ("enkeltsag", enkeltsag_id),
    )
    await restage(hovedsag_id, actor)
    return enkeltsag_id, ids


async def do_assign(
    actor: str,
    hovedsag_id: uuid.UUID,
    version: int,
    caseworker_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
) -> None:
    """Give the case (and its open activities) to another caseworker and/or team. Without
    an explicit ``team_id`` the case follows the new caseworker: it stays in its team if
    they are a member, else moves to their (first) team; a caseworker in no team leaves
    the team as it was."""
    conn = _conn()
    case = await lock_case(hovedsag_id, version)
    new_worker = case["caseworker_id"] if caseworker_id is None else caseworker_id
    new_team = case["team_id"] if team_id is None else team_id
    if team_id is None and caseworker_id is not None and caseworker_id != case["caseworker_id"]:
        team_id = await repo.team_of(caseworker_id, case["team_id"])
        new_team = case["team_id"] if team_id is None else team_id
    if caseworker_id is not None:
        name = await conn.fetchval(
            "SELECT u.display_name FROM app_user u WHERE u.id = $1 AND u.active AND EXISTS "
            "(SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role IN "
            "('sagsbehandler', 'leder'))",
            caseworker_id,
        )
        if name is None:
            raise CaseError("caseworker_id", "Vælg en aktiv sagsbehandler eller leder")
        if caseworker_id != case["caseworker_id"]:
            await conn.execute(
                "UPDATE activity SET owner_id = $2, version = version + 1 "
                "WHERE hovedsag_id = $1 AND status = 'open' "
                "AND (owner_id IS NOT DISTINCT FROM $3)",
                hovedsag_id,
                caseworker_id,
                case["caseworker_id"],
            )
            await stamp(
                hovedsag_id,
                actor,
                "sag.sagsbehandler",
                f"Sagsbehandler skiftet: {case['caseworker'] or 'ingen'} → {name}",
            )
    if team_id is not None and team_id != case["team_id"]:
        team = await conn.fetchval("SELECT name FROM team WHERE id = $1", team_id)
        if team is None:
            raise CaseError("team_id", "Ukendt team")
        await stamp(hovedsag_id, actor, "sag.team", f"Sagen er flyttet til {team}")
    await conn.execute(
        "UPDATE hovedsag SET caseworker_id = $2, team_id = $3, version = version + 1, "
        "changed_by = $4, changed_at = now() WHERE id = $1",
        hovedsag_id,
        new_worker,
        new_team,
        actor,
    )


async def do_register_birth(
    actor: str, child_id: uuid.UUID, cpr: str, first_name: str, last_name: str
) -> uuid.UUID | None:
    """Re-key an unborn child's case to the child's own CPR number at birth. The child row
    keeps its id, so the case, journal, activities and network stay with it whole.
    Returns the open main case, if any."""
    conn = _conn()
    row = await conn.fetchrow(
        "SELECT cpr, mother_cpr, expected_date FROM child WHERE id = $1 FOR UPDATE", child_id
    )
    if row is None:
        raise LookupError("child")
    if row["cpr"] is not None:
        raise CaseError("cpr", "Barnet har allerede et CPR-nummer")
    number, birth = check_cpr(cpr)
    if abs((birth - row["expected_date"]).days) > 120:
        raise CaseError("cpr", "Fødselsdatoen ligger langt fra terminen; tjek CPR-nummeret")
    if await conn.fetchval("SELECT 1 FROM child WHERE cpr = $1", number):
        raise CaseError("cpr", "Der findes allerede et barn med dette CPR-nummer i kommunen")
    if not first_name.strip() or not last_name.strip():
        raise CaseError(
            "first_name" if not first_name.strip() else "last_name", "Barnets navn mangler"
        )
    await conn.execute(
        "UPDATE child SET cpr = $2, birth_date = $3, first_name = $4, last_name = $5, "
        "version = version + 1 WHERE id = $1",
        child_id,
        number,
        birth,
        first_name.strip(),
        last_name.strip(),
    )
    await publish(ChildCasesChanged(child_id))  # re-keyed: the index follows the child's CPR
    case_id: uuid.UUID | None = await conn.fetchval(
        "SELECT id FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL "
        "ORDER BY opened_at DESC LIMIT 1",
        child_id,
    )
    if case_id:
        await stamp(
            case_id,
            actor,
            "barn.foedt",
            "Barnet er født; sagen følger nu barnets eget CPR-nummer",
            f"Født {birth.strftime('%d.%m.%Y')} (termin "
            f"{row['expected_date'].strftime('%d.%m.%Y')}).",
        )
    return case_id


async def do_cancel_activity(actor: str, activity_id: uuid.UUID, version: int, reason: str) -> None:
    """Cancel an open activity; the law's exceptions need a reason, which the journal keeps."""
    conn = _conn()
    if not reason.strip():
        raise CaseError("reason", "Angiv hvorfor aktiviteten annulleres")
    row = await conn.fetchrow(_ACTIVITY_FOR_UPDATE, activity_id)
    if row is None:
        raise LookupError("activity")
    if row["version"] != version:
        raise await named(_stale_activity(row))
    if row["status"] != "open":
        raise CaseError("status", "Aktiviteten er ikke åben")
    await conn.execute(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $2, completed_at = now(), "
        "completed_by = $3, changed_by = $3, changed_at = now(), version = version + 1 "
        "WHERE id = $1",
        activity_id,
        reason.strip(),
        actor,
    )
    await stamp(
        row["hovedsag_id"],
        actor,
        "aktivitet.annulleret",
        f"Annulleret: {row['title']}",
        f"Begrundelse: {reason.strip()}",
        row["enkeltsag_id"],
    )


async def lock_case(hovedsag_id: uuid.UUID, version: int | None = None) -> Any:
    """Lock an open main case ``FOR UPDATE``; with ``version``, raise :class:`Stale` (saying
    who changed what) when the client's copy is out of date."""
    case = await _conn().fetchrow(
        "SELECT h.id, h.version, h.caseworker_id, h.team_id, h.stage, h.child_id, h.closed_at, "
        "h.changed_by, h.changed_at, u.display_name AS caseworker, t.name AS team, "
        "c.birth_date FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user u ON u.id = h.caseworker_id "
        "LEFT JOIN team t ON t.id = h.team_id WHERE h.id = $1 FOR UPDATE OF h",
        hovedsag_id,
    )
    if case is None:
        raise LookupError("case")
    if version is not None and case["version"] != version:
        raise await named(
            Stale(
                case["changed_by"],
                case["changed_at"],
                {
                    "sagsbehandler": case["caseworker"] or "ingen",
                    "team": case["team"] or "intet",
                    "fase": case["stage"],
                },
            )
        )
    return case


async def close_clarifications(hovedsag_id: uuid.UUID, why: str) -> None:
    """Close the open afklaring enkeltsager: the case has moved on."""
    await _conn().execute(
        "UPDATE enkeltsag SET closed_at = now(), summary = coalesce(summary, $2), "
        "version = version + 1 WHERE hovedsag_id = $1 AND kind = 'afklaring' "
        "AND closed_at IS NULL",
        hovedsag_id,
        why,
    )


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
    rows = await _conn().fetch(
        "UPDATE activity SET status = 'done', completed_at = now(), completed_by = $2, "
        "changed_by = $2, changed_at = now(), version = version + 1 "
        "WHERE hovedsag_id = $1 AND status = 'open' AND rule_id = ANY($3::text[]) "
        "AND ($4::uuid IS NULL OR concerns_id = $4) AND ($5::uuid IS NULL OR enkeltsag_id = $5) "
        "RETURNING title, enkeltsag_id",
        hovedsag_id,
        actor,
        rule_ids,
        concerns_id,
        enkeltsag_id,
    )
    for r in rows:
        await stamp(
            hovedsag_id, actor, "aktivitet.udfoert", f"Udført: {r['title']}", "", r["enkeltsag_id"]
        )
    return [r["title"] for r in rows]


async def recompute(
    actor: str, hovedsag_id: uuid.UUID, concerns_id: uuid.UUID, facts: Facts, why: str
) -> list[tuple[str, datetime | None, datetime | None]]:
    """A date changed: recompute the deadlines of the open activities about ``concerns_id``
    from the rule table, and journal each one that moved. Returns (title, old, new)."""
    from backend.casework.rules import rule as rule_by_id

    conn = _conn()
    moved = []
    facts = await with_kommune_calendar(facts)
    for row in await conn.fetch(
        "SELECT id, rule_id, title, due_at, due_asap, due_reason, enkeltsag_id FROM activity "
        "WHERE concerns_id = $1 AND status = 'open' AND rule_id IS NOT NULL FOR UPDATE",
        concerns_id,
    ):
        try:
            r = rule_by_id(row["rule_id"])
        except KeyError:
            continue
        if r.id == "naeste-opfoelgning":
            continue  # set by the caseworker, not computed
        new, asap = r.deadline(facts)
        if new == row["due_at"] and (asap is not None) == row["due_asap"]:
            continue
        await conn.execute(
            "UPDATE activity SET due_at = $2, due_asap = $4, due_reason = $5, changed_by = $3, "
            "changed_at = now(), version = version + 1 WHERE id = $1",
            row["id"],
            new,
            actor,
            asap is not None,
            asap if asap is not None else (None if row["due_asap"] else row["due_reason"]),
        )
        moved.append((row["title"], row["due_at"], new))
        await stamp(
            hovedsag_id,
            actor,
            "aktivitet.frist",
            f"Frist flyttet: {row['title']}",
            f"{why}. Fra {fmt_due(row['due_at'])} til "
            f"{'snarest muligt' if asap else fmt_due(new)}.",
            row["enkeltsag_id"],
        )
    return moved
