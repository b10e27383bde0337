"""Reads for the worklist, activities and the journal. Callers hold a tenant transaction."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import msgspec
from asyncpg import Record

from backend.casework.schemas import (
    ActivityStatus,
    AfgoerelseRead,
    AssignableUser,
    CaseworkerLoad,
    EnkeltsagRead,
    JournalEntryRead,
    JournalRef,
    NoSupport,
    NotificationLine,
    Paragraph,
    SearchQuery,
    Stage,
    StepKind,
    UnderretningRead,
    WorkerRead,
)
from backend.core.db import conn
from tenancy.names import quote_ident


class ActivityRow(msgspec.Struct, frozen=True):
    """An activity with its child's name, as ``_ACTIVITY`` selects it."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    case_number: str
    child_name: str
    rule_id: str | None
    title: str
    basis: str | None
    due_at: datetime | None
    status: ActivityStatus
    version: int
    enkeltsag_id: uuid.UUID | None
    concerns: str | None
    concerns_id: uuid.UUID | None
    due_reason: str | None
    due_asap: bool
    cancel_reason: str | None
    completed_by: str | None
    overdue: bool | None
    record_json: str | None  # what completing it recorded (JSON), see records.py
    description: str | None = None  # an own activity's text (issue 17 item 7)
    plan_name: str | None = None  # the team's activity plan it was made from

    @property
    def record(self) -> dict[str, str | bool] | None:
        if self.record_json is None:
            return None
        value: dict[str, str | bool] = json.loads(self.record_json)
        return value


# ActivityRow's columns, in its fields' order.
_ACTIVITY_COLUMNS = (
    "a.id",
    "a.hovedsag_id",
    "h.case_number",
    "c.first_name || ' ' || c.last_name",
    *(
        f"a.{c}"
        for c in (
            "rule_id title basis due_at status version enkeltsag_id concerns concerns_id "
            "due_reason due_asap cancel_reason completed_by"
        ).split()
    ),
    "(a.status = 'open' AND a.due_at < now() AND NOT a.due_asap)",
    "a.record::text",
    "a.description",
    "a.plan_name",
)
_ACTIVITY_SELECT = "SELECT " + ", ".join(
    f"{e} AS {n}" for e, n in zip(_ACTIVITY_COLUMNS, ActivityRow.__struct_fields__, strict=True)
)
_ACTIVITY = (
    _ACTIVITY_SELECT
    + " FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id JOIN child c ON c.id = h.child_id "
)
# The same for one user's activities (WHERE on ``a`` only): each activity's case read by its
# key. The fence (OFFSET 0) keeps PostgreSQL from hashing the whole hovedsag table (a
# sequential scan of every case in the kommune, 30,000 in København) to join a caseworker's
# thousand activities (docs/benchmarks.md, 2026-12-07).
_OWN_ACTIVITY = (
    _ACTIVITY_SELECT
    + " FROM activity a CROSS JOIN LATERAL (SELECT h.case_number, h.child_id FROM hovedsag h "
    "WHERE h.id = a.hovedsag_id OFFSET 0) h JOIN child c ON c.id = h.child_id "
)


# The same, with the number of rows the WHERE clause matches (before LIMIT) as "total".
_ACTIVITY_COUNTED = _ACTIVITY.replace("SELECT ", "SELECT count(*) OVER () AS total, ", 1)
_OWN_ACTIVITY_COUNTED = _OWN_ACTIVITY.replace("SELECT ", "SELECT count(*) OVER () AS total, ", 1)
assert _ACTIVITY_COUNTED != _ACTIVITY and _OWN_ACTIVITY_COUNTED != _OWN_ACTIVITY


S = TypeVar("S", bound=msgspec.Struct)


def structs(cls: type[S], rows: list[Record]) -> list[S]:
    """``rows`` as ``cls``, built from each row's values in order (a fifth of the cost of
    ``cls(**row)``: the front page builds a thousand), once the first row's column names
    are checked against the struct's fields, so a reordered SELECT fails loudly."""
    if rows and tuple(rows[0].keys()) != cls.__struct_fields__:
        raise TypeError(f"{cls.__name__}: columns {tuple(rows[0].keys())} are not its fields")
    return [cls(*r) for r in rows]


async def open_activities_of(user_id: uuid.UUID) -> list[ActivityRow]:
    rows = await conn().fetch(
        _OWN_ACTIVITY + "WHERE a.owner_id = $1 AND a.status = 'open' "
        "ORDER BY a.due_at NULLS LAST, a.created_at, a.id",  # the id: the same order every time
        user_id,
    )
    return structs(ActivityRow, rows)


async def activities_by_ids(ids: list[uuid.UUID]) -> list[ActivityRow]:
    rows = await conn().fetch(_ACTIVITY + "WHERE a.id = ANY($1::uuid[]) ORDER BY a.due_at", ids)
    return structs(ActivityRow, rows)


# The open cases user $1 holds or is on: a UNION, so each side uses its own index.
_MY_CASES = (
    "SELECT id FROM hovedsag WHERE caseworker_id = $1 AND closed_at IS NULL "
    "UNION SELECT w.hovedsag_id FROM hovedsag_worker w JOIN hovedsag x "
    "ON x.id = w.hovedsag_id WHERE w.user_id = $1 AND x.closed_at IS NULL"
)
# ``hovedsag h`` restricted to those cases, read by key: joined to the UNION instead,
# PostgreSQL hashed the whole table (every case in the kommune) for a caseworker's few hundred.
_MINE = f"h.id = ANY(ARRAY({_MY_CASES}))"


class CaseLineRow(msgspec.Struct, frozen=True):
    """One of the user's open cases on the front page, with its activity counts."""

    id: uuid.UUID
    case_number: str
    child_id: uuid.UUID
    child_name: str
    birth_date: date
    stage: Stage
    opened_at: date
    open_activities: int
    overdue: int


async def cases_of(user_id: uuid.UUID) -> list[CaseLineRow]:
    rows = await conn().fetch(
        "SELECT h.id, h.case_number, h.child_id, c.first_name || ' ' || c.last_name "
        "AS child_name, c.birth_date, h.stage, h.opened_at, "
        "count(a.id) AS open_activities, "
        "count(a.id) FILTER (WHERE a.due_at < now() AND NOT a.due_asap) AS overdue "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "LEFT JOIN activity a ON a.hovedsag_id = h.id AND a.status = 'open' "
        f"WHERE {_MINE} GROUP BY h.id, c.id "
        "ORDER BY overdue DESC, h.opened_at DESC, h.id LIMIT 500",  # the id: the same every time
        user_id,
    )
    return structs(CaseLineRow, rows)


_CASE_OF = {
    "underretning": "SELECT e.hovedsag_id FROM underretning u JOIN enkeltsag e "
    "ON e.id = u.enkeltsag_id WHERE u.id = $1",
    "indsats": "SELECT hovedsag_id FROM indsats WHERE id = $1",
}


async def case_of(kind: str, record_id: uuid.UUID) -> uuid.UUID | None:
    """The main case an underretning or indsats belongs to."""
    case_id: uuid.UUID | None = await conn().fetchval(_CASE_OF[kind], record_id)
    return case_id


async def journal_page(
    case_id: uuid.UUID,
    kind: str | None,
    enkeltsag_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    page: int,
    page_size: int,
) -> tuple[list[JournalEntryRead], int]:
    where: list[str] = ["j.hovedsag_id = $1"]
    args: list[Any] = [case_id]
    for clause, value in (
        ("j.kind = ${}", kind),
        ("j.enkeltsag_id = ${}", enkeltsag_id),
        ("j.at >= ${}", since),
        ("j.at < ${}", until),
    ):
        if value is not None and value != "":
            args.append(value)
            where.append(clause.format(len(args)))
    cond = " AND ".join(where)
    db = conn()
    # The page and the number of matching entries in one round trip (the count is an
    # uncorrelated subquery: computed once, from the index alone).
    rows = await db.fetch(
        f"SELECT (SELECT count(*) FROM journal_entry j WHERE {cond}) AS total, "
        f"j.id, j.at, j.author, {JOURNAL_AUTHOR_NAME} AS author_name, j.kind, j.event, "
        "j.title, j.body, j.enkeltsag_id, j.received_from, j.written_at, j.corrects_id, "
        "coalesce((SELECT array_agg(r.id ORDER BY r.id) FROM journal_entry r "
        "WHERE r.corrects_id = j.id), '{}') AS corrected_by "
        f"FROM journal_entry j WHERE {cond} ORDER BY j.at DESC, j.id DESC "
        f"LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}",
        *args,
    )
    if rows:
        total = int(rows[0]["total"])
    elif page == 1:
        total = 0
    else:  # past the end: count them
        total = int(await db.fetchval(f"SELECT count(*) FROM journal_entry j WHERE {cond}", *args))
    wanted = {r["corrects_id"] for r in rows if r["corrects_id"]} | {
        i for r in rows for i in r["corrected_by"]
    }
    refs = (
        {
            r["id"]: JournalRef(**r)
            for r in await db.fetch(
                f"SELECT j.id, j.at, j.title, {JOURNAL_AUTHOR_NAME} AS author_name "
                "FROM journal_entry j WHERE j.hovedsag_id = $1 AND j.id = ANY($2::bigint[])",
                case_id,
                list(wanted),
            )
        }
        if wanted  # most pages have no corrections: no round trip for them
        else {}
    )
    entries = [
        JournalEntryRead(
            **{k: v for k, v in r.items() if k != "total"},
            corrects=refs.get(r["corrects_id"]) if r["corrects_id"] else None,
            corrections=[refs[i] for i in r["corrected_by"] if i in refs],
        )
        for r in rows
    ]
    return entries, total


# The author of journal entry ``j`` as a person reads them: the name kept with the entry,
# else the user's name here, else (an entry from another kommune or a former user) a
# description, never an e-mail address.
JOURNAL_AUTHOR_NAME = (
    "coalesce(j.author_name, (SELECT u.display_name FROM app_user u "
    "WHERE u.username = j.author), CASE WHEN j.author LIKE '%@%' THEN "
    "CASE WHEN j.received_from IS NULL THEN 'Tidligere medarbejder' "
    "ELSE 'Medarbejder i ' || regexp_replace(j.received_from, '^[0-9]{4} ', '') END "
    "ELSE j.author END)"
)


async def new_notifications(
    *, user_id: uuid.UUID | None = None, team_ids: list[uuid.UUID] | None = None, days: int = 14
) -> list[NotificationLine]:
    """Notifications received in the last ``days`` on the open cases the user holds (or is
    on), or on the cases of ``team_ids``; newest first, with whether they are assessed."""
    if user_id is not None:
        who = f"h.id IN ({_MY_CASES})"
        arg: Any = user_id
    else:
        who = "h.team_id = ANY($1::uuid[])"
        arg = team_ids or []
    rows = await conn().fetch(
        "SELECT u.id, u.kind, u.received_at, u.source, u.notifier_kind, u.suspected_abuse, "
        "h.id AS hovedsag_id, h.child_id, c.first_name || ' ' || c.last_name AS child_name, "
        "NOT EXISTS (SELECT 1 FROM activity a WHERE a.concerns_id = u.id AND a.status = 'open' "
        "AND a.rule_id IN ('vurdering-24-timer', 'afklar-henvendelse')) AS assessed "
        "FROM underretning u JOIN enkeltsag e ON e.id = u.enkeltsag_id "
        "JOIN hovedsag h ON h.id = e.hovedsag_id JOIN child c ON c.id = h.child_id "
        f"WHERE {who} AND h.closed_at IS NULL "
        "AND u.received_at > now() - make_interval(days => $2) "
        "ORDER BY u.received_at DESC LIMIT 50",
        arg,
        days,
    )
    return [NotificationLine(**r) for r in rows]


# --- The front page in pages (GET /api/worklist/...) ---

# The deadline group of activity ``a``; $2 is now, $3 the start of next week (Danish time).
# "Snarest muligt" is due now but never overdue, as the worklist has always shown it.
_WINDOW = (
    "CASE WHEN a.due_at IS NULL THEN 'without_deadline' WHEN a.due_asap THEN 'this_week' "
    "WHEN a.due_at < $2 THEN 'overdue' WHEN a.due_at < $3 THEN 'this_week' ELSE 'later' END"
)


class OpenActivityKey(msgspec.Struct, frozen=True):
    """What the worklist's filters and counts need of one open activity."""

    window: str
    rule_id: str | None
    hovedsag_id: uuid.UUID
    child_name: str


