"""A worker killed with SIGKILL mid-job (issue 19): the job's transaction dies with it (its
audit row is not there), and the next worker runs the job again, once, to its end: one
audit row, the outbox row done after one counted attempt. arq hands the job to another
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
from redis.asyncio import Redis

from backend.audit import repository as audit_repo
from backend.db import DB
from backend.outbox.service import ARQ_FUNCTION, enqueue
from backend.queue import redis_settings
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


async def _runs_until(
    redis: Redis, key: str, runs: list[str], worker: subprocess.Popen[bytes]
) -> None:
    for _ in range(600):  # 60 s at most
        if [r.decode() for r in await redis.lrange(key, 0, -1)] == runs:
            return
        assert worker.poll() is None, "the worker exited"
        await asyncio.sleep(0.1)
    raise AssertionError(f"the job did not reach {runs}")


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
    second = None
    try:
        await pool.enqueue_job(ARQ_FUNCTION, A, str(oid), _job_id=f"outbox:{oid}")
        await _runs_until(redis, record, ["start"], first)
        first.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(first.wait, 30) == -signal.SIGKILL
        assert await _state(oid) == (False, None, 0)  # its transaction died with it

        second = _worker(queue)
        await _runs_until(redis, record, ["start", "start", "done"], second)
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
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                await asyncio.to_thread(worker.wait, 30)
        await pool.aclose()
        await redis.aclose()
