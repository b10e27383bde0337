"""The ICS documents' queries: versions and their series, the case facts a document refers
to (measures, deadlines, the running investigation, the child), the manager's approval
list, and the writes of each step in a version's life. ``FOR UPDATE`` where a change
follows a read; callers hold the request's tenant transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.casework.access import ON_CASE
from backend.core.db import conn
from backend.ics.schemas import ActivityStatus, Kind, Status


def _name_of(column: str) -> str:
    """The display name of the user in ``ics_document.<column>`` (people read names, not
    usernames); "Ukendt medarbejder" for one who is not a user here (e.g. the sender of a
    transferred case), NULL when the column is."""
    return (
        f"CASE WHEN ics_document.{column} IS NULL THEN NULL ELSE coalesce((SELECT "
        f"u.display_name FROM app_user u WHERE u.username = ics_document.{column}), "
        f"'Ukendt medarbejder') END AS {column}_name"
    )


VERSION_COLUMNS = (
    "id, series_id, kind, version_no, status, rev, created_by, created_at, changed_by, "
    "changed_at, submitted_by, submitted_at, approved_by, approved_at, "
    + ", ".join(_name_of(c) for c in ("changed_by", "submitted_by", "approved_by"))
)
DOC_COLUMNS = (
    VERSION_COLUMNS + ", hovedsag_id, enkeltsag_id, method, content::text AS content, "
    "based_on_id, derived_from_id, returned_by, returned_at, return_reason, "
    + _name_of("returned_by")
)

# The statutory activities each kind of document answers.
DEADLINE_RULES = {
    "undersoegelse": ["undersoegelse-4-maaneder"],
    "plan": ["barnets-plan-32", "barnets-plan-46", "barnets-plan-47"],
    "opfoelgning": ["foerste-opfoelgning", "naeste-opfoelgning"],
}


class VersionRow(msgspec.Struct, kw_only=True):
    """A version without its content (``VERSION_COLUMNS``)."""

    id: uuid.UUID
    series_id: uuid.UUID
    kind: Kind
    version_no: int
    status: Status
    rev: int
    created_by: str
    created_at: datetime
    changed_by: str
    changed_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    changed_by_name: str
    submitted_by_name: str | None
    approved_by_name: str | None


class ListedVersion(VersionRow, kw_only=True):
    """A version in the case's list of documents."""

    enkeltsag_id: uuid.UUID | None
    derived_from_id: uuid.UUID | None


class DocRow(VersionRow, kw_only=True):
    """A whole version (``DOC_COLUMNS``); ``content`` is the stored JSON text."""

    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID | None
    method: str
    content: str
    based_on_id: uuid.UUID | None
    derived_from_id: uuid.UUID | None
    returned_by: str | None
    returned_at: datetime | None
    return_reason: str | None
    returned_by_name: str | None


class OpenVersion(msgspec.Struct, frozen=True):
    """A version that is not approved (a draft or submitted), named in a 409."""

    id: uuid.UUID
    version_no: int
    status: Status


class DraftHead(msgspec.Struct, frozen=True):
    hovedsag_id: uuid.UUID
    kind: Kind
    method: str
    status: Status


class SavedRev(msgspec.Struct, frozen=True):
    rev: int
    changed_at: datetime


class RunningInvestigation(msgspec.Struct, frozen=True):
    """The case's open investigation (enkeltsag), its 4-month deadline, and whether it
    has a document."""

    id: uuid.UUID
    aware_since: date | None
    due_at: datetime | None
    has_document: bool


class ChildOfCase(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    birth_date: date
    closed_at: datetime | None  # the case's


class MeasureRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    kind: str
    starts_on: date
    ends_on: date | None


class DeadlineRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    rule_id: str | None
    title: str
    basis: str | None
    due_at: datetime | None
    status: ActivityStatus
    completed_at: datetime | None
    overdue: bool | None


class AwaitingRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    series_id: uuid.UUID
    kind: Kind
    version_no: int
    hovedsag_id: uuid.UUID
    submitted_by: str
    submitted_at: datetime
    child_id: uuid.UUID
    child_name: str
    caseworker: str | None
    team: str | None
    submitted_by_name: str
    in_my_teams: bool | None
    due_at: datetime | None


class UserName(msgspec.Struct, frozen=True):
    username: str
    display_name: str


def _doc(row: Any) -> DocRow | None:
    return None if row is None else DocRow(**dict(row))


def _version(row: Any) -> VersionRow:
    return VersionRow(**dict(row))


# --- Reading -------------------------------------------------------------------------------


async def get_case_of(doc_id: uuid.UUID) -> uuid.UUID | None:
    case_id: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM ics_document WHERE id = $1", doc_id
    )
    return case_id


