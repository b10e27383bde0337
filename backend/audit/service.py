"""Audit: who did or saw what, in the kommune's own schema.

``record`` is called inside the request's tenant transaction and writes the event there:
one INSERT. Because the event commits with the request, a committed read is always
audited, and a request that rolls back leaves no audit of something that did not happen.
The worker's sealing job (``backend.audit.seal``) chains the events by hash behind the
request, within seconds (docs/architecture.md, "The audit").

Until this version the event went through the outbox (a row, an arq job and a worker
transaction per read); ``AUDIT_JOB`` and ``AUDIT_MANY_JOB`` still run such rows, so none
queued before an upgrade is lost.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from datetime import UTC, datetime
from typing import Any

from backend.audit import repository as repo

AUDIT_JOB = "audit.record"
AUDIT_MANY_JOB = "audit.record_many"


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, default=str)


async def record(actor: str, action: str, subject: str | None = None, **detail: Any) -> None:
    await repo.insert_event(datetime.now(UTC), actor, action, subject, _json(detail))


async def record_many(
    actor: str, action: str, events: list[tuple[str | None, dict[str, Any]]]
) -> None:
    """Audit one read of many subjects (e.g. a home-visit download of 60 cases: one event per
    child) in one statement."""
    if not events:
        return
    await repo.insert_events(
        datetime.now(UTC),
        actor,
        action,
        [subject for subject, _ in events],
        [_json(detail) for _, detail in events],
    )


async def record_apart(actor: str, action: str, subject: str | None = None, **detail: Any) -> None:
    """Audit a refusal in a transaction of its own (the kommune's), committed whatever the
    request's fate: a request answered with an error rolls back, and with it a ``record``.
    Runs in a fresh context, so the request's open transaction is not its."""
    from backend.db import SIDE
    from tenancy.context import current_scope, run_after_commit, tenant_transaction

    code = current_scope().code

    async def write() -> None:
        # The pool for work beside a request's transaction (backend/db.py SIDE): this one
        # holds a connection of its own pool while it waits.
        async with tenant_transaction(SIDE, code) as scope:
            await record(actor, action, subject, **detail)
        await run_after_commit(scope)

    await asyncio.create_task(write(), context=contextvars.Context())