async def open_activity_keys(
    user_id: uuid.UUID, now: datetime, week_end: datetime
) -> list[OpenActivityKey]:
    """The user's open activities, only their group, rule and case (counted by the caller)."""
    rows = await conn().fetch(
        f"SELECT {_WINDOW} AS window, a.rule_id, a.hovedsag_id, "
        "c.first_name || ' ' || c.last_name AS child_name "
        "FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id JOIN child c ON c.id = h.child_id "
        "WHERE a.owner_id = $1 AND a.status = 'open'",
        user_id,
        now,
        week_end,
    )
    return [OpenActivityKey(**r) for r in rows]


async def open_activities_page(
    user_id: uuid.UUID,
    now: datetime,
    week_end: datetime,
    *,
    window: str,
    rule_id: str | None,
    other: bool,
    case_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[list[ActivityRow], int]:
    """One page of the user's open activities in deadline group ``window`` (of rule
    ``rule_id``, or without a rule when ``other``; on ``case_id``), by deadline, then
    creation, then id, so pages neither skip nor repeat rows; and how many there are."""
    where = [f"a.owner_id = $1 AND a.status = 'open' AND {_WINDOW} = $4"]
    args: list[Any] = [user_id, now, week_end, window]
    if other:
        where.append("a.rule_id IS NULL")
    elif rule_id is not None:
        args.append(rule_id)
        where.append(f"a.rule_id = ${len(args)}")
    if case_id is not None:
        args.append(case_id)
        where.append(f"a.hovedsag_id = ${len(args)}")
    cond = " AND ".join(where)
    db = conn()
    rows = await db.fetch(
        f"{_OWN_ACTIVITY_COUNTED}WHERE {cond} ORDER BY a.due_at NULLS LAST, a.created_at, a.id "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    if rows:
        total = int(rows[0]["total"])
    elif offset == 0:
        total = 0
    else:  # past the end: count them
        total = int(
            await db.fetchval(
                "SELECT count(*) FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id "
                f"JOIN child c ON c.id = h.child_id WHERE {cond}",
                *args,
            )
        )
    return [ActivityRow(**{k: v for k, v in r.items() if k != "total"}) for r in rows], total


async def notifications_page(
    user_id: uuid.UUID | None,
    offset: int,
    limit: int,
    days: int = 14,
    *,
    team_ids: list[uuid.UUID] | None = None,
) -> tuple[list[NotificationLine], int, int]:
    """One page of what ``new_notifications`` lists for the user (or, with ``team_ids``,
    on the teams' cases), newest first, then by id; how many there are and how many of
    them are not assessed."""
    who = f"h.id IN ({_MY_CASES})" if team_ids is None else "h.team_id = ANY($1::uuid[])"
    rows = await conn().fetch(
        "SELECT *, count(*) OVER () AS total, count(*) FILTER (WHERE NOT assessed) OVER () "
        "AS unassessed FROM (SELECT u.id, u.kind, u.received_at, u.source, u.notifier_kind, "
        "u.suspected_abuse, h.id AS hovedsag_id, h.child_id, "
        "c.first_name || ' ' || c.last_name AS child_name, "
        "NOT EXISTS (SELECT 1 FROM activity a WHERE a.concerns_id = u.id AND a.status = 'open' "
        "AND a.rule_id IN ('vurdering-24-timer', 'afklar-henvendelse')) AS assessed "
        "FROM underretning u JOIN enkeltsag e ON e.id = u.enkeltsag_id "
        "JOIN hovedsag h ON h.id = e.hovedsag_id JOIN child c ON c.id = h.child_id "
        f"WHERE {who} AND h.closed_at IS NULL "
        "AND u.received_at > now() - make_interval(days => $2)) n "
        f"ORDER BY received_at DESC, id LIMIT {int(limit)} OFFSET {int(offset)}",
        user_id if team_ids is None else team_ids,
        days,
    )
    if not rows and offset > 0:
        return [], *(await notifications_page(user_id, 0, 1, days, team_ids=team_ids))[1:]
    total = int(rows[0]["total"]) if rows else 0
    unassessed = int(rows[0]["unassessed"]) if rows else 0
    lines = [
        NotificationLine(**{k: v for k, v in r.items() if k not in ("total", "unassessed")})
        for r in rows
    ]
    return lines, total, unassessed


_CASE_ORDER = {
    "navn": "child_name, id",
    "aabnet": "opened_at DESC, id",
    "overskredne": "overdue DESC, opened_at DESC, id",
}


async def cases_page(
    user_id: uuid.UUID, name: str | None, sort: str, offset: int, limit: int
) -> tuple[list[CaseLineRow], int]:
    """One page of the user's open cases (whose child's name or case number contains ``name``), in
    ``sort`` order (ending in the id, so pages neither skip nor repeat), and the total."""
    args: list[Any] = [user_id]
    cond = ""
    if name:
        args.append("%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        cond = " AND (c.first_name || ' ' || c.last_name ILIKE $2 OR h.case_number LIKE $2)"
    rows = await conn().fetch(
        "SELECT *, count(*) OVER () AS total FROM (SELECT h.id, h.case_number, h.child_id, "
        "c.first_name || ' ' || c.last_name AS child_name, c.birth_date, h.stage, h.opened_at, "
        "count(a.id) AS open_activities, "
        "count(a.id) FILTER (WHERE a.due_at < now() AND NOT a.due_asap) AS overdue "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "LEFT JOIN activity a ON a.hovedsag_id = h.id AND a.status = 'open' "
        f"WHERE {_MINE}{cond} GROUP BY h.id, c.id) x "
        f"ORDER BY {_CASE_ORDER[sort]} LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    if not rows and offset > 0:
        return [], (await cases_page(user_id, name, sort, 0, 1))[1]
    total = int(rows[0]["total"]) if rows else 0
    return [CaseLineRow(**{k: v for k, v in r.items() if k != "total"}) for r in rows], total


# Data restrictions (tenant migration 0048, backend/core/scope.py): the teams the request's
# user reaches, read from the same transaction settings the policy on hovedsag reads. With
# no restriction set every team passes.
_SCOPE_WIDE = (
    "coalesce(nullif(current_setting('trekant.scope_wide_teams', true), '')::uuid[], '{}')"
)
_SCOPE_OWN = (
    "coalesce(nullif(nullif(current_setting('trekant.scope_own_teams', true), '*'), '')"
    "::uuid[], '{}')"
)
_UNRESTRICTED = "coalesce(current_setting('trekant.scope_user', true), '') = ''"
_IN_REACH = (
    f"({_UNRESTRICTED} OR t.id = ANY({_SCOPE_WIDE}) OR t.id = ANY({_SCOPE_OWN}) "
    "OR current_setting('trekant.scope_own_teams', true) = '*')"
)


async def team_ids_of(user_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The user's teams, as far as her data restrictions reach (a manager restricted to an
    organisation unit sees only its teams' overview)."""
    rows = await conn().fetch(
        "SELECT t.id, t.name FROM team t JOIN team_member m ON m.team_id = t.id "
        f"WHERE m.user_id = $1 AND {_IN_REACH} ORDER BY t.name",
        user_id,
    )
    return [(r["id"], r["name"]) for r in rows]


async def reachable_team_ids() -> list[uuid.UUID] | None:
    """None without data restrictions; else the teams whose cases the restrictions name
    (the kommune-wide roles' units and the caseworker roles' units): what management
    information and money lists cover instead of the whole kommune."""
    rows = await conn().fetch(
        f"SELECT t.id, {_UNRESTRICTED} AS open FROM (SELECT 1) one LEFT JOIN team t "
        f"ON t.id = ANY({_SCOPE_WIDE}) OR t.id = ANY({_SCOPE_OWN}) ORDER BY t.name"
    )
    if not rows or rows[0]["open"]:
        return None
    return [r["id"] for r in rows if r["id"] is not None]


ASSIGNABLE_ROLES = ("sagsbehandler", "leder")


async def assignable_users(case_id: uuid.UUID) -> list[AssignableUser]:
    """Active caseworkers and managers of the kommune (never read-only or finance-only
    users), the case's team first, then by name. ``team`` is the team the case would
    follow them to: the case's team if they are in it, else their first team by name."""
    rows = await conn().fetch(
        "SELECT u.id AS user_id, u.display_name, t.id AS team_id, t.name AS team, "
        "coalesce(t.id = h.team_id, false) AS in_case_team "
        "FROM hovedsag h CROSS JOIN app_user u "
        "LEFT JOIN LATERAL (SELECT t.id, t.name FROM team_member m JOIN team t "
        "ON t.id = m.team_id WHERE m.user_id = u.id "
        "ORDER BY t.id = h.team_id DESC NULLS LAST, t.name LIMIT 1) t ON true "
        "WHERE h.id = $1 AND u.active AND EXISTS (SELECT 1 FROM user_role r "
        "WHERE r.user_id = u.id AND r.role = ANY($2::text[])) "
        "ORDER BY in_case_team DESC, u.display_name",
        case_id,
        list(ASSIGNABLE_ROLES),
    )
    return [AssignableUser(**r) for r in rows]


async def team_of(user_id: uuid.UUID, prefer: uuid.UUID | None) -> uuid.UUID | None:
    """The user's team the case follows them to: ``prefer`` if they are in it, else their
    first team by name (None: in no team)."""
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT t.id FROM team_member m JOIN team t ON t.id = m.team_id WHERE m.user_id = $1 "
        "ORDER BY t.id = $2 DESC NULLS LAST, t.name LIMIT 1",
        user_id,
        prefer,
    )
    return found


_OVERDUE_IN_TEAMS = (
    "WHERE a.status = 'open' AND a.due_at < now() AND NOT a.due_asap AND h.closed_at IS NULL "
    "AND (h.team_id = ANY($1::uuid[]) OR a.owner_id IN (SELECT user_id FROM team_member "
    "WHERE team_id = ANY($1::uuid[]))) "
)


async def overdue_in_teams(
    team_ids: list[uuid.UUID], offset: int, limit: int
) -> tuple[list[ActivityRow], int]:
    """One page of the overdue open activities on the teams' cases or of their members,
    oldest deadline first (then by id, so pages neither skip nor repeat), and the total."""
    db = conn()
    rows = await db.fetch(
        f"{_ACTIVITY_COUNTED}{_OVERDUE_IN_TEAMS}ORDER BY a.due_at, a.id "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        team_ids,
    )
    if rows:
        total = int(rows[0]["total"])
    elif offset == 0:
        total = 0
    else:  # past the end: count them
        total = int(
            await db.fetchval(
                "SELECT count(*) FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id "
                f"{_OVERDUE_IN_TEAMS}",
                team_ids,
            )
        )
    return [ActivityRow(**{k: v for k, v in r.items() if k != "total"}) for r in rows], total


async def caseload(team_ids: list[uuid.UUID]) -> list[CaseworkerLoad]:
    rows = await conn().fetch(
        "SELECT u.id AS user_id, u.display_name, "
        "(SELECT count(*) FROM hovedsag h WHERE h.caseworker_id = u.id AND h.closed_at IS NULL) "
        "AS open_cases, "
        "(SELECT count(*) FROM activity a WHERE a.owner_id = u.id AND a.status = 'open') "
        "AS open_activities, "
        "(SELECT count(*) FROM activity a WHERE a.owner_id = u.id AND a.status = 'open' "
        "AND a.due_at < now() AND NOT a.due_asap) AS overdue_activities "
        "FROM app_user u WHERE u.active AND u.id IN (SELECT user_id FROM team_member "
        "WHERE team_id = ANY($1::uuid[])) ORDER BY overdue_activities DESC, open_cases DESC",
        team_ids,
    )
    return [CaseworkerLoad(**r) for r in rows]


class SearchRow(msgspec.Struct, frozen=True):
    """A case the search found, with its activity counts."""

    hovedsag_id: uuid.UUID
    case_number: str
    child_id: uuid.UUID
    child_name: str
    birth_date: date
    cpr: str | None  # None: an unborn child (birth_date is the expected date)
    stage: Stage
    opened_at: date
    closed_at: date | None
    caseworker: str | None
    team: str | None
    open_activities: int
    overdue_activities: int


async def search(
    q: SearchQuery, cpr: str | None, today: date, case_number: str | None = None
) -> tuple[list[SearchRow], int]:
    """Cases matching every given criterion, newest first, paged. ``cpr`` or
    ``case_number`` (normalised, e.g. ``2026-00123``) stand instead of the text."""
    where: list[str] = []
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if cpr:
        where.append(f"(c.cpr = {arg(cpr)} OR c.mother_cpr = {arg(cpr)})")
    elif case_number:
        where.append(f"h.case_number = {arg(case_number)}")
    elif q.text:
        words = [w for w in q.text.lower().split() if w]
        for w in words[:5]:
            where.append(
                f"(lower(c.first_name) LIKE {arg(w + '%')} OR lower(c.last_name) LIKE "
                f"{arg(w + '%')})"
            )
    if q.age_from is not None:
        where.append(
            f"c.birth_date <= ({arg(today)}::date - make_interval(years => {arg(q.age_from)}))"
        )
    if q.age_to is not None:
        where.append(
            f"c.birth_date > ({arg(today)}::date - make_interval(years => {arg(q.age_to + 1)}))"
        )
    if q.stage:
        where.append(f"h.stage = {arg(q.stage)}")
    if q.caseworker_id:
        where.append(f"h.caseworker_id = {arg(q.caseworker_id)}")
    if q.team_id:
        where.append(f"h.team_id = {arg(q.team_id)}")
    if q.measure:
        where.append(
            f"EXISTS (SELECT 1 FROM indsats i WHERE i.hovedsag_id = h.id AND i.kind = "
            f"{arg(q.measure)} AND i.ends_on IS NULL)"
        )
    if not q.include_closed:
        where.append("h.closed_at IS NULL")
    deadline = {
        "overdue": "EXISTS (SELECT 1 FROM activity a WHERE a.hovedsag_id = h.id "
        "AND a.status = 'open' AND a.due_at < now() AND NOT a.due_asap)",
        "due_week": "EXISTS (SELECT 1 FROM activity a WHERE a.hovedsag_id = h.id "
        "AND a.status = 'open' AND a.due_at >= now() AND a.due_at < now() + interval '7 days')",
        "none_open": "NOT EXISTS (SELECT 1 FROM activity a WHERE a.hovedsag_id = h.id "
        "AND a.status = 'open')",
    }.get(q.deadline or "")
    if deadline:
        where.append(deadline)
    cond = " AND ".join(where) or "true"
    # Filter first (indexes), count the page's activities only for the rows shown.
    base = f"FROM hovedsag h JOIN child c ON c.id = h.child_id WHERE {cond}"
    page_sql = (
        "SELECT h.id AS hovedsag_id, h.case_number, c.id AS child_id, "
        "c.first_name || ' ' || c.last_name "
        "AS child_name, c.birth_date, c.cpr, h.stage, h.opened_at, h.closed_at, "
        "u.display_name AS caseworker, t.name AS team, "
        "(SELECT count(*) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open') "
        "AS open_activities, "
        "(SELECT count(*) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open' "
        "AND a.due_at < now() AND NOT a.due_asap) AS overdue_activities "
        f"FROM (SELECT h.id {base} ORDER BY h.opened_at DESC, h.id "
        f"LIMIT {int(q.page_size)} OFFSET {(int(q.page) - 1) * int(q.page_size)}) p "
        "JOIN hovedsag h ON h.id = p.id JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user u ON u.id = h.caseworker_id LEFT JOIN team t ON t.id = h.team_id "
        "ORDER BY h.opened_at DESC, h.id"
    )
    db = conn()
    total = await db.fetchval(f"SELECT count(*) {base}", *args)
    rows = await db.fetch(page_sql, *args)
    return [SearchRow(**r) for r in rows], int(total)


def _created_by_name(table: str) -> str:
    """``created_by_name``: the display name of the user in ``<table>.created_by`` (people
    read names, not usernames); "Ukendt medarbejder" for one who is not a user here."""
    return (
        f"coalesce((SELECT u.display_name FROM app_user u WHERE u.username = {table}.created_by), "
        "'Ukendt medarbejder') AS created_by_name"
    )


class IndsatsRow(msgspec.Struct, frozen=True):
    """A measure on the case page (the route adds its label)."""

    id: uuid.UUID
    enkeltsag_id: uuid.UUID
    kind: str
    paragraph: Paragraph
    placement: bool
    starts_on: date
    ends_on: date | None
    end_reason: str | None
    version: int
    planned_end: date | None = None  # the last day granted (support after 18: by 23)


class StepRow(msgspec.Struct, frozen=True):
    """A recorded step on the case page (the route adds its label)."""

    id: uuid.UUID
    kind: StepKind
    happened_on: date
    note: str
    indsats_id: uuid.UUID | None
    next_due: date | None
    next_reason: str | None
    created_by: str
    created_by_name: str
    # The § 111 step: the decision on support after 18 it links, or why there is none.
    afgoerelse_id: uuid.UUID | None = None
    no_support: NoSupport | None = None


class CaseDetail(msgspec.Struct, frozen=True):
    """A main case with everything its page shows."""

    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    stage: Stage
    opened_at: date
    closed_at: date | None
    caseworker_id: uuid.UUID | None
    caseworker: str | None
    team_id: uuid.UUID | None
    team: str | None
    version: int
    close_reason: str | None
    case_number: str
    cpr: str | None  # ten digits; None for an unborn child
    birth_date: date
    expected_date: date | None
    address: str
    address_protected: bool
    enkeltsager: list[EnkeltsagRead]
    activities: list[ActivityRow]
    underretninger: list[UnderretningRead]
    afgoerelser: list[AfgoerelseRead]
    indsatser: list[IndsatsRow]
    steps: list[StepRow]
    workers: list[WorkerRead]


def _nested(cols: dict[str, str], rest: str) -> str:
    """The rows ``rest`` (FROM … ORDER BY …) selects, as one array column of records with
    ``cols`` (field name: expression) in order; ``_unnest`` makes them structs again."""
    return f"ARRAY(SELECT ROW({', '.join(cols.values())}) {rest})"


def _unnest(cls: type[S], cols: dict[str, str], records: list[tuple[Any, ...]]) -> list[S]:
    names = list(cols)
    return [cls(**dict(zip(names, r, strict=True))) for r in records]


def _by_name(table: str) -> str:
    return _created_by_name(table).removesuffix(" AS created_by_name")


# What the case page shows besides the case itself, each as an array column of the case's
# one row (one statement and one round trip instead of seven; $1 is the case).
_CASE_ENKELTSAGER = {
    c: c for c in ("id", "kind", "opened_at", "closed_at", "paragraph", "aware_since", "summary")
}
_CASE_ACTIVITIES = dict(zip(ActivityRow.__struct_fields__, _ACTIVITY_COLUMNS, strict=True))
_CASE_UNDERRETNINGER = {
    c: f"u.{c}"
    for c in (
        "id kind enkeltsag_id received_at notifier_kind source notifier_name concerns "
        "suspected_abuse version causes"
    ).split()
}
_CASE_AFGOERELSER = {
    **{c: c for c in ("id", "enkeltsag_id", "paragraph", "outcome", "decided_on", "summary")},
    "exceptions": "exceptions::text",
    "created_by": "created_by",
    "created_by_name": _by_name("afgoerelse"),
}
_CASE_INDSATSER = {
    c: c
    for c in (
        "id enkeltsag_id kind paragraph placement starts_on ends_on end_reason version planned_end"
    ).split()
}
_CASE_STEPS = {
    **{
        c: c
        for c in (
            "id kind happened_on note indsats_id next_due next_reason created_by "
            "afgoerelse_id no_support"
        ).split()
    },
    "created_by_name": _by_name("case_step"),
}
_CASE_WORKERS = {
    "user_id": "w.user_id",
    "display_name": "u.display_name",
    "added_by": "w.added_by",
    "added_at": "w.added_at",
    "added_by_name": "coalesce((SELECT a.display_name FROM app_user a "
    "WHERE a.username = w.added_by), 'Ukendt medarbejder')",
}
_CASE = (
    "SELECT h.id, h.child_id, c.first_name || ' ' || c.last_name AS child_name, h.stage, "
    "h.opened_at, h.closed_at, h.caseworker_id, u.display_name AS caseworker, h.team_id, "
    "t.name AS team, h.version, h.close_reason, h.case_number, c.cpr, c.birth_date, "
    "c.expected_date, c.address, c.address_protected, "
    + _nested(_CASE_ENKELTSAGER, "FROM enkeltsag WHERE hovedsag_id = $1 ORDER BY opened_at")
    + " AS enkeltsager, "
    # The activities are the case's own: its number and child are h's and c's.
    + _nested(
        _CASE_ACTIVITIES,
        "FROM activity a WHERE a.hovedsag_id = $1 ORDER BY a.status, a.due_at NULLS LAST",
    )
    + " AS activities, "
    + _nested(
        _CASE_UNDERRETNINGER,
        "FROM underretning u JOIN enkeltsag e ON e.id = u.enkeltsag_id "
        "WHERE e.hovedsag_id = $1 ORDER BY u.received_at DESC",
    )
    + " AS underretninger, "
    + _nested(
        _CASE_AFGOERELSER,
        "FROM afgoerelse WHERE hovedsag_id = $1 ORDER BY decided_on DESC, created_at DESC",
    )
    + " AS afgoerelser, "
    + _nested(
        _CASE_INDSATSER,
        "FROM indsats WHERE hovedsag_id = $1 ORDER BY ends_on NULLS FIRST, starts_on DESC",
    )
    + " AS indsatser, "
    + _nested(
        _CASE_STEPS,
        "FROM case_step WHERE hovedsag_id = $1 ORDER BY happened_on DESC, created_at DESC",
    )
    + " AS steps, "
    + _nested(
        _CASE_WORKERS,
        "FROM hovedsag_worker w JOIN app_user u ON u.id = w.user_id "
        "WHERE w.hovedsag_id = $1 ORDER BY w.added_at",
    )
    + " AS workers FROM hovedsag h JOIN child c ON c.id = h.child_id "
    "LEFT JOIN app_user u ON u.id = h.caseworker_id LEFT JOIN team t ON t.id = h.team_id "
    "WHERE h.id = $1"
)


async def get_case(case_id: uuid.UUID) -> CaseDetail | None:
    row = await conn().fetchrow(_CASE, case_id)
    if row is None:
        return None
    afgoerelser = [
        AfgoerelseRead(**{**r, "exceptions": json.loads(r["exceptions"])})
        for r in (dict(zip(_CASE_AFGOERELSER, t, strict=True)) for t in row["afgoerelser"])
    ]
    return CaseDetail(
        **{k: v for k, v in row.items() if k not in _CASE_LISTS},
        enkeltsager=_unnest(EnkeltsagRead, _CASE_ENKELTSAGER, row["enkeltsager"]),
        activities=_unnest(ActivityRow, _CASE_ACTIVITIES, row["activities"]),
        underretninger=_unnest(UnderretningRead, _CASE_UNDERRETNINGER, row["underretninger"]),
        afgoerelser=afgoerelser,
        indsatser=_unnest(IndsatsRow, _CASE_INDSATSER, row["indsatser"]),
        steps=_unnest(StepRow, _CASE_STEPS, row["steps"]),
        workers=_unnest(WorkerRead, _CASE_WORKERS, row["workers"]),
    )


_CASE_LISTS = "enkeltsager activities underretninger afgoerelser indsatser steps workers".split()


# --- the case's lifecycle (backend.casework.lifecycle) ---------------------------------


class TransferCase(msgspec.Struct, frozen=True):
    """A main case as a transfer sees it (locked ``FOR UPDATE``)."""

    id: uuid.UUID
    child_id: uuid.UUID
    closed_at: date | None
    transfer_id: uuid.UUID | None


class ReceivedCase(msgspec.Struct, frozen=True):
    """The main case a transfer was imported into."""

    id: uuid.UUID
    child_id: uuid.UUID
    caseworker_id: uuid.UUID | None


class CaseTransferState(msgspec.Struct, frozen=True):
    """A main case's place in transfers: in one now (``transfer_id``, not closed), or
    received by one (``received_transfer_id``)."""

    id: uuid.UUID
    child_id: uuid.UUID
    closed_at: date | None
    transfer_id: uuid.UUID | None
    received_transfer_id: uuid.UUID | None


class ChildNamed(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str


class KnownChild(msgspec.Struct, frozen=True):
    """A child this kommune knows, and its newest open main case."""

    id: uuid.UUID
    open_case: uuid.UUID | None


class ForwardedNotification(msgspec.Struct, frozen=True):
    """An underretning as it is forwarded to the kommune that has the case."""

    kind: str
    received_at: datetime
    notifier_kind: str
    source: str
    notifier_name: str | None
    notifier_contact: str | None
    concerns: str
    suspected_abuse: bool
    causes: list[str] = []


class PastEvent(msgspec.Struct, frozen=True):
    """A journal event that happened elsewhere, written with its own time and author."""

    at: datetime
    author: str
    author_name: str | None
    event: str
    title: str
    body: str = ""


async def insert_case(child_id: uuid.UUID, actor_id: uuid.UUID) -> uuid.UUID:
    """A new main case held by ``actor_id``, in their (first) team."""
    case_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO hovedsag (child_id, opened_at, stage, caseworker_id, team_id) "
        "VALUES ($1, (now() AT TIME ZONE 'Europe/Copenhagen')::date, 'afklaring', $2, "
        "(SELECT m.team_id FROM team_member m "
        "JOIN team t ON t.id = m.team_id WHERE m.user_id = $2 ORDER BY t.name LIMIT 1)) "
        "RETURNING id",
        child_id,
        actor_id,
    )
    return case_id


async def get_current_case(child_id: uuid.UUID) -> uuid.UUID | None:
    """The child's newest open main case."""
    case_id: uuid.UUID | None = await conn().fetchval(
        "SELECT id FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL "
        "ORDER BY opened_at DESC LIMIT 1",
        child_id,
    )
    return case_id


async def get_caseworker(case_id: uuid.UUID) -> uuid.UUID | None:
    owner: uuid.UUID | None = await conn().fetchval(
        "SELECT caseworker_id FROM hovedsag WHERE id = $1", case_id
    )
    return owner


async def insert_activity(
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    rule_id: str,
    title: str,
    basis: str | None,
    owner_id: uuid.UUID | None,
    due_at: datetime | None,
    concerns: str | None,
    concerns_id: uuid.UUID | None,
    due_reason: str | None,
    due_asap: bool,
) -> uuid.UUID:
    activity_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO activity (hovedsag_id, enkeltsag_id, rule_id, title, basis, owner_id, "
        "due_at, concerns, concerns_id, due_reason, due_asap) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        hovedsag_id,
        enkeltsag_id,
        rule_id,
        title,
        basis,
        owner_id,
        due_at,
        concerns,
        concerns_id,
        due_reason,
        due_asap,
    )
    return activity_id


class OwnActivity(msgspec.Struct, frozen=True):
    """One own activity to insert (a caseworker's, or an item of an applied plan)."""

    title: str
    due_at: datetime
    description: str | None
    owner_id: uuid.UUID
    enkeltsag_id: uuid.UUID | None = None


async def insert_own_activities(
    hovedsag_id: uuid.UUID,
    items: list[OwnActivity],
    actor: str,
    plan: tuple[uuid.UUID, str, int] | None = None,
) -> list[uuid.UUID]:
    """Insert own activities (rule ``egen``) in one statement, in the order given."""
    rows = await conn().fetch(
        "INSERT INTO activity (hovedsag_id, enkeltsag_id, rule_id, title, owner_id, due_at, "
        "description, created_by, plan_id, plan_name, plan_version) "
        "SELECT $1, x.enkeltsag_id, 'egen', x.title, x.owner_id, x.due_at, x.description, $2, "
        "$3, $4, $5 FROM unnest($6::uuid[], $7::text[], $8::uuid[], $9::timestamptz[], "
        "$10::text[]) WITH ORDINALITY AS x(enkeltsag_id, title, owner_id, due_at, description, n) "
        "ORDER BY x.n RETURNING id",
        hovedsag_id,
        actor,
        plan[0] if plan else None,
        plan[1] if plan else None,
        plan[2] if plan else None,
        [i.enkeltsag_id for i in items],
        [i.title for i in items],
        [i.owner_id for i in items],
        [i.due_at for i in items],
        [i.description for i in items],
    )
    return [r["id"] for r in rows]


async def enkeltsag_in_case(hovedsag_id: uuid.UUID, enkeltsag_id: uuid.UUID) -> bool:
    found: bool = await conn().fetchval(
        "SELECT EXISTS (SELECT 1 FROM enkeltsag WHERE id = $1 AND hovedsag_id = $2)",
        enkeltsag_id,
        hovedsag_id,
    )
    return found


class OwnerOption(msgspec.Struct, frozen=True):
    user_id: uuid.UUID
    name: str


async def activity_owners(user_id: uuid.UUID) -> list[OwnerOption]:
    """Who may own an activity ``user_id`` creates: the user, then the active caseworkers
    and managers of the user's open teams, by name."""
    rows = await conn().fetch(
        "SELECT u.id AS user_id, u.display_name AS name FROM app_user u WHERE u.id = $1 "
        "UNION ALL (SELECT DISTINCT u.id, u.display_name FROM team_member mine "
        "JOIN team t ON t.id = mine.team_id AND t.closed_at IS NULL "
        "JOIN team_member m ON m.team_id = t.id JOIN app_user u ON u.id = m.user_id "
        "WHERE mine.user_id = $1 AND u.id <> $1 AND u.active AND EXISTS (SELECT 1 FROM "
        "user_role r WHERE r.user_id = u.id AND r.role IN ('sagsbehandler', 'leder')) "
        "ORDER BY u.display_name)",
        user_id,
    )
    return [OwnerOption(r["user_id"], r["name"]) for r in rows]


async def plan_applied_on(hovedsag_id: uuid.UUID, plan_id: uuid.UUID) -> list[date]:
    """The days (Copenhagen) activity plan ``plan_id`` was applied to the case."""
    rows = await conn().fetch(
        "SELECT DISTINCT (created_at AT TIME ZONE 'Europe/Copenhagen')::date AS day "
        "FROM activity WHERE hovedsag_id = $1 AND plan_id = $2 ORDER BY day",
        hovedsag_id,
        plan_id,
    )
    return [r["day"] for r in rows]


async def get_closed_days() -> bool | None:
    value: bool | None = await conn().fetchval("SELECT closed_days FROM kommune_settings")
    return value


async def list_open_enkeltsag_kinds(hovedsag_id: uuid.UUID) -> set[str]:
    rows = await conn().fetch(
        "SELECT DISTINCT kind FROM enkeltsag WHERE hovedsag_id = $1 AND closed_at IS NULL",
        hovedsag_id,
    )
    return {r["kind"] for r in rows}


async def update_stage(hovedsag_id: uuid.UUID, stage: str, actor: str | None) -> None:
    await conn().execute(
        "UPDATE hovedsag SET stage = $2, version = version + 1, "
        "changed_by = coalesce($3, changed_by), changed_at = now() "
        "WHERE id = $1 AND closed_at IS NULL AND stage <> $2",
        hovedsag_id,
        stage,
        actor,
    )


async def get_investigation_end(hovedsag_id: uuid.UUID) -> datetime | None:
    due: datetime | None = await conn().fetchval(
        "SELECT min(a.due_at) FROM activity a JOIN enkeltsag e ON e.id = a.enkeltsag_id "
        "WHERE e.hovedsag_id = $1 AND e.kind = 'undersoegelse' AND e.closed_at IS NULL "
        "AND a.rule_id = 'undersoegelse-4-maaneder' AND a.status = 'open'",
        hovedsag_id,
    )
    return due


async def get_decided_on(afgoerelse_id: uuid.UUID) -> date | None:
    value: date | None = await conn().fetchval(
        "SELECT decided_on FROM afgoerelse WHERE id = $1", afgoerelse_id
    )
    return value


async def insert_enkeltsag(hovedsag_id: uuid.UUID, kind: str, paragraph: str | None) -> uuid.UUID:
    enkeltsag_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO enkeltsag (hovedsag_id, kind, paragraph) VALUES ($1, $2, $3) RETURNING id",
        hovedsag_id,
        kind,
        paragraph,
    )
    return enkeltsag_id


async def insert_indsats(
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID,
    afgoerelse_id: uuid.UUID,
    kind: str,
    paragraph: str,
    placement: bool,
    starts_on: date,
    actor: str,
    planned_end: date | None = None,
) -> uuid.UUID:
    indsats_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO indsats (hovedsag_id, enkeltsag_id, afgoerelse_id, kind, paragraph, "
        "placement, starts_on, created_by, planned_end) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        hovedsag_id,
        enkeltsag_id,
        afgoerelse_id,
        kind,
        paragraph,
        placement,
        starts_on,
        actor,
        planned_end,
    )
    return indsats_id


async def lock_case_for_transfer(case_id: uuid.UUID) -> TransferCase | None:
    row = await conn().fetchrow(
        "SELECT id, child_id, closed_at, transfer_id FROM hovedsag WHERE id = $1 FOR UPDATE",
        case_id,
    )
    return None if row is None else TransferCase(**dict(row))


async def get_received_case(transfer_id: uuid.UUID) -> ReceivedCase | None:
    row = await conn().fetchrow(
        "SELECT id, child_id, caseworker_id FROM hovedsag WHERE received_transfer_id = $1",
        transfer_id,
    )
    return None if row is None else ReceivedCase(**dict(row))


# --- what cross-kommune transfers read of the case core (through casework.lifecycle) ------


async def get_case_transfer_state(case_id: uuid.UUID) -> CaseTransferState | None:
    row = await conn().fetchrow(
        "SELECT id, child_id, transfer_id, closed_at, received_transfer_id FROM hovedsag "
        "WHERE id = $1",
        case_id,
    )
    return None if row is None else CaseTransferState(**dict(row))


async def get_child_named_by_cpr(cpr: str) -> ChildNamed | None:
    row = await conn().fetchrow(
        "SELECT id, first_name || ' ' || last_name AS name FROM child WHERE cpr = $1", cpr
    )
    return None if row is None else ChildNamed(**dict(row))


async def get_known_child(cpr: str | None, mother_cpr: str | None) -> KnownChild | None:
    """The child with the CPR number (an unborn child: by the mother's), and its newest
    open case."""
    row = await conn().fetchrow(
        "SELECT c.id, (SELECT h.id FROM hovedsag h WHERE h.child_id = c.id "
        "AND h.closed_at IS NULL ORDER BY h.opened_at DESC LIMIT 1) AS open_case "
        "FROM child c WHERE c.cpr = $1 OR (c.cpr IS NULL AND $2::text IS NOT NULL "
        "AND c.mother_cpr = $2 AND $1::text IS NULL) LIMIT 1",
        cpr,
        mother_cpr,
    )
    return None if row is None else KnownChild(**dict(row))


async def list_open_cases_among(case_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Those of ``case_ids`` that are open, newest first."""
    rows = await conn().fetch(
        "SELECT id FROM hovedsag WHERE id = ANY($1::uuid[]) AND closed_at IS NULL "
        "ORDER BY opened_at DESC",
        case_ids,
    )
    return [r["id"] for r in rows]


async def get_sent_transfer_of_child(case_id: uuid.UUID) -> uuid.UUID | None:
    """The transfer by which the child of ``case_id`` left this kommune and has not come
    back (a case received after it), if any."""
    transfer_id: uuid.UUID | None = await conn().fetchval(
        "SELECT o.transfer_id FROM hovedsag h JOIN hovedsag o ON o.child_id = h.child_id "
        "WHERE h.id = $1 AND o.transfer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hovedsag b "
        "WHERE b.child_id = h.child_id AND b.received_transfer_id IS NOT NULL "
        "AND b.opened_at >= coalesce(o.closed_at, o.opened_at) AND b.id <> o.id) "
        "ORDER BY o.opened_at DESC LIMIT 1",
        case_id,
    )
    return transfer_id


async def get_forwarded_notification(underretning_id: uuid.UUID) -> ForwardedNotification:
    row = await conn().fetchrow(
        "SELECT kind, received_at, notifier_kind, source, notifier_name, notifier_contact, "
        "concerns, suspected_abuse, causes FROM underretning WHERE id = $1",
        underretning_id,
    )
    return ForwardedNotification(**dict(row))


async def update_case_transfer(case_id: uuid.UUID, transfer_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE hovedsag SET transfer_id = $2, version = version + 1, changed_by = $3, "
        "changed_at = now() WHERE id = $1",
        case_id,
        transfer_id,
        actor,
    )


async def clear_case_transfer(case_id: uuid.UUID, transfer_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE hovedsag SET transfer_id = NULL, version = version + 1, changed_by = $2, "
        "changed_at = now() WHERE id = $1 AND transfer_id = $3",
        case_id,
        actor,
        transfer_id,
    )


async def end_measures_of(case_id: uuid.UUID, on: date, reason: str, actor: str) -> int:
    rows = await conn().fetch(
        "UPDATE indsats SET ends_on = greatest(starts_on, $2), end_reason = $3, "
        "version = version + 1, changed_by = $4, changed_at = now() "
        "WHERE hovedsag_id = $1 AND ends_on IS NULL RETURNING id",
        case_id,
        on,
        reason,
        actor,
    )
    return len(rows)


async def cancel_activities_of(case_id: uuid.UUID, reason: str, actor: str) -> int:
    rows = await conn().fetch(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $2, completed_at = now(), "
        "completed_by = $3, changed_by = $3, changed_at = now(), version = version + 1 "
        "WHERE hovedsag_id = $1 AND status = 'open' RETURNING id",
        case_id,
        reason,
        actor,
    )
    return len(rows)


async def close_enkeltsager_of(case_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE enkeltsag SET closed_at = now(), version = version + 1 "
        "WHERE hovedsag_id = $1 AND closed_at IS NULL",
        case_id,
    )


async def close_case_transferred(case_id: uuid.UUID, reason: str, to_code: str, actor: str) -> None:
    await conn().execute(
        "UPDATE hovedsag SET "
        "closed_at = coalesce(closed_at, (now() AT TIME ZONE 'Europe/Copenhagen')::date), "
        "stage = 'afsluttet', close_reason = coalesce(close_reason, $2), transferred_to = $3, "
        "version = version + 1, changed_by = $4, changed_at = now() WHERE id = $1",
        case_id,
        reason,
        to_code,
        actor,
    )


async def complete_activities_about(
    rule_id: str, concerns_id: uuid.UUID, actor: str
) -> list[tuple[uuid.UUID, str]]:
    rows = await conn().fetch(
        "UPDATE activity SET status = 'done', completed_at = now(), completed_by = $2, "
        "changed_by = $2, changed_at = now(), version = version + 1 "
        "WHERE rule_id = $3 AND concerns_id = $1 AND status = 'open' "
        "RETURNING hovedsag_id, title",
        concerns_id,
        actor,
        rule_id,
    )
    return [(r["hovedsag_id"], r["title"]) for r in rows]


async def get_enkeltsag_of_underretning(underretning_id: uuid.UUID) -> uuid.UUID | None:
    value: uuid.UUID | None = await conn().fetchval(
        "SELECT enkeltsag_id FROM underretning WHERE id = $1", underretning_id
    )
    return value


async def insert_past_events(hovedsag_id: uuid.UUID, events: list[PastEvent]) -> None:
    """Write ``events`` into the journal in one statement, each with its own time."""
    if not events:
        return
    await conn().execute(
        "INSERT INTO journal_entry (hovedsag_id, at, author, author_name, kind, event, title, "
        "body) SELECT $1, e.at, e.author, e.author_name, 'haendelse', e.event, e.title, e.body "
        "FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], "
        "$7::text[]) WITH ORDINALITY AS e(at, author, author_name, event, title, body, n) "
        "ORDER BY e.n",
        hovedsag_id,
        [e.at for e in events],
        [e.author for e in events],
        [e.author_name for e in events],
        [e.event for e in events],
        [e.title for e in events],
        [e.body for e in events],
    )


# --- who may open a case (backend.casework.access) -------------------------------------

# A SQL predicate on ``h`` (hovedsag) for user ``$2``: is the case theirs to open?
ON_CASE = (
    "(h.caseworker_id = $2 "
    "OR EXISTS (SELECT 1 FROM hovedsag_worker w WHERE w.hovedsag_id = h.id AND w.user_id = $2) "
    "OR EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = h.team_id AND m.user_id = $2) "
    "OR EXISTS (SELECT 1 FROM case_access a WHERE a.hovedsag_id = h.id AND a.user_id = $2 "
    "AND a.expires_at > now()))"
)


class ChildAccess(msgspec.Struct, frozen=True):
    id: uuid.UUID
    has_case: bool
    mine: bool


async def get_openable_case(
    case_id: uuid.UUID, user_id: uuid.UUID, kommune_wide: bool
) -> uuid.UUID | None:
    """``case_id`` if the case exists and ``user_id`` may open it."""
    found: uuid.UUID | None = await conn().fetchval(
        f"SELECT h.id FROM hovedsag h WHERE h.id = $1 AND ($3 OR {ON_CASE})",
        case_id,
        user_id,
        kommune_wide,
    )
    return found


async def get_case_of_activity(activity_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM activity WHERE id = $1", activity_id
    )
    return found


async def get_child_access(
    child_id: uuid.UUID, user_id: uuid.UUID, kommune_wide: bool
) -> ChildAccess | None:
    row = await conn().fetchrow(
        "SELECT c.id, EXISTS (SELECT 1 FROM hovedsag h WHERE h.child_id = c.id) AS has_case, "
        f"EXISTS (SELECT 1 FROM hovedsag h WHERE h.child_id = c.id AND ($3 OR {ON_CASE})) "
        "AS mine FROM child c WHERE c.id = $1",
        child_id,
        user_id,
        kommune_wide,
    )
    return None if row is None else ChildAccess(row["id"], row["has_case"], row["mine"])


async def list_openable_cases(case_ids: list[uuid.UUID], user_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await conn().fetch(
        f"SELECT h.id FROM hovedsag h WHERE h.id = ANY($1::uuid[]) AND {ON_CASE}",
        case_ids,
        user_id,
    )
    return {r["id"] for r in rows}


async def case_exists(case_id: uuid.UUID) -> bool:
    return bool(await conn().fetchval("SELECT 1 FROM hovedsag WHERE id = $1", case_id))


async def insert_case_access(
    case_id: uuid.UUID, user_id: uuid.UUID, reason: str, lasts: timedelta
) -> None:
    await conn().execute(
        "INSERT INTO case_access (hovedsag_id, user_id, reason, expires_at) "
        "VALUES ($1, $2, $3, now() + $4::interval)",
        case_id,
        user_id,
        reason,
        lasts,
    )


async def get_assignable_name(user_id: uuid.UUID) -> str | None:
    """The display name of an active caseworker or manager."""
    name: str | None = await conn().fetchval(
        "SELECT u.display_name FROM app_user u WHERE u.id = $1 AND u.active AND EXISTS "
        "(SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role IN "
        "('sagsbehandler', 'leder'))",
        user_id,
    )
    return name


async def insert_worker(case_id: uuid.UUID, user_id: uuid.UUID, actor: str) -> bool:
    """Put ``user_id`` on the case; False if they already were."""
    added = await conn().fetchval(
        "INSERT INTO hovedsag_worker (hovedsag_id, user_id, added_by) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING user_id",
        case_id,
        user_id,
        actor,
    )
    return added is not None


async def delete_worker(case_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
    """Take ``user_id`` off the case; their display name, or None if they were not on it."""
    name: str | None = await conn().fetchval(
        "DELETE FROM hovedsag_worker w USING app_user u WHERE w.hovedsag_id = $1 "
        "AND w.user_id = $2 AND u.id = w.user_id RETURNING u.display_name",
        case_id,
        user_id,
    )
    return name


async def touch_case(case_id: uuid.UUID, actor: str) -> None:
    """A new version of the main case, changed by ``actor`` now."""
    await conn().execute(
        "UPDATE hovedsag SET version = version + 1, changed_by = $2, changed_at = now() "
        "WHERE id = $1",
        case_id,
        actor,
    )


# --- the case rules (backend.casework.service) -----------------------------------------


class Row(msgspec.Struct, frozen=True):
    """A typed row that also reads like a record (``row["id"]``), for callers written
    against asyncpg records."""

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


class CaseState(Row, frozen=True):
    closed_at: date | None
    transferred_to: str | None


class UnbornCase(Row, frozen=True):
    id: uuid.UUID
    case_id: uuid.UUID


class IntakeCase(Row, frozen=True):
    id: uuid.UUID
    caseworker_id: uuid.UUID | None
    birth_date: date | None


class InvestigationCase(Row, frozen=True):
    id: uuid.UUID
    caseworker_id: uuid.UUID | None
    opened_at: date


class LockedActivity(Row, frozen=True):
    hovedsag_id: uuid.UUID
    rule_id: str | None
    enkeltsag_id: uuid.UUID | None
    title: str
    status: str
    version: int
    due_at: datetime | None
    owner_id: uuid.UUID | None
    cancel_reason: str | None
    completed_by: str | None
    changed_by: str | None
    changed_at: datetime | None


class LockedCase(Row, frozen=True):
    """A main case locked ``FOR UPDATE``, with who holds it."""

    id: uuid.UUID
    version: int
    caseworker_id: uuid.UUID | None
    team_id: uuid.UUID | None
    stage: str
    child_id: uuid.UUID
    closed_at: date | None
    changed_by: str | None
    changed_at: datetime | None
    caseworker: str | None
    team: str | None
    birth_date: date | None


class UnbornChild(Row, frozen=True):
    cpr: str | None
    mother_cpr: str | None
    expected_date: date | None


class CompletedActivity(Row, frozen=True):
    title: str
    enkeltsag_id: uuid.UUID | None


class DueActivity(Row, frozen=True):
    id: uuid.UUID
    rule_id: str
    title: str
    due_at: datetime | None
    due_asap: bool
    due_reason: str | None
    enkeltsag_id: uuid.UUID | None


async def get_case_state(hovedsag_id: uuid.UUID) -> CaseState | None:
    row = await conn().fetchrow(
        "SELECT closed_at, transferred_to FROM hovedsag WHERE id = $1", hovedsag_id
    )
    return None if row is None else CaseState(row["closed_at"], row["transferred_to"])


async def get_child_by_cpr(cpr: str) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval("SELECT id FROM child WHERE cpr = $1", cpr)
    return found


async def get_unborn_case(mother_cpr: str) -> UnbornCase | None:
    row = await conn().fetchrow(
        "SELECT c.id, h.id AS case_id FROM child c JOIN hovedsag h ON h.child_id = c.id "
        "WHERE c.mother_cpr = $1 AND c.cpr IS NULL AND h.closed_at IS NULL "
        "ORDER BY h.opened_at DESC LIMIT 1",
        mother_cpr,
    )
    return None if row is None else UnbornCase(row["id"], row["case_id"])


async def insert_child(
    cpr: str | None,
    first_name: str,
    last_name: str,
    birth_date: date | None,
    address: str,
    mother_cpr: str | None,
    expected_date: date | None,
) -> uuid.UUID:
    child_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO child (cpr, first_name, last_name, birth_date, address, mother_cpr, "
        "expected_date) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        cpr,
        first_name,
        last_name,
        birth_date,
        address,
        mother_cpr,
        expected_date,
    )
    return child_id


async def update_closed_days(closed: bool) -> None:
    await conn().execute("UPDATE kommune_settings SET closed_days = $1", closed)


async def lock_open_case_for_intake(hovedsag_id: uuid.UUID) -> IntakeCase | None:
    row = await conn().fetchrow(
        "SELECT h.id, h.caseworker_id, c.birth_date FROM hovedsag h JOIN child c "
        "ON c.id = h.child_id WHERE h.id = $1 AND h.closed_at IS NULL FOR UPDATE OF h",
        hovedsag_id,
    )
    return None if row is None else IntakeCase(row["id"], row["caseworker_id"], row["birth_date"])


async def insert_underretning(
    enkeltsag_id: uuid.UUID,
    received_at: datetime,
    notifier_kind: str,
    source: str,
    notifier_name: str | None,
    notifier_contact: str | None,
    concerns: str,
    suspected_abuse: bool,
    created_by: str,
    kind: str,
    causes: list[str] | None = None,
) -> uuid.UUID:
    underretning_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO underretning (enkeltsag_id, received_at, notifier_kind, source, "
        "notifier_name, notifier_contact, concerns, suspected_abuse, created_by, kind, causes) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        enkeltsag_id,
        received_at,
        notifier_kind,
        source,
        notifier_name,
        notifier_contact,
        concerns,
        suspected_abuse,
        created_by,
        kind,
        causes or [],
    )
    return underretning_id


async def has_running_measure_enkeltsag(hovedsag_id: uuid.UUID) -> bool:
    found: bool = await conn().fetchval(
        "SELECT EXISTS (SELECT 1 FROM enkeltsag WHERE hovedsag_id = $1 AND kind = 'indsats' "
        "AND closed_at IS NULL)",
        hovedsag_id,
    )
    return found


async def get_application_days() -> int | None:
    days: int | None = await conn().fetchval("SELECT application_days FROM kommune_settings")
    return days


async def lock_activity(activity_id: uuid.UUID) -> LockedActivity | None:
    row = await conn().fetchrow(
        "SELECT hovedsag_id, rule_id, enkeltsag_id, title, status, version, due_at, owner_id, "
        "cancel_reason, completed_by, changed_by, changed_at FROM activity WHERE id = $1 "
        "FOR UPDATE",
        activity_id,
    )
    return None if row is None else LockedActivity(**dict(row))


async def update_activity_done(
    activity_id: uuid.UUID, actor: str, record: dict[str, str | bool] | None = None
) -> None:
    await conn().execute(
        "UPDATE activity SET status = 'done', completed_at = now(), completed_by = $2, "
        "changed_by = $2, changed_at = now(), version = version + 1, record = $3::jsonb "
        "WHERE id = $1",
        activity_id,
        actor,
        None if record is None else json.dumps(record, ensure_ascii=False),
    )


async def update_activity_cancelled(activity_id: uuid.UUID, reason: str, actor: str) -> None:
    await conn().execute(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $2, completed_at = now(), "
        "completed_by = $3, changed_by = $3, changed_at = now(), version = version + 1 "
        "WHERE id = $1",
        activity_id,
        reason,
        actor,
    )


async def journal_entry_in_case(entry_id: int, hovedsag_id: uuid.UUID) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM journal_entry WHERE id = $1 AND hovedsag_id = $2",
            entry_id,
            hovedsag_id,
        )
    )


async def insert_note(
    hovedsag_id: uuid.UUID,
    author: str,
    kind: str,
    title: str,
    body: str,
    corrects_id: int | None,
    written_at: datetime | None,
) -> int:
    entry_id: int = await conn().fetchval(
        "INSERT INTO journal_entry (hovedsag_id, author, kind, title, body, corrects_id, "
        "written_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        hovedsag_id,
        author,
        kind,
        title,
        body,
        corrects_id,
        written_at,
    )
    return entry_id


async def lock_open_case_for_investigation(hovedsag_id: uuid.UUID) -> InvestigationCase | None:
    row = await conn().fetchrow(
        "SELECT id, caseworker_id, opened_at FROM hovedsag WHERE id = $1 AND closed_at IS NULL "
        "FOR UPDATE",
        hovedsag_id,
    )
    return (
        None
        if row is None
        else InvestigationCase(row["id"], row["caseworker_id"], row["opened_at"])
    )


async def has_open_enkeltsag(hovedsag_id: uuid.UUID, kind: str) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM enkeltsag WHERE hovedsag_id = $1 AND kind = $2 AND closed_at IS NULL",
            hovedsag_id,
            kind,
        )
    )


async def insert_investigation(hovedsag_id: uuid.UUID, aware_since: date) -> uuid.UUID:
    enkeltsag_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO enkeltsag (hovedsag_id, kind, aware_since) "
        "VALUES ($1, 'undersoegelse', $2) RETURNING id",
        hovedsag_id,
        aware_since,
    )
    return enkeltsag_id


async def update_open_activity_owner(
    hovedsag_id: uuid.UUID, new_owner: uuid.UUID, old_owner: uuid.UUID | None
) -> None:
    await conn().execute(
        "UPDATE activity SET owner_id = $2, version = version + 1 "
        "WHERE hovedsag_id = $1 AND status = 'open' "
        "AND (owner_id IS NOT DISTINCT FROM $3)",
        hovedsag_id,
        new_owner,
        old_owner,
    )


async def get_team_name(team_id: uuid.UUID) -> str | None:
    # A closed team (tenant migration 0024) takes no new cases: it reads as unknown.
    name: str | None = await conn().fetchval(
        "SELECT name FROM team WHERE id = $1 AND closed_at IS NULL", team_id
    )
    return name


async def update_case_holder(
    hovedsag_id: uuid.UUID, caseworker_id: uuid.UUID | None, team_id: uuid.UUID | None, actor: str
) -> None:
    await conn().execute(
        "UPDATE hovedsag SET caseworker_id = $2, team_id = $3, version = version + 1, "
        "changed_by = $4, changed_at = now() WHERE id = $1",
        hovedsag_id,
        caseworker_id,
        team_id,
        actor,
    )


async def lock_child_for_birth(child_id: uuid.UUID) -> UnbornChild | None:
    row = await conn().fetchrow(
        "SELECT cpr, mother_cpr, expected_date FROM child WHERE id = $1 FOR UPDATE", child_id
    )
    return None if row is None else UnbornChild(**dict(row))


async def child_cpr_taken(cpr: str) -> bool:
    return bool(await conn().fetchval("SELECT 1 FROM child WHERE cpr = $1", cpr))


async def update_child_born(
    child_id: uuid.UUID, cpr: str, birth_date: date, first_name: str, last_name: str
) -> None:
    await conn().execute(
        "UPDATE child SET cpr = $2, birth_date = $3, first_name = $4, last_name = $5, "
        "version = version + 1 WHERE id = $1",
        child_id,
        cpr,
        birth_date,
        first_name,
        last_name,
    )


async def lock_case_row(hovedsag_id: uuid.UUID) -> LockedCase | None:
    row = await conn().fetchrow(
        "SELECT h.id, h.version, h.caseworker_id, h.team_id, h.stage, h.child_id, h.closed_at, "
        "h.changed_by, h.changed_at, u.display_name AS caseworker, t.name AS team, "
        "c.birth_date FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user u ON u.id = h.caseworker_id "
        "LEFT JOIN team t ON t.id = h.team_id WHERE h.id = $1 FOR UPDATE OF h",
        hovedsag_id,
    )
    return None if row is None else LockedCase(**dict(row))


async def close_open_clarifications(hovedsag_id: uuid.UUID, why: str) -> None:
    await conn().execute(
        "UPDATE enkeltsag SET closed_at = now(), summary = coalesce(summary, $2), "
        "version = version + 1 WHERE hovedsag_id = $1 AND kind = 'afklaring' "
        "AND closed_at IS NULL",
        hovedsag_id,
        why,
    )


async def complete_open_activities(
    hovedsag_id: uuid.UUID,
    actor: str,
    rule_ids: list[str],
    concerns_id: uuid.UUID | None,
    enkeltsag_id: uuid.UUID | None,
) -> list[CompletedActivity]:
    rows = await conn().fetch(
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
    return [CompletedActivity(r["title"], r["enkeltsag_id"]) for r in rows]


async def lock_open_activities_about(concerns_id: uuid.UUID) -> list[DueActivity]:
    rows = await conn().fetch(
        "SELECT id, rule_id, title, due_at, due_asap, due_reason, enkeltsag_id FROM activity "
        "WHERE concerns_id = $1 AND status = 'open' AND rule_id IS NOT NULL FOR UPDATE",
        concerns_id,
    )
    return [DueActivity(**dict(r)) for r in rows]


async def update_activity_due(
    activity_id: uuid.UUID,
    due_at: datetime | None,
    actor: str,
    due_asap: bool,
    due_reason: str | None,
) -> None:
    await conn().execute(
        "UPDATE activity SET due_at = $2, due_asap = $4, due_reason = $5, changed_by = $3, "
        "changed_at = now(), version = version + 1 WHERE id = $1",
        activity_id,
        due_at,
        actor,
        due_asap,
        due_reason,
    )


# --- the legal process (backend.casework.process) --------------------------------------


class OpenEnkeltsag(Row, frozen=True):
    id: uuid.UUID
    paragraph: str | None
    aware_since: date | None
    opened_at: datetime


class ApprovedPlan(Row, frozen=True):
    id: uuid.UUID
    approved_at: datetime


class PrerequisiteRow(Row, frozen=True):
    rule_id: str
    title: str
    basis: str | None


class RunningMeasure(Row, frozen=True):
    id: uuid.UUID
    starts_on: date
    decided_on: date | None


class MeasureOfCase(Row, frozen=True):
    id: uuid.UUID
    kind: str
    enkeltsag_id: uuid.UUID
    ends_on: date | None


class LockedMeasure(Row, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID
    afgoerelse_id: uuid.UUID | None
    kind: str
    starts_on: date
    ends_on: date | None
    version: int
    changed_by: str | None
    changed_at: datetime | None
    birth_date: date | None


class LockedUnderretning(Row, frozen=True):
    id: uuid.UUID
    kind: str
    received_at: datetime
    version: int
    changed_by: str | None
    changed_at: datetime | None
    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID
    birth_date: date | None


async def get_open_enkeltsag(hovedsag_id: uuid.UUID, kind: str) -> OpenEnkeltsag | None:
    """The newest open enkeltsag of ``kind`` on the case."""
    row = await conn().fetchrow(
        "SELECT id, paragraph, aware_since, opened_at FROM enkeltsag WHERE hovedsag_id = $1 "
        "AND kind = $2 AND closed_at IS NULL ORDER BY opened_at DESC LIMIT 1",
        hovedsag_id,
        kind,
    )
    return None if row is None else OpenEnkeltsag(**dict(row))


async def list_open_prerequisites(
    enkeltsag_id: uuid.UUID, rule_ids: list[str]
) -> list[PrerequisiteRow]:
    rows = await conn().fetch(
        "SELECT rule_id, title, basis FROM activity WHERE enkeltsag_id = $1 AND status = 'open' "
        "AND rule_id = ANY($2::text[]) ORDER BY rule_id",
        enkeltsag_id,
        rule_ids,
    )
    return [PrerequisiteRow(r["rule_id"], r["title"], r["basis"]) for r in rows]


async def cancel_prerequisite(
    enkeltsag_id: uuid.UUID, rule_id: str, reason: str, actor: str
) -> None:
    await conn().execute(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $3, completed_at = now(), "
        "completed_by = $4, changed_by = $4, changed_at = now(), version = version + 1 "
        "WHERE enkeltsag_id = $1 AND rule_id = $2 AND status = 'open'",
        enkeltsag_id,
        rule_id,
        reason,
        actor,
    )


async def insert_afgoerelse(
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID,
    paragraph: str,
    outcome: str,
    decided_on: date,
    summary: str,
    exceptions_json: str,
    actor: str,
) -> uuid.UUID:
    afgoerelse_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO afgoerelse (hovedsag_id, enkeltsag_id, paragraph, outcome, decided_on, "
        "summary, exceptions, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) "
        "RETURNING id",
        hovedsag_id,
        enkeltsag_id,
        paragraph,
        outcome,
        decided_on,
        summary,
        exceptions_json,
        actor,
    )
    return afgoerelse_id


async def close_decided_enkeltsag(enkeltsag_id: uuid.UUID, summary: str, paragraph: str) -> None:
    await conn().execute(
        "UPDATE enkeltsag SET closed_at = now(), summary = $2, paragraph = $3, "
        "version = version + 1 WHERE id = $1",
        enkeltsag_id,
        summary,
        paragraph,
    )


async def get_approved_plan(hovedsag_id: uuid.UUID) -> ApprovedPlan | None:
    """The case's approved barnets plan whose series has no newer open version, if any."""
    row = await conn().fetchrow(
        "SELECT d.id, d.approved_at FROM ics_document d WHERE d.hovedsag_id = $1 "
        "AND d.kind = 'plan' AND d.status = 'godkendt' AND NOT EXISTS (SELECT 1 FROM "
        "ics_document n WHERE n.series_id = d.series_id AND n.version_no > d.version_no) "
        "ORDER BY d.approved_at DESC LIMIT 1",
        hovedsag_id,
    )
    return None if row is None else ApprovedPlan(row["id"], row["approved_at"])


async def close_investigation(
    enkeltsag_id: uuid.UUID, closed_at: datetime, conclusion: str, actor: str
) -> None:
    await conn().execute(
        "UPDATE enkeltsag SET closed_at = $2, summary = $3, version = version + 1, "
        "changed_by = $4, changed_at = now() WHERE id = $1",
        enkeltsag_id,
        closed_at,
        conclusion,
        actor,
    )


async def list_running_measures(hovedsag_id: uuid.UUID) -> list[RunningMeasure]:
    rows = await conn().fetch(
        "SELECT i.id, i.starts_on, a.decided_on FROM indsats i LEFT JOIN afgoerelse a "
        "ON a.id = i.afgoerelse_id WHERE i.hovedsag_id = $1 AND i.ends_on IS NULL",
        hovedsag_id,
    )
    return [RunningMeasure(r["id"], r["starts_on"], r["decided_on"]) for r in rows]


async def get_measure_of_case(
    indsats_id: uuid.UUID, hovedsag_id: uuid.UUID
) -> MeasureOfCase | None:
    row = await conn().fetchrow(
        "SELECT id, kind, enkeltsag_id, ends_on FROM indsats WHERE id = $1 AND hovedsag_id = $2",
        indsats_id,
        hovedsag_id,
    )
    return None if row is None else MeasureOfCase(**dict(row))


async def insert_case_step(
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    indsats_id: uuid.UUID | None,
    kind: str,
    happened_on: date,
    note: str,
    next_due: date | None,
    next_reason: str | None,
    actor: str,
    afgoerelse_id: uuid.UUID | None = None,
    no_support: str | None = None,
) -> uuid.UUID:
    step_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO case_step (hovedsag_id, enkeltsag_id, indsats_id, kind, happened_on, note, "
        "next_due, next_reason, created_by, afgoerelse_id, no_support) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        hovedsag_id,
        enkeltsag_id,
        indsats_id,
        kind,
        happened_on,
        note,
        next_due,
        next_reason,
        actor,
        afgoerelse_id,
        no_support,
    )
    return step_id


async def update_measure_ended(
    indsats_id: uuid.UUID, ends_on: date, reason: str, actor: str
) -> None:
    await conn().execute(
        "UPDATE indsats SET ends_on = $2, end_reason = $3, version = version + 1, "
        "changed_by = $4, changed_at = now() WHERE id = $1",
        indsats_id,
        ends_on,
        reason,
        actor,
    )


async def close_enkeltsag(enkeltsag_id: uuid.UUID, summary: str) -> None:
    await conn().execute(
        "UPDATE enkeltsag SET closed_at = now(), summary = $2, version = version + 1 WHERE id = $1",
        enkeltsag_id,
        summary,
    )


async def cancel_activities_about(
    concerns_id: uuid.UUID, reason: str, actor: str, keep: tuple[str, ...] = ()
) -> None:
    """Cancel the open activities about ``concerns_id``, except those of the rules ``keep``."""
    await conn().execute(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $2, completed_at = now(), "
        "completed_by = $3, changed_by = $3, changed_at = now(), version = version + 1 "
        "WHERE concerns_id = $1 AND status = 'open' AND coalesce(rule_id, '') <> ALL($4::text[])",
        concerns_id,
        reason,
        actor,
        list(keep),
    )


async def cancel_rule_activities_about(
    rule_id: str, concerns_id: uuid.UUID, reason: str, actor: str
) -> int:
    """Cancel the open activities of ``rule_id`` about ``concerns_id``; how many."""
    rows = await conn().fetch(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $3, completed_at = now(), "
        "completed_by = $4, changed_by = $4, changed_at = now(), version = version + 1 "
        "WHERE rule_id = $1 AND concerns_id = $2 AND status = 'open' RETURNING id",
        rule_id,
        concerns_id,
        reason,
        actor,
    )
    return len(rows)


async def lock_measure(indsats_id: uuid.UUID) -> LockedMeasure | None:
    row = await conn().fetchrow(
        "SELECT i.id, i.hovedsag_id, i.enkeltsag_id, i.afgoerelse_id, i.kind, i.starts_on, "
        "i.ends_on, i.version, i.changed_by, i.changed_at, c.birth_date FROM indsats i "
        "JOIN hovedsag h ON h.id = i.hovedsag_id "
        "JOIN child c ON c.id = h.child_id WHERE i.id = $1 FOR UPDATE OF i",
        indsats_id,
    )
    return None if row is None else LockedMeasure(**dict(row))


async def update_measure_start(indsats_id: uuid.UUID, starts_on: date, actor: str) -> None:
    await conn().execute(
        "UPDATE indsats SET starts_on = $2, version = version + 1, changed_by = $3, "
        "changed_at = now() WHERE id = $1",
        indsats_id,
        starts_on,
        actor,
    )


async def lock_underretning(underretning_id: uuid.UUID) -> LockedUnderretning | None:
    row = await conn().fetchrow(
        "SELECT u.id, u.kind, u.received_at, u.version, u.changed_by, u.changed_at, e.hovedsag_id, "
        "e.id AS enkeltsag_id, c.birth_date FROM underretning u "
        "JOIN enkeltsag e ON e.id = u.enkeltsag_id JOIN hovedsag h ON h.id = e.hovedsag_id "
        "JOIN child c ON c.id = h.child_id WHERE u.id = $1 FOR UPDATE OF u",
        underretning_id,
    )
    return None if row is None else LockedUnderretning(**dict(row))


async def update_received_at(underretning_id: uuid.UUID, received_at: datetime, actor: str) -> None:
    await conn().execute(
        "UPDATE underretning SET received_at = $2, version = version + 1, changed_by = $3, "
        "changed_at = now() WHERE id = $1",
        underretning_id,
        received_at,
        actor,
    )


async def update_aware_since(enkeltsag_id: uuid.UUID, aware_since: date, actor: str) -> None:
    await conn().execute(
        "UPDATE enkeltsag SET aware_since = $2, version = version + 1, changed_by = $3, "
        "changed_at = now() WHERE id = $1",
        enkeltsag_id,
        aware_since,
        actor,
    )


async def has_running_measure(hovedsag_id: uuid.UUID) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM indsats WHERE hovedsag_id = $1 AND ends_on IS NULL", hovedsag_id
        )
    )


async def cancel_open_activities(hovedsag_id: uuid.UUID, reason: str, actor: str) -> None:
    await conn().execute(
        "UPDATE activity SET status = 'cancelled', cancel_reason = $2, completed_at = now(), "
        "completed_by = $3, changed_by = $3, changed_at = now(), version = version + 1 "
        "WHERE hovedsag_id = $1 AND status = 'open'",
        hovedsag_id,
        reason,
        actor,
    )


async def close_case(hovedsag_id: uuid.UUID, reason: str, actor: str) -> None:
    await conn().execute(
        "UPDATE hovedsag SET closed_at = (now() AT TIME ZONE 'Europe/Copenhagen')::date, "
        "stage = 'afsluttet', close_reason = $2, "
        "version = version + 1, changed_by = $3, changed_at = now() WHERE id = $1",
        hovedsag_id,
        reason,
        actor,
    )


# --- a case received from another kommune (lifecycle.import_received_case) --------------


class TableColumn(msgspec.Struct, frozen=True):
    """A column of a casework table in the current kommune's schema."""

    tbl: str
    col: str
    typ: str
    notnull: bool
    ident: bool
    refs: str | None


async def list_table_columns(tables: list[str]) -> list[TableColumn]:
    """The columns of ``tables`` in the current schema: type, not null, identity or
    generated, and the table a single-column foreign key points at."""
    rows = await conn().fetch(
        "SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS typ, "
        "a.attnotnull AS notnull, (a.attidentity <> '' OR a.attgenerated <> '') AS ident, "
        "(SELECT fc.relname FROM pg_constraint k JOIN pg_class fc ON fc.oid = k.confrelid "
        " WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.conkey = ARRAY[a.attnum] "
        " LIMIT 1) AS refs "
        "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
        "AND c.relname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped",
        tables,
    )
    return [TableColumn(**r) for r in rows]


async def find_received_child(
    cpr: str | None, mother_cpr: str | None, expected_date: str | None
) -> uuid.UUID | None:
    """The kommune's child with this CPR number (an unborn child: the mother's and the
    expected date)."""
    found: uuid.UUID | None = None
    if cpr:
        found = await conn().fetchval("SELECT id FROM child WHERE cpr = $1", cpr)
    elif mother_cpr:
        found = await conn().fetchval(
            "SELECT id FROM child WHERE cpr IS NULL AND mother_cpr = $1 "
            "AND expected_date = $2::text::date",
            mother_cpr,
            expected_date,
        )
    return found


async def insert_received_child(columns: list[str], values_json: str) -> uuid.UUID:
    """A child from another kommune (``columns`` are ``lifecycle.CHILD_COLUMNS``)."""
    child_id: uuid.UUID = await conn().fetchval(
        f"INSERT INTO child ({', '.join(columns)}) SELECT {', '.join(columns)} "
        "FROM jsonb_populate_record(NULL::child, $1::jsonb) RETURNING id",
        values_json,
    )
    return child_id


async def insert_received_case(
    *,
    child_id: uuid.UUID,
    stage: str | None,
    caseworker_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    transfer_id: uuid.UUID,
    received_from: str,
) -> uuid.UUID:
    hovedsag_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO hovedsag (child_id, opened_at, stage, caseworker_id, team_id, "
        "received_transfer_id, received_from, changed_by, changed_at) "
        "VALUES ($1, (now() AT TIME ZONE 'Europe/Copenhagen')::date, $2, $3, $4, $5, $6, "
        "'overførsel', now()) RETURNING id",
        child_id,
        stage,
        caseworker_id,
        team_id,
        transfer_id,
        received_from,
    )
    return hovedsag_id


async def insert_received_rows(
    table: str, columns: list[str], rows_json: str, skip_conflicts: bool
) -> int:
    """Insert a JSON array of rows into ``table`` (one statement); how many were written."""
    col_sql = ", ".join(quote_ident(x) for x in columns)
    conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    status: str = await conn().execute(
        f"INSERT INTO {quote_ident(table)} ({col_sql}) SELECT {col_sql} FROM "
        f"jsonb_populate_recordset(NULL::{quote_ident(table)}, $1::jsonb){conflict}",
        rows_json,
    )
    return int(status.rsplit(" ", 1)[-1])


async def insert_received_journal_wave(
    columns: list[str], rows_json: str, hovedsag_id: uuid.UUID
) -> None:
    """Journal entries from another kommune, in order; ``corrects_id`` points at the new id
    of the entry (of this case) whose ``original_id`` it named."""
    col_sql = ", ".join(quote_ident(x) for x in columns)
    x_sql = ", ".join("x." + quote_ident(x) for x in columns)
    await conn().execute(
        f"INSERT INTO journal_entry ({col_sql}, corrects_id) SELECT {x_sql}, "
        "(SELECT j.id FROM journal_entry j WHERE j.hovedsag_id = $2 "
        " AND j.original_id = x.corrects_id) "
        "FROM jsonb_populate_recordset(NULL::journal_entry, $1::jsonb) "
        "WITH ORDINALITY AS x ORDER BY x.ordinality",
        rows_json,
        hovedsag_id,
    )


async def update_open_activities_owner(hovedsag_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE activity SET owner_id = $2 WHERE hovedsag_id = $1 AND status = 'open'",
        hovedsag_id,
        owner_id,
    )


# --- a case sent to another kommune (lifecycle.export_case) -----------------------------


class CaseExport(msgspec.Struct, frozen=True):
    """The main case as a transfer package carries it: the whole row as JSON text, and its
    links."""

    row: str
    child_id: uuid.UUID
    caseworker_id: uuid.UUID | None
    team_id: uuid.UUID | None


class Sibling(msgspec.Struct, frozen=True):
    name: str
    cpr: str | None
    open_case: bool


async def list_tables_with_case() -> list[str]:
    """Tables of the current kommune schema with a ``hovedsag_id`` column (but ``hovedsag``)
    that this role may read."""
    rows = await conn().fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
        "AND a.attname = 'hovedsag_id' AND NOT a.attisdropped AND c.relname <> 'hovedsag' "
        "AND has_table_privilege(c.oid, 'SELECT') ORDER BY c.relname"
    )
    return [r["relname"] for r in rows]


async def get_case_export(hovedsag_id: uuid.UUID) -> CaseExport | None:
    row = await conn().fetchrow(
        "SELECT to_jsonb(h)::text AS row, h.child_id, h.caseworker_id, h.team_id "
        "FROM hovedsag h WHERE h.id = $1",
        hovedsag_id,
    )
    return None if row is None else CaseExport(**row)


async def get_child_json(child_id: uuid.UUID) -> str:
    text: str = await conn().fetchval(
        "SELECT to_jsonb(c)::text FROM child c WHERE c.id = $1", child_id
    )
    return text


async def table_has_id(table: str) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass "
            "AND attname = 'id' AND NOT attisdropped)",
            table,
        )
    )


