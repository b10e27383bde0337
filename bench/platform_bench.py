"""Platform benchmarks (issue 2): kommune creation, migrating 98 kommuner with nothing to
apply, tenant-transaction overhead on a real HTTP request, API memory with 98 kommuner."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx
import psutil

from backend.auth.session import COOKIE
from bench.common import ROOT, report, summary
from infra.devprocess import free_port

KOMMUNER = int(os.environ.get("BENCH_PLATFORM_KOMMUNER", "98"))
CREATES = int(os.environ.get("BENCH_PLATFORM_CREATES", "15"))  # timed kommune creations
ROUNDS = int(os.environ.get("BENCH_PLATFORM_ROUNDS", "1500"))  # HTTP reads per comparison
# The knobs that make it tiny (tests/bench/test_bench_smoke.py).
SMOKE = {
    "BENCH_PLATFORM_KOMMUNER": "2",
    "BENCH_PLATFORM_CREATES": "1",
    "BENCH_PLATFORM_ROUNDS": "20",
}


async def bench_create(reg: Any, n: int = CREATES) -> tuple[list[float], dict[str, object]]:
    times = []
    for i in range(n):
        code = f"{9000 + i:04d}"
        start = time.perf_counter()
        await reg.create(code, f"Benchby {i}")
        times.append((time.perf_counter() - start) * 1000)
    med = statistics.median(times)
    return times, report(
        "create a kommune (schema, role, all migrations)",
        summary(times),
        "median <= 1000 ms",
        med <= 1000,
    )


async def fill_to(reg: Any, total: int) -> None:
    have = {t.code for t in await reg.list_tenants(with_versions=False)}
    i = 0
    while len(have) < total:
        code = f"{1000 + i:04d}"
        i += 1
        if code not in have:
            await reg.create(code, f"Kommune {code}")
            have.add(code)


async def bench_migrate_noop(reg: Any) -> dict[str, object]:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        results = await reg.migrate_all(concurrency=8)
        runs.append(time.perf_counter() - start)
        assert len(results) >= KOMMUNER and not any(r.error for r in results)
    best, med = min(runs), statistics.median(runs)
    return report(
        f"tenant migrate, {len(results)} kommuner, nothing to apply",
        f"median {med * 1000:.0f} ms (best {best * 1000:.0f} ms)",
        "<= 5 s in total",
        med <= 5,
    )


def bench_http(env: dict[str, str], rounds: int = ROUNDS) -> list[dict[str, object]]:
    """Start the real API (plus two bench routes) under uvicorn and compare, interleaved."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.app:factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**env, "TREKANT_ENV": "test"},
    )
    url = f"http://127.0.0.1:{port}"
    results: list[dict[str, object]] = []
    try:
        with httpx.Client(base_url=url, timeout=5) as client:
            deadline = time.monotonic() + 120  # a loaded machine starts slowly
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("bench API did not start")
                time.sleep(0.1)
            client.cookies.set(COOKIE, env["BENCH_SESSION_1000"])
            for _ in range(min(200, rounds)):  # warm-up
                client.get("/api/bench/tenant-read")
                client.get("/bench/plain-read")
                client.get("/bench/noauth-read")
            tenant, plain = [], []
            for _ in range(rounds):
                t0 = time.perf_counter()
                r1 = client.get("/api/bench/tenant-read")
                t1 = time.perf_counter()
                r2 = client.get("/bench/plain-read")
                t2 = time.perf_counter()
                assert r1.status_code == r2.status_code == 200, (r1.text, r2.text)
                assert r1.json() == r2.json()
                tenant.append((t1 - t0) * 1000)
                plain.append((t2 - t1) * 1000)
            ratio = statistics.median(tenant) / statistics.median(plain)
            results.append(report("read with tenant switch", summary(tenant), "-", True))
            results.append(report("same read without switch", summary(plain), "-", True))
            results.append(
                report(
                    "tenant transaction overhead",
                    f"{ratio:.2f}x at the median",
                    "<= 1.30x",
                    ratio <= 1.3,
                )
            )
            authed, noauth = [], []
            for _ in range(rounds):
                t0 = time.perf_counter()
                r1 = client.get("/api/bench/tenant-read")
                t1 = time.perf_counter()
                r2 = client.get("/bench/noauth-read")
                t2 = time.perf_counter()
                assert r1.status_code == r2.status_code == 200
                authed.append((t1 - t0) * 1000)
                noauth.append((t2 - t1) * 1000)
            extra = statistics.median(authed) - statistics.median(noauth)
            results.append(
                report("same read without session or permission check", summary(noauth), "-", True)
            )
            results.append(
                report(
                    "session + permission check",
                    f"+{extra:.2f} ms at the median",
                    "<= 2 ms",
                    extra <= 2,
                )
            )
            # Memory: touch many kommuner, then read the API process's RSS.
            codes = [k["code"] for k in client.get("/api/kommuner").json()]
            assert len(codes) == KOMMUNER, len(codes)
            for code in codes[::3]:
                with httpx.Client(base_url=url) as c2:
                    c2.cookies.set(COOKIE, env[f"BENCH_SESSION_{code}"])
                    c2.get("/api/overview").raise_for_status()
            rss = psutil.Process(proc.pid).memory_info().rss / 2**20
            results.append(
                report(
                    f"API RSS with {KOMMUNER} kommuner registered",
                    f"{rss:.0f} MB",
                    "< 250 MB",
                    rss < 250,
                )
            )
    finally:
        proc.terminate()
        proc.wait(10)
    return results