async def get_case_of_series(series_id: uuid.UUID) -> uuid.UUID | None:
    case_id: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM ics_document WHERE series_id = $1 LIMIT 1", series_id
    )
    return case_id


async def get_series_of(doc_id: uuid.UUID) -> uuid.UUID | None:
    series: uuid.UUID | None = await conn().fetchval(
        "SELECT series_id FROM ics_document WHERE id = $1", doc_id
    )
    return series


async def get_document(doc_id: uuid.UUID, *, for_update: bool = False) -> DocRow | None:
    return _doc(
        await conn().fetchrow(
            f"SELECT {DOC_COLUMNS} FROM ics_document WHERE id = $1"
            + (" FOR UPDATE" if for_update else ""),
            doc_id,
        )
    )


async def get_content(doc_id: uuid.UUID | None) -> str | None:
    """The stored JSON text of a version (None without one)."""
    text: str | None = await conn().fetchval(
        "SELECT content::text FROM ics_document WHERE id = $1", doc_id
    )
    return text


async def list_versions(series_id: uuid.UUID) -> list[VersionRow]:
    rows = await conn().fetch(
        f"SELECT {VERSION_COLUMNS} FROM ics_document WHERE series_id = $1 ORDER BY version_no",
        series_id,
    )
    return [_version(r) for r in rows]


async def get_version_by_no(series_id: uuid.UUID, version_no: int) -> DocRow | None:
    return _doc(
        await conn().fetchrow(
            f"SELECT {DOC_COLUMNS} FROM ics_document WHERE series_id = $1 AND version_no = $2",
            series_id,
            version_no,
        )
    )


async def list_case_documents(hovedsag_id: uuid.UUID) -> list[ListedVersion]:
    rows = await conn().fetch(
        f"SELECT {VERSION_COLUMNS}, enkeltsag_id, derived_from_id FROM ics_document "
        "WHERE hovedsag_id = $1 ORDER BY created_at, version_no",
        hovedsag_id,
    )
    return [ListedVersion(**dict(r)) for r in rows]


async def get_open_investigation(hovedsag_id: uuid.UUID) -> RunningInvestigation | None:
    row = await conn().fetchrow(
        "SELECT e.id, e.aware_since, (SELECT a.due_at FROM activity a WHERE a.enkeltsag_id = e.id "
        "AND a.rule_id = 'undersoegelse-4-maaneder' AND a.status = 'open' LIMIT 1) AS due_at, "
        "EXISTS (SELECT 1 FROM ics_document d WHERE d.enkeltsag_id = e.id) AS has_document "
        "FROM enkeltsag e WHERE e.hovedsag_id = $1 AND e.kind = 'undersoegelse' "
        "AND e.closed_at IS NULL ORDER BY e.opened_at DESC LIMIT 1",
        hovedsag_id,
    )
    return None if row is None else RunningInvestigation(**dict(row))


async def get_child_of(hovedsag_id: uuid.UUID) -> ChildOfCase:
    row = await conn().fetchrow(
        "SELECT c.id, c.first_name || ' ' || c.last_name AS name, c.birth_date, h.closed_at "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id WHERE h.id = $1",
        hovedsag_id,
    )
    return ChildOfCase(**dict(row))


async def list_measures(hovedsag_id: uuid.UUID) -> list[MeasureRow]:
    rows = await conn().fetch(
        "SELECT id, kind, starts_on, ends_on FROM indsats WHERE hovedsag_id = $1 "
        "ORDER BY starts_on, created_at",
        hovedsag_id,
    )
    return [MeasureRow(**dict(r)) for r in rows]


