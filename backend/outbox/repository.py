"""The outbox table's queries, in the open tenant transaction (``backend.core.db.conn``)."""

from __future__ import annotations

import uuid

import msgspec

from backend.core.db import conn
from backend.db import fetch_as_app


class OutboxRow(msgspec.Struct, frozen=True):
    job: str
    payload: str  # JSON text
    done: bool


async def insert_outbox(job: str, payload_json: str) -> uuid.UUID:
    outbox_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO outbox (job, payload) VALUES ($1, $2::jsonb) RETURNING id",
        job,
        payload_json,
    )
    return outbox_id


async def get_outbox_for_update(outbox_id: uuid.UUID) -> OutboxRow | None:
    """The row, locked FOR UPDATE (two deliveries of one job serialise on it)."""
    row = await conn().fetchrow(
        "SELECT job, payload::text AS payload, done_at FROM outbox WHERE id = $1 FOR UPDATE",
        outbox_id,
    )
    return (
        None if row is None else OutboxRow(row["job"], row["payload"], row["done_at"] is not None)
    )


async def update_outbox_done(outbox_id: uuid.UUID) -> None:
    await conn().execute(
        "UPDATE outbox SET done_at = clock_timestamp(), attempts = attempts + 1 WHERE id = $1",
        outbox_id,
    )


async def update_outbox_failed(outbox_id: uuid.UUID, error: str) -> None:
    await conn().execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
        outbox_id,
        error,
    )


async def list_unrelayed(older_than_seconds: int) -> list[uuid.UUID]:
    """Rows not done and older than ``older_than_seconds``, oldest first, at most 500."""
    rows = await conn().fetch(
        "SELECT id FROM outbox WHERE done_at IS NULL AND created_at < "
        "clock_timestamp() - make_interval(secs => $1) ORDER BY created_at LIMIT 500",
        older_than_seconds,
    )
    return [r["id"] for r in rows]


async def list_active_kommuner() -> list[str]:
    """The codes of the active kommuner (the registry, as the bare application role)."""
    return [
        r["code"]
        for r in await fetch_as_app(
            "SELECT code FROM shared.tenant WHERE status = 'active' ORDER BY code"
        )
    ]


async def oldest_unsent_seconds() -> float:
    """Age in seconds of the oldest row not yet done (0 when none): the outbox lag."""
    value = await conn().fetchval(
        "SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 "
        "FROM outbox WHERE done_at IS NULL"
    )
    return float(value)
