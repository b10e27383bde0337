"""The transactional outbox.

``enqueue`` writes a row in the open tenant transaction and schedules the relay to arq
for after the commit. If the transaction rolls back, the row and the relay vanish
together: a job whose transaction did not commit never runs. If the relay fails after
commit (Redis down, process killed), the worker's sweep finds the row and enqueues it.
The arq job id is the outbox id, and handlers mark the row done in the same transaction
as their effect, so a job that arrives twice runs once.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from backend import queue
from backend.observability.tracing import job_carrier
from backend.outbox.repository import insert_outbox
from tenancy.context import TenantScope, current_scope

log = logging.getLogger("trekant.outbox")

ARQ_FUNCTION = "run_outbox_job"

Handler = Callable[[TenantScope, uuid.UUID, dict[str, Any]], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}


def outbox_job(name: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for outbox job ``name``.

    Contract: the handler runs inside the kommune's tenant transaction and must be
    idempotent in the database (the row id is passed to key its effect).
    """

    def register(handler: Handler) -> Handler:
        if name in HANDLERS:
            raise RuntimeError(f"outbox job {name} registered twice")
        HANDLERS[name] = handler
        return handler

    return register


async def enqueue(job: str, payload: dict[str, Any], *, defer_seconds: int = 0) -> uuid.UUID:
    """Record ``job`` in the current tenant transaction; relay it after commit (and run it
    ``defer_seconds`` later: a retry's pause; the sweep leaves a deferred job alone, since
    arq refuses a second job with the same id while the first waits)."""
    if job not in HANDLERS:
        raise KeyError(f"unknown outbox job {job}")
    scope = current_scope()
    outbox_id = await insert_outbox(job, json.dumps(payload, default=str))
    code = scope.code

    async def relay() -> None:
        await relay_one(code, outbox_id, defer_seconds)

    scope.after_commit.append(relay)
    return outbox_id


async def relay_one(code: str, outbox_id: uuid.UUID, defer_seconds: int = 0) -> None:
    """Hand one committed outbox row to arq (with the request's trace context, so the job's
    span joins the request's trace). Failure is logged; the sweep retries."""
    try:
        await queue.get().enqueue_job(
            ARQ_FUNCTION,
            code,
            str(outbox_id),
            trace=job_carrier() or None,
            _job_id=f"outbox:{outbox_id}",
            _defer_by=defer_seconds or None,
        )
    except Exception:
        log.warning("relay of outbox row failed; the sweep will retry", exc_info=True)
