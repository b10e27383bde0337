"""Audit: who did or saw what, in the kommune's own schema.

``record`` is called inside the request's tenant transaction. It writes an outbox row;
the audit job appends the event to ``audit_event`` behind the request, once, chained by
hash. Because the outbox row commits with the request, a committed read is always
audited, and a request that rolls back leaves no audit of something that did not happen.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.outbox.service import enqueue

AUDIT_JOB = "audit.record"


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
