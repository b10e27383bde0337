"""SIGTERM to the API under load (issue 19; tests/cli/test_shutdown.py has the single
request): the requests in flight finish (a slow one among them is answered 201 after the
signal), new connections are refused, no request is answered with a server error, every
note answered 201 is committed, and every note without an answer is in exactly once after
the client sends it again with its Idempotency-Key (to another API process, as a load
balancer would)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from backend.auth.session import COOKIE
from infra.devprocess import free_port
from tests.cli.test_shutdown import _in_flight, _refuses_connections
from tests.conftest import KOMMUNE_A, session_for
from tests.factories import child
from tests.faults.load import BOUND_SECONDS, Load, note_counts, resend_unanswered

ROOT = Path(__file__).resolve().parents[2]
A = KOMMUNE_A[0]
# What a client may meet instead of an answer once the API stops: a refused connection, or
# a kept-alive connection the API closed as the request went out.
NO_ANSWER = {"ConnectError", "RemoteProtocolError", "ReadError"}


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


async def test_sigterm_under_load(app, api, as_user) -> None:  # type: ignore[no-untyped-def]
    proc, port = api
    local = await as_user(A)  # the app in this process: the "other API process"
    case = (await child(local)).case_id
    token, csrf = await session_for(app, A)
    url = f"http://127.0.0.1:{port}"
    release = asyncio.Event()
    body = json.dumps({"title": "Langsom under nedlukning", "body": "Gemt", "corrects_id": None})

    async def slowly() -> AsyncIterator[bytes]:
        yield body.encode()[:10]
        await release.wait()  # the rest only after SIGTERM
        yield body.encode()[10:]

    async with httpx.AsyncClient(
        base_url=url,
        cookies={COOKIE: token},
        headers={"X-CSRF-Token": csrf},
        timeout=BOUND_SECONDS,
    ) as remote:
        async with Load(remote, case, writers=4, readers=2) as load:
            while sum(1 for o in load.writes if o.status == 201) < 10:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            slow = asyncio.create_task(
                remote.post(
                    f"/api/cases/{case}/journal",
                    content=slowly(),
                    headers={"content-type": "application/json"},
                )
            )
            async with httpx.AsyncClient(base_url=url, timeout=BOUND_SECONDS) as probe:
                while _in_flight((await probe.get("/metrics")).text) < 2:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            term = time.monotonic()
            while not _refuses_connections(port):  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.05)
            release.set()
            answer = await slow
            await asyncio.sleep(0.5)  # the load meets the closed port for a while
        assert await asyncio.to_thread(proc.wait, 60) == -signal.SIGTERM

    assert answer.status_code == 201, answer.text
    statuses = {o.status for o in load.outcomes if o.status is not None}
    assert statuses <= {200, 201}, sorted({(o.status, o.detail) for o in load.outcomes})
    errors = {o.error for o in load.outcomes if o.status is None}
    assert errors <= NO_ANSWER, errors
    assert any(o.error == "ConnectError" and o.started > term for o in load.outcomes)

    counts = await note_counts(A, case, load.tag)
    assert all(counts.get(o.title) == 1 for o in load.writes if o.status == 201)
    await resend_unanswered(local, load)
    assert await note_counts(A, case, load.tag) == {o.title: 1 for o in load.writes}
