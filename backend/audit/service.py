"""Audit: who did or saw what, in the kommune's own schema.

``record`` is called inside the request's tenant transaction. It writes an outbox row;
the audit job appends the event to ``audit_event`` behind the request, once, chained by
hash. Because the outbox row commits with the request, a committed read is always
audited, and a request that rolls back leaves no audit of something that did not happen.
"""

from __future__ import annotations

import asyncio
import contextvars
from datetime import UTC, datetime
from typing import Any

from backend.outbox.service import enqueue

AUDIT_JOB = "audit.record"
AUDIT_MANY_JOB = "audit.record_many"


async def record(actor: str, action: str, subject: str | None = None, **detail: Any) -> None:
    await enqueue(
        AUDIT_JOB,
        {
            "at": datetime.now(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": detail,
        },
    )


async def record_many(
    actor: str, action: str, events: list[tuple[str | None, dict[str, Any]]]
) -> None:
    """Audit one read of many subjects (e.g. a home-visit download of 60 cases: one event per
    child) as ONE outbox job that appends every event, each chained by hash, in one
    transaction. One job per subject let a single download queue hundreds of jobs ahead of
    everyone else's work in the kommune's worker."""
    if not events:
        return
    await enqueue(
        AUDIT_MANY_JOB,
        {
            "at": datetime.now(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "events": [{"subject": subject, "detail": detail} for subject, detail in events],
        },
    )


async def record_apart(actor: str, action: str, subject: str | None = None, **detail: Any) -> None:
    """Audit a refusal in a transaction of its own (the kommune's), committed whatever the
    request's fate: a request answered with an error rolls back, and with it a ``record``.
    Runs in a fresh context, so the request's open transaction is not its."""
    from backend.db import DB
    from tenancy.context import current_scope, run_after_commit, tenant_transaction

    code = current_scope().code

    async def write() -> None:
        async with tenant_transaction(DB, code) as scope:
            await record(actor, action, subject, **detail)
        await run_after_commit(scope)

    await asyncio.create_task(write(), context=contextvars.Context())
