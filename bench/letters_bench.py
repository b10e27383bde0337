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

import asyncpg
import httpx

from bench.common import fresh_database, pct, report, start_services, summary

KOMMUNE = "1200"
ROUNDS = int(os.environ.get("BENCH_LETTER_ROUNDS", "100"))


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
        db_url = await fresh_database(server)
        os.environ["DATABASE_URL"] = db_url
        os.environ["REDIS_URL"] = redis_url
        os.environ["TREKANT_ENV"] = "test"
        from backend.app import create_app
        from backend.auth.session import COOKIE, Session, SessionStore
        from backend.config import load_settings
        from backend.core.danish import DK
        from backend.demo import synthetic_cpr
        from tenancy.registry import Registry

        settings = load_settings()
        reg = Registry(db_url, settings.role_prefix)
        await reg.bootstrap()
        await reg.create(KOMMUNE, "Brevby")
        conn = await asyncpg.connect(db_url)
        try:
            await conn.execute(f"SET search_path = k{KOMMUNE}")  # bench-only owner session
            user_id = await conn.fetchval(
                "INSERT INTO app_user (username, display_name, provisioned_by) "
                "VALUES ('brev@bench.dk', 'Sagsbehandler Brev', 'bench') RETURNING id"
            )
            await conn.execute(
                "INSERT INTO user_role (user_id, role, granted_by) "
                "VALUES ($1, 'sagsbehandler', 'bench')",
                user_id,
            )
        finally:
            await conn.close()
        app = create_app(settings)
        async with app.lifespan():
            store: SessionStore = app.state.sessions
            session = Session(
                realm="kommune",
                subject=str(user_id),
                username="brev@bench.dk",
                display_name="Sagsbehandler Brev",
                kommune_code=KOMMUNE,
                kommune_name="Brevby",
            )
            token = await store.create(session)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://bench",
                cookies={COOKIE: token},
                headers={"X-CSRF-Token": session.csrf_token},
            ) as client:
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
