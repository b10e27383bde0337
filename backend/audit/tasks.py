"""The audit's outbox jobs of earlier versions, and checking the chain.

Events are written in the request's transaction now (``backend.audit.service``) and sealed
by ``backend.audit.seal``. An outbox row queued by an earlier version (a rolling upgrade)
still runs here: it writes its event unsealed, once (keyed by the outbox row).
"""

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


def event_of(e: repo.ChainedEvent) -> dict[str, Any]:
    """What the hash covers: the event as stored (its time, actor, action, subject, detail)."""
    return {
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "subject": e.subject,
        "detail": json.loads(e.detail),
    }


@outbox_job(AUDIT_JOB)
async def write_audit_event(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    await repo.insert_event(
        datetime.fromisoformat(payload["at"]),
        payload["actor"],
        payload["action"],
        payload.get("subject"),
        json.dumps(payload.get("detail") or {}),
        outbox_id,
    )


@outbox_job(AUDIT_MANY_JOB)
async def write_audit_events(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    """The events of one ``record_many``, in order, each with its own key (derived from the
    outbox row and its place) so a job that runs twice writes them once."""
    events = payload["events"]
    await repo.insert_events(
        datetime.fromisoformat(payload["at"]),
        payload["actor"],
        payload["action"],
        [item.get("subject") for item in events],
        [json.dumps(item.get("detail") or {}) for item in events],
        [uuid.uuid5(outbox_id, str(i)) for i in range(len(events))],
    )


async def verify_chain(scope: TenantScope) -> int:
    """Recompute the chain of ``scope`` (the open tenant transaction); return the number of
    sealed events, raise at the first broken link (events not yet sealed are not in it)."""
    prev: bytes | None = None
    count = 0
    for r in await repo.list_chain():
        if r.prev_hash != prev or chain_hash(prev, event_of(r)) != r.hash:
            raise ValueError(f"audit chain broken at event {r.id}")
        prev = r.hash
        count += 1
    return count