async def get_rows_json(table: str, where: str, order: str, param: uuid.UUID) -> str:
    """The rows of ``table`` matching ``where`` (a fixed condition on ``$1``) as a JSON
    array of whole rows. ``table`` is quoted here; ``where`` and ``order`` are constants of
    ``backend.casework.lifecycle``."""
    text: str = await conn().fetchval(
        f"SELECT coalesce(jsonb_agg(to_jsonb(t){order}), '[]'::jsonb)::text "
        f"FROM {quote_ident(table)} t WHERE {where}",
        param,
    )
    return text


async def list_case_users(
    hovedsag_id: uuid.UUID, caseworker_id: uuid.UUID | None
) -> dict[str, str]:
    """The users a case names (caseworker, activity owners, workers): id -> display name."""
    rows = await conn().fetch(
        "SELECT u.id, u.display_name FROM app_user u WHERE u.id = $2 "
        "OR u.id IN (SELECT a.owner_id FROM activity a WHERE a.hovedsag_id = $1) "
        "OR u.id IN (SELECT w.user_id FROM hovedsag_worker w WHERE w.hovedsag_id = $1)",
        hovedsag_id,
        caseworker_id,
    )
    return {str(r["id"]): r["display_name"] for r in rows}


async def list_siblings(child_id: uuid.UUID) -> list[Sibling]:
    rows = await conn().fetch(
        "SELECT n.name, n.cpr, EXISTS (SELECT 1 FROM hovedsag s WHERE s.child_id = "
        "n.sibling_child_id AND s.closed_at IS NULL) AS open_case FROM network_member n "
        "WHERE n.child_id = $1 AND n.relation = 'søskende' AND n.removed_at IS NULL "
        "ORDER BY n.name",
        child_id,
    )
    return [Sibling(**r) for r in rows]


