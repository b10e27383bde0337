"""Case-core benchmarks (issue 4): the caseworker's front page, case search and the first
journal page, against a generated kommune of 30,000 children, 300,000 enkeltsager and
3 million journal entries — first alone, then with 97 more kommuner beside it.

Requests go through the real application in-process (``httpx.ASGITransport``): routing,
session, tenant transaction, roles, guard, queries and serialisation, without the network.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

import asyncpg
import httpx

from bench.common import fresh_database, pct, report, start_services, summary

BIG = "1000"
CHILDREN = int(os.environ.get("BENCH_CHILDREN", "30000"))
ROUNDS = int(os.environ.get("BENCH_CASEWORK_ROUNDS", "300"))  # requests per measurement
KOMMUNER = int(os.environ.get("BENCH_CASEWORK_KOMMUNER", "98"))  # the big one and the rest
# The knobs that make it tiny (tests/bench/test_bench_smoke.py).
SMOKE = {"BENCH_CHILDREN": "200", "BENCH_CASEWORK_ROUNDS": "5", "BENCH_CASEWORK_KOMMUNER": "2"}
ENKELTSAGER_PER_CASE = 10
JOURNAL_PER_CASE = 100
BIG_JOURNAL = 2000
OPEN_CASES_OF_BENCH_USER = 60
# Caseworkers in proportion to the children: one per 50 children, so each holds about 37 open
# cases (sb0, the bench caseworker, 60; the demo's busiest caseworker 75). With 40 for 30,000
# children each held about 570 open cases, a front page no kommune gives a caseworker, and the
# load test (bench/load_bench.py) measured that page instead of a working day's.
CHILDREN_PER_CASEWORKER = 50

FIRST = [
    "Freja",
    "Alma",
    "Ida",
    "Clara",
    "Ella",
    "Noah",
    "William",
    "Oscar",
    "Carl",
    "Emil",
    "Sofie",
    "Maja",
    "Laura",
    "Anna",
    "Victor",
    "Magnus",
    "Elias",
    "Liam",
    "Nora",
    "Ali",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
]


async def generate(
    owner_dsn: str, schema: str, children: int = CHILDREN, analyze: bool = True
) -> dict[str, Any]:
    """Fill one kommune schema directly as the owner (set-based SQL, a few seconds) with
    ``children`` children (the load benchmark's small kommuner take fewer). ``analyze``:
    ANALYZE the whole database at the end (the load benchmark does it once, after 98)."""
    conn = await asyncpg.connect(owner_dsn)
    started = time.perf_counter()
    workers = max(40, -(-children // CHILDREN_PER_CASEWORKER))
    try:
        await conn.execute(f"SET search_path = {schema}")  # bench-only owner session
        await conn.execute(
            "INSERT INTO app_user (username, display_name, provisioned_by) "
            "SELECT 'sb' || g || '@bench.dk', 'Sagsbehandler ' || g, 'bench' "
            "FROM generate_series(0, $1 - 1) g",
            workers,
        )
        await conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by) "
            "SELECT id, 'sagsbehandler', 'bench' FROM app_user WHERE username LIKE 'sb%'"
        )
        await conn.execute(
            f"""
            INSERT INTO child (cpr, first_name, last_name, birth_date, address)
            SELECT lpad((1 + i % 28)::text, 2, '0') || lpad((1 + (i / 28) % 12)::text, 2, '0')
                   || lpad((8 + (i / 336) % 18)::text, 2, '0')
                   || lpad((4000 + (i / 6048))::text, 4, '0'),
                   ($1::text[])[1 + i % {len(FIRST)}], ($2::text[])[1 + (i / 7) % {len(LAST)}],
                   make_date(2008 + (i / 336) % 18, 1 + (i / 28) % 12, 1 + i % 28),
                   'Benchvej ' || i
            FROM generate_series(0, {children - 1}) i
            """,
            FIRST,
            LAST,
        )
        await conn.execute(
            f"""
            WITH users AS (SELECT array_agg(id ORDER BY username) AS ids FROM app_user
                           WHERE username LIKE 'sb%'),
                 c AS (SELECT id, row_number() OVER (ORDER BY cpr) AS n FROM child)
            INSERT INTO hovedsag (child_id, opened_at, closed_at, stage, caseworker_id)
            SELECT c.id, current_date - (c.n % 900)::int,
                   CASE WHEN c.n % 4 = 0 THEN current_date - (c.n % 30)::int END,
                   (ARRAY['afklaring','undersoegelse','afgoerelse','indsats'])[1 + c.n % 4],
                   CASE WHEN c.n <= {OPEN_CASES_OF_BENCH_USER * 4 // 3} AND c.n % 4 <> 0
                        THEN users.ids[1] ELSE users.ids[2 + c.n % {workers - 1}] END
            FROM c, users
            """
        )
        await conn.execute(
            f"""
            INSERT INTO enkeltsag (hovedsag_id, kind, opened_at)
            SELECT h.id, (ARRAY['afklaring','undersoegelse','afgoerelse','indsats'])[1 + g % 4],
                   now() - make_interval(days => g * 30)
            FROM hovedsag h, generate_series(1, {ENKELTSAGER_PER_CASE}) g
            """
        )
        await conn.execute(
            f"""
            INSERT INTO journal_entry (hovedsag_id, at, author, kind, event, title, body)
            SELECT h.id, now() - make_interval(hours => g * 7), 'bench', 'haendelse',
                   'bench', 'Hændelse ' || g, 'Generet journalindhold til måling.'
            FROM hovedsag h, generate_series(1, {JOURNAL_PER_CASE}) g
            """
        )
        big_case = await conn.fetchval("SELECT id FROM hovedsag ORDER BY opened_at LIMIT 1")
        # The bench caseworker may open the big case as a co-caseworker; one case in ten
        # has a co-caseworker, like the demo data.
        await conn.execute(
            "INSERT INTO hovedsag_worker (hovedsag_id, user_id, added_by) "
            "SELECT $1, id, 'bench' FROM app_user WHERE username = 'sb0@bench.dk'",
            big_case,
        )
        await conn.execute(
            f"""
            WITH users AS (SELECT array_agg(id ORDER BY username) AS ids FROM app_user
                           WHERE username LIKE 'sb%'),
                 c AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM hovedsag)
            INSERT INTO hovedsag_worker (hovedsag_id, user_id, added_by)
            SELECT c.id, users.ids[2 + (c.n * 7) % {workers - 1}], 'bench' FROM c, users
            WHERE c.n % 10 = 0 ON CONFLICT DO NOTHING
            """
        )
        await conn.execute(
            "INSERT INTO journal_entry (hovedsag_id, at, author, kind, title, body) "
            "SELECT $1, now() - make_interval(mins => g), 'bench', 'notat', 'Notat ' || g, "
            "'Tekst' FROM generate_series(1, $2) g",
            big_case,
            BIG_JOURNAL - JOURNAL_PER_CASE,
        )
        await conn.execute(
            """
            INSERT INTO activity (hovedsag_id, rule_id, title, basis, owner_id, due_at, status)
            SELECT h.id, 'bench', 'Aktivitet ' || g, 'Bench', h.caseworker_id,
                   now() + make_interval(days => (g * 11 + (extract(day FROM h.opened_at))::int)
                                                  % 60 - 20),
                   CASE WHEN g = 3 THEN 'done' ELSE 'open' END
            FROM hovedsag h, generate_series(1, 3) g WHERE h.closed_at IS NULL
            """
        )
        if analyze:
            await conn.execute("ANALYZE")
        counts = {
            t: await conn.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("child", "hovedsag", "enkeltsag", "journal_entry", "activity")
        }
        user_id = await conn.fetchval("SELECT id FROM app_user WHERE username = 'sb0@bench.dk'")
        open_cases = await conn.fetchval(
            "SELECT count(*) FROM hovedsag WHERE caseworker_id = $1 AND closed_at IS NULL", user_id
        )
    finally:
        await conn.close()
    return {
        "counts": counts,
        "user_id": user_id,
        "big_case": big_case,
        "open_cases": open_cases,
        "seconds": time.perf_counter() - started,
    }


async def _measure(
    client: httpx.AsyncClient, method: str, url: str, n: int, json: Any = None
) -> list[float]:
    for _ in range(min(20, n)):  # warm-up
        (await client.request(method, url, json=json)).raise_for_status()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = await client.request(method, url, json=json)
        out.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    return out


# The front page's first view in the PWA (pwa/src/pages/Worklist.tsx): the group counts and
# filter choices, the first page of the first group, and the first pages behind the tabs'
# counts ("Nye underretninger", "Mine sager").
FIRST_VIEW = (
    "/api/worklist/summary",
    "/api/worklist/activities?vindue=overdue&offset=0&limit=6",
    "/api/worklist/notifications?offset=0&limit=5",
    "/api/worklist/cases?sort=overskredne&offset=0&limit=10",
)


async def _payload(client: httpx.AsyncClient, url: str) -> int:
    """The answer's size in bytes (as sent, before any compression)."""
    r = await client.get(url)
    r.raise_for_status()
    return len(r.content)


async def _measure_view(
    client: httpx.AsyncClient, first: str, then: list[str], n: int
) -> tuple[list[float], list[float]]:
    """The server time of a screen's first view, as the PWA asks for it: ``first`` (the case),
    then the ``then`` requests together (the places and header parts that need the case).
    Returns the critical path (first + the slowest of the rest, run concurrently) and, as an
    upper bound, all of them one after another."""

    async def get(url: str) -> None:
        (await client.get(url)).raise_for_status()

    for _ in range(min(20, n)):  # warm-up
        for url in (first, *then):
            await get(url)
    path, serial = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        await get(first)
        await asyncio.gather(*(get(url) for url in then))
        path.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        for url in (first, *then):
            await get(url)
        serial.append((time.perf_counter() - t0) * 1000)
    return path, serial


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
        from tenancy.registry import Registry

        settings = load_settings()
        reg = Registry(db_url, settings.role_prefix)
        await reg.bootstrap()
        await reg.create(BIG, "Storby")
        data = await generate(db_url, f"k{BIG}")
        c = data["counts"]
        print(
            f"generated in {data['seconds']:.0f} s: {c['child']} children, {c['hovedsag']} "
            f"cases, {c['enkeltsag']} enkeltsager, {c['journal_entry']} journal entries, "
            f"{c['activity']} activities; bench caseworker holds {data['open_cases']} "
            "open cases",
            flush=True,
        )
        app = create_app(settings)
        async with app.lifespan():
            store: SessionStore = app.state.sessions
            session = Session(
                realm="kommune",
                subject=str(data["user_id"]),
                username="sb0@bench.dk",
                display_name="Sagsbehandler 0",
                kommune_code=BIG,
                kommune_name="Storby",
            )
            token = await store.create(session)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://bench",
                cookies={COOKIE: token},
                headers={"X-CSRF-Token": session.csrf_token},
            ) as client:
                front_one = await _measure(client, "GET", "/api/worklist", ROUNDS)
                whole_bytes = await _payload(client, "/api/worklist")
                first_bytes = [await _payload(client, u) for u in FIRST_VIEW]
                front_view = [await _measure(client, "GET", u, ROUNDS) for u in FIRST_VIEW]
                for i in range(KOMMUNER - 1):
                    await reg.create(f"{2000 + i:04d}", f"Kommune {i}")
                front_98 = await _measure(client, "GET", "/api/worklist", ROUNDS)
                name_search = await _measure(
                    client,
                    "POST",
                    "/api/search",
                    max(1, ROUNDS * 2 // 3),
                    {"text": "Alma Jen", "page_size": 25},
                )
                overdue_search = await _measure(
                    client,
                    "POST",
                    "/api/search",
                    max(1, ROUNDS // 3),
                    {"deadline": "overdue", "age_from": 10, "page_size": 25},
                )
                journal = await _measure(
                    client, "GET", f"/api/cases/{data['big_case']}/journal", ROUNDS
                )
                case_page = await _measure(client, "GET", f"/api/cases/{data['big_case']}", ROUNDS)
                # The case page's first view (header + Overblik): exactly what the PWA asks.
                case_view, case_view_serial = await _measure_view(
                    client,
                    f"/api/cases/{data['big_case']}",
                    [
                        f"/api/cases/{data['big_case']}/journal?page=1&page_size=5",
                        f"/api/cases/{data['big_case']}/transfers",
                        "/api/offline/choices",
                    ],
                    ROUNDS,
                )
        p95_one, p95_98 = pct(front_one, 0.95), pct(front_98, 0.95)
        for url, times, size in zip(FIRST_VIEW, front_view, first_bytes, strict=True):
            results.append(
                report(
                    f"front page first view: GET {url.split('?')[0]} ({size / 1000:.1f} kB)",
                    summary(times),
                    "p95 <= 30 ms",
                    pct(times, 0.95) <= 30,
                )
            )
        total = sum(first_bytes)
        results.append(
            report(
                f"front page first view payload ({len(FIRST_VIEW)} requests; the whole "
                f"GET /api/worklist: {whole_bytes / 1000:.1f} kB)",
                f"{total / 1000:.1f} kB",
                "<= 30 kB",
                total <= 30_000,
            )
        )
        results.append(
            report(
                f"front page, {data['open_cases']} open cases, 1 kommune",
                summary(front_one),
                "p95 <= 30 ms",
                p95_one <= 30,
            )
        )
        results.append(
            report(
                f"front page, same, {KOMMUNER} kommuner loaded",
                summary(front_98),
                "p95 <= 30 ms",
                p95_98 <= 30,
            )
        )
        ratio = statistics.median(front_98) / statistics.median(front_one)
        results.append(
            report(
                f"front page {KOMMUNER} vs 1 kommune",
                f"{ratio:.2f}x at the median",
                "<= 1.2x",
                ratio <= 1.2,
            )
        )
        results.append(
            report(
                "case search by name",
                summary(name_search),
                "p95 <= 100 ms",
                pct(name_search, 0.95) <= 100,
            )
        )
        results.append(
            report(
                "case search: overdue, age >= 10",
                summary(overdue_search),
                "p95 <= 100 ms",
                pct(overdue_search, 0.95) <= 100,
            )
        )
        results.append(
            report(
                f"journal first page, case with {BIG_JOURNAL} entries",
                summary(journal),
                "p95 <= 30 ms",
                pct(journal, 0.95) <= 30,
            )
        )
        results.append(
            report(
                "case page (access check, case, activities, decisions, measures)",
                summary(case_page),
                "p95 <= 30 ms",
                pct(case_page, 0.95) <= 30,
            )
        )
        results.append(
            report(
                "case page first view (header + Overblik): the case, then the last 5 journal "
                "entries, transfers and home-visit choice together, as the PWA asks",
                summary(case_view),
                "p95 <= 30 ms",
                pct(case_view, 0.95) <= 30,
            )
        )
        results.append(
            report(
                "case page first view, the same 4 requests one after another (upper bound)",
                summary(case_view_serial),
                "p95 <= 60 ms",
                pct(case_view_serial, 0.95) <= 60,
            )
        )
    finally:
        services.stop()  # type: ignore[attr-defined]
    return results


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
