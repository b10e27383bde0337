"""The audit write-behind job: append one event to the kommune's hash-chained log."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from backend.audit import repository as repo
from backend.audit.service import AUDIT_JOB, AUDIT_MANY_JOB
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
    await repo.lock_audit_writer()
    if await repo.event_written(outbox_id):
        return
    prev = await repo.get_last_hash()
    event = {
        "at": payload["at"],
        "actor": payload["actor"],
        "action": payload["action"],
        "subject": payload.get("subject"),
        "detail": payload.get("detail") or {},
    }
    await repo.insert_event(
        outbox_id,
        datetime.fromisoformat(payload["at"]),
        event["actor"],
        event["action"],
        event["subject"],
        json.dumps(event["detail"]),
        prev,
        chain_hash(prev, event),
    )


@outbox_job(AUDIT_MANY_JOB)
async def write_audit_events(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    """The events of one ``record_many``, in order, each with its own key (derived from the
    outbox row and its place) so a job that runs twice writes them once."""
    await repo.lock_audit_writer()
    keys = [uuid.uuid5(outbox_id, str(i)) for i in range(len(payload["events"]))]
    if not keys or await repo.event_written(keys[0]):
        return
    prev = await repo.get_last_hash()
    for key, item in zip(keys, payload["events"], strict=True):
        event = {
            "at": payload["at"],
            "actor": payload["actor"],
            "action": payload["action"],
            "subject": item.get("subject"),
            "detail": item.get("detail") or {},
        }
        digest = chain_hash(prev, event)
        await repo.insert_event(
            key,
            datetime.fromisoformat(payload["at"]),
            event["actor"],
            event["action"],
            event["subject"],
            json.dumps(event["detail"]),
            prev,
            digest,
        )
        prev = digest


async def verify_chain(scope: TenantScope) -> int:
    """Recompute the chain of ``scope`` (the open tenant transaction); return the number of
    events, raise at the first broken link."""
    prev: bytes | None = None
    count = 0
    for r in await repo.list_chain():
        event = {
            "at": r.at.isoformat(),
            "actor": r.actor,
            "action": r.action,
            "subject": r.subject,
            "detail": json.loads(r.detail),
        }
        if r.prev_hash != prev or chain_hash(prev, event) != r.hash:
            raise ValueError(f"audit chain broken at event {r.id}")
        prev = r.hash
        count += 1
    return count
