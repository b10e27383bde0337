"""Casework's lifecycle API: what other packages (crosskommune, money) may do to a case.

Casework owns its tables (``hovedsag``, ``enkeltsag``, ``activity``, ``indsats``,
``journal_entry``); a package above it opens a case, adds an activity, starts a measure or
closes a case as transferred through these functions instead of writing the tables itself
or importing casework's private names. Each runs in the caller's tenant transaction and
journals what it does in that same transaction (except where the docstring says the caller
journals, because its wording is its own).

A case sent to another kommune (Barnets Lov § 132) is read out here, :func:`export_case`
(every row of every table that belongs to the case, whole), and a case received from one is
written here too:
:func:`import_received_case` takes the rows a transfer package carries, per table, and
writes them into this kommune's tables, and :func:`reassign_open_activities` gives the open
activities to whoever accepted. Which of casework's tables and columns can be written from
another kommune's rows (the child's columns, the references that are sender-local, how ids
are renewed, the journal's corrections) is casework's knowledge and lives here; the package
format, its seal, and the tables the sender's package carries but the receiver must not
import (money: ``backend.crosskommune.package.NOT_IMPORTED``) are crosskommune's and are
passed in as data.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from backend.casework import repository as repo
from backend.casework.events import ChildCasesChanged
from backend.casework.own import PlannedActivity as PlannedActivity
from backend.casework.own import add_plan_activities as add_plan_activities
from backend.casework.own import plan_applied_on as plan_applied_on
from backend.casework.repositories import committee as committee_repo
from backend.casework.repositories import placement as placement_repo
from backend.casework.repositories.placement import Placement as Placement
from backend.casework.repositories.placement import SupervisionActivity as SupervisionActivity
from backend.casework.repository import CaseTransferState as CaseTransferState
from backend.casework.repository import ChildNamed as ChildNamed
from backend.casework.repository import ForwardedNotification as ForwardedNotification
from backend.casework.repository import KnownChild as KnownChild
from backend.casework.repository import PastEvent as PastEvent
from backend.casework.repository import ReceivedCase as ReceivedCase
from backend.casework.repository import Sibling as Sibling
from backend.casework.repository import TransferCase as TransferCase
from backend.casework.rules import DK, SUPERVISION_RULES, Facts, Rule, Trigger, rules_for
from backend.core.errors import NotFound
from backend.core.events import publish
from backend.core.journal import stamp
from backend.core.measures import MEASURES, YOUTH_PARAGRAPH

# Support after 18 that is a stay at the former placement (døgnophold i efterværn, skema 3).
CONTINUED_STAY = "viderefoert_anbringelse"

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase

# The order a main case's stage is chosen in from its open enkeltsager.
STAGE_PRIORITY = ("afgoerelse", "undersoegelse", "indsats", "afklaring")


# --- cases -----------------------------------------------------------------------------


async def open_case(child_id: uuid.UUID, actor: str, actor_id: uuid.UUID, title: str) -> uuid.UUID:
    """A new main case held by the actor, in the actor's (first) team; journalled as
    ``title``."""
    case_id = await repo.insert_case(child_id, actor_id)
    await stamp(case_id, actor, "sag.oprettet", title)
    await publish(ChildCasesChanged(child_id))  # the prior-case index follows every case
    return case_id


async def set_child_address_protection(child_id: uuid.UUID, protected: bool) -> bool:
    """The CPR register's address protection on the child (network's lookup at registration
    and refresh): a protected child keeps no address. True when it changed."""
    return await repo.set_child_address_protection(child_id, protected)


async def current_case(child_id: uuid.UUID) -> uuid.UUID | None:
    """The child's newest open main case, if any."""
    return await repo.get_current_case(child_id)


async def caseworker_of(case_id: uuid.UUID) -> uuid.UUID | None:
    """Who holds the main case."""
    return await repo.get_caseworker(case_id)


async def received_case(transfer_id: uuid.UUID) -> ReceivedCase | None:
    """The main case a transfer was imported into, if it has been."""
    return await repo.get_received_case(transfer_id)


async def transfer_state(case_id: uuid.UUID) -> CaseTransferState | None:
    """The main case's place in transfers (sent in one now, received by one)."""
    return await repo.get_case_transfer_state(case_id)


