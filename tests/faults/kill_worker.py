"""``python -m tests.faults.kill_worker <queue>``: a worker with the real outbox runner
``run_outbox_job`` and the worker's pools, on a queue of its own, with one more outbox job,
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


async def startup(ctx: dict[str, Any]) -> None:
    """The pools, as ``backend.worker.startup`` opens them (without the rest of its checks)."""
    from backend import db
    from backend.config import get_settings
    from tenancy.names import app_role
    from tenancy.registry import role_dsn

    settings = get_settings()
    db.configure(
        role_dsn(settings.database_url, app_role(settings.role_prefix), settings.app_db_password)
    )
    await db.start_pool(min_size=1, max_size=2)
    await queue.start(settings.redis_url)


if __name__ == "__main__":
    # Not backend.worker's settings: importing it imports every capability (backend.jobs),
    # about three times the start-up of this process, which the test would wait for.
    from arq.worker import run_worker

    from backend.config import get_settings
    from backend.outbox.tasks import run_outbox_job

    run_worker(
        {  # type: ignore[arg-type]  # arq's settings class protocol
            "functions": [run_outbox_job],
            "queue_name": sys.argv[1],
            "redis_settings": queue.redis_settings(get_settings().redis_url),
            "on_startup": startup,
            "job_timeout": int(os.environ["TREKANT_JOB_TIMEOUT_SECONDS"]),
            "max_tries": 5,
            "poll_delay": 0.2,
        }
    )
