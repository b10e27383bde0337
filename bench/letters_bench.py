"""Letter preview (issue 15, "Speed"): ``GET /api/cases/{id}/letters/{letter_id}/pdf`` — the
draft merged, cleaned and laid out by weasyprint — through the real application in-process
(session, tenant transaction, access check, audit). Target: p95 <= 500 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import date, datetime

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

KOMMUNE = "1200"
ROUNDS = int(os.environ.get("BENCH_LETTER_ROUNDS", "100"))
# The knobs that make it tiny (tests/bench/test_bench_smoke.py).
SMOKE = {"BENCH_LETTER_ROUNDS": "3"}


async def _timed(client: httpx.AsyncClient, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        r = await client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text
    return out


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    try:
        db_url, settings = await fresh_kommune(server, redis_url, KOMMUNE, "Brevby")
        from backend.app import create_app
        from backend.core.danish import DK
        from backend.demo import synthetic_cpr

        user_id = await add_caseworker(db_url, KOMMUNE, "brev@bench.dk", "Sagsbehandler Brev")
        app = create_app(settings)
        async with (
            app.lifespan(),
            client_as(
                app,
                user_id=user_id,
                username="brev@bench.dk",
                display_name="Sagsbehandler Brev",
                code=KOMMUNE,
                kommune_name="Brevby",
            ) as client,
        ):
            made = await client.post(
                "/api/children",
                json={
                    "cpr": synthetic_cpr(random.Random(15), date(2018, 1, 1)),
                    "first_name": "Ida",
                    "last_name": "Benchsen",
                    "address": "Benchvej 1",
                },
            )
            assert made.status_code == 201, made.text
            case_id = made.json()["hovedsag_id"]
            r = await client.post(
                f"/api/cases/{case_id}/underretninger",
                json={
                    "received_at": datetime.now(DK).isoformat(),
                    "notifier_kind": "fagperson",
                    "source": "skole",
                    "concerns": "Ida kommer sulten i skole",
                    "notifier_name": "Lærer Lone",
                    "notifier_contact": "lone@skole.dk",
                },
            )
            assert r.status_code == 201, r.text
            new = (await client.get(f"/api/cases/{case_id}/letters/new")).json()
            letter = await client.post(
                f"/api/cases/{case_id}/letters",
                json={
                    "template_id": new["suggested_template_id"],
                    "recipients": new["suggested_recipients"],
                },
            )
            assert letter.status_code == 201, letter.text
            url = f"/api/cases/{case_id}/letters/{letter.json()['id']}/pdf"
            await _timed(client, url, 5)  # fonts loaded, caches warm
            timed = await _timed(client, url, ROUNDS)
        return [
            report(
                f"Letter preview (PDF of a one-page receipt), {ROUNDS} requests",
                summary(timed),
                "p95 <= 500 ms",
                pct(timed, 0.95) <= 500,
            )
        ]
    finally:
        services.stop()  # type: ignore[attr-defined]


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
