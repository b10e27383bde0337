"""Queries of the demo money data (``backend.money.demo``)."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec

from backend.core.db import conn


class RunningMeasure(msgspec.Struct, frozen=True):
    """A running measure that has no bevilling yet."""

    id: uuid.UUID
    kind: str
    starts_on: date
    planned_end: date | None = None  # support after 18: granted until


async def count_suppliers() -> int:
    n: int = await conn().fetchval("SELECT count(*) FROM supplier")
    return n


async def get_first_manager() -> str | None:
    """The username of the first active manager (by username), if any."""
    username: str | None = await conn().fetchval(
        "SELECT u.username FROM app_user u JOIN user_role r ON r.user_id = u.id "
        "WHERE r.role = 'leder' AND u.active ORDER BY u.username LIMIT 1"
    )
    return username


async def list_running_measures_without_bevilling() -> list[RunningMeasure]:
    rows = await conn().fetch(
        "SELECT i.id, i.kind, i.starts_on, i.planned_end FROM indsats i WHERE i.ends_on IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM bevilling b WHERE b.indsats_id = i.id) "
        "ORDER BY i.starts_on, i.id"
    )
    return [RunningMeasure(r["id"], r["kind"], r["starts_on"], r["planned_end"]) for r in rows]


async def count_approved_payments() -> int:
    n: int = await conn().fetchval("SELECT count(*) FROM payment WHERE status = 'godkendt'")
    return n