# --- letters (backend/letters reads these through lifecycle.letter_facts) ----------------


class LetterUnderretning(msgspec.Struct):
    id: uuid.UUID
    received_at: datetime
    notifier_kind: str
    notifier_name: str | None
    notifier_contact: str | None


class LetterAfgoerelse(msgspec.Struct):
    id: uuid.UUID
    paragraph: str
    outcome: str
    decided_on: date
    summary: str
    measure: str | None
    notified_on: date | None
    starts_on: date | None = None  # the measure it started
    planned_end: date | None = None  # the last day granted (support after 18)
    by_committee: bool = False  # børne- og ungeudvalget or its chair decided (§ 47)
    provisional: bool = False  # the chair's decision, not yet approved by the committee


class LetterFacts(msgspec.Struct):
    """What a letter on a case may say about it (the merge fields' sources)."""

    hovedsag_id: uuid.UUID
    case_number: str | None
    child_id: uuid.UUID
    child_name: str
    child_cpr: str | None
    birth_date: date | None
    child_address: str
    caseworker_id: uuid.UUID | None
    caseworker_name: str | None
    caseworker_email: str | None
    underretninger: list[LetterUnderretning]
    afgoerelser: list[LetterAfgoerelse]
    open_rules: list[str]  # the rules of the case's open activities


