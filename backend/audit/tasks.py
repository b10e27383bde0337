"""The audit write-behind job: append one event to the kommune's hash-chained log."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from backend.audit.service import AUDIT_JOB
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope


def chain_hash(prev: bytes | None, event: dict[str, Any]) -> bytes:
    """sha256 over the previous hash and the event's canonical JSON."""
    body = json.dumps(event, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256((prev or b"") + body).digest()


@outbox_job(AUDIT_JOB)
async def write_audit_event(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    conn = scope.connection
    # One writer at a time per kommune keeps the chain linear.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit'))")
    if await conn.fetchval("SELECT 1 FROM audit_event WHERE outbox_id = $1", outbox_id):
        return
    prev = await conn.fetchval("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")
    event = {
        "at": payload["at"],
        "actor": payload["actor"],
        "action": payload["action"],
        "subject": payload.get("subject"),
        "detail": payload.get("detail") or {},
    }
    await conn.execute(
        "INSERT INTO audit_event (outbox_id, at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
        outbox_id,
        datetime.fromisoformat(payload["at"]),
        event["actor"],
        event["action"],
        event["subject"],
        json.dumps(event["detail"]),
        prev,
        chain_hash(prev, event),
    )


async def verify_chain(scope: TenantScope) -> int:
    """Recompute the chain; return the number of events, raise at the first broken link."""
    prev: bytes | None = None
    count = 0
    rows = await scope.connection.fetch(
        "SELECT id, at, actor, action, subject, detail::text AS detail, prev_hash, hash "
        "FROM audit_event ORDER BY id"
    )
    for r in rows:
        event = {
            "at": r["at"].isoformat(),
            "actor": r["actor"],
            "action": r["action"],
            "subject": r["subject"],
            "detail": json.loads(r["detail"]),
        }
        if r["prev_hash"] != prev or chain_hash(prev, event) != r["hash"]:
            raise ValueError(f"audit chain broken at event {r['id']}")
        prev = r["hash"]
        count += 1
    return count
