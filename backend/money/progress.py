"""Progress of a background job (price update, revert, Excel export), for polling.

A job runs in one tenant transaction, so nothing it writes to the database is visible
before it commits. Its progress therefore goes to Redis, keyed by kommune and job, for a
day. The database row stays the authority once the job has finished; while it runs, the
status endpoints merge the Redis progress in (``merged``).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from backend import queue

TTL_SECONDS = 24 * 3600
log = logging.getLogger("trekant.jobs")


def _key(code: str, job_id: uuid.UUID) -> str:
    return f"trekant:{code}:job:{job_id}"


async def report(code: str, job_id: uuid.UUID, **fields: Any) -> None:
    """Record progress; ``done``/``total`` give the percentage. Best effort: a job never
    fails because its progress could not be written."""
    try:
        redis = queue.get()
        key = _key(code, job_id)
        raw = await redis.get(key)
        data: dict[str, Any] = json.loads(raw) if raw else {}
        data.update(fields, updated_at=time.time())
        total, done = data.get("total"), data.get("done")
        if total:
            data["percent"] = min(100, int(100 * (done or 0) / total))
        elif data.get("status") in ("faerdig", "klar", "tilbagefoert"):
            data["percent"] = 100
        await redis.set(key, json.dumps(data, default=str), ex=TTL_SECONDS)
    except Exception:
        log.warning("could not record the progress of job %s", job_id, exc_info=True)


async def read(code: str, job_id: uuid.UUID) -> dict[str, Any]:
    try:
        raw = await queue.get().get(_key(code, job_id))
    except Exception:  # progress is a convenience; the row answers without it
        return {}
    return json.loads(raw) if raw else {}