async def get_letter_facts(hovedsag_id: uuid.UUID) -> LetterFacts | None:
    """The case's child, caseworker, notifications and decisions (newest first) and its open
    activities' rules, in four queries."""
    row = await conn().fetchrow(
        "SELECT h.id, h.case_number, c.id AS child_id, "
        "c.first_name || ' ' || c.last_name AS child_name, c.cpr, c.birth_date, c.address, "
        "h.caseworker_id, u.display_name, u.email FROM hovedsag h JOIN child c "
        "ON c.id = h.child_id LEFT JOIN app_user u ON u.id = h.caseworker_id WHERE h.id = $1",
        hovedsag_id,
    )
    if row is None:
        return None
    notes = await conn().fetch(
        "SELECT u.id, u.received_at, u.notifier_kind, u.notifier_name, u.notifier_contact "
        "FROM underretning u JOIN enkeltsag e ON e.id = u.enkeltsag_id "
        "WHERE e.hovedsag_id = $1 ORDER BY u.received_at DESC LIMIT 20",
        hovedsag_id,
    )
    decisions = await conn().fetch(
        "SELECT a.id, a.paragraph, a.outcome, a.decided_on, a.summary, a.notified_on, "
        "i.kind AS measure, i.starts_on, i.planned_end, "
        "EXISTS (SELECT 1 FROM indstilling n WHERE n.afgoerelse_id = a.id "
        "OR n.provisional_afgoerelse_id = a.id) AS by_committee, "
        "EXISTS (SELECT 1 FROM indstilling n WHERE n.provisional_afgoerelse_id = a.id "
        "AND n.state = 'formand') AS provisional "
        "FROM afgoerelse a LEFT JOIN LATERAL (SELECT kind, starts_on, planned_end "
        "FROM indsats WHERE afgoerelse_id = a.id ORDER BY starts_on LIMIT 1) i ON true "
        "WHERE a.hovedsag_id = $1 "
        "ORDER BY a.decided_on DESC, a.created_at DESC LIMIT 20",
        hovedsag_id,
    )
    open_rules = await conn().fetch(
        "SELECT DISTINCT rule_id FROM activity WHERE hovedsag_id = $1 AND status = 'open' "
        "AND rule_id IS NOT NULL",
        hovedsag_id,
    )
    return LetterFacts(
        hovedsag_id=row["id"],
        case_number=row["case_number"],
        child_id=row["child_id"],
        child_name=row["child_name"],
        child_cpr=row["cpr"],
        birth_date=row["birth_date"],
        child_address=row["address"],
        caseworker_id=row["caseworker_id"],
        caseworker_name=row["display_name"],
        caseworker_email=row["email"],
        underretninger=[LetterUnderretning(**dict(r)) for r in notes],
        afgoerelser=[LetterAfgoerelse(**dict(r)) for r in decisions],
        open_rules=[r["rule_id"] for r in open_rules],
    )


