"""Uploads through a real API process (uvicorn), on one keep-alive connection: a large body
pauses and resumes reading the socket inside the request's tenant transaction, and the
next request on the connection must still start with a transaction of its own (before
``reset_contextvars`` it found this one's and answered 500)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from backend.auth.session import COOKIE
from tests.conftest import KOMMUNE_A, session_for
from tests.documents.conftest import metadata
from tests.factories import child

pytestmark = pytest.mark.servers_independent

ROOT = Path(__file__).resolve().parents[2]

A = KOMMUNE_A[0]
SIZE = 3 * 1024 * 1024


@pytest.fixture(scope="module")
def api(seeded) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real API process (uvicorn) of its own, on a free port, for this module."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, TREKANT_PORT=str(port), TREKANT_HOST="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "api"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the API process did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _body() -> AsyncIterator[bytes]:
    yield b"%PDF-1.7\n"
    sent = 9
    while sent < SIZE:
        piece = b"x" * min(1024 * 1024, SIZE - sent)
        sent += len(piece)
        yield piece


async def test_requests_after_a_large_upload_on_one_connection(app, api: str) -> None:  # type: ignore[no-untyped-def]
    token, csrf = await session_for(app, A)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(
        base_url=api,
        cookies={COOKIE: token},
        headers={"X-CSRF-Token": csrf},
        limits=limits,
        timeout=60,
    ) as c:
        case = (await child(c)).case_id
        for n in range(3):
            r = await c.post(f"/api/cases/{case}/documents", json=metadata(f"stor-{n}.pdf", SIZE))
            assert r.status_code == 201, r.text
            r = await c.put(
                r.json()["upload_url"], content=_body(), headers={"content-length": str(SIZE)}
            )
            assert r.status_code == 200, r.text
            async with c.stream("GET", f"/api/documents/{r.json()['id']}/content") as s:
                assert s.status_code == 200
                got = 0
                async for piece in s.aiter_raw():
                    got += len(piece)
            assert got == SIZE
        r = await c.get(f"/api/cases/{case}/documents")
        assert r.status_code == 200
        assert r.json()["total"] == 3
