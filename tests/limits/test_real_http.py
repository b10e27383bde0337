"""The rate limits over real HTTP: a real API process (uvicorn) started with low limits
from the environment, as an operator would configure them. Sessions live in the shared
Redis, so a caseworker logged in through the in-process app uses the same session here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from backend.auth.session import COOKIE
from backend.limits.limiter import PREFIX
from infra.devprocess import free_port
from tests.conftest import KOMMUNE_A
from tests.crosskommune.conftest import cpr_for

pytestmark = pytest.mark.servers_independent

ROOT = Path(__file__).resolve().parents[2]
A = KOMMUNE_A[0]


@pytest.fixture(scope="module")
def limited_server(seeded) -> Iterator[str]:  # type: ignore[no-untyped-def]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        TREKANT_PORT=str(port),
        TREKANT_HOST="127.0.0.1",
        TREKANT_PUBLIC_URL=url,
        TREKANT_RATE_LIMIT_LOGIN="3/60",
        TREKANT_RATE_LIMIT_PRIOR_USER="2/3600",
    )
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "api"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120  # a busy machine starts slowly
    while True:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the API process did not start")
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
async def clean_buckets(app) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    async def clear() -> None:
        keys = [k async for k in app.state.redis.scan_iter(match=f"{PREFIX}*")]
        if keys:
            await app.state.redis.delete(*keys)

    await clear()
    yield
    await clear()


async def test_login_start_flood_gets_429_over_http(limited_server, clean_buckets):
    async with httpx.AsyncClient(base_url=limited_server) as c:
        for _ in range(3):
            assert (await c.get(f"/api/auth/login?kommune={A}")).status_code == 303
        refused = await c.get(f"/api/auth/login?kommune={A}")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 20
        assert refused.headers["cache-control"] == "no-store"
        assert refused.json()["detail"].startswith("Du har sendt for mange forespørgsler")


async def test_prior_case_sweep_gets_429_over_http(limited_server, clean_buckets, client):
    # Log in through the in-process app (the provider knows its redirect URI), then use
    # the session against the real server.
    browser = await client(A, "sagsbehandler")
    colleague = await client(A, "kollega")
    for who in (browser, colleague):
        who.headers["Cookie"] = f"{COOKIE}={who.cookies[COOKIE]}"
    async with httpx.AsyncClient(base_url=limited_server, headers=browser.headers) as real:
        for i in range(2):
            r = await real.post("/api/cpr/prior-cases", json={"cpr": cpr_for(700 + i)})
            assert r.status_code == 200, r.text
        refused = await real.post("/api/cpr/prior-cases", json={"cpr": cpr_for(702)})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 1800
    async with httpx.AsyncClient(base_url=limited_server, headers=colleague.headers) as other:
        r = await other.post("/api/cpr/prior-cases", json={"cpr": cpr_for(703)})
        assert r.status_code == 200, r.text
