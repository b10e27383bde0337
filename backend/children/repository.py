"""All queries on children and cases. Callers hold a tenant transaction."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec

from backend.casework.rules import age_on as age_on
from backend.children.tables import Child, Hovedsag

STAGE_LABELS = {
    "afklaring": "Afklaring",
    "undersoegelse": "Børnefaglig undersøgelse",
    "afgoerelse": "Visitation og afgørelse",
    "indsats": "Indsats og opfølgning",
    "afsluttet": "Afsluttet",
}


class StageRow(msgspec.Struct, frozen=True):
    """How many open cases are in one stage."""

    stage: str
    count: int


class CaseRow(msgspec.Struct, frozen=True):
    """A main case as a child's page lists it."""

    id: uuid.UUID
    child_id: uuid.UUID
    stage: str
    opened_at: date


class RecentCaseRow(msgspec.Struct, frozen=True):
    """A recently opened case with its child's name and birth date (Piccolo names the
    joined columns ``child_id.<column>``)."""

    id: uuid.UUID
    child_id: uuid.UUID
    first_name: str = msgspec.field(name="child_id.first_name")
    last_name: str = msgspec.field(name="child_id.last_name")
    birth_date: date = msgspec.field(name="child_id.birth_date")
    stage: str
    opened_at: date


class ChildRow(msgspec.Struct, frozen=True):
    """A child's master data."""

    id: uuid.UUID
    cpr: str | None
    first_name: str
    last_name: str
    birth_date: date
    address: str
    expected_date: date | None
    address_protected: bool = False


async def count_children() -> int:
    return int(await Child.count())


async def count_open_cases() -> int:
    return int(await Hovedsag.count().where(Hovedsag.closed_at.is_null()))


async def open_cases_by_stage() -> list[StageRow]:
    rows = await Hovedsag.raw(
        "SELECT stage, count(*)::int AS count FROM hovedsag WHERE closed_at IS NULL GROUP BY stage"
    )
    return msgspec.convert(rows, list[StageRow])


async def recent_cases(limit: int = 10) -> list[RecentCaseRow]:
    rows = (
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
    return msgspec.convert(rows, list[RecentCaseRow])


async def get_child(child_id: uuid.UUID) -> ChildRow | None:
    row = await Child.select().where(Child.id == child_id).first()
    return None if row is None else msgspec.convert(row, ChildRow)


async def cases_of_child(child_id: uuid.UUID) -> list[CaseRow]:
    rows = (
        await Hovedsag.select()
        .where(Hovedsag.child_id == child_id)
        .order_by(Hovedsag.opened_at, ascending=False)
    )
    return msgspec.convert(rows, list[CaseRow])
