"""Queries of the reports to Ankestyrelsen (``ankestyrelsen_report``, this package's table)
and the case facts a report is prefilled from (read from casework's tables, one join)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn

RULE_ID = "indberet-anbringelse"


class FormFacts(msgspec.Struct, frozen=True):
    activity_id: uuid.UUID
    hovedsag_id: uuid.UUID
    status: str
    rule_id: str | None
    due_at: datetime | None
    basis: str | None
    indsats_id: uuid.UUID | None
    case_number: str | None
    first_name: str
    last_name: str
    birth_date: date | None
    caseworker_name: str | None
    kind: str | None
    paragraph: str | None
    starts_on: date | None
    decided_on: date | None
    decided_by: str | None


class ReportRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    content: dict[str, Any]
    sent_at: datetime
    sent_by_name: str
    receipt: str


class OverviewRowDb(msgspec.Struct, frozen=True):
    activity_id: uuid.UUID
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
    sent: int
    sent_late: int


async def form_facts(activity_id: uuid.UUID) -> FormFacts | None:
    """The activity, its case and child, the placement it concerns and the decision."""
    row = await conn().fetchrow(
        "SELECT a.id AS activity_id, a.hovedsag_id, a.status, a.rule_id, a.due_at, a.basis, "
        "i.id AS indsats_id, h.case_number, c.first_name, c.last_name, c.birth_date, "
        "cw.display_name AS caseworker_name, i.kind, i.paragraph, i.starts_on, d.decided_on, "
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
    content: dict[str, Any],
    due_at: datetime | None,
    sent_by: str,
    sent_by_name: str,
    receipt: str,
    sent_at: datetime | None = None,
) -> None:
    await conn().execute(
        "INSERT INTO ankestyrelsen_report (id, hovedsag_id, activity_id, indsats_id, kind, "
        "content, due_at, sent_by, sent_by_name, receipt, sent_at) "
        "VALUES ($1, $2, $3, $4, 'anbringelse', $5::jsonb, $6, $7, $8, $9, "
        "coalesce($10, now()))",
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
    )


async def overview_rows(limit: int = 500) -> list[OverviewRowDb]:
    """The open report activities (earliest deadline first), then the sent reports (newest
    first)."""
    rows = await conn().fetch(
        "SELECT a.id AS activity_id, a.hovedsag_id, h.case_number, c.first_name, c.last_name, "
        "c.birth_date, cw.display_name AS caseworker_name, a.due_at, a.status, r.sent_at, "
        "r.sent_by_name, r.receipt "
        "FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id "
        "JOIN child c ON c.id = h.child_id "
        "LEFT JOIN app_user cw ON cw.id = coalesce(a.owner_id, h.caseworker_id) "
        "LEFT JOIN ankestyrelsen_report r ON r.activity_id = a.id "
        "WHERE a.rule_id = $1 AND (a.status = 'open' OR r.id IS NOT NULL) "
        "ORDER BY r.id IS NOT NULL, a.due_at NULLS LAST, r.sent_at DESC LIMIT $2",
        RULE_ID,
        limit,
    )
    return [OverviewRowDb(**dict(r)) for r in rows]


async def month_counts(months: int = 12) -> list[MonthRow]:
    """Reports sent per month (Danish time), newest first, and how many after their deadline."""
    rows = await conn().fetch(
        "SELECT to_char(sent_at AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM') AS month, "
        "count(*)::int AS sent, "
        "count(*) FILTER (WHERE due_at IS NOT NULL AND sent_at > due_at)::int AS sent_late "
        "FROM ankestyrelsen_report GROUP BY 1 ORDER BY 1 DESC LIMIT $1",
        months,
    )
    return [MonthRow(**dict(r)) for r in rows]


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's reports (inside the case's deletion, before casework's
    activities and measures they reference)."""
    status: str = await conn().execute(
        "DELETE FROM ankestyrelsen_report WHERE hovedsag_id = $1", hovedsag_id
    )
    return {"ankestyrelsen_report": int(status.rsplit(" ", 1)[-1])}
