"""Queries of the reports to Ankestyrelsen (``ankestyrelsen_report`` and the § 139 decisions,
``indgreb_139``: this package's tables) and the case facts a report is prefilled from (read
from casework's tables, one join)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn

RULE_ID = "indberet-anbringelse"
# Each report activity's rule and the report kind it is (backend/casework/rules.py).
KIND_OF_RULE: dict[str, str] = {
    "indberet-anbringelse": "anbringelse",
    "indberet-aendring": "aendring",
    "indberet-ophoer": "ophoer",
    "indberet-eftervaern": "eftervaern",
    "indberet-139": "indgreb_139",
}
# The same list as the partial index activity_ankestyrelsen (tenant migration 0042), inlined
# so the planner can use it.
_RULES_SQL = "(" + ", ".join(f"'{r}'" for r in KIND_OF_RULE) + ")"


class FormFacts(msgspec.Struct, frozen=True):
    activity_id: uuid.UUID
    hovedsag_id: uuid.UUID
    status: str
    rule_id: str | None
    due_at: datetime | None
    basis: str | None
    concerns: str | None
    concerns_id: uuid.UUID | None
    indsats_id: uuid.UUID | None
    case_number: str | None
    child_id: uuid.UUID
    first_name: str
    last_name: str
    birth_date: date | None
    caseworker_name: str | None
    kind: str | None
    paragraph: str | None
    starts_on: date | None
    ends_on: date | None
    planned_end: date | None
    decided_on: date | None
    decided_by: str | None


class PlacementRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    kind: str
    paragraph: str
    starts_on: date
    ends_on: date | None


class Indgreb139Row(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    kind: str
    decided_on: date
    carried_out_on: date | None
    decided_by: str
    police: bool
    description: str
    created_by: str
    created_at: datetime
    activity_id: uuid.UUID | None = None  # its report activity


class ReportRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    content: dict[str, Any]
    sent_at: datetime
    sent_by_name: str
    receipt: str


class OverviewRowDb(msgspec.Struct, frozen=True):
    activity_id: uuid.UUID
    rule_id: str
    hovedsag_id: uuid.UUID
    case_number: str | None
    first_name: str
    last_name: str
    birth_date: date | None
    caseworker_name: str | None
    due_at: datetime | None
    status: str
    sent_at: datetime | None
    sent_by_name: str | None
    receipt: str | None


class MonthRow(msgspec.Struct, frozen=True):
    month: str
    kind: str
    sent: int
    sent_late: int


async def form_facts(activity_id: uuid.UUID) -> FormFacts | None:
    """The activity, its case and child, the placement it concerns and the decision."""
    row = await conn().fetchrow(
        "SELECT a.id AS activity_id, a.hovedsag_id, a.status, a.rule_id, a.due_at, a.basis, "
        "a.concerns, a.concerns_id, i.id AS indsats_id, h.case_number, c.id AS child_id, "
        "c.first_name, c.last_name, c.birth_date, cw.display_name AS caseworker_name, i.kind, "
        "i.paragraph, i.starts_on, i.ends_on, i.planned_end, d.decided_on, "
        "coalesce(du.display_name, d.created_by) AS decided_by "
        "FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id "
        "JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user cw ON cw.id = h.caseworker_id "
        "LEFT JOIN indsats i ON i.id = a.concerns_id AND a.concerns = 'indsats' "
        "LEFT JOIN afgoerelse d ON d.id = i.afgoerelse_id "
        "LEFT JOIN app_user du ON du.username = d.created_by "
        "WHERE a.id = $1",
        activity_id,
    )
    return None if row is None else FormFacts(**dict(row))


async def continued_placement(
    hovedsag_id: uuid.UUID, indsats_id: uuid.UUID, starts_on: date
) -> PlacementRow | None:
    """The placement the placement ``indsats_id`` continued (a change of place, type or
    legal basis): another of the case's placements running when it started, or ended the
    day before (casework's rule, ``lifecycle.start_measure``)."""
    row = await conn().fetchrow(
        "SELECT id, kind, paragraph, starts_on, ends_on FROM indsats "
        "WHERE hovedsag_id = $1 AND placement AND id <> $2 AND starts_on <= $3 "
        "AND (ends_on IS NULL OR ends_on >= $3 - 1) "
        "ORDER BY ends_on IS NULL DESC, ends_on DESC, starts_on DESC LIMIT 1",
        hovedsag_id,
        indsats_id,
        starts_on,
    )
    return None if row is None else PlacementRow(**dict(row))


async def earlier_placement(
    child_id: uuid.UUID, indsats_id: uuid.UUID, starts_on: date
) -> PlacementRow | None:
    """The child's latest placement (any of its cases) that ended before ``starts_on``:
    the placement ``indsats_id`` is then a re-placement."""
    row = await conn().fetchrow(
        "SELECT i.id, i.kind, i.paragraph, i.starts_on, i.ends_on FROM indsats i "
        "JOIN hovedsag h ON h.id = i.hovedsag_id "
        "WHERE h.child_id = $1 AND i.placement AND i.id <> $2 AND i.ends_on < $3 "
        "ORDER BY i.ends_on DESC LIMIT 1",
        child_id,
        indsats_id,
        starts_on,
    )
    return None if row is None else PlacementRow(**dict(row))


async def insert_indgreb(
    hovedsag_id: uuid.UUID,
    kind: str,
    decided_on: date,
    carried_out_on: date | None,
    decided_by: str,
    police: bool,
    description: str,
    actor: str,
) -> uuid.UUID:
    value: uuid.UUID = await conn().fetchval(
        "INSERT INTO indgreb_139 (hovedsag_id, kind, decided_on, carried_out_on, decided_by, "
        "police, description, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        hovedsag_id,
        kind,
        decided_on,
        carried_out_on,
        decided_by,
        police,
        description,
        actor,
    )
    return value


async def get_indgreb(indgreb_id: uuid.UUID) -> Indgreb139Row | None:
    row = await conn().fetchrow("SELECT * FROM indgreb_139 WHERE id = $1", indgreb_id)
    return None if row is None else Indgreb139Row(**dict(row))


async def list_indgreb(hovedsag_id: uuid.UUID) -> list[Indgreb139Row]:
    rows = await conn().fetch(
        "SELECT i.*, (SELECT a.id FROM activity a WHERE a.concerns_id = i.id "
        "AND a.rule_id = 'indberet-139' LIMIT 1) AS activity_id FROM indgreb_139 i "
        "WHERE i.hovedsag_id = $1 ORDER BY i.decided_on DESC, i.created_at DESC",
        hovedsag_id,
    )
    return [Indgreb139Row(**dict(r)) for r in rows]


async def lock_activity(activity_id: uuid.UUID) -> str | None:
    """The activity's status, its row locked until the transaction ends (two sends of the
    same report wait for each other)."""
    value: str | None = await conn().fetchval(
        "SELECT status FROM activity WHERE id = $1 FOR UPDATE", activity_id
    )
    return value


async def report_of(activity_id: uuid.UUID) -> ReportRow | None:
    row = await conn().fetchrow(
        "SELECT id, content, sent_at, sent_by_name, receipt FROM ankestyrelsen_report "
        "WHERE activity_id = $1",
        activity_id,
    )
    if row is None:
        return None
    values = dict(row)
    values["content"] = json.loads(values["content"])
    return ReportRow(**values)


async def insert_report(
    report_id: uuid.UUID,
    hovedsag_id: uuid.UUID,
    activity_id: uuid.UUID,
    indsats_id: uuid.UUID | None,
    kind: str,
    event_id: uuid.UUID | None,
    content: dict[str, Any],
    due_at: datetime | None,
    sent_by: str,
    sent_by_name: str,
    receipt: str,
    sent_at: datetime | None = None,
) -> None:
    await conn().execute(
        "INSERT INTO ankestyrelsen_report (id, hovedsag_id, activity_id, indsats_id, kind, "
        "event_id, content, due_at, sent_by, sent_by_name, receipt, sent_at) "
        "VALUES ($1, $2, $3, $4, $11, $12, $5::jsonb, $6, $7, $8, $9, coalesce($10, now()))",
        report_id,
        hovedsag_id,
        activity_id,
        indsats_id,
        json.dumps(content, ensure_ascii=False),
        due_at,
        sent_by,
        sent_by_name,
        receipt,
        sent_at,
        kind,
        event_id,
    )


async def overview_rows(limit: int = 500) -> list[OverviewRowDb]:
    """The open report activities (earliest deadline first), then the sent reports (newest
    first)."""
    rows = await conn().fetch(
        "SELECT a.id AS activity_id, a.rule_id, a.hovedsag_id, h.case_number, c.first_name, "
        "c.last_name, c.birth_date, cw.display_name AS caseworker_name, a.due_at, a.status, "
        "r.sent_at, r.sent_by_name, r.receipt "
        "FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id "
        "JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user cw ON cw.id = coalesce(a.owner_id, h.caseworker_id) "
        "LEFT JOIN ankestyrelsen_report r ON r.activity_id = a.id "
        f"WHERE a.rule_id IN {_RULES_SQL} AND (a.status = 'open' OR r.id IS NOT NULL) "
        "ORDER BY r.id IS NOT NULL, a.due_at NULLS LAST, r.sent_at DESC LIMIT $1",
        limit,
    )
    return [OverviewRowDb(**dict(r)) for r in rows]


async def month_counts(months: int = 12) -> list[MonthRow]:
    """Reports sent per month (Danish time) and kind, newest month first, and how many
    after their deadline; the last ``months`` months that have any."""
    rows = await conn().fetch(
        "WITH m AS (SELECT to_char(sent_at AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM') AS month, "
        "kind, sent_at, due_at FROM ankestyrelsen_report) "
        "SELECT month, kind, count(*)::int AS sent, "
        "count(*) FILTER (WHERE due_at IS NOT NULL AND sent_at > due_at)::int AS sent_late "
        "FROM m WHERE month IN (SELECT DISTINCT month FROM m ORDER BY month DESC LIMIT $1) "
        "GROUP BY 1, 2 ORDER BY 1 DESC, 2",
        months,
    )
    return [MonthRow(**dict(r)) for r in rows]


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's reports (inside the case's deletion, before casework's
    activities and measures they reference)."""
    status: str = await conn().execute(
        "DELETE FROM ankestyrelsen_report WHERE hovedsag_id = $1", hovedsag_id
    )
    decisions: str = await conn().execute(
        "DELETE FROM indgreb_139 WHERE hovedsag_id = $1", hovedsag_id
    )
    return {
        "ankestyrelsen_report": int(status.rsplit(" ", 1)[-1]),
        "indgreb_139": int(decisions.rsplit(" ", 1)[-1]),
    }
