"""Money and MI benchmarks (issue 8) on the largest kommune of the case-core benchmark:
30,000 children (``bench/casework_bench.py``'s generator), extended here with set-based
SQL by teams, a catalogue of 100 suppliers and 1,100 offers with two years of prices, a
measure with a bevilling on every open case (22,500), 50,000 payments, 150,000 activities
of the Børnesagsbarometer's rules over the last year and 45,000 notifications.

Measured through the real application in-process (``httpx.ASGITransport``; routing,
session, tenant transaction, roles, guard, queries, serialisation) and, for the jobs,
through the worker's own entry point (``run_outbox_job``) in the same process:

- the kommune dashboard (and a manager's team dashboard): p95 <= 300 ms;
- an Excel export of 50,000 payments, from the request to the file downloaded: <= 10 s;
- a price update over every ongoing bevilling (>= 20,000), the job: <= 30 s (and its
  revert, and the preview).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import date
from typing import Any

import asyncpg
import httpx

from bench.casework_bench import BIG, generate
from bench.common import fresh_database, pct, report, start_services, summary

PAYMENTS = int(os.environ.get("BENCH_MONEY_PAYMENTS", "50000"))
ROUNDS = int(os.environ.get("BENCH_MONEY_ROUNDS", "60"))  # dashboard requests per measurement
# The knobs that make it tiny (tests/bench/test_bench_smoke.py); the children come from the
# case-core generator (BENCH_CHILDREN).
SMOKE = {"BENCH_CHILDREN": "200", "BENCH_MONEY_PAYMENTS": "300", "BENCH_MONEY_ROUNDS": "3"}
SUPPLIERS = 100
KINDS = [
    ("praktisk_paedagogisk_stoette", "hour", False, 61000, 5),
    ("familiebehandling", "hour", False, 89500, 4),
    ("kontaktperson", "hour", False, 52000, 3),
    ("dagbehandling", "month", False, 2400000, 1),
    ("aflastning", "day", False, 165000, 1),
    ("anden_stoette", "hour", False, 54000, 2),
    ("plejefamilie", "month", True, 2840000, 1),
    ("netvaerksplejefamilie", "month", True, 980000, 1),
    ("opholdssted", "day", True, 298000, 1),
    ("doegninstitution", "day", True, 425000, 1),
    ("eget_vaerelse", "month", True, 3150000, 1),
]


async def extend(owner_dsn: str, schema: str) -> dict[str, Any]:
    """Teams, catalogue, measures with bevillinger, payments, activities, notifications."""
    conn = await asyncpg.connect(owner_dsn)
    started = time.perf_counter()
    this_year = date(date.today().year, 1, 1)
    last_year = date(this_year.year - 1, 1, 1)
    try:
        await conn.execute(f"SET search_path = {schema}")  # bench-only owner session
        await conn.execute(
            "INSERT INTO team (name) SELECT 'Team ' || g FROM generate_series(1, 4) g"
        )
        await conn.execute(
            "INSERT INTO app_user (username, display_name, provisioned_by) VALUES "
            "('leder@bench.dk', 'Lene Leder', 'bench'), ('oekonomi@bench.dk', 'Øjvind', 'bench')"
        )
        await conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by) SELECT id, "
            "CASE WHEN username LIKE 'leder%' THEN 'leder' ELSE 'oekonomi' END, 'bench' "
            "FROM app_user WHERE username IN ('leder@bench.dk', 'oekonomi@bench.dk')"
        )
        await conn.execute(
            """
            WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM team),
                 u AS (SELECT id, row_number() OVER (ORDER BY username) AS n FROM app_user
                       WHERE username LIKE 'sb%' OR username = 'leder@bench.dk')
            INSERT INTO team_member (team_id, user_id)
            SELECT t.ids[1 + u.n % 4], u.id FROM u, t
            """
        )
        await conn.execute(
            "UPDATE hovedsag h SET team_id = m.team_id FROM team_member m "
            "WHERE m.user_id = h.caseworker_id"
        )
        await conn.execute(
            "INSERT INTO supplier (name, cvr, kind, created_by) SELECT 'Leverandør ' || g, "
            "NULL, 'plejefamilie', 'bench' FROM generate_series(1, $1) g",
            SUPPLIERS,
        )
        await conn.execute(
            """
            INSERT INTO offer (supplier_id, name, measure_kind, unit, created_by)
            SELECT s.id, k.kind || ' ' || s.name, k.kind, k.unit, 'bench'
            FROM supplier s, unnest($1::text[], $2::text[]) AS k(kind, unit)
            """,
            [k[0] for k in KINDS],
            [k[1] for k in KINDS],
        )
        await conn.execute(
            """
            INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, created_by)
            SELECT o.id, $3::date, $4::date - 1, k.price, 'bench'
            FROM offer o JOIN unnest($1::text[], $2::bigint[]) AS k(kind, price)
              ON k.kind = o.measure_kind
            UNION ALL
            SELECT o.id, $4::date, NULL, round(k.price * 1.03)::bigint, 'bench'
            FROM offer o JOIN unnest($1::text[], $2::bigint[]) AS k(kind, price)
              ON k.kind = o.measure_kind
            """,
            [k[0] for k in KINDS],
            [k[3] for k in KINDS],
            last_year,
            this_year,
        )
        await conn.execute(
            """
            WITH c AS (
                SELECT h.id, row_number() OVER (ORDER BY h.id) AS n,
                       (SELECT e.id FROM enkeltsag e WHERE e.hovedsag_id = h.id
                        AND e.kind = 'indsats' LIMIT 1) AS enkeltsag_id
                FROM hovedsag h WHERE h.closed_at IS NULL
            )
            INSERT INTO indsats (hovedsag_id, enkeltsag_id, kind, paragraph, placement,
                                 starts_on, created_by)
            SELECT c.id, c.enkeltsag_id, ($1::text[])[1 + c.n % 11],
                   CASE WHEN ($2::bool[])[1 + c.n % 11] THEN '46' ELSE '32' END,
                   ($2::bool[])[1 + c.n % 11], current_date - (c.n % 700)::int, 'bench'
            FROM c
            """,
            [k[0] for k in KINDS],
            [k[2] for k in KINDS],
        )
        await conn.execute(
            """
            WITH s AS (SELECT array_agg(id ORDER BY name) AS ids FROM supplier),
                 i AS (SELECT i.*, row_number() OVER (ORDER BY i.id) AS n FROM indsats i)
            INSERT INTO bevilling (hovedsag_id, indsats_id, offer_id, supplier_id, measure_kind,
                paragraph, unit, quantity, frequency, period_from, approved_by, approved_at,
                created_by)
            SELECT i.hovedsag_id, i.id, o.id, o.supplier_id, i.kind, i.paragraph, o.unit,
                   k.q, CASE o.unit WHEN 'hour' THEN 'week' ELSE o.unit END,
                   greatest(i.starts_on, $3::date), 'leder@bench.dk', now(), 'bench'
            FROM i, s, unnest($1::text[], $2::int[]) AS k(kind, q), offer o
            WHERE k.kind = i.kind AND o.supplier_id = s.ids[1 + i.n % $4]
              AND o.measure_kind = i.kind
            """,
            [k[0] for k in KINDS],
            [k[4] for k in KINDS],
            last_year,
            SUPPLIERS,
        )
        await conn.execute(
            """
            INSERT INTO bevilling_price (bevilling_id, valid_from, valid_to, amount_oere,
                                         created_by)
            SELECT b.id, greatest(p.valid_from, b.period_from), p.valid_to, p.amount_oere, 'bench'
            FROM bevilling b JOIN offer_price p ON p.offer_id = b.offer_id
            WHERE p.retired_at IS NULL AND (p.valid_to IS NULL OR p.valid_to >= b.period_from)
            """
        )
        export_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO payment_export (id, created_by, filename, content, sha256, "
            "payment_count, total_oere) VALUES ($1, 'bench', 'bench.csv', '', '', 0, 0)",
            export_id,
        )
        await conn.execute(
            """
            WITH months AS (
                SELECT (date_trunc('month', current_date) - make_interval(months => g))::date AS m
                FROM generate_series(1, 3) g
            ), combos AS (
                SELECT b.id AS bevilling_id, b.hovedsag_id, greatest(m.m, b.period_from) AS a,
                       (m.m + interval '1 month')::date - 1 AS z,
                       row_number() OVER (ORDER BY b.id, m.m) AS n
                FROM bevilling b, months m
                WHERE b.period_from <= (m.m + interval '1 month')::date - 1
            )
            INSERT INTO payment (bevilling_id, hovedsag_id, period_from, period_to, amount_oere,
                invoice_ref, status, registered_by, approved_at, export_id)
            SELECT bevilling_id, hovedsag_id, a, z, 100000 + (n % 997) * 1000, 'F-' || n,
                   CASE WHEN n % 5 = 0 THEN 'godkendt' ELSE 'eksporteret' END, 'bench', now(),
                   CASE WHEN n % 5 = 0 THEN NULL ELSE $1::uuid END
            FROM combos WHERE n <= $2
            """,
            export_id,
            PAYMENTS,
        )
        await conn.execute(
            """
            INSERT INTO activity (hovedsag_id, rule_id, title, basis, owner_id, due_at, status,
                                  completed_at, cancel_reason)
            SELECT h.id, r.rule, 'MI', 'Bench', h.caseworker_id, d.due,
                   CASE WHEN x < 14 THEN 'done' WHEN x < 17 THEN 'done'
                        WHEN x < 19 THEN 'open' ELSE 'cancelled' END,
                   CASE WHEN x < 14 THEN d.due - interval '2 hours'
                        WHEN x < 17 THEN d.due + interval '3 days'
                        WHEN x < 19 THEN NULL ELSE d.due END,
                   CASE WHEN x >= 19 THEN 'Bench' END
            FROM hovedsag h
            CROSS JOIN (VALUES ('vurdering-24-timer'), ('undersoegelse-4-maaneder'),
                               ('barnets-plan-32'), ('foerste-opfoelgning')) r(rule)
            CROSS JOIN LATERAL (SELECT abs(hashtext(h.id::text || r.rule)) % 20 AS x,
                now() - make_interval(days => abs(hashtext(r.rule || h.id::text)) % 360)
                  AS due) d
            """
        )
        await conn.execute(
            """
            INSERT INTO activity (hovedsag_id, rule_id, title, basis, owner_id, due_at, status,
                                  completed_at, cancel_reason)
            SELECT h.id, 'boernesamtale', 'MI', 'Bench', h.caseworker_id, NULL,
                   CASE WHEN abs(hashtext(h.id::text)) % 3 = 0 THEN 'cancelled' ELSE 'done' END,
                   now() - make_interval(days => abs(hashtext(h.id::text)) % 360),
                   CASE WHEN abs(hashtext(h.id::text)) % 3 = 0 THEN 'Bench' END
            FROM hovedsag h WHERE abs(hashtext(h.id::text || 'b')) % 2 = 0
            """
        )
        await conn.execute(
            """
            INSERT INTO underretning (enkeltsag_id, received_at, notifier_kind, source, concerns,
                                      created_by)
            SELECT e.id, now() - make_interval(days => abs(hashtext(e.id::text)) % 365),
                   'fagperson',
                   (ARRAY['skole','skole','dagtilbud','politi','sundhed','familie','nabo',
                          'anonym','andet'])[1 + abs(hashtext(e.id::text || 's')) % 9],
                   'Bench', 'bench'
            FROM (SELECT DISTINCT ON (hovedsag_id, kind) id FROM enkeltsag
                  WHERE kind IN ('afklaring', 'undersoegelse')
                  ORDER BY hovedsag_id, kind, opened_at) e
            WHERE abs(hashtext(e.id::text || 'u')) % 4 < 3
            """
        )
        # Steady state, as autovacuum keeps it: statistics and visibility maps.
        await conn.execute("VACUUM ANALYZE")
        counts = {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in (
                "supplier",
                "offer",
                "offer_price",
                "indsats",
                "bevilling",
                "bevilling_price",
                "payment",
                "activity",
                "underretning",
            )
        }
        users = {
            r["username"]: r["id"]
            for r in await conn.fetch(
                "SELECT id, username FROM app_user WHERE username IN "
                "('leder@bench.dk', 'oekonomi@bench.dk')"
            )
        }
        offers = [r["id"] for r in await conn.fetch("SELECT id FROM offer ORDER BY id")]
    finally:
        await conn.close()
    return {
        "counts": counts,
        "users": users,
        "offers": offers,
        "seconds": time.perf_counter() - started,
    }


async def _measure(client: httpx.AsyncClient, url: str, n: int, warm: int = 5) -> list[float]:
    for _ in range(warm):
        (await client.get(url)).raise_for_status()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = await client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    return out


async def _count_rows(xlsx: bytes) -> int:
    """Data rows in the first sheet of an .xlsx answer (the header row not counted)."""
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
    return max(0, (sheet.max_row or 1) - 1)


async def _run_pending(code: str) -> None:
    from backend.db import DB
    from backend.outbox.tasks import run_outbox_job
    from tenancy.context import tenant_transaction

    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, job FROM outbox WHERE done_at IS NULL ORDER BY created_at"
        )
    for r in rows:
        if r["job"].startswith(("money.", "mi.")):
            await run_outbox_job({}, code, str(r["id"]))


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    results: list[dict[str, object]] = []
    try:
        db_url = await fresh_database(server)
        os.environ["DATABASE_URL"] = db_url
        os.environ["REDIS_URL"] = redis_url
        os.environ["TREKANT_ENV"] = "test"
        from backend.app import create_app
        from backend.auth.session import COOKIE, Session, SessionStore
        from backend.config import load_settings
        from backend.core.danish import today_dk
        from tenancy.registry import Registry

        settings = load_settings()
        reg = Registry(db_url, settings.role_prefix)
        await reg.bootstrap()
        await reg.create(BIG, "Storby")
        core = await generate(db_url, f"k{BIG}")
        data = await extend(db_url, f"k{BIG}")
        c = data["counts"]
        print(
            f"generated in {core['seconds'] + data['seconds']:.0f} s: "
            + ", ".join(f"{v} {k}" for k, v in c.items()),
            flush=True,
        )
        app = create_app(settings)
        async with app.lifespan():
            store: SessionStore = app.state.sessions

            async def client_for(username: str) -> httpx.AsyncClient:
                session = Session(
                    realm="kommune",
                    subject=str(data["users"][username]),
                    username=username,
                    display_name=username,
                    kommune_code=BIG,
                    kommune_name="Storby",
                )
                token = await store.create(session)
                return httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app),
                    base_url="http://bench",
                    cookies={COOKIE: token},
                    headers={"X-CSRF-Token": session.csrf_token},
                    timeout=120,
                )

            manager = await client_for("leder@bench.dk")
            finance = await client_for("oekonomi@bench.dk")
            kommune = await _measure(manager, "/api/mi/dashboard?scope=kommune", ROUNDS)
            results.append(
                report(
                    "MI dashboard, kommune (30,000 children)",
                    summary(kommune),
                    "p95 <= 300 ms",
                    pct(kommune, 0.95) <= 300,
                )
            )
            teams = await _measure(manager, "/api/mi/dashboard", ROUNDS)
            results.append(
                report(
                    "MI dashboard, a manager's team",
                    summary(teams),
                    "p95 <= 300 ms",
                    pct(teams, 0.95) <= 300,
                )
            )
            spending = await _measure(
                finance, "/api/money/spending?group_by=supplier", max(1, ROUNDS // 3), 2
            )
            results.append(
                report("expected vs actual this year by supplier", summary(spending), "-", True)
            )

            export_s = []
            rows = 0
            for _ in range(3):
                t0 = time.perf_counter()
                r = await finance.post("/api/exports", json={"source": "betalinger"})
                r.raise_for_status()
                if r.status_code == 200:  # a small export comes back as the file itself
                    export_s.append(time.perf_counter() - t0)
                    rows = await _count_rows(r.content)
                    continue
                job = r.json()
                await _run_pending(BIG)
                status = (await finance.get(f"/api/exports/{job['id']}")).json()
                f = await finance.get(status["download_url"])
                f.raise_for_status()
                export_s.append(time.perf_counter() - t0)
                rows = status["total_rows"]
            results.append(
                report(
                    f"Excel export of {rows} payments (request, job, download)",
                    f"median {sorted(export_s)[1]:.2f} s, max {max(export_s):.2f} s, n=3",
                    "<= 10 s",
                    max(export_s) <= 10,
                )
            )

            effective = date(today_dk().year + 1, 1, 1)
            body = {
                "offer_ids": [str(o) for o in data["offers"]],
                "effective_from": effective.isoformat(),
                "percent": "3.2",
            }
            t0 = time.perf_counter()
            preview = await finance.post("/api/money/price-updates/preview", json=body)
            preview.raise_for_status()
            preview_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            r = await finance.post("/api/money/price-updates", json=body)
            r.raise_for_status()
            update_id = r.json()["id"]
            requested_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            await _run_pending(BIG)
            apply_s = time.perf_counter() - t0
            done = (await finance.get(f"/api/money/price-updates/{update_id}")).json()
            assert done["status"] == "faerdig", done
            updated = done["result"]["bevillinger"]
            r = await finance.post(f"/api/money/price-updates/{update_id}/revert")
            r.raise_for_status()
            t0 = time.perf_counter()
            await _run_pending(BIG)
            revert_s = time.perf_counter() - t0
            reverted = (await finance.get(f"/api/money/price-updates/{update_id}")).json()
            assert reverted["status"] == "tilbagefoert", reverted
            results.append(
                report(
                    f"price update over {updated} ongoing bevillinger (job)",
                    f"{apply_s:.2f} s (preview {preview_s:.2f} s, request {requested_s:.2f} s, "
                    f"revert {revert_s:.2f} s)",
                    "<= 30 s",
                    apply_s <= 30 and updated >= 20_000,
                )
            )
            await manager.aclose()
            await finance.aclose()
    finally:
        services.stop()  # type: ignore[attr-defined]
    return results


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
