"""Progress of a kommune's background jobs (price update, revert, Excel export), for
polling: ``backend.core.progress`` on the job queue's Redis, keyed by kommune and job.

The database row stays the authority once the job has finished; while it runs, the status
endpoints merge this progress in. Progress is a convenience: writing it never fails a job,
and reading it answers ``{}`` when Redis does not.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from backend import queue
from backend.core import progress

log = logging.getLogger("trekant.jobs")


async def report(code: str, job_id: uuid.UUID, **fields: Any) -> None:
    """Record progress; ``done``/``total`` give the percentage. Best effort: a job never
    fails because its progress could not be written."""
    try:
        await progress.record(queue.get(), progress.job_key(code, job_id), **fields)
    except Exception:
        log.warning("could not record the progress of job %s", job_id, exc_info=True)


async def read(code: str, job_id: uuid.UUID) -> dict[str, Any]:
    try:
        return await progress.read(queue.get(), progress.job_key(code, job_id))
    except Exception:  # progress is a convenience; the row answers without it
        return {}


async def read_many(code: str, job_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The progress of each job, read from Redis in one round trip."""
    try:
        found = await progress.read_many(
            queue.get(), [progress.job_key(code, job_id) for job_id in job_ids]
        )
    except Exception:  # progress is a convenience; the rows answer without it
        return {}
    return dict(zip(job_ids, found, strict=True))
