"""CPR lookup at registration (issue 16 item 4, issue 20 item 2): ``POST /api/cpr/person``
through the SF1520 client (SOAP over mutual TLS: three calls, the child and both parents,
the parents in parallel, on one new TLS connection per lookup) to the development SF1520
service answering from a population of ``BENCH_CPR_PEOPLE`` children with two parents each
(default 30,000), through the real application in-process: session, rate-limit buckets,
tenant transaction, audit and the day's lookup count. Target: p95 <= 300 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import httpx

from bench.common import (
    add_caseworker,
    client_as,
    fresh_kommune,
    pct,
    report,
    start_services,
    summary,
)

KOMMUNE = "1100"
PEOPLE = int(os.environ.get("BENCH_CPR_PEOPLE", "30000"))
# The knobs that make it tiny (tests/bench/test_bench_smoke.py).
SMOKE = {"BENCH_CPR_PEOPLE": "300", "BENCH_CPR_ROUNDS": "5"}
ROUNDS = int(os.environ.get("BENCH_CPR_ROUNDS", "300"))  # timed lookups after 20 warm-up


def _population(path: Path) -> list[str]:
    from backend.demo import synthetic_cpr
    from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file

    rng = random.Random(1520)
    entries: dict[str, CprRelations] = {}
    today = date.today()
    while len(entries) < PEOPLE:
        birth = today - timedelta(days=rng.randint(30, 17 * 365))
        cpr = synthetic_cpr(rng, birth)
        mother = synthetic_cpr(rng, birth - timedelta(days=rng.randint(7000, 14000)))
        father = synthetic_cpr(rng, birth - timedelta(days=rng.randint(7000, 16000)))
        entries[cpr] = CprRelations(
            child=CprPerson(cpr, f"Barn {len(entries)} Benchsen", f"Benchvej {len(entries)}"),
            parents=[CprPerson(mother, "Mor Benchsen"), CprPerson(father, "Far Benchsen")],
            custody=[mother],
        )
    add_to_demo_file(path, entries)
    return list(entries)


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    try:
        db_url, settings = await fresh_kommune(server, redis_url, KOMMUNE, "Opslagby")
        from backend.app import create_app
        from infra import sf1520
        from infra.devprocess import free_port

        user_id = await add_caseworker(db_url, KOMMUNE, "cpr@bench.dk", "Sagsbehandler CPR")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cpr-bench.json"
            numbers = _population(path)
            server, env = sf1520.prepare(Path(tmp), free_port(), path)
            os.environ.update(env)
            server.start()
            app = create_app(settings)
            async with app.lifespan():
                async with client_as(
                    app,
                    user_id=user_id,
                    username="cpr@bench.dk",
                    display_name="Sagsbehandler CPR",
                    code=KOMMUNE,
                    kommune_name="Opslagby",
                ) as client:
                    # The first lookup reads and parses the file: measured on its own.
                    first = await _lookups(client, numbers[:1])
                    await _lookups(client, numbers[1:21])
                    timed = await _lookups(client, numbers[21 : 21 + ROUNDS])
            server.stop()
        return [
            report(
                f"CPR lookup at registration, first (the service reads {PEOPLE} people)",
                f"{first[0]:.0f} ms",
                "once per file change",
                True,
            ),
            report(
                f"CPR lookup at registration over SF1520, {PEOPLE} people in the dev service",
                summary(timed),
                "p95 <= 300 ms",
                pct(timed, 0.95) <= 300,
            ),
        ]
    finally:
        services.stop()  # type: ignore[attr-defined]


async def _lookups(client: httpx.AsyncClient, numbers: list[str]) -> list[float]:
    import time

    out = []
    for number in numbers:
        t0 = time.perf_counter()
        r = await client.post("/api/cpr/person", json={"cpr": number})
        out.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        assert r.json()["outcome"] == "fundet", r.text
    return out


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
