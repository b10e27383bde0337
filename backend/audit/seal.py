"""Sealing the audit: the events written in requests, chained by hash behind them.

Every ``SEAL_EVERY_SECONDS`` the worker (``seal_audit``, an arq cron job run by one worker
at a time) takes each active kommune's unsealed events in id order, in batches of
``BATCH``, and gives each its place in the chain (``seq``), the previous event's hash and
its own: sha256 over the previous hash and the event's canonical JSON
(``backend.audit.tasks.chain_hash``), exactly what ``verify_chain`` recomputes. One sealer
per kommune at a time (an advisory lock held to the commit). A batch is one UPDATE.

The order of the chain is the order of sealing: an event whose transaction committed after
a later id was sealed is sealed after it (``seq``), so nothing is ever skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from backend import queue
from backend.audit import repository as repo
from backend.audit.tasks import chain_hash, event_of
from backend.db import DB
from backend.observability.metrics import AUDIT_LAG_KEY, record_lag
from backend.observability.tracing import job_span
from backend.outbox import repository as outbox_repo
from tenancy.context import tenant_transaction

log = logging.getLogger("trekant.audit")

SEAL_EVERY_SECONDS = 5
BATCH = 2000
# At most this many batches per kommune per run: one busy kommune does not hold up the
# others' seals for long (the next run goes on).
MAX_BATCHES = 10


async def seal_kommune(code: str) -> tuple[int, float]:
    """Seal kommune ``code``'s unsealed events (up to ``MAX_BATCHES`` batches); returns how
    many, and the age in seconds of the oldest event still unsealed (0 when none)."""
    total = 0
    for _ in range(MAX_BATCHES):
        async with tenant_transaction(DB, code):
            done = await seal_batch(BATCH)
            if done < BATCH:
                return total + done, 0.0
            lag = await repo.oldest_unsealed_seconds()
        total += done
    return total, lag


async def seal_batch(limit: int) -> int:
    """One batch in the open tenant transaction."""
    if not await repo.list_unsealed(1):
        return 0  # the common case for most kommuner most of the time: no lock taken
    await repo.lock_audit_writer()
    events = await repo.list_unsealed(limit)  # again: another sealer may have been first
    if not events:
        return 0
    seq, prev = await repo.chain_end()
    ids: list[int] = []
    seqs: list[int] = []
    prevs: list[bytes | None] = []
    hashes: list[bytes] = []
    for e in events:
        seq += 1
        digest = chain_hash(prev, event_of(e))
        ids.append(e.id)
        seqs.append(seq)
        prevs.append(prev)
        hashes.append(digest)
        prev = digest
    await repo.seal_events(ids, seqs, prevs, hashes)
    return len(events)


async def seal_audit(ctx: dict[str, Any]) -> int:
    """The worker's cron job: every active kommune's unsealed events."""
    with job_span("job seal_audit", None):
        total = 0
        lags: dict[str, float] = {}
        for code in await outbox_repo.list_active_kommuner():
            try:
                sealed, lags[code] = await seal_kommune(code)
            except Exception:
                # One kommune's failure (e.g. suspended meanwhile) does not stop the others;
                # its events wait for the next run.
                log.exception("sealing the audit of kommune %s failed", code)
                continue
            total += sealed
        # For /metrics: trekant_audit_unsealed_oldest_seconds (backend/observability).
        redis = ctx.get("redis") or queue.get()
        await record_lag(redis, AUDIT_LAG_KEY, lags)
        return total
