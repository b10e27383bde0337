"""How far the import of a received transfer has come, for the transfer page that polls
``GET /api/transfers/{id}/status`` while the import job runs (one transaction, so nothing it
writes to the database shows before it commits): ``backend.core.progress`` on the job
queue's Redis, keyed by the receiving kommune and the transfer. Best effort: writing it never
fails an import, and reading it answers ``{}`` when Redis does not."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from backend import queue
from backend.core import progress

log = logging.getLogger("trekant.jobs")


async def report(code: str, transfer_id: uuid.UUID, done: int, total: int) -> None:
    """``done`` of ``total`` file bytes are written."""
    try:
        await progress.record(
            queue.get(), progress.job_key(code, transfer_id), done=done, total=total
        )
    except Exception:
        log.warning("could not record the progress of transfer %s", transfer_id, exc_info=True)


async def read(code: str, transfer_id: uuid.UUID) -> dict[str, Any]:
    try:
        return await progress.read(queue.get(), progress.job_key(code, transfer_id))
    except Exception:  # progress is a convenience; the status answers without it
        return {}
