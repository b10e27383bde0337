"""Worker side of the outbox: run one row, and sweep rows the relay missed."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from backend import queue
from backend.db import DB, fetch_as_app
from backend.outbox.service import ARQ_FUNCTION, HANDLERS
from tenancy.context import TenantUnavailable, run_after_commit, tenant_transaction

log = logging.getLogger("trekant.outbox")

SWEEP_AFTER_SECONDS = 10


async def run_outbox_job(ctx: dict[str, Any], code: str, outbox_id: str) -> str:
    """Run outbox row ``outbox_id`` of kommune ``code`` exactly once.

    The row is locked FOR UPDATE, so two deliveries of the same job serialise, and the
    second sees ``done_at`` and does nothing.
    """
    oid = uuid.UUID(outbox_id)
    try:
        return await _run(code, oid)
    except TenantUnavailable as exc:
        log.info("outbox job for %s deferred: kommune is %s", code, exc.status)
        raise
    except Exception as exc:
        await _record_failure(code, oid, exc)
        raise


async def _record_failure(code: str, oid: uuid.UUID, exc: Exception) -> None:
    try:
        async with tenant_transaction(DB, code) as scope:
            await scope.connection.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
                oid,
                f"{type(exc).__name__}: {exc}"[:2000],
            )
    except Exception:
        log.exception("could not record the failure of outbox row %s", oid)


async def _run(code: str, oid: uuid.UUID) -> str:
    async with tenant_transaction(DB, code) as scope:
        row = await scope.connection.fetchrow(
            "SELECT job, payload::text AS payload, done_at FROM outbox WHERE id = $1 FOR UPDATE",
            oid,
        )
        if row is None:
            return "missing"
        if row["done_at"] is not None:
            return "already-done"
        handler = HANDLERS[row["job"]]
        await handler(scope, oid, json.loads(row["payload"]))
        await scope.connection.execute(
            "UPDATE outbox SET done_at = clock_timestamp(), attempts = attempts + 1 WHERE id = $1",
            oid,
        )
    await run_after_commit(scope)
    return "done"


async def sweep(ctx: dict[str, Any]) -> int:
    """Enqueue committed rows that were never relayed (e.g. Redis was down)."""
    codes = [
        r["code"]
        for r in await fetch_as_app(
            "SELECT code FROM shared.tenant WHERE status = 'active' ORDER BY code"
        )
    ]
    total = 0
    pool = queue.get()
    for code in codes:
        async with tenant_transaction(DB, code) as scope:
            rows = await scope.connection.fetch(
                "SELECT id FROM outbox WHERE done_at IS NULL AND created_at < "
                "clock_timestamp() - make_interval(secs => $1) ORDER BY created_at LIMIT 500",
                SWEEP_AFTER_SECONDS,
            )
        for r in rows:
            await pool.enqueue_job(ARQ_FUNCTION, code, str(r["id"]), _job_id=f"outbox:{r['id']}")
            total += 1
    return total
