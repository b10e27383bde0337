"""ICS benchmarks (issue 5): open a long børnefaglig undersøgelse with all ten dimensions
filled, and autosave a draft of it — the two requests a caseworker makes all the time
while writing. Target: p95 <= 50 ms server-side each.

Requests go through the real application in-process (``httpx.ASGITransport``): session,
tenant transaction, roles, guard, case access check, the document, its deadline and
versions, the audit record of the read (outbox), validation against the ICS method and
the optimistic-concurrency update — without the network.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import date, timedelta
from typing import Any

import asyncpg

from bench.common import client_as, fresh_kommune, pct, report, start_services, summary

KOMMUNE = "1000"
STATEMENTS = int(os.environ.get("BENCH_ICS_STATEMENTS", "6"))  # per dimension and kind
BACKGROUND_DOCUMENTS = 300
ROUNDS = int(os.environ.get("BENCH_ICS_ROUNDS", "320"))  # saves and opens, the first 20 warm up
# The knobs that make it tiny (tests/bench/test_bench_smoke.py).
SMOKE = {"BENCH_ICS_STATEMENTS": "1", "BENCH_ICS_ROUNDS": "22"}
WORDS = (
    "barnet fortæller at hverdagen er svær når mor er træt og far ikke kommer som aftalt "
    "skolen oplyser at fraværet er steget og at barnet ofte virker uoplagt om morgenen "
    "men at det har en god ven i klassen og er glad for idræt og for at læse"
).split()


def _text(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(n)).capitalize() + "."


def long_investigation(dimensions: list[str], sources: list[str]) -> dict[str, Any]:
    """All ten dimensions with ``STATEMENTS`` observations, resources and concerns each
    (about 80 words a statement), long views, analysis and conclusion, five needs."""
    seed = 0

    def statements() -> list[dict[str, str]]:
        nonlocal seed
        out = []
        for _ in range(STATEMENTS):
            seed += 1
            out.append(
                {"text": _text(80, seed), "source": sources[seed % len(sources)], "source_note": ""}
            )
        return out

    return {
        "kind": "undersoegelse",
        "dimensions": {
            k: {"observations": statements(), "resources": statements(), "concerns": statements()}
            for k in dimensions
        },
        "child_view": _text(600, 1),
        "parents_view": _text(600, 2),
        "analysis": _text(1200, 3),
        "conclusion": _text(400, 4),
        "unmet_needs": [
            {"id": f"need{i}", "text": _text(20, i), "dimension": dimensions[i]} for i in range(5)
        ],
    }


async def generate(owner_dsn: str, schema: str) -> dict[str, Any]:
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(f"SET search_path = {schema}")  # bench-only owner session
        user_id = await conn.fetchval(
            "INSERT INTO app_user (username, display_name, provisioned_by) "
            "VALUES ('sb0@bench.dk', 'Sagsbehandler 0', 'bench') RETURNING id"
        )
        await conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, 'sagsbehandler', 'b')",
            user_id,
        )
        await conn.execute(
            """
            INSERT INTO child (cpr, first_name, last_name, birth_date, address)
            SELECT lpad((1 + i % 28)::text, 2, '0') || '0115' || lpad(i::text, 4, '0'),
                   'Barn', 'Nummer ' || i, make_date(2015, 1, 1 + i % 28), 'Benchvej ' || i
            FROM generate_series(0, $1) i
            """,
            BACKGROUND_DOCUMENTS,
        )
        await conn.execute(
            "INSERT INTO hovedsag (child_id, opened_at, stage, caseworker_id) "
            "SELECT id, current_date - 30, 'undersoegelse', $1 FROM child",
            user_id,
        )
        case_id = await conn.fetchval(
            "SELECT h.id FROM hovedsag h JOIN child c ON c.id = h.child_id "
            "WHERE c.last_name = 'Nummer 0'"
        )
    finally:
        await conn.close()
    return {"user_id": user_id, "case_id": case_id}


async def background(owner_dsn: str, schema: str, content: dict[str, Any]) -> None:
    """Other cases' documents beside the one measured (each a long investigation)."""
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(f"SET search_path = {schema}")
        await conn.execute(
            """
            WITH e AS (
                INSERT INTO enkeltsag (hovedsag_id, kind, aware_since)
                SELECT h.id, 'undersoegelse', current_date - 30 FROM hovedsag h
                WHERE NOT EXISTS (SELECT 1 FROM ics_document d WHERE d.hovedsag_id = h.id)
                RETURNING id, hovedsag_id)
            INSERT INTO ics_document (hovedsag_id, enkeltsag_id, kind, series_id, version_no,
                method, content, created_by, changed_by)
            SELECT e.hovedsag_id, e.id, 'undersoegelse', gen_random_uuid(), 1, 'ics-2019',
                   $1::jsonb, 'bench', 'bench' FROM e
            """,
            json.dumps(content),
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    results: list[dict[str, object]] = []
    try:
        db_url, settings = await fresh_kommune(server, redis_url, KOMMUNE, "Storby")
        from backend.app import create_app
        from backend.ics.method import method

        data = await generate(db_url, f"k{KOMMUNE}")
        m = method()
        content = long_investigation(
            [d.key for s in m.sides for d in s.dimensions], [s.key for s in m.sources]
        )
        size = len(json.dumps(content, ensure_ascii=False).encode())
        app = create_app(settings)
        async with (
            app.lifespan(),
            client_as(
                app,
                user_id=data["user_id"],
                username="sb0@bench.dk",
                display_name="Sagsbehandler 0",
                code=KOMMUNE,
                kommune_name="Storby",
            ) as client,
        ):
            aware = (date.today() - timedelta(days=30)).isoformat()
            r = await client.post(
                f"/api/cases/{data['case_id']}/ics/undersoegelser",
                json={"aware_since": aware},
            )
            r.raise_for_status()
            doc_id = r.json()["document"]["id"]
            rev = r.json()["document"]["rev"]
            await background(db_url, f"k{KOMMUNE}", content)
            opened: list[float] = []
            saved: list[float] = []
            for i in range(ROUNDS):
                content["analysis"] = _text(1200, i)  # each save changes the text
                t0 = time.perf_counter()
                r = await client.put(
                    f"/api/ics/{doc_id}/draft", json={"rev": rev, "content": content}
                )
                elapsed = (time.perf_counter() - t0) * 1000
                r.raise_for_status()
                rev = r.json()["rev"]
                t0 = time.perf_counter()
                r = await client.get(f"/api/ics/{doc_id}")
                elapsed_open = (time.perf_counter() - t0) * 1000
                r.raise_for_status()
                if i >= min(20, ROUNDS - 1):  # warm-up
                    saved.append(elapsed)
                    opened.append(elapsed_open)
            body = r.json()
            assert len(body["content"]["dimensions"]) == 10 and body["deadlines"]
        kb = size / 1024
        results.append(
            report(
                f"open an investigation, 10 dimensions filled ({kb:.0f} kB)",
                summary(opened),
                "p95 <= 50 ms",
                pct(opened, 0.95) <= 50,
            )
        )
        results.append(
            report(
                f"save a draft of it (autosave, {kb:.0f} kB)",
                summary(saved),
                "p95 <= 50 ms",
                pct(saved, 0.95) <= 50,
            )
        )
    finally:
        services.stop()  # type: ignore[attr-defined]
    return results


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
