"""Graceful shutdown (issue 19, "the API sent SIGTERM mid-request"): the API finishes and
commits a request in flight and refuses new connections; the worker lets a running job
finish, or — when it runs past the shutdown time — the job is cancelled and runs again once
on the next worker, never twice to its end."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from backend.auth.session import COOKIE
from infra.devprocess import free_port
from tests.conftest import KOMMUNE_A, session_for
from tests.factories import child

pytestmark = pytest.mark.servers_independent

ROOT = Path(__file__).resolve().parents[2]
A = KOMMUNE_A[0]


@pytest.fixture
def api(seeded) -> Iterator[tuple[subprocess.Popen[bytes], int]]:  # type: ignore[no-untyped-def]
    port = free_port()
    env = dict(os.environ, TREKANT_PORT=str(port), TREKANT_HOST="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "api"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the API process did not start")
            time.sleep(0.1)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _in_flight(metrics: str) -> float:
    found = re.search(r"^trekant_http_requests_in_flight (\S+)$", metrics, re.M)
    return float(found.group(1)) if found else 0.0


def _refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


async def test_sigterm_lets_the_request_in_flight_finish_and_commit(app, api, as_user) -> None:  # type: ignore[no-untyped-def]
    proc, port = api
    c = await as_user(A)
    case = (await child(c)).case_id
    token, csrf = await session_for(app, A)
    title = f"Skrevet under nedlukning {uuid.uuid4().hex[:6]}"
    body = json.dumps({"title": title, "body": "Gemt", "corrects_id": None}).encode()
    release = asyncio.Event()

    async def slowly() -> AsyncIterator[bytes]:
        yield body[:10]
        await release.wait()  # the rest of the body only after SIGTERM
        yield body[10:]

    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(
        base_url=url, cookies={COOKIE: token}, headers={"X-CSRF-Token": csrf}, timeout=60
    ) as slow:
        sending = asyncio.create_task(
            slow.post(
                f"/api/cases/{case}/journal",
                content=slowly(),
                headers={"content-type": "application/json"},
            )
        )
        # In flight: the API counts it (and the metrics request itself).
        async with httpx.AsyncClient(base_url=url, timeout=10) as probe:
            while _in_flight((await probe.get("/metrics")).text) < 2:  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        while not _refuses_connections(port):  # noqa: ASYNC110 - new connections are refused
            await asyncio.sleep(0.05)
        assert not sending.done()
        release.set()
        answer = await sending
    assert answer.status_code == 201, answer.text
    # uvicorn re-raises the SIGTERM it caught once it has shut down gracefully.
    assert await asyncio.to_thread(proc.wait, 60) == -signal.SIGTERM
    journal = (await c.get(f"/api/cases/{case}/journal")).json()
    assert [e["title"] for e in journal["items"] if e["title"] == title] == [title]


def _start_worker(queue: str, shutdown_seconds: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, TREKANT_SHUTDOWN_SECONDS=str(shutdown_seconds))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli.slow_worker", queue], cwd=ROOT, env=env
    )


async def _runs_until(
    redis: Redis, key: str, last: str, worker: subprocess.Popen[bytes]
) -> list[str]:
    while True:
        runs = [r.decode() for r in await redis.lrange(key, 0, -1)]
        if runs and runs[-1] == last:
            return runs
        assert worker.poll() is None, "the worker exited"
        await asyncio.sleep(0.05)


async def _enqueue(redis_url: str, queue: str, key: str, seconds: float) -> None:
    from arq import create_pool

    from backend.queue import redis_settings

    pool = await create_pool(redis_settings(redis_url), default_queue_name=queue)
    try:
        assert await pool.enqueue_job("slow_job", key, seconds, _job_id=key) is not None
    finally:
        await pool.aclose()


async def test_worker_sigterm_lets_a_running_job_finish(settings) -> None:  # type: ignore[no-untyped-def]
    queue, key = f"test:slow:{uuid.uuid4().hex}", f"slow-runs:{uuid.uuid4().hex}"
    redis = Redis.from_url(settings.redis_url)
    try:
        await _enqueue(settings.redis_url, queue, key, 1.5)
        worker = _start_worker(queue, shutdown_seconds=30)
        await _runs_until(redis, key, "start 1", worker)
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(worker.wait, 60) == 0
        assert [r.decode() for r in await redis.lrange(key, 0, -1)] == ["start 1", "done 1"]
    finally:
        await redis.aclose()


async def test_worker_sigterm_past_the_wait_runs_the_job_again_once(settings) -> None:  # type: ignore[no-untyped-def]
    queue, key = f"test:slow:{uuid.uuid4().hex}", f"slow-runs:{uuid.uuid4().hex}"
    redis = Redis.from_url(settings.redis_url)
    try:
        await _enqueue(settings.redis_url, queue, key, 600)
        first = _start_worker(queue, shutdown_seconds=1)
        await _runs_until(redis, key, "start 1", first)
        first.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(first.wait, 60) == 0
        assert [r.decode() for r in await redis.lrange(key, 0, -1)] == ["start 1"]
        second = _start_worker(queue, shutdown_seconds=1)
        try:
            runs = await _runs_until(redis, key, "done 2", second)
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.to_thread(second.wait, 60)
        assert runs == ["start 1", "start 2", "done 2"]
    finally:
        await redis.aclose()
