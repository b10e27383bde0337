"""A worker killed with SIGKILL mid-job (issue 19): the job's transaction dies with it (its
audit row is not there), and the next worker — polling the same queue all along — leaves
the job alone while it runs and runs it again, once, to its end after the kill: one audit
row, the outbox row done after one counted attempt. arq hands the job to another
worker when its in-progress mark expires, ``TREKANT_JOB_TIMEOUT_SECONDS`` + 10 s after the
killed run began (2 + 10 here; 300 + 10 by default)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from arq import create_pool
from arq.worker import Worker
from redis.asyncio import Redis

from backend.audit import repository as audit_repo
from backend.db import DB
from backend.outbox.service import ARQ_FUNCTION, enqueue
from backend.outbox.tasks import run_outbox_job
from backend.queue import redis_settings
from backend.worker import worker_settings
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A
from tests.faults.kill_worker import SLOW_JOB

ROOT = Path(__file__).resolve().parents[2]
A = KOMMUNE_A[0]


def _worker(queue: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, TREKANT_JOB_TIMEOUT_SECONDS="2")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.kill_worker", queue], cwd=ROOT, env=env
    )


async def _runs(redis: Redis, key: str, count: int) -> list[str]:
    for _ in range(600):  # 60 s at most
        runs = [r.decode() for r in await redis.lrange(key, 0, -1)]
        if len(runs) >= count:
            return runs
        await asyncio.sleep(0.1)
    raise AssertionError(f"the job did not get {count} steps far")


async def _state(oid: uuid.UUID) -> tuple[bool, object, int]:
    async with tenant_transaction(DB, A) as scope:
        written = await audit_repo.event_written(oid)
        row = await scope.connection.fetchrow(
            "SELECT done_at, attempts FROM outbox WHERE id = $1", oid
        )
    return written, row["done_at"], row["attempts"]


async def test_a_worker_killed_mid_job_leaves_it_to_the_next_once(app, settings) -> None:  # type: ignore[no-untyped-def]
    queue, record = f"test:faults:{uuid.uuid4().hex}", f"faults-runs:{uuid.uuid4().hex}"
    payload = {
        "at": datetime.now(UTC).isoformat(),
        "actor": "test",
        "action": "case.read",
        "subject": None,
        "record": record,
    }
    async with tenant_transaction(DB, A) as scope:
        oid = await enqueue(SLOW_JOB, payload)
        scope.after_commit.clear()  # relayed below, to this test's own queue
    redis = Redis.from_url(settings.redis_url)
    pool = await create_pool(redis_settings(settings.redis_url), default_queue_name=queue)
    first = _worker(queue)
    # The next worker: Trekant's worker settings in this process (its pools are the app's),
    # started once the first has the job, so that it cannot take it first.
    settings_next = worker_settings(
        functions=[run_outbox_job],
        cron_jobs=[],
        queue_name=queue,
        job_timeout=2,
        on_startup=None,
        on_shutdown=None,
        handle_signals=False,
        burst=True,  # ends once the queue is empty
        poll_delay=0.2,
    )
    following = Worker(**settings_next)
    try:
        await pool.enqueue_job(ARQ_FUNCTION, A, str(oid), _job_id=f"outbox:{oid}")
        [started] = await _runs(redis, record, 1)
        assert started == f"start {first.pid}"
        next_run = asyncio.create_task(following.async_run())
        await asyncio.sleep(1)  # it polls, and must leave the job alone while it runs
        assert await redis.llen(record) == 1
        first.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(first.wait, 30) == -signal.SIGKILL
        assert await _state(oid) == (False, None, 0)  # its transaction died with it

        # Taken again once the in-progress mark expires (job_timeout 2 + 10 s after start).
        await asyncio.wait_for(next_run, 60)
        runs = await _runs(redis, record, 3)
        assert runs == [started, f"start {os.getpid()}", f"done {os.getpid()}"]
        assert following.jobs_complete == 1 and following.jobs_failed == 0
        written, done_at, attempts = await _state(oid)
        assert written and done_at is not None and attempts == 1
        async with tenant_transaction(DB, A) as scope:
            assert (
                await scope.connection.fetchval(
                    "SELECT count(*) FROM audit_event WHERE outbox_id = $1", oid
                )
                == 1
            )
    finally:
        if first.poll() is None:
            first.kill()
            await asyncio.to_thread(first.wait, 30)
        await following.close()
        await pool.aclose()
        await redis.aclose()