async def list_known_measures(hovedsag_id: uuid.UUID, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``ids`` are measures (indsatser) of the case."""
    rows = await conn().fetch(
        "SELECT id FROM indsats WHERE hovedsag_id = $1 AND id = ANY($2::uuid[])",
        hovedsag_id,
        ids,
    )
    return {r["id"] for r in rows}


async def get_measure_running(indsats_id: uuid.UUID | None) -> bool | None:
    """Whether the measure is running (no end date); None when there is no such measure."""
    running: bool | None = await conn().fetchval(
        "SELECT ends_on IS NULL FROM indsats WHERE id = $1", indsats_id
    )
    return running


async def list_deadlines(
    hovedsag_id: uuid.UUID,
    rules: list[str],
    enkeltsag_id: uuid.UUID | None,
    concerns_id: uuid.UUID | None,
    since: datetime | None,
) -> list[DeadlineRow]:
    """The case's activities by these rules (of one enkeltsag, concerning one measure), the
    open ones and those completed since ``since`` (all of them without it)."""
    rows = await conn().fetch(
        "SELECT id, rule_id, title, basis, due_at, status, completed_at, "
        "(status = 'open' AND due_at < now() AND NOT due_asap) AS overdue FROM activity "
        "WHERE hovedsag_id = $1 AND rule_id = ANY($2::text[]) "
        "AND ($3::uuid IS NULL OR enkeltsag_id = $3) "
        "AND ($4::uuid IS NULL OR concerns_id = $4) "
        "AND ($5::timestamptz IS NULL OR status = 'open' OR completed_at >= $5) "
        "ORDER BY status <> 'open', due_at NULLS LAST",
        hovedsag_id,
        rules,
        enkeltsag_id,
        concerns_id,
        since,
    )
    return [DeadlineRow(**dict(r)) for r in rows]


async def get_approval_requires_other() -> bool:
    return bool(await conn().fetchval("SELECT ics_other_approver FROM kommune_settings"))


async def update_approval_requires_other(value: bool) -> None:
    await conn().execute("UPDATE kommune_settings SET ics_other_approver = $1", value)


async def get_open_version(series_id: uuid.UUID) -> OpenVersion | None:
    row = await conn().fetchrow(
        "SELECT id, version_no, status FROM ics_document WHERE series_id = $1 "
        "AND status <> 'godkendt'",
        series_id,
    )
    return None if row is None else OpenVersion(**dict(row))


async def get_latest_of_investigation(enkeltsag_id: uuid.UUID) -> OpenVersion | None:
    """The latest document version of an investigation (enkeltsag), if it has one."""
    row = await conn().fetchrow(
        "SELECT id, version_no, status FROM ics_document WHERE enkeltsag_id = $1 "
        "ORDER BY version_no DESC LIMIT 1",
        enkeltsag_id,
    )
    return None if row is None else OpenVersion(**dict(row))


async def get_latest_plan(hovedsag_id: uuid.UUID) -> DocRow | None:
    return _doc(
        await conn().fetchrow(
            f"SELECT {DOC_COLUMNS} FROM ics_document WHERE hovedsag_id = $1 AND kind = 'plan' "
            "ORDER BY created_at DESC, version_no DESC LIMIT 1",
            hovedsag_id,
        )
    )


async def get_open_follow_up(plan_series_id: uuid.UUID) -> OpenVersion | None:
    """A follow-up on any version of the plan series that is not approved yet."""
    row = await conn().fetchrow(
        "SELECT d.id, d.version_no, d.status FROM ics_document d JOIN ics_document p "
        "ON p.id = d.derived_from_id WHERE d.kind = 'opfoelgning' AND p.series_id = $1 "
        "AND d.status <> 'godkendt' LIMIT 1",
        plan_series_id,
    )
    return None if row is None else OpenVersion(**dict(row))


async def lock_latest_in_series(series_id: uuid.UUID) -> DocRow:
    """The series' latest version, locked ``FOR UPDATE`` (the series exists)."""
    row = _doc(
        await conn().fetchrow(
            f"SELECT {DOC_COLUMNS} FROM ics_document WHERE series_id = $1 "
            "ORDER BY version_no DESC LIMIT 1 FOR UPDATE",
            series_id,
        )
    )
    assert row is not None
    return row


async def get_case_closed_at(hovedsag_id: uuid.UUID) -> datetime | None:
    closed: datetime | None = await conn().fetchval(
        "SELECT closed_at FROM hovedsag WHERE id = $1", hovedsag_id
    )
    return closed


async def list_awaiting_approval(
    user_id: uuid.UUID, kommune_wide: bool, limit: int = 200
) -> list[AwaitingRow]:
    """Submitted versions on open cases the user may open, for the manager's list "Til
    godkendelse": cases of the manager's own teams first (the case's team, or a
    caseworker in one of them), then the earliest open deadline the version answers, then
    the oldest submission. No content is read."""
    rows = await conn().fetch(
        "WITH mine AS (SELECT team_id FROM team_member WHERE user_id = $2), "
        "colleagues AS (SELECT m.user_id FROM team_member m JOIN mine USING (team_id)) "
        "SELECT d.id, d.series_id, d.kind, d.version_no, d.hovedsag_id, d.submitted_by, "
        "d.submitted_at, c.id AS child_id, c.first_name || ' ' || c.last_name AS child_name, "
        "cw.display_name AS caseworker, t.name AS team, "
        "coalesce(su.display_name, d.submitted_by) AS submitted_by_name, "
        "(h.team_id IN (SELECT team_id FROM mine) "
        "OR h.caseworker_id IN (SELECT user_id FROM colleagues)) AS in_my_teams, "
        "(SELECT min(a.due_at) FROM activity a WHERE a.hovedsag_id = d.hovedsag_id "
        "AND a.status = 'open' AND ("
        "(d.kind = 'undersoegelse' AND a.enkeltsag_id = d.enkeltsag_id "
        "AND a.rule_id = ANY($4::text[])) "
        "OR (d.kind = 'plan' AND a.rule_id = ANY($5::text[])) "
        "OR (d.kind = 'opfoelgning' AND a.rule_id = ANY($6::text[]) "
        "AND a.concerns_id = (d.content->>'indsats_id')::uuid))) AS due_at "
        "FROM ics_document d JOIN hovedsag h ON h.id = d.hovedsag_id "
        "JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user cw ON cw.id = h.caseworker_id "
        "LEFT JOIN team t ON t.id = h.team_id "
        "LEFT JOIN app_user su ON su.username = d.submitted_by "
        f"WHERE d.status = 'indsendt' AND h.closed_at IS NULL AND ($1 OR {ON_CASE}) "
        "ORDER BY in_my_teams DESC, due_at NULLS LAST, d.submitted_at, d.id LIMIT $3",
        kommune_wide,
        user_id,
        limit,
        DEADLINE_RULES["undersoegelse"],
        DEADLINE_RULES["plan"],
        DEADLINE_RULES["opfoelgning"],
    )
    return [AwaitingRow(**dict(r)) for r in rows]


async def list_activity_titles(ids: list[uuid.UUID]) -> list[str]:
    rows = await conn().fetch("SELECT title FROM activity WHERE id = ANY($1::uuid[])", ids)
    return [r["title"] for r in rows]


async def list_completed_now(hovedsag_id: uuid.UUID) -> list[str]:
    """Titles of the case's activities completed in this transaction (``now()``)."""
    rows = await conn().fetch(
        "SELECT title FROM activity WHERE hovedsag_id = $1 AND status = 'done' "
        "AND completed_at = now() ORDER BY title",
        hovedsag_id,
    )
    return [r["title"] for r in rows]


async def list_display_names(usernames: list[str]) -> list[UserName]:
    rows = await conn().fetch(
        "SELECT username, display_name FROM app_user WHERE username = ANY($1::text[])",
        usernames,
    )
    return [UserName(r["username"], r["display_name"]) for r in rows]


# --- Changing ------------------------------------------------------------------------------


async def insert_document(
    actor: str,
    *,
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    kind: str,
    series_id: uuid.UUID,
    version_no: int,
    method: str,
    content: str,
    based_on_id: uuid.UUID | None,
    derived_from_id: uuid.UUID | None,
) -> VersionRow:
    return _version(
        await conn().fetchrow(
            "INSERT INTO ics_document (hovedsag_id, enkeltsag_id, kind, series_id, version_no, "
            "method, content, based_on_id, derived_from_id, created_by, changed_by) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $10) "
            f"RETURNING {VERSION_COLUMNS}",
            hovedsag_id,
            enkeltsag_id,
            kind,
            series_id,
            version_no,
            method,
            content,
            based_on_id,
            derived_from_id,
            actor,
        )
    )


async def insert_copy(actor: str, doc_id: uuid.UUID) -> VersionRow:
    """A new draft version copying ``doc_id`` (version number one higher)."""
    return _version(
        await conn().fetchrow(
            "INSERT INTO ics_document (hovedsag_id, enkeltsag_id, kind, series_id, version_no, "
            "method, content, based_on_id, derived_from_id, created_by, changed_by) "
            "SELECT hovedsag_id, enkeltsag_id, kind, series_id, version_no + 1, method, content, "
            "id, derived_from_id, $2, $2 FROM ics_document WHERE id = $1 "
            f"RETURNING {VERSION_COLUMNS}",
            doc_id,
            actor,
        )
    )


async def get_draft_head(doc_id: uuid.UUID) -> DraftHead | None:
    row = await conn().fetchrow(
        "SELECT hovedsag_id, kind, method, status FROM ics_document WHERE id = $1", doc_id
    )
    return None if row is None else DraftHead(**dict(row))


async def update_draft(doc_id: uuid.UUID, rev: int, content: str, actor: str) -> SavedRev | None:
    """Store the draft if ``rev`` is the stored revision and it is still a draft; None
    when not."""
    row = await conn().fetchrow(
        "UPDATE ics_document SET content = $3::jsonb, rev = rev + 1, changed_by = $4, "
        "changed_at = now() WHERE id = $1 AND rev = $2 AND status = 'kladde' "
        "RETURNING rev, changed_at",
        doc_id,
        rev,
        content,
        actor,
    )
    return None if row is None else SavedRev(**dict(row))


async def update_submitted(doc_id: uuid.UUID, actor: str) -> VersionRow:
    return _version(
        await conn().fetchrow(
            "UPDATE ics_document SET status = 'indsendt', submitted_by = $2, "
            "submitted_at = now(), returned_by = NULL, returned_at = NULL, "
            "return_reason = NULL, rev = rev + 1 "
            f"WHERE id = $1 RETURNING {VERSION_COLUMNS}",
            doc_id,
            actor,
        )
    )


async def update_approved(doc_id: uuid.UUID, actor: str) -> VersionRow:
    return _version(
        await conn().fetchrow(
            "UPDATE ics_document SET status = 'godkendt', approved_by = $2, "
            f"approved_at = now(), rev = rev + 1 WHERE id = $1 RETURNING {VERSION_COLUMNS}",
            doc_id,
            actor,
        )
    )


async def update_returned(doc_id: uuid.UUID, actor: str, reason: str) -> VersionRow:
    return _version(
        await conn().fetchrow(
            "UPDATE ics_document SET status = 'kladde', submitted_by = NULL, "
            "submitted_at = NULL, returned_by = $2, returned_at = now(), return_reason = $3, "
            f"rev = rev + 1 WHERE id = $1 RETURNING {VERSION_COLUMNS}",
            doc_id,
            actor,
            reason,
        )
    )


class DemoCase(msgspec.Struct, frozen=True):
    id: uuid.UUID
    username: str


async def list_demo_cases() -> list[DemoCase]:
    """Two open cases with a running investigation without a document, each of a
    caseworker who is not a manager (so the demo manager can approve); for the demo."""
    rows = await conn().fetch(
        "SELECT h.id, u.username FROM hovedsag h JOIN app_user u ON u.id = h.caseworker_id "
        "JOIN enkeltsag e ON e.hovedsag_id = h.id AND e.kind = 'undersoegelse' "
        "AND e.closed_at IS NULL WHERE h.closed_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM ics_document d WHERE d.enkeltsag_id = e.id) "
        "AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id "
        "AND r.role = 'sagsbehandler') AND NOT EXISTS (SELECT 1 FROM user_role r "
        "WHERE r.user_id = u.id AND r.role = 'leder') "
        "ORDER BY h.opened_at, h.id LIMIT 2"
    )
    return [DemoCase(r["id"], r["username"]) for r in rows]


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's ICS documents, every version (inside the case's
    deletion)."""
    return {
        "ics_document": _deleted(
            await conn().execute("DELETE FROM ics_document WHERE hovedsag_id = $1", hovedsag_id)
        )
    }
