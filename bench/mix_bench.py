"""The authenticated request mix of issue 19 under wrk: how far the API falls short of
``GET /health`` on the same machine in the same minute.

One API process (``trekant api``, as in production, with its middleware, metrics and JSON
access log) and one worker (``trekant worker``: it seals the audit events the reads write)
on a fresh kommune with the demo data of ``just run`` (BENCH_MIX_CHILDREN synthetic
children, the demo users, the demo casework). The demo caseworker's session is made
directly in Redis (the benchmark measures requests, not the identity provider). wrk
(Debian's package) runs ``bench/mix.lua``: first ``/health`` alone, then 40 % front page,
40 % case page (``/api/cases/{id}``), 20 % journal, over the caseworker's own cases, at each
of BENCH_MIX_CONNECTIONS for BENCH_MIX_SECONDS. The front page is what the PWA's front page
asks for (its deadline groups, the first page of her cases and of new notifications); the
whole ``/api/worklist`` in one answer (the issue's mix as filed; the PWA stopped asking for
it) is measured too, at the first connection count, and reported beside it.

Reported: requests a second for both, the mix as a share of ``/health`` (the target is
>= 25 %), the mix's p95 (target <= 100 ms at 32 connections), and the bytes per response.
The machine is shared: compare the ratio, not the absolute numbers, and note the load.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench.common import ROOT, report
from infra.devprocess import free_port

CHILDREN = int(os.environ.get("BENCH_MIX_CHILDREN", "240"))  # København's demo size
SECONDS = int(os.environ.get("BENCH_MIX_SECONDS", "15"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_MIX_CONNECTIONS", "8,32").split(",")]
# 0: skip the demo casework (minutes of real service calls); the caseworker then simply
# gets every open case (the smoke run: the benchmark runs end to end, the numbers mean little).
CASEWORK = os.environ.get("BENCH_MIX_CASEWORK", "1") == "1"
SMOKE = {
    "BENCH_MIX_CASEWORK": "0",
    "BENCH_MIX_CHILDREN": "20",
    "BENCH_MIX_SECONDS": "1",
    "BENCH_MIX_CONNECTIONS": "2",
}
CODE, NAME = "0101", "København"
USER = "sagsbehandler@koebenhavn.dk"


async def seed(db_url: str, redis_url: str, prefix: str, *, fresh: bool = True) -> str:
    """The demo kommune as ``just run`` makes it (unless not ``fresh``); returns a new
    session token of the demo caseworker."""
    import backend.jobs  # noqa: F401 - the demo queues outbox jobs (audit records)
    from backend import db, queue
    from backend.auth.session import Session, SessionStore
    from backend.demo import provision_demo_users, seed_casework, seed_kommune
    from infra.devidp import demo_users, domain_for
    from tenancy.context import tenant_transaction
    from tenancy.names import app_role
    from tenancy.registry import role_dsn

    db.configure(role_dsn(db_url, app_role(prefix), None))
    await db.start_pool(1, 2)
    redis = await queue.start(redis_url)
    try:
        if fresh:
            await seed_kommune(CODE, CHILDREN)
            users = [(u.username, u.name, u.roles) for u in demo_users(domain_for(CODE))]
            await provision_demo_users(CODE, users)
            if CASEWORK:
                await seed_casework(CODE)
        async with tenant_transaction(db.DB, CODE) as scope:
            uid = await scope.connection.fetchval(
                "SELECT id FROM app_user WHERE username = $1", USER
            )
            if fresh and not CASEWORK:
                await scope.connection.execute(
                    "UPDATE hovedsag SET caseworker_id = $1 WHERE closed_at IS NULL", uid
                )
        session = Session(
            realm="kommune",
            subject=str(uid),
            username=USER,
            display_name="Sara Sagsbehandler",
            kommune_code=CODE,
            kommune_name=NAME,
        )
        return await SessionStore(redis).create(session)
    finally:
        await queue.stop()
        await db.close_pool()


def wrk(url: str, connections: int, args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "mix.lua"),
            url,
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
        check=True,
    )
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("{")][-1]
    result: dict[str, Any] = json.loads(line)
    if result["errors"]:
        raise RuntimeError(f"wrk saw {result['errors']} errors: {done.stderr[-500:]}")
    return result


def measure(url: str, token: str) -> list[dict[str, object]]:
    with httpx.Client(base_url=url, cookies={"trekant_session": token}, timeout=30) as c:
        r = c.get("/api/worklist")
        r.raise_for_status()
        worklist = r.json()
        ids = [case["id"] for case in worklist["cases"]]
        if not ids:
            raise RuntimeError("the demo caseworker has no cases")
        front = [
            "/api/worklist/summary",
            "/api/worklist/cases?sort=overskredne&offset=0&limit=10",
            "/api/worklist/notifications?offset=0&limit=5",
        ]
        sizes = {
            "whole /api/worklist": len(r.content),
            "front page (3 requests)": sum(len(c.get(p).content) for p in front),
            "case page": len(c.get(f"/api/cases/{ids[0]}").content),
            "journal": len(c.get(f"/api/cases/{ids[0]}/journal").content),
        }
    out = [
        report(
            f"JSON bytes, {name} ({len(ids)} cases)", f"{n / 1000:.1f} kB uncompressed", "-", True
        )
        for name, n in sizes.items()
    ]
    mix_args = ["mix", token, ",".join(ids)]
    wrk(url, 2, mix_args)  # warm-up: connections, caches, asyncpg type look-ups
    wrk(url, 2, ["whole", *mix_args[1:]])
    for n, conns in enumerate(CONNECTIONS):
        health = wrk(url, conns, ["health"])
        mix = wrk(url, conns, mix_args)
        share = mix["rps"] / health["rps"]
        load = os.getloadavg()[0]
        out.append(report(f"/health, {conns} connections", f"{health['rps']:.0f} req/s", "-", True))
        out.append(
            report(
                f"mix 40/40/20, {conns} connections",
                f"{mix['rps']:.0f} req/s = {share:.0%} of /health, p50 {mix['p50_ms']:.0f} ms, "
                f"p95 {mix['p95_ms']:.0f} ms, {mix['bytes_per_response'] / 1000:.1f} kB/response "
                f"on the wire (load average {load:.1f})",
                ">= 25 % of /health" + (", p95 <= 100 ms" if conns >= 32 else ""),
                share >= 0.25 and (conns < 32 or mix["p95_ms"] <= 100),
            )
        )
        if n == 0:
            whole = wrk(url, conns, ["whole", *mix_args[1:]])
            out.append(
                report(
                    f"mix with the whole /api/worklist as front page, {conns} connections",
                    f"{whole['rps']:.0f} req/s = {whole['rps'] / health['rps']:.0%} of /health, "
                    f"p95 {whole['p95_ms']:.0f} ms, {whole['bytes_per_response'] / 1000:.1f} "
                    "kB/response on the wire",
                    "-",
                    True,
                )
            )
    return out


def prepare(
    server: str, redis_url: str, on_database: Callable[[str], None] = lambda _: None
) -> tuple[str, str]:
    """A fresh seeded kommune, or with BENCH_MIX_REUSE=1 the last run's (seeding takes
    minutes; the database is kept in the benchmarks' data folder). Returns the database URL
    and a session token; ``on_database(url)`` is called once the database and the kommune
    exist, before the seeding."""
    from bench.common import fresh_kommune, with_database

    if os.environ.get("BENCH_MIX_REUSE") == "1":
        os.environ["TREKANT_ENV"] = "test"
        from backend.config import load_settings

        db_url = with_database(server, "trekant_bench")
        os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = db_url, redis_url
        prefix = load_settings().role_prefix
        on_database(db_url)
        return db_url, asyncio.run(seed(db_url, redis_url, prefix, fresh=False))
    db_url, settings = asyncio.run(fresh_kommune(server, redis_url, CODE, NAME))
    on_database(db_url)
    return db_url, asyncio.run(seed(db_url, redis_url, settings.role_prefix))


def main() -> list[dict[str, object]]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk (just servers installs it)")
    from bench.common import start_services

    server, redis_url, services = start_services()
    procs: list[subprocess.Popen[bytes]] = []
    port = free_port()

    def start_api(db_url: str) -> None:
        # The API process starts (seconds of imports) while the demo data are seeded; wrk
        # begins only after both.
        log = open(os.environ.get("BENCH_MIX_LOG", os.devnull), "w")
        env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=redis_url, TREKANT_PORT=str(port))
        env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
        # The API's stderr is its JSON access log (one line a request). The worker seals the
        # audit events the reads write (backend/audit/seal.py), as in production; its CPU is
        # part of what the mix costs.
        for command, stderr in (("api", log), ("worker", subprocess.DEVNULL)):
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "backend.cli", command],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            )

    try:
        _, token = prepare(server, redis_url, start_api)
        proc = procs[0]
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the API did not start")
            time.sleep(0.2)
        return measure(url, token)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(30)
        services.stop()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
