"""Progress of a background job, kept in Redis for the screens that poll it.

A job runs in one transaction, so nothing it writes to the database is visible before it
commits; its progress therefore goes to Redis under a key of its own, for a day. Kommune
jobs (price update, revert, Excel export) use :func:`job_key`; the operator's jobs name
their own key. The caller passes the Redis client (``backend.queue.get()``): the core
imports nothing of ours.

``record`` merges the given fields into what is there and stamps ``updated_at``; with a
``total`` it adds ``percent`` (``done`` of ``total``), and a finished status without a
total is 100 %. ``read`` and ``read_many`` answer ``{}`` for a job with no progress.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

TTL_SECONDS = 24 * 3600
# Statuses of a finished kommune job: 100 % even when no total was reported.
FINISHED = ("faerdig", "klar", "tilbagefoert")


def job_key(code: str, job_id: uuid.UUID) -> str:
    """The key of a kommune job's progress."""
    return f"trekant:{code}:job:{job_id}"


async def record(redis: Any, key: str, **fields: Any) -> dict[str, Any]:
    """Merge ``fields`` into the progress under ``key`` (kept for ``TTL_SECONDS``) and return
    it. Raises what Redis raises; callers that must not fail catch it."""
    raw = await redis.get(key)
    data: dict[str, Any] = json.loads(raw) if raw else {}
    data.update(fields, updated_at=time.time())
    total, done = data.get("total"), data.get("done")
    if total:
        data["percent"] = min(100, int(100 * (done or 0) / total))
    elif data.get("status") in FINISHED:
        data["percent"] = 100
    await redis.set(key, json.dumps(data, default=str), ex=TTL_SECONDS)
    return data


async def read(redis: Any, key: str) -> dict[str, Any]:
    """The progress under ``key``; ``{}`` when there is none."""
    raw = await redis.get(key)
    return json.loads(raw) if raw else {}


async def read_many(redis: Any, keys: list[str]) -> list[dict[str, Any]]:
    """The progress under each of ``keys``, in order, with one round trip (MGET)."""
    if not keys:
        return []
    return [json.loads(raw) if raw else {} for raw in await redis.mget(keys)]
