"""``python -m tests.faults.kill_worker <queue>``: Trekant's worker (its settings and the real
outbox runner ``run_outbox_job``) on a queue of its own, with one more outbox job,
``test.faults.audit_then_wait``: the real audit write (``backend/audit/tasks.py``), then, on
its first run only, a long wait inside the open transaction, so the test can SIGKILL the
worker mid-job. Each run records ``start <pid>`` and ``done <pid>`` in the Redis list the
payload names, so the test knows which worker to kill.
Used by test_worker_kill.py; not a test module."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from typing import Any

from backend import queue
from backend.audit.tasks import write_audit_event
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope

SLOW_JOB = "test.faults.audit_then_wait"


@outbox_job(SLOW_JOB)
async def audit_then_wait(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    await write_audit_event(scope, outbox_id, payload)
    runs = await queue.get().rpush(payload["record"], f"start {os.getpid()}")
    if runs == 1:
        await asyncio.sleep(600)  # killed here, the audit row written but not committed
    await queue.get().rpush(payload["record"], f"done {os.getpid()}")


if __name__ == "__main__":
    from arq.worker import run_worker

    from backend.outbox.tasks import run_outbox_job
    from backend.worker import WorkerSettings, worker_settings

    run_worker(
        WorkerSettings,  # type: ignore[arg-type]  # arq's settings class protocol
        **worker_settings(functions=[run_outbox_job], cron_jobs=[], queue_name=sys.argv[1]),
    )