async def run(db_url: str, redis_url: str) -> list[dict[str, object]]:
    from backend.demo import seed_kommune  # noqa: F401 - imported for its side effects
    from tenancy.registry import Registry

    prefix = "trekant_bench"
    reg = Registry(db_url, prefix)
    await reg.bootstrap()
    out: list[dict[str, object]] = []
    _, res = await bench_create(reg)
    out.append(res)
    await fill_to(reg, KOMMUNER)
    out.append(await bench_migrate_noop(reg))
    # Seed one kommune for the HTTP read.
    os.environ["DATABASE_URL"] = db_url
    os.environ["REDIS_URL"] = redis_url
    from backend import db
    from tenancy.names import app_role
    from tenancy.registry import role_dsn

    db.configure(role_dsn(db_url, app_role(prefix), None))
    await db.start_pool(1, 2)
    from backend.demo import seed_kommune as seed

    await seed("1000", 50, seed=1)
    await db.close_pool()
    return out


async def make_sessions(db_url: str, redis_url: str, prefix: str) -> dict[str, str]:
    """One provisioned caseworker and a server-side session per kommune, made directly
    (the benchmark measures requests, not the identity provider)."""
    from backend import db, queue
    from backend.auth.session import Session, SessionStore
    from backend.demo import provision_demo_users
    from tenancy.names import app_role
    from tenancy.registry import Registry, role_dsn

    reg = Registry(db_url, prefix)
    db.configure(role_dsn(db_url, app_role(prefix), None))
    await db.start_pool(1, 4)
    redis = await queue.start(redis_url)
    store = SessionStore(redis)
    env = {}
    try:
        for t in await reg.list_tenants(with_versions=False):
            user = f"bench@k{t.code}.dk"
            await provision_demo_users(t.code, [(user, "Bench", ("sagsbehandler",))])
            from tenancy.context import tenant_transaction

            async with tenant_transaction(db.DB, t.code) as scope:
                uid = await scope.connection.fetchval(
                    "SELECT id FROM app_user WHERE username = $1", user
                )
            token = await store.create(
                Session(
                    realm="kommune",
                    subject=str(uid),
                    username=user,
                    display_name="Bench",
                    kommune_code=t.code,
                    kommune_name=t.name,
                )
            )
            env[f"BENCH_SESSION_{t.code}"] = token
    finally:
        await queue.stop()
        await db.close_pool()
    return env


def main() -> list[dict[str, object]]:
    from bench.common import fresh_database, start_services

    server, redis_url, services = start_services()
    try:
        db_url = asyncio.run(fresh_database(server))
        out = asyncio.run(run(db_url, redis_url))
        sessions = asyncio.run(make_sessions(db_url, redis_url, "trekant_bench"))
        env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=redis_url, **sessions)
        out.extend(bench_http(env))
    finally:
        services.stop()  # type: ignore[attr-defined]
    return out