class OpenReceipt(msgspec.Struct):
    id: uuid.UUID
    title: str
    enkeltsag_id: uuid.UUID | None


async def lock_open_receipts(
    hovedsag_id: uuid.UUID, underretning_id: uuid.UUID | None
) -> list[OpenReceipt]:
    rows = await conn().fetch(
        "SELECT id, title, enkeltsag_id FROM activity WHERE hovedsag_id = $1 "
        "AND rule_id = 'kvittering-fagperson' AND status = 'open' "
        "AND ($2::uuid IS NULL OR concerns_id = $2) FOR UPDATE",
        hovedsag_id,
        underretning_id,
    )
    return [OpenReceipt(**dict(r)) for r in rows]


async def get_decision_on_case(
    hovedsag_id: uuid.UUID, afgoerelse_id: uuid.UUID
) -> LetterAfgoerelse | None:
    """One decision of the case (None if it is not a decision of this case)."""
    row = await conn().fetchrow(
        "SELECT a.id, a.paragraph, a.outcome, a.decided_on, a.summary, a.notified_on, "
        "(SELECT i.kind FROM indsats i WHERE i.afgoerelse_id = a.id ORDER BY i.starts_on "
        "LIMIT 1) AS measure FROM afgoerelse a WHERE a.id = $1 AND a.hovedsag_id = $2",
        afgoerelse_id,
        hovedsag_id,
    )
    return None if row is None else LetterAfgoerelse(**dict(row))


