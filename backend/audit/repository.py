"""The kommune's audit log (``audit_event``), in the open tenant transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from backend.core.db import conn


class ChainedEvent(msgspec.Struct, frozen=True):
    """An audit event with its place in the hash chain."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: str  # JSON text
    prev_hash: bytes | None
    hash: bytes


async def lock_audit_writer() -> None:
    """One writer at a time per kommune keeps the chain linear (held until commit)."""
    await conn().execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit'))")


async def event_written(outbox_id: uuid.UUID) -> bool:
    """Whether the event of this outbox row is already in the log."""
    return bool(await conn().fetchval("SELECT 1 FROM audit_event WHERE outbox_id = $1", outbox_id))


async def get_last_hash() -> bytes | None:
    last: bytes | None = await conn().fetchval(
        "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1"
    )
    return last


async def insert_event(
    outbox_id: uuid.UUID,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None,
    detail_json: str,
    prev_hash: bytes | None,
    hash_: bytes,
) -> None:
    await conn().execute(
        "INSERT INTO audit_event (outbox_id, at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
        outbox_id,
        at,
        actor,
        action,
        subject,
        detail_json,
        prev_hash,
        hash_,
    )


async def list_chain() -> list[ChainedEvent]:
    """Every event in order, for checking the chain."""
    rows = await conn().fetch(
        "SELECT id, at, actor, action, subject, detail::text AS detail, prev_hash, hash "
        "FROM audit_event ORDER BY id"
    )
    return [
        ChainedEvent(
            r["id"],
            r["at"],
            r["actor"],
            r["action"],
            r["subject"],
            r["detail"],
            r["prev_hash"],
            r["hash"],
        )
        for r in rows
    ]
