"""Worker side of the outbox: run one row, and sweep rows the relay missed."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from backend import queue
from backend.db import DB
from backend.observability.metrics import OUTBOX_LAG_KEY, record_job, record_lag
from backend.observability.tracing import job_span
from backend.outbox import repository as repo
from backend.outbox.service import ARQ_FUNCTION, HANDLERS
from tenancy.context import TenantUnavailable, run_after_commit, tenant_transaction

log = logging.getLogger("trekant.outbox")

SWEEP_AFTER_SECONDS = 10


async def run_outbox_job(
    ctx: dict[str, Any], code: str, outbox_id: str, trace: dict[str, str] | None = None
) -> str:
    """Run outbox row ``outbox_id`` of kommune ``code`` exactly once.

    The row is locked FOR UPDATE, so two deliveries of the same job serialise, and the
    second sees ``done_at`` and does nothing. ``trace`` is the queuing request's trace
    context (``backend.observability.tracing``).
    """
    oid = uuid.UUID(outbox_id)
    redis = ctx.get("redis")
    with job_span(f"job {ARQ_FUNCTION}", trace, **{"trekant.kommune": code}):
        try:
            result = await _run(code, oid)
        except TenantUnavailable as exc:
            log.info("outbox job for %s deferred: kommune is %s", code, exc.status)
            await _count(redis, "deferred")
            raise
        except Exception as exc:
            await _record_failure(code, oid, exc)
            await _count(redis, "failed")
            raise
    await _count(redis, "ok")
    return result


async def _count(redis: Any, outcome: str) -> None:
    if redis is not None:
        try:
            await record_job(redis, ARQ_FUNCTION, outcome)
        except Exception:
            log.warning("could not count a job run", exc_info=True)


async def _record_failure(code: str, oid: uuid.UUID, exc: Exception) -> None:
    try:
        async with tenant_transaction(DB, code):
            await repo.update_outbox_failed(oid, f"{type(exc).__name__}: {exc}"[:2000])
    except Exception:
        log.exception("could not record the failure of outbox row %s", oid)


async def _run(code: str, oid: uuid.UUID) -> str:
    async with tenant_transaction(DB, code) as scope:
        row = await repo.get_outbox_for_update(oid)
        if row is None:
            return "missing"
        if row.done:
            return "already-done"
        handler = HANDLERS[row.job]
        await handler(scope, oid, json.loads(row.payload))
        await repo.update_outbox_done(oid)
    await run_after_commit(scope)
    return "done"


async def sweep(ctx: dict[str, Any]) -> int:
    """Enqueue committed rows that were never relayed (e.g. Redis was down), and record each
    kommune's outbox lag for ``/metrics``."""
    with job_span("job sweep", None):
        codes = await repo.list_active_kommuner()
        total = 0
        pool = queue.get()
        lag: dict[str, float] = {}
        for code in codes:
            async with tenant_transaction(DB, code):
                ids = await repo.list_unrelayed(SWEEP_AFTER_SECONDS)
                lag[code] = await repo.oldest_unsent_seconds()
            for oid in ids:
                await pool.enqueue_job(ARQ_FUNCTION, code, str(oid), _job_id=f"outbox:{oid}")
                total += 1
        # The outbox lag per kommune for /metrics (backend/observability/metrics.py).
        await record_lag(pool, OUTBOX_LAG_KEY, lag)
    return total