async def update_afgoerelse_notified(afgoerelse_id: uuid.UUID, day: date) -> None:
    await conn().execute("UPDATE afgoerelse SET notified_on = $2 WHERE id = $1", afgoerelse_id, day)


class FileChunkKey(msgspec.Struct, frozen=True):
    """One stored chunk of a document's file (backend/documents' ``document_chunk``)."""

    document_id: uuid.UUID
    stream: str
    seq: int
    size: int


async def list_case_file_chunks(hovedsag_id: uuid.UUID) -> list[FileChunkKey]:
    """Every chunk of every finished document's files of the main case, file by file
    (document, stream) in chunk order: the keys and sizes only, never the bytes (the size
    of an uncompressed value is read from its header)."""
    rows = await conn().fetch(
        "SELECT c.document_id, c.stream, c.seq, octet_length(c.bytes) AS size "
        "FROM document_chunk c JOIN document d ON d.id = c.document_id "
        "WHERE d.hovedsag_id = $1 AND d.state = 'klar' "
        "ORDER BY c.document_id, c.stream, c.seq",
        hovedsag_id,
    )
    return [FileChunkKey(r["document_id"], r["stream"], r["seq"], r["size"]) for r in rows]


async def get_file_chunk(document_id: uuid.UUID, stream: str, seq: int) -> bytes | None:
    """The bytes of one chunk."""
    data: bytes | None = await conn().fetchval(
        "SELECT bytes FROM document_chunk WHERE document_id = $1 AND stream = $2 AND seq = $3",
        document_id,
        stream,
        seq,
    )
    return data


