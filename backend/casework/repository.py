"""Reads for the worklist, activities and the journal. Callers hold a tenant transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tenancy.context import current_scope

_ACTIVITY = (
    "SELECT a.id, a.hovedsag_id, c.first_name || ' ' || c.last_name AS child_name, a.rule_id, "
    "a.title, a.basis, a.due_at, a.status, a.version, "
    "(a.status = 'open' AND a.due_at < now()) AS overdue "
    "FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id JOIN child c ON c.id = h.child_id "
)


def _conn() -> Any:
    return current_scope().connection


async def open_activities_of(user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await _conn().fetch(
        _ACTIVITY + "WHERE a.owner_id = $1 AND a.status = 'open' "
        "ORDER BY a.due_at NULLS LAST, a.created_at",
        user_id,
    )
    return [dict(r) for r in rows]


async def activities_by_ids(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    rows = await _conn().fetch(_ACTIVITY + "WHERE a.id = ANY($1::uuid[]) ORDER BY a.due_at", ids)
    return [dict(r) for r in rows]


async def cases_of(user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await _conn().fetch(
        "SELECT h.id, h.child_id, c.first_name || ' ' || c.last_name AS child_name, "
        "c.birth_date, h.stage, h.opened_at, "
        "count(a.id) FILTER (WHERE a.status = 'open') AS open_activities, "
        "count(a.id) FILTER (WHERE a.status = 'open' AND a.due_at < now()) AS overdue "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id "
        "LEFT JOIN activity a ON a.hovedsag_id = h.id "
        "WHERE h.caseworker_id = $1 AND h.closed_at IS NULL "
        "GROUP BY h.id, c.id ORDER BY overdue DESC, h.opened_at DESC LIMIT 500",
        user_id,
    )
    return [dict(r) for r in rows]


async def case_exists(case_id: uuid.UUID) -> bool:
    return bool(await _conn().fetchval("SELECT 1 FROM hovedsag WHERE id = $1", case_id))


async def journal_page(
    case_id: uuid.UUID,
    kind: str | None,
    enkeltsag_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    page: int,
    page_size: int,
) -> tuple[list[dict[str, Any]], int]:
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
    conn = _conn()
    total = await conn.fetchval(f"SELECT count(*) FROM journal_entry j WHERE {cond}", *args)
    rows = await conn.fetch(
        "SELECT j.id, j.at, j.author, j.kind, j.event, j.title, j.body, j.enkeltsag_id, "
        "j.corrects_id, coalesce((SELECT array_agg(r.id ORDER BY r.id) FROM journal_entry r "
        "WHERE r.corrects_id = j.id), '{}') AS corrected_by "
        f"FROM journal_entry j WHERE {cond} ORDER BY j.at DESC, j.id DESC "
        f"LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}",
        *args,
    )
    return [dict(r) for r in rows], int(total)


async def team_ids_of(user_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    rows = await _conn().fetch(
        "SELECT t.id, t.name FROM team t JOIN team_member m ON m.team_id = t.id "
        "WHERE m.user_id = $1 ORDER BY t.name",
        user_id,
    )
    return [(r["id"], r["name"]) for r in rows]


async def overdue_in_teams(team_ids: list[uuid.UUID], limit: int = 200) -> list[dict[str, Any]]:
    rows = await _conn().fetch(
        _ACTIVITY + "WHERE a.status = 'open' AND a.due_at < now() AND h.closed_at IS NULL "
        "AND (h.team_id = ANY($1::uuid[]) OR a.owner_id IN (SELECT user_id FROM team_member "
        "WHERE team_id = ANY($1::uuid[]))) ORDER BY a.due_at LIMIT $2",
        team_ids,
        limit,
    )
    return [dict(r) for r in rows]


async def caseload(team_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    rows = await _conn().fetch(
        "SELECT u.id AS user_id, u.display_name, "
        "(SELECT count(*) FROM hovedsag h WHERE h.caseworker_id = u.id AND h.closed_at IS NULL) "
        "AS open_cases, "
        "(SELECT count(*) FROM activity a WHERE a.owner_id = u.id AND a.status = 'open') "
        "AS open_activities, "
        "(SELECT count(*) FROM activity a WHERE a.owner_id = u.id AND a.status = 'open' "
        "AND a.due_at < now()) AS overdue_activities "
        "FROM app_user u WHERE u.active AND u.id IN (SELECT user_id FROM team_member "
        "WHERE team_id = ANY($1::uuid[])) ORDER BY overdue_activities DESC, open_cases DESC",
        team_ids,
    )
    return [dict(r) for r in rows]