async def child_by_cpr(cpr: str) -> ChildNamed | None:
    """This kommune's child with the CPR number, and its name."""
    return await repo.get_child_named_by_cpr(cpr)


async def known_child(cpr: str | None, mother_cpr: str | None) -> KnownChild | None:
    """This kommune's child with the CPR number (an unborn child: by the mother's), and
    its newest open case."""
    return await repo.get_known_child(cpr, mother_cpr)


async def open_cases_among(case_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Those of ``case_ids`` that are open here, newest first."""
    return await repo.list_open_cases_among(case_ids)


async def sent_transfer_of_child(case_id: uuid.UUID) -> uuid.UUID | None:
    """The transfer by which the child of ``case_id`` left this kommune and has not come
    back, if any."""
    return await repo.get_sent_transfer_of_child(case_id)


async def forwarded_notification(underretning_id: uuid.UUID) -> ForwardedNotification:
    """The underretning as it is forwarded to the kommune that has the case now."""
    return await repo.get_forwarded_notification(underretning_id)


async def restage(hovedsag_id: uuid.UUID, actor: str | None = None) -> str:
    """Set the main case's stage from its open enkeltsager: a pending decision first, then
    a running investigation, then measures, then clarification."""
    kinds = await repo.list_open_enkeltsag_kinds(hovedsag_id)
    stage = next((k for k in STAGE_PRIORITY if k in kinds), "afklaring")
    await repo.update_stage(hovedsag_id, stage, actor)
    return stage


async def add_past_events(hovedsag_id: uuid.UUID, events: list[PastEvent]) -> None:
    """Journal events that happened elsewhere (another kommune), each with its own time and
    author, in one statement."""
    await repo.insert_past_events(hovedsag_id, events)


# --- transfers (Barnets Lov § 132) -----------------------------------------------------


async def lock_for_transfer(case_id: uuid.UUID) -> TransferCase | None:
    """The main case locked ``FOR UPDATE``, with its transfer (if any)."""
    return await repo.lock_case_for_transfer(case_id)


async def mark_in_transfer(case_id: uuid.UUID, transfer_id: uuid.UUID, actor: str) -> None:
    """The case is being sent in ``transfer_id``. The caller journals it."""
    await repo.update_case_transfer(case_id, transfer_id, actor)


async def leave_transfer(case_id: uuid.UUID, transfer_id: uuid.UUID, actor: str) -> None:
    """The case is no longer in ``transfer_id`` (rejected or failed). The caller journals."""
    await repo.clear_case_transfer(case_id, transfer_id, actor)


async def close_as_transferred(
    case_id: uuid.UUID, to_code: str, reason: str, actor: str, today: date
) -> tuple[int, int]:
    """The receiving kommune has taken the case over: end its running measures (from
    ``today`` at the earliest their start), cancel its open activities, close its
    enkeltsager and close it as transferred to ``to_code``, all with ``reason``. Returns
    (measures ended, activities cancelled). The caller journals and updates the index."""
    ended = await repo.end_measures_of(case_id, today, reason, actor)
    cancelled = await repo.cancel_activities_of(case_id, reason, actor)
    await repo.close_enkeltsager_of(case_id)
    await repo.close_case_transferred(case_id, reason, to_code, actor)
    return ended, cancelled


# --- activities ------------------------------------------------------------------------


async def closed_days_setting() -> bool:
    """Whether the kommune keeps 24/12, 31/12 and Grundlovsdag closed (default on)."""
    value = await repo.get_closed_days()
    return True if value is None else bool(value)


async def with_kommune_calendar(facts: Facts) -> Facts:
    """``facts`` with the kommune's closed-days setting, for computing working days."""
    return dataclasses.replace(facts, closed_days=await closed_days_setting())


async def create_activities(
    rules: list[Rule],
    facts: Facts,
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    owner: uuid.UUID | None,
    actor: str,
    concerns: tuple[str, uuid.UUID] | None = None,
    due_reason: str | None = None,
) -> list[uuid.UUID]:
    """Create the activities of ``rules`` with deadlines computed from ``facts`` (and the
    kommune's closed days). ``concerns`` names what they are about, so a changed date can
    recompute them. An activity whose statutory deadline was impossible is due "as soon as
    possible", with the reason in ``due_reason``."""
    ids = []
    facts = await with_kommune_calendar(facts)
    for r in rules:
        due, asap = r.deadline(facts)
        activity_id = await repo.insert_activity(
            hovedsag_id,
            enkeltsag_id,
            r.id,
            r.title,
            r.citation,
            owner,
            due,
            concerns[0] if concerns else None,
            concerns[1] if concerns else None,
            asap or due_reason,
            asap is not None,
        )
        ids.append(activity_id)
        if asap:
            when = f" – snarest muligt ({asap})"
        else:
            when = f" – frist {due.astimezone(DK).strftime('%d.%m.%Y kl. %H.%M')}" if due else ""
        await stamp(
            hovedsag_id,
            actor,
            "aktivitet.oprettet",
            f"Aktivitet: {r.title}{when}",
            r.citation,
            enkeltsag_id,
        )
    return ids


async def add_activity(
    hovedsag_id: uuid.UUID,
    *,
    rule_id: str,
    title: str,
    basis: str,
    owner_id: uuid.UUID | None,
    due_at: datetime,
    enkeltsag_id: uuid.UUID | None = None,
    concerns: str | None = None,
    concerns_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """One activity that is not in the rule table (a transfer's "Læs og overtag sagen", a
    forwarded notification, a request to answer). The caller journals it in its own words."""
    return await repo.insert_activity(
        hovedsag_id,
        enkeltsag_id,
        rule_id,
        title,
        basis,
        owner_id,
        due_at,
        concerns,
        concerns_id,
        None,
        False,
    )


async def complete_activities_about(
    rule_id: str, concerns_id: uuid.UUID, actor: str
) -> list[tuple[uuid.UUID, str]]:
    """Complete the open activities of ``rule_id`` about ``concerns_id`` (any case).
    Returns (main case, title) of each. The caller journals them."""
    return await repo.complete_activities_about(rule_id, concerns_id, actor)


async def enkeltsag_of_underretning(underretning_id: uuid.UUID) -> uuid.UUID | None:
    return await repo.get_enkeltsag_of_underretning(underretning_id)


# --- measures --------------------------------------------------------------------------


def start_of(day: date) -> datetime:
    """Midnight (Danish time) at the start of ``day``."""
    return datetime.combine(day, time(0, 0), tzinfo=DK)


async def investigation_end(hovedsag_id: uuid.UUID) -> date | None:
    """When a parallel investigation ends: its 4-month deadline while it runs."""
    due = await repo.get_investigation_end(hovedsag_id)
    return due.astimezone(DK).date() if due else None


async def measure_facts(
    hovedsag_id: uuid.UUID, starts_on: date, birth: date | None, decided_on: date | None
) -> Facts:
    """The facts a measure's deadlines are computed from."""
    return Facts(
        at=start_of(starts_on),
        investigation_ends=await investigation_end(hovedsag_id),
        birth_date=birth,
        decided_on=decided_on,
    )


async def decided_on(afgoerelse_id: uuid.UUID | None) -> date | None:
    """The date of the decision, if any."""
    if afgoerelse_id is None:
        return None
    return await repo.get_decided_on(afgoerelse_id)


async def start_measure(
    actor: str,
    case: repo.LockedCase,
    afgoerelse_id: uuid.UUID,
    paragraph: str,
    measure: str,
    starts_on: date,
    planned_end: date | None = None,
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Start ``measure`` (a key of ``backend.core.measures.MEASURES``) granted by the
    decision ``afgoerelse_id`` on ``case`` (the locked main case: ``id``, ``caseworker_id``,
    ``birth_date``): a new indsats enkeltsag, the indsats, its journal entry and the
    follow-up activities. Returns the indsats and the activities created."""
    label, placement = MEASURES[measure]
    enkeltsag_id = await repo.insert_enkeltsag(case.id, "indsats", paragraph)
    indsats_id = await repo.insert_indsats(
        case.id,
        enkeltsag_id,
        afgoerelse_id,
        measure,
        paragraph,
        placement,
        starts_on,
        actor,
        planned_end,
    )
    await stamp(
        case.id,
        actor,
        "indsats.startet",
        f"Indsats: {label} efter § {paragraph} fra {starts_on.strftime('%d.%m.%Y')}"
        + (
            f" til {planned_end.strftime('%d.%m.%Y')}"
            if planned_end and paragraph == YOUTH_PARAGRAPH
            else ""
        ),
        "",
        enkeltsag_id,
    )
    rules = rules_for(Trigger.INDSATS_STARTET)
    if placement:
        rules += rules_for(Trigger.ANBRAGT_UNG) + rules_for(Trigger.ANBRINGELSE_STARTET)
        # A placement that continues another (running, or ended the day before) is a change
        # of place, type or legal basis (skema 2), not a new placement (skema 1); a report
        # of the other's end not yet sent is no longer true and is cancelled.
        before = await placement_repo.adjoining_placement(case.id, indsats_id, starts_on)
        if before is not None:
            rules = [r for r in rules if r.id != "indberet-anbringelse"]
            rules += rules_for(Trigger.ANBRINGELSE_AENDRET)
            await repo.cancel_rule_activities_about(
                "indberet-ophoer",
                before.id,
                f"Anbringelsen fortsatte: {label.lower()} fra {starts_on.strftime('%d.%m.%Y')}",
                actor,
            )
    elif measure == CONTINUED_STAY:
        rules += rules_for(Trigger.EFTERVAERN_STARTET)
    facts = await measure_facts(
        case.id, starts_on, case.birth_date, await decided_on(afgoerelse_id)
    )
    ids = await create_activities(
        rules,
        facts,
        case.id,
        enkeltsag_id,
        case.caseworker_id,
        actor,
        ("indsats", indsats_id),
    )
    return indsats_id, ids


async def placement_ended(
    actor: str, hovedsag_id: uuid.UUID, indsats_id: uuid.UUID, ends_on: date
) -> list[uuid.UUID]:
    """A placement measure ended: unless another placement runs on the case (a change of
    place, reported as such), the end is reported to Ankestyrelsen (skema 2), due four weeks
    after the day it ends."""
    if await placement_repo.other_placement_running(hovedsag_id, indsats_id):
        return []
    return await create_activities(
        rules_for(Trigger.ANBRINGELSE_OPHOERT),
        Facts(at=start_of(ends_on)),
        hovedsag_id,
        None,
        await caseworker_of(hovedsag_id),
        actor,
        ("indsats", indsats_id),
    )


# --- placed children: supervision (backend/casework/supervision.py) --------------------


async def placements_of(hovedsag_id: uuid.UUID) -> list[Placement]:
    """The case's placement measures, running first."""
    return await placement_repo.list_placements(hovedsag_id)


async def supervision_visits(hovedsag_id: uuid.UUID) -> list[SupervisionActivity]:
    """The case's supervision visits: planned (open) by due date, then held newest first."""
    return await placement_repo.list_supervision(hovedsag_id, sorted(SUPERVISION_RULES))


# --- a case sent to another kommune ----------------------------------------------------

# Tables that belong to a case through something other than hovedsag_id, and whether the
# parameter is the main case or the child.
RELATED = {
    "underretning": (
        "enkeltsag_id IN (SELECT e.id FROM enkeltsag e WHERE e.hovedsag_id = $1)",
        "hovedsag",
    ),
    "network_member": ("child_id = $1", "child"),
}
# A document's file bytes (backend/documents' ``document_chunk``) do not travel as rows:
# the transfer carries every file whole, chunk by chunk, beside its package
# (:func:`case_file_chunks`, :func:`file_chunk`, :func:`add_received_file_chunk`).
FileChunkKey = repo.FileChunkKey


@dataclass
class ExportedCase:
    """A main case written out whole: its row, its child's, and every table's rows."""

    case: dict[str, Any]
    child: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    counts: dict[str, int]
    users: dict[str, str]  # id -> display name of every user the case names
    team: str | None
    siblings: list[Sibling]  # the child's siblings, whether each has an open case here


async def case_tables(leave_out: frozenset[str]) -> list[str]:
    """Tables of the current kommune schema that belong to a case, but ``leave_out``."""
    found = await repo.list_tables_with_case()
    return sorted((set(found) | set(RELATED)) - leave_out)


async def export_case(hovedsag_id: uuid.UUID, leave_out: frozenset[str]) -> ExportedCase | None:
    """The main case, its child, and every row of every table that belongs to the case
    (every table with a ``hovedsag_id``, and ``RELATED``) but the tables in ``leave_out``,
    whole (``to_jsonb``, ordered by id), with the users it names, its team and the child's
    siblings. ``None`` if there is no such case."""
    case = await repo.get_case_export(hovedsag_id)
    if case is None:
        return None
    child_id = case.child_id
    child_row = await repo.get_child_json(child_id)
    tables: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for table in await case_tables(leave_out):
        where, by = RELATED.get(table, ("hovedsag_id = $1", "hovedsag"))
        order = " ORDER BY t.id" if await repo.table_has_id(table) else ""
        text = await repo.get_rows_json(
            table, where, order, child_id if by == "child" else hovedsag_id
        )
        rows = msgspec.json.decode(text)
        tables[table] = rows
        counts[table] = len(rows)
    users = await repo.list_case_users(hovedsag_id, case.caseworker_id)
    team = await repo.get_team_name(case.team_id) if case.team_id is not None else None
    siblings = await repo.list_siblings(child_id)
    return ExportedCase(
        case=msgspec.json.decode(case.row),
        child=msgspec.json.decode(child_row),
        tables=tables,
        counts=counts,
        users=users,
        team=team,
        siblings=siblings,
    )


# --- a case received from another kommune ----------------------------------------------

# Columns of the child row that are written from another kommune's (the rest are the
# sending kommune's bookkeeping).
CHILD_COLUMNS = (
    "cpr",
    "first_name",
    "last_name",
    "birth_date",
    "address",
    "mother_cpr",
    "expected_date",
    "address_protected",  # adressebeskyttelse travels with the child (its address never does)
)
# Tables whose rows exist only in the kommune they were made in: references to them are
# emptied, and a row that cannot be written without one stays behind.
SENDER_LOCAL = frozenset({"app_user", "team"})


@dataclass
class Column:
    name: str
    type: str
    notnull: bool
    identity: bool
    references: str | None


@dataclass
class Imported:
    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_existed: bool
    counts: dict[str, int] = field(default_factory=dict)
    not_imported: dict[str, str] = field(default_factory=dict)  # table -> why
    dropped_columns: dict[str, list[str]] = field(default_factory=dict)
    renewed: dict[str, str] = field(default_factory=dict)  # the sender's id -> the new id


async def _catalog(tables: list[str]) -> dict[str, dict[str, Column]]:
    out: dict[str, dict[str, Column]] = defaultdict(dict)
    for r in await repo.list_table_columns(tables):
        out[r.tbl][r.col] = Column(r.col, r.typ, r.notnull, r.ident, r.refs)
    return dict(out)


def _order(tables: list[str], catalog: dict[str, dict[str, Column]]) -> list[str]:
    """Tables so that each comes after the tables it references (ties by name)."""
    deps = {
        t: {
            c.references
            for c in catalog[t].values()
            if c.references in catalog and c.references != t
        }
        for t in tables
    }
    done: list[str] = []
    while len(done) < len(tables):
        ready = sorted(t for t in tables if t not in done and deps[t] <= set(done))
        if not ready:  # a cycle between tables: fall back to name order for the rest
            ready = sorted(t for t in tables if t not in done)
        done.extend(ready)
    return done


class _Ids:
    """Old id -> new id, the same new id for the same old one throughout the package."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}

    def new(self, old: str) -> str:
        if old not in self.map:
            self.map[old] = str(uuid.uuid4())
        return self.map[old]

    def forget(self, rows: list[dict[str, Any]]) -> None:
        """These rows are not imported: references to them must not resolve."""
        for row in rows:
            if row.get("id") is not None:
                self.map.pop(str(row["id"]), None)


async def import_received_case(
    child: dict[str, Any],
    sent_case: dict[str, Any],
    sent_tables: dict[str, list[dict[str, Any]]],
    *,
    transfer_id: uuid.UUID,
    caseworker_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    received_from: str,
    not_imported: Mapping[str, str],
) -> Imported:
    """Write a case received from another kommune into this one (the caller's tenant
    transaction): the child (matched by CPR, an unborn child by mother and due date, and
    reused if known), a new main case marked as received in ``transfer_id`` from
    ``received_from``, held by ``caseworker_id`` in ``team_id``, and the rows of
    ``sent_tables`` (table -> whole rows as the sender had them) in foreign-key order, one
    statement per table. Every id is renewed consistently; references to the sender's
    users and teams are emptied; columns this schema lacks are dropped and reported; a row
    that needs something that did not travel stays behind with what depends on it. Tables
    in ``not_imported`` (table -> why) are left out with that reason. The caller has
    checked the package and journals the import."""
    existing = await repo.find_received_child(
        child.get("cpr"), child.get("mother_cpr"), child.get("expected_date")
    )
    if existing is None:
        cols = [c for c in CHILD_COLUMNS if c in child]
        child_id = await repo.insert_received_child(
            cols, msgspec.json.encode({c: child[c] for c in cols}).decode()
        )
    else:
        child_id = existing
    stage = sent_case.get("stage") if sent_case.get("stage") != "afsluttet" else "afklaring"
    hovedsag_id = await repo.insert_received_case(
        child_id=child_id,
        stage=stage,
        caseworker_id=caseworker_id,
        team_id=team_id,
        transfer_id=transfer_id,
        received_from=received_from,
    )
    result = Imported(hovedsag_id, child_id, existing is not None)
    ids = _Ids()
    ids.map[str(sent_case["id"])] = str(hovedsag_id)
    ids.map[str(child["id"])] = str(child_id)

    catalog = await _catalog(list(sent_tables))
    for table in sent_tables:
        if table not in catalog:
            if sent_tables[table]:
                result.not_imported[table] = "tabellen findes ikke hos modtageren"
    present = [t for t in sent_tables if t in catalog]
    # Every row's id gets its new id first, so references between tables (and
    # references without a foreign key, such as what an activity concerns) resolve.
    for table in present:
        if catalog[table].get("id") and catalog[table]["id"].type == "uuid":
            for row in sent_tables[table]:
                if row.get("id"):
                    ids.new(str(row["id"]))
    for table in _order(present, catalog):
        rows = sent_tables[table]
        if not rows:
            result.counts[table] = 0
            continue
        columns = catalog[table]
        dropped = sorted({k for row in rows for k in row} - set(columns))
        if dropped:
            result.dropped_columns[table] = dropped
        why = not_imported.get(table)
        if why is None and any(
            c.notnull and c.references in SENDER_LOCAL for c in columns.values()
        ):
            why = "rækkerne peger på afsenderens medarbejdere"
        if why is not None:
            result.not_imported[table] = why
            ids.forget(rows)
            continue
        rewritten = []
        for row in rows:
            new = _rewrite(row, columns, ids, table)
            if new is None:
                # It needs something that did not travel; whatever needs it is left out too.
                ids.forget([row])
                result.not_imported.setdefault(
                    table, "enkelte rækker peger på noget, der ikke følger med"
                )
            else:
                rewritten.append(new)
        if not rewritten:
            result.counts[table] = 0
            continue
        if table == "journal_entry":
            result.counts[table] = await _import_journal(
                rewritten, columns, hovedsag_id, received_from
            )
            continue
        names = [c for c in columns if not columns[c].identity and any(c in r for r in rewritten)]
        result.counts[table] = await repo.insert_received_rows(
            table,
            names,
            msgspec.json.encode(rewritten).decode(),
            skip_conflicts=table == "network_member",
        )
    result.renewed = ids.map
    return result


async def case_file_chunks(hovedsag_id: uuid.UUID) -> list[FileChunkKey]:
    """The keys and sizes of every chunk of the case's finished documents' files, file by
    file in chunk order (no bytes)."""
    return await repo.list_case_file_chunks(hovedsag_id)


async def file_chunk(key: FileChunkKey) -> bytes | None:
    """One chunk's bytes (read one at a time: a file is never whole in memory)."""
    return await repo.get_file_chunk(key.document_id, key.stream, key.seq)


async def add_received_file_chunk(
    document_id: uuid.UUID, stream: str, seq: int, data: bytes
) -> None:
    """One chunk of a received document's file (the document's new id), in the caller's
    tenant transaction; the caller has checked it."""
    await repo.insert_file_chunk(document_id, stream, seq, data)


async def reassign_open_activities(case_id: uuid.UUID, to_user: uuid.UUID) -> None:
    """Give every open activity of the main case to ``to_user``. The caller journals."""
    await repo.update_open_activities_owner(case_id, to_user)


def _rewrite(
    row: dict[str, Any], columns: dict[str, Column], ids: _Ids, table: str
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for key, value in row.items():
        col = columns.get(key)
        if col is None:
            continue
        if value is None and col.notnull and not col.identity:
            return None  # the receiving schema needs it: the row cannot be written here
        if value is None or col.type != "uuid":
            out[key] = value
            continue
        old = str(value)
        if col.references in SENDER_LOCAL:
            out[key] = None
        elif col.references is not None:
            mapped = ids.map.get(old)
            if mapped is None and col.notnull:
                return None  # points at something that did not travel
            out[key] = mapped
        else:
            out[key] = ids.new(old)
    return out


async def _import_journal(
    rows: list[dict[str, Any]],
    columns: dict[str, Column],
    hovedsag_id: uuid.UUID,
    received_from: str,
) -> int:
    """Journal entries get new ids from the receiving kommune; a correction points at the
    new id of the entry it corrects (found by ``original_id``), in waves, so corrections
    of corrections follow their target."""
    for row in rows:
        row["original_id"] = row.get("id")
        row["received_from"] = row.get("received_from") or received_from
        row.pop("id", None)
    names = [
        c
        for c in columns
        if not columns[c].identity and c != "corrects_id" and any(c in r for r in rows)
    ]
    inserted: set[Any] = set()
    pending = sorted(rows, key=lambda r: r["original_id"] or 0)
    total = 0
    first = True
    while pending:
        if first:
            wave = [r for r in pending if r.get("corrects_id") is None]
            first = False
        else:
            wave = [r for r in pending if r.get("corrects_id") in inserted]
        if not wave:
            break  # corrections of entries that did not travel
        await repo.insert_received_journal_wave(
            names, msgspec.json.encode(wave).decode(), hovedsag_id
        )
        total += len(wave)
        inserted |= {r["original_id"] for r in wave}
        done = {id(r) for r in wave}
        pending = [r for r in pending if id(r) not in done]
    return total


# --- letters (backend/letters): what a sent letter does to the case ---------------------

LetterFacts = repo.LetterFacts
RECEIPT_CHANNELS = {"digital_post": "Digital Post", "e_mail": "E-mail", "brev": "Brev"}
COMPLAINT_PERIOD = timedelta(weeks=4)


async def letter_facts(hovedsag_id: uuid.UUID) -> repo.LetterFacts | None:
    """The child, caseworker, notifications and decisions a letter on the case merges."""
    return await repo.get_letter_facts(hovedsag_id)


async def decision_on_case(
    hovedsag_id: uuid.UUID, afgoerelse_id: uuid.UUID
) -> repo.LetterAfgoerelse | None:
    """A decision of this case (None for an id that is not one: another case's, or no
    decision at all), for a complaint against it."""
    return await repo.get_decision_on_case(hovedsag_id, afgoerelse_id)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=DK)


async def record_receipt_sent(
    hovedsag_id: uuid.UUID,
    underretning_id: uuid.UUID | None,
    *,
    sent_on: date,
    channel: str,
    actor: str,
) -> list[str]:
    """The receipt letter to a professional notifier was sent: complete the case's open
    receipt activities (about ``underretning_id`` when given) with the record the
    completion form would have asked for (``channel``: digital_post, e_mail or brev), and
    journal each. Returns the titles completed."""
    done = []
    for row in await repo.lock_open_receipts(hovedsag_id, underretning_id):
        record: dict[str, str | bool] = {"sendt_dato": sent_on.isoformat(), "sendt_med": channel}
        await repo.update_activity_done(row.id, actor, record)
        await stamp(
            hovedsag_id,
            actor,
            "aktivitet.udfoert",
            "Kvittering sendt til fagpersonen",
            f"Dato for kvitteringen: {sent_on.strftime('%d.%m.%Y')}\n"
            f"Sendt med: {RECEIPT_CHANNELS[channel]}\n\nUdført: {row.title}",
            enkeltsag_id=row.enkeltsag_id,
        )
        done.append(row.title)
    return done


async def record_hearing_sent(
    hovedsag_id: uuid.UUID,
    *,
    answer_by: date,
    to_whom: str,
    owner_id: uuid.UUID | None,
    actor: str,
) -> uuid.UUID:
    """A hearing letter (forvaltningsloven § 19) was sent: an activity with the parties'
    answer deadline, journalled."""
    activity_id = await add_activity(
        hovedsag_id,
        rule_id="partshoering-svarfrist",
        title=f"Svarfrist i partshøringen ({to_whom})",
        basis="Forvaltningsloven § 19: parten skal have mulighed for at udtale sig",
        owner_id=owner_id,
        due_at=_end_of(answer_by),
    )
    await stamp(
        hovedsag_id,
        actor,
        "partshoering.sendt",
        "Partshøring sendt",
        f"Til {to_whom}. Svarfrist {answer_by.strftime('%d.%m.%Y')}.",
    )
    return activity_id


async def record_decision_notified(
    hovedsag_id: uuid.UUID,
    afgoerelse_id: uuid.UUID,
    *,
    notified_on: date,
    to_whom: str,
    owner_id: uuid.UUID | None,
    actor: str,
) -> date:
    """The written decision was sent to the parties: record the day of notification on the
    decision and start the 4-week complaint period (an activity due when it runs out;
    forvaltningsloven §§ 22-25, retssikkerhedsloven §§ 66-67). Returns the last day to complain."""
    await repo.update_afgoerelse_notified(afgoerelse_id, notified_on)
    last_day = notified_on + COMPLAINT_PERIOD
    await add_activity(
        hovedsag_id,
        rule_id="klagefrist",
        title="Klagefrist udløber",
        basis="Retssikkerhedsloven § 67: klagen skal være modtaget inden 4 uger efter, at "
        "parten fik afgørelsen",
        owner_id=owner_id,
        due_at=_end_of(last_day),
    )
    await stamp(
        hovedsag_id,
        actor,
        "afgoerelse.meddelt",
        "Afgørelse meddelt",
        f"Sendt til {to_whom} den {notified_on.strftime('%d.%m.%Y')}. "
        f"Klagefristen udløber {last_day.strftime('%d.%m.%Y')}.",
    )
    return last_day


async def record_committee_letter_sent(
    hovedsag_id: uuid.UUID, afgoerelse_id: uuid.UUID, *, to_whom: str, actor: str
) -> list[str]:
    """The letter with børne- og ungeudvalget's decision and its complaint guidance was
    sent: complete the activity "Send udvalgets afgørelse …" of the indstilling it was made
    on, and journal it. Returns the titles completed (none for the chair's provisional
    decision: its letter is due once the committee has approved it)."""
    done = []
    for indstilling_id, enkeltsag_id in await committee_repo.of_decision(afgoerelse_id):
        for _, title in await repo.complete_activities_about("udvalg-send", indstilling_id, actor):
            await stamp(
                hovedsag_id,
                actor,
                "aktivitet.udfoert",
                "Afgørelsen er sendt med klagevejledning",
                f"Sendt til {to_whom}. Klage går direkte til Ankestyrelsen.\n\nUdført: {title}",
                enkeltsag_id=enkeltsag_id,
            )
            done.append(title)
    return done


async def decided_by_committee(afgoerelse_id: uuid.UUID) -> bool:
    """Whether a decision was made by børne- og ungeudvalget or its chair (§ 47): a
    complaint against it goes straight to Ankestyrelsen, the kommune does not reconsider it."""
    return await committee_repo.by_committee(afgoerelse_id)


# --- retention: deleting a closed case whole (backend/retention) -------------------------


@dataclass(frozen=True)
class CaseDeletion:
    """A case whose deletion has started in this transaction."""

    child_id: uuid.UUID
    child_goes: bool  # the child has no other main case: the child row is deleted too


async def start_case_deletion(case: AccessibleCase) -> CaseDeletion:
    """Lock the case and allow this transaction to delete its rows (the database refuses a
    DELETE of case rows otherwise). The caller (``backend.retention``) has checked that the
    case may be deleted, deletes every package's rows, then :func:`delete_case`."""
    found = await repo.lock_case_for_deletion(case)
    if found is None:
        raise NotFound("Sagen findes ikke")
    await repo.start_case_deletion(case)
    child_id, other = found
    return CaseDeletion(child_id=child_id, child_goes=not other)


async def delete_case(case: AccessibleCase, deletion: CaseDeletion) -> dict[str, int]:
    """Delete casework's rows of the case (and the child, if it has no other case), after
    the packages above have deleted theirs; ends the deletion's permission."""
    counts = await repo.delete_case_rows(case)
    if deletion.child_goes:
        counts["child"] = await repo.delete_child_row(deletion.child_id)
    await repo.end_case_deletion()
    return counts
