"""The archive's jobs (outbox, so they run once after the request committed):

* ``archive.build``: write the version and read it back (``build.py``), progress in Redis;
* ``archive.check``: read a written version back again (after a copy or a move, or to see
  that nothing has changed it).

A failure marks the version ``fejlet`` with the reason and removes the half-written folder;
it is not retried (the administrator orders a new version).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from backend.archive import files
from backend.archive import repository as repo
from backend.archive.build import build
from backend.archive.readback import read_back
from backend.archive.service import BUILD_JOB, CHECK_JOB
from backend.core.danish import plural
from backend.core.db import conn
from backend.money import progress
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope

log = logging.getLogger("trekant.archive")
STEPS = 3  # after the rows and documents: context documentation, checksums, read-back


async def run_build(scope: TenantScope, version_id: uuid.UUID) -> str:
    row = await repo.get_version(version_id, lock=True)
    if row is None or row.status not in ("venter", "koerer"):
        return "skipped"
    code = scope.code
    expected = await repo.count_rows(version_id)
    total = sum(expected.values()) + STEPS
    await progress.report(
        code, version_id, status="koerer", done=0, total=max(total, 1), message="Starter"
    )

    async def on_progress(done: int, message: str) -> None:
        await progress.report(code, version_id, done=min(done, total), message=message)

    try:
        async with conn().transaction():
            await repo.mark_running(version_id)
            built = await build(
                code, scope.name, version_id, row.avid, row.period_from, row.period_to, on_progress
            )
            await repo.mark_written(
                version_id,
                documents=built.documents,
                table_rows=sum(built.rows.values()),
                files=built.files,
                size_bytes=built.size,
                expected=built.expected,
                errors=built.errors,
            )
    except Exception:
        log.exception("arkiveringsversion %s failed", row.avid)
        files.remove(files.version_dir(code, version_id, row.avid).parent)
        message = (
            "Arkiveringsversionen kunne ikke dannes på grund af en teknisk fejl, som driften "
            "kan se i serverens log. Dan en ny, når fejlen er rettet"
        )
        await repo.mark_failed(version_id, message)
        await progress.report(code, version_id, status="fejlet", message=message)
        return "failed"
    await progress.report(
        code,
        version_id,
        status="klar",
        done=max(total, 1),
        message="Læst tilbage uden fejl"
        if not built.errors
        else plural(len(built.errors), "fejl", "fejl") + " ved tilbagelæsningen",
    )
    return "done"


async def run_check(scope: TenantScope, version_id: uuid.UUID) -> list[str]:
    row = await repo.get_version(version_id, lock=True)
    if row is None or row.status != "klar":
        return []
    root = files.version_dir(scope.code, version_id, row.avid)
    errors = await asyncio.to_thread(read_back, root, row.expected)
    await repo.mark_checked(version_id, errors)
    return errors


@outbox_job(BUILD_JOB)
async def build_job(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await run_build(scope, uuid.UUID(payload["version_id"]))


@outbox_job(CHECK_JOB)
async def check_job(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await run_check(scope, uuid.UUID(payload["version_id"]))