async def insert_file_chunk(document_id: uuid.UUID, stream: str, seq: int, data: bytes) -> None:
    """One chunk of a document's file received from another kommune."""
    await conn().execute(
        "INSERT INTO document_chunk (document_id, stream, seq, bytes) VALUES ($1, $2, $3, $4)",
        document_id,
        stream,
        seq,
        data,
    )


# --- support after 18 (ungestøtte, issue 17 item 4) ------------------------------------


class DecisionOfCase(msgspec.Struct, frozen=True):
    paragraph: str
    outcome: str
    decided_on: date


async def get_decision_of_case(
    afgoerelse_id: uuid.UUID, hovedsag_id: uuid.UUID
) -> DecisionOfCase | None:
    """The decision ``afgoerelse_id`` if it belongs to the case."""
    row = await conn().fetchrow(
        "SELECT paragraph, outcome, decided_on FROM afgoerelse WHERE id = $1 AND hovedsag_id = $2",
        afgoerelse_id,
        hovedsag_id,
    )
    return None if row is None else DecisionOfCase(**row)


class SupportBefore18(msgspec.Struct, frozen=True):
    placed: bool  # the case has (had) a placement measure
    contact_person: bool  # the case has (had) a fast kontaktperson under § 32


async def support_before_18(hovedsag_id: uuid.UUID) -> SupportBefore18:
    """Which support before 18 the case holds: it decides what may follow under § 114."""
    row = await conn().fetchrow(
        "SELECT coalesce(bool_or(placement), false) AS placed, "
        "coalesce(bool_or(kind = 'kontaktperson'), false) AS contact_person "
        "FROM indsats WHERE hovedsag_id = $1 AND paragraph <> '114'",
        hovedsag_id,
    )
    assert row is not None  # an aggregate always answers one row
    return SupportBefore18(**row)


# --- retention: deleting a case whole (backend/retention) --------------------------------


def _deleted(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


async def start_case_deletion(hovedsag_id: uuid.UUID) -> None:
    """Allow this transaction to delete the case's rows (tenant migration 0041's guard
    triggers refuse a DELETE of case rows without it)."""
    await conn().execute("SELECT set_config('trekant.deleting_case', $1, true)", str(hovedsag_id))


async def end_case_deletion() -> None:
    await conn().execute("SELECT set_config('trekant.deleting_case', '', true)")


async def lock_case_for_deletion(hovedsag_id: uuid.UUID) -> tuple[uuid.UUID, bool] | None:
    """Lock the main case row; its child and whether the child has another main case."""
    row = await conn().fetchrow(
        "SELECT h.child_id, EXISTS (SELECT 1 FROM hovedsag o WHERE o.child_id = h.child_id "
        "AND o.id <> h.id) AS other FROM hovedsag h WHERE h.id = $1 FOR UPDATE",
        hovedsag_id,
    )
    return None if row is None else (row["child_id"], bool(row["other"]))


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Delete casework's rows of the case, children before parents; the main case last.
    The other packages' rows that reference these are gone already."""
    c = conn()
    steps = [
        ("indstilling_tilbud", "DELETE FROM indstilling_tilbud WHERE hovedsag_id = $1"),
        ("indstilling", "DELETE FROM indstilling WHERE hovedsag_id = $1"),
        ("case_step", "DELETE FROM case_step WHERE hovedsag_id = $1"),
        ("indsats", "DELETE FROM indsats WHERE hovedsag_id = $1"),
        ("afgoerelse", "DELETE FROM afgoerelse WHERE hovedsag_id = $1"),
        ("activity", "DELETE FROM activity WHERE hovedsag_id = $1"),
        ("journal_entry", "DELETE FROM journal_entry WHERE hovedsag_id = $1"),
        (
            "underretning",
            "DELETE FROM underretning WHERE enkeltsag_id IN "
            "(SELECT id FROM enkeltsag WHERE hovedsag_id = $1)",
        ),
        ("case_access", "DELETE FROM case_access WHERE hovedsag_id = $1"),
        ("hovedsag_worker", "DELETE FROM hovedsag_worker WHERE hovedsag_id = $1"),
        ("enkeltsag", "DELETE FROM enkeltsag WHERE hovedsag_id = $1"),
        ("hovedsag", "DELETE FROM hovedsag WHERE id = $1"),
    ]
    return {table: _deleted(await c.execute(sql, hovedsag_id)) for table, sql in steps}


async def delete_child_row(child_id: uuid.UUID) -> int:
    return _deleted(await conn().execute("DELETE FROM child WHERE id = $1", child_id))


async def set_child_address_protection(child_id: uuid.UUID, protected: bool) -> bool:
    """The register's address protection on the child (a protected child keeps no
    address); True when it changed."""
    status: str = await conn().execute(
        "UPDATE child SET address_protected = $2, "
        "address = CASE WHEN $2 THEN '' ELSE address END, version = version + 1 "
        "WHERE id = $1 AND address_protected IS DISTINCT FROM $2",
        child_id,
        protected,
    )
    return status.endswith(" 1")
