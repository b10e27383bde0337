"""Danmarks Statistik benchmark (issue 18 item 1): the year's delivery for the case-core
benchmark's kommune — 30,000 children (``BENCH_DST_CHILDREN``), a measure each (a third of
them placements) and 1.5 notifications each over the year — generated from the case data,
checked by DST's rules, made into one delivery and sent to the development receiver
(``infra/dst``), which validates the XML against the schema and applies the register's
rules. Target: all of it ≤ 60 s. The children, cases and enkeltsager are made like the
case-core benchmark's (``bench/casework_bench.py``: the same names, set-based SQL).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import asyncpg

from bench.casework_bench import FIRST, LAST
from bench.common import fresh_kommune, report, start_services
from infra.devprocess import free_port

BIG = "1000"
CHILDREN = int(os.environ.get("BENCH_DST_CHILDREN", "30000"))
SMOKE = {"BENCH_DST_CHILDREN": "150"}


async def generate(owner_dsn: str, schema: str) -> dict[str, int]:
    """Children, cases, one enkeltsag per case, a measure per child started this year (one
    in three a placement, half of them ended) and 1.5 notifications per child this year."""
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(f"SET search_path = {schema}")  # bench-only owner session
        await conn.execute(
            f"""
            INSERT INTO child (cpr, first_name, last_name, birth_date, address)
            SELECT lpad((1 + i % 28)::text, 2, '0') || lpad((1 + (i / 28) % 12)::text, 2, '0')
                   || lpad((8 + (i / 336) % 10)::text, 2, '0')
                   || lpad((4000 + (i / 3360))::text, 4, '0'),
                   ($1::text[])[1 + i % {len(FIRST)}], ($2::text[])[1 + (i / 7) % {len(LAST)}],
                   make_date(2008 + (i / 336) % 10, 1 + (i / 28) % 12, 1 + i % 28),
                   'Benchvej ' || i
            FROM generate_series(0, {CHILDREN - 1}) i
            """,
            FIRST,
            LAST,
        )
        await conn.execute(
            "INSERT INTO hovedsag (child_id, opened_at, stage) "
            "SELECT id, current_date - 400, 'indsats' FROM child"
        )
        await conn.execute(
            "INSERT INTO enkeltsag (hovedsag_id, kind, opened_at) "
            "SELECT id, 'indsats', now() - interval '400 days' FROM hovedsag"
        )
        await conn.execute(
            """
            WITH h AS (SELECT h.id, e.id AS e, row_number() OVER (ORDER BY h.id) AS n
                       FROM hovedsag h JOIN enkeltsag e ON e.hovedsag_id = h.id)
            INSERT INTO indsats (hovedsag_id, enkeltsag_id, kind, paragraph, placement,
                                 starts_on, ends_on, created_by)
            SELECT h.id, h.e,
                   CASE WHEN n % 3 = 0 THEN (ARRAY['plejefamilie','opholdssted',
                        'doegninstitution','netvaerksplejefamilie'])[1 + n % 4]
                        ELSE (ARRAY['kontaktperson','familiebehandling','aflastning',
                        'praktisk_paedagogisk_stoette'])[1 + n % 4] END,
                   CASE WHEN n % 3 = 0 THEN '46' ELSE '32' END,
                   n % 3 = 0,
                   current_date - (20 + n % 330)::int,
                   CASE WHEN n % 2 = 0 THEN current_date - (n % 20)::int END,
                   'bench'
            FROM h
            """
        )
        await conn.execute(
            """
            INSERT INTO underretning (enkeltsag_id, received_at, notifier_kind, source,
                                      concerns, suspected_abuse, created_by)
            SELECT e.id, now() - make_interval(days => ((g * 97 + n) % 360)::int),
                   'fagperson',
                   (ARRAY['politi','skole','dagtilbud','sundhed','familie','nabo','andet'])
                       [1 + (n + g) % 7],
                   'Bekymring', (n + g) % 13 = 0, 'bench'
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM enkeltsag) e,
                 generate_series(1, 2) g
            WHERE g = 1 OR e.n % 2 = 0
            """
        )
        await conn.execute("ANALYZE")
        return {
            t: int(await conn.fetchval(f"SELECT count(*) FROM {t}"))
            for t in ("child", "indsats", "underretning")
        }
    finally:
        await conn.close()


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    from infra import dst

    folder = Path(tempfile.mkdtemp(prefix="trekant-dst-bench-"))
    port = int(os.environ.get("BENCH_DST_PORT", "0")) or free_port()
    receiver, env = dst.prepare(folder, port)
    os.environ.update(env)
    receiver.start()
    results: list[dict[str, object]] = []
    try:
        db_url, settings = await fresh_kommune(server, redis_url, BIG, "Storby")
        counts = await generate(db_url, f"k{BIG}")
        print(
            f"generated {counts['child']} children, {counts['indsats']} measures, "
            f"{counts['underretning']} notifications",
            flush=True,
        )
        from backend.app import create_app
        from backend.db import DB
        from backend.statistics import repository as repo
        from backend.statistics import service
        from tenancy.context import tenant_transaction

        app = create_app(settings)
        async with app.lifespan():
            started = time.perf_counter()
            async with tenant_transaction(DB, BIG):
                if os.environ.get("BENCH_DST_PROFILE"):
                    import cProfile
                    import pstats

                    prof = cProfile.Profile()
                    prof.enable()
                    await service.due()
                    prof.disable()
                    pstats.Stats(prof).sort_stats("cumulative").print_stats(15)
                delivery_id, records = await service.make_delivery("bench")
            made = time.perf_counter() - started
            async with tenant_transaction(DB, BIG):
                payload = await repo.get_payload(delivery_id)
                status = await service.send_delivery(delivery_id)
            total = time.perf_counter() - started
        size = len(payload or b"")
        print(
            f"DST year: {records} records, {size / 1e6:.1f} MB XML; generated and checked in "
            f"{made:.1f} s; sent and receipt stored in {total - made:.1f} s ({status})",
            flush=True,
        )
        results.append(
            report(
                f"DST delivery for a year, {CHILDREN} children ({records} records): "
                "generate + check + send to the dev receiver",
                f"{total:.1f} s",
                "<= 60 s",
                total <= 60,
            )
        )
    finally:
        receiver.stop()
        services.stop()  # type: ignore[attr-defined]
    return results


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
