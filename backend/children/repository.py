"""All queries on children and cases. Callers hold a tenant transaction."""

from __future__ import annotations

import uuid
from typing import Any

from backend.casework.rules import age_on as age_on
from backend.children.tables import Child, Hovedsag

STAGE_LABELS = {
    "afklaring": "Afklaring",
    "undersoegelse": "Børnefaglig undersøgelse",
    "afgoerelse": "Visitation og afgørelse",
    "indsats": "Indsats og opfølgning",
    "afsluttet": "Afsluttet",
}


async def count_children() -> int:
    return int(await Child.count())


async def count_open_cases() -> int:
    return int(await Hovedsag.count().where(Hovedsag.closed_at.is_null()))


async def open_cases_by_stage() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Hovedsag.raw(
        "SELECT stage, count(*)::int AS count FROM hovedsag WHERE closed_at IS NULL GROUP BY stage"
    )
    return rows


async def recent_cases(limit: int = 10) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await Hovedsag.select(
            Hovedsag.id,
            Hovedsag.child_id,
            Hovedsag.child_id.first_name,
            Hovedsag.child_id.last_name,
            Hovedsag.child_id.birth_date,
            Hovedsag.stage,
            Hovedsag.opened_at,
        )
        .where(Hovedsag.closed_at.is_null())
        .order_by(Hovedsag.opened_at, ascending=False)
        .limit(limit)
    )
    return rows


async def get_child(child_id: uuid.UUID) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await Child.select().where(Child.id == child_id).first()
    return row


async def cases_of_child(child_id: uuid.UUID) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await Hovedsag.select()
        .where(Hovedsag.child_id == child_id)
        .order_by(Hovedsag.opened_at, ascending=False)
    )
    return rows
