"""The daily raw data and retention (issue 18 items 4 and 5): the Parquet extract of a
kommune of ``BENCH_EXTRACT_CHILDREN`` (30,000) children — every case with its decision,
measure, five deadlines, and for half of them a bevilling with a year of monthly payments —
full, then incremental after 1 % of the cases and payments changed (targets: ≤ 30 s and
≤ 100 MB); then the deletion of ``BENCH_RETENTION_CASES`` (200) closed cases past their
period, through every owning package, as the job does it: in batches of 100 cases, one
transaction each (cases are closed for it if the kommune has too few closed ones).

The data is made set-based as the database owner; the extract and the deletion run through
the real services in a tenant transaction, as the worker runs them.
"""

from __future__ import annotations

import asyncio
import os
import resource
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import ROOT, fresh_kommune, report, start_services

CODE = "1000"
CHILDREN = int(os.environ.get("BENCH_EXTRACT_CHILDREN", "30000"))
DELETE = int(os.environ.get("BENCH_RETENTION_CASES", "200"))
SMOKE = {"BENCH_EXTRACT_CHILDREN": "150", "BENCH_RETENTION_CASES": "3"}


async def generate(db_url: str) -> dict[str, int]:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(f"SET search_path = k{CODE}")  # bench-only owner session
        await conn.execute(
            "INSERT INTO child (cpr, first_name, last_name, birth_date, address) "
            "SELECT lpad((i % 310000)::text, 6, '0') || lpad(i::text, 4, '0'), 'Barn', "
            "'Bench', current_date - 365 - (i % 6000), 'Vej 1' "
            f"FROM generate_series(1, {CHILDREN}) i"
        )
        await conn.execute(
            "INSERT INTO hovedsag (child_id, opened_at, closed_at, stage) "
            "SELECT id, current_date - 3000 + (row_number() OVER ())::int % 400, "
            "CASE WHEN (row_number() OVER ())::int % 4 = 0 THEN current_date - 2500 END, "
            "CASE WHEN (row_number() OVER ())::int % 4 = 0 THEN 'afsluttet' ELSE 'indsats' END "
            "FROM child"
        )
        await conn.execute(
            "INSERT INTO enkeltsag (hovedsag_id, kind, opened_at) "
            "SELECT id, 'indsats', opened_at FROM hovedsag"
        )
        await conn.execute(
            "INSERT INTO afgoerelse (hovedsag_id, enkeltsag_id, paragraph, outcome, decided_on, "
            "summary, created_by) SELECT e.hovedsag_id, e.id, '32', 'bevilget', "
            "e.opened_at::date, 'Bevilget', 'bench' FROM enkeltsag e"
        )
        await conn.execute(
            "INSERT INTO indsats (hovedsag_id, enkeltsag_id, afgoerelse_id, kind, paragraph, "
            "placement, starts_on, created_by) SELECT a.hovedsag_id, a.enkeltsag_id, a.id, "
            "'familiebehandling', '32', false, a.decided_on, 'bench' FROM afgoerelse a"
        )
        await conn.execute(
            "INSERT INTO activity (hovedsag_id, rule_id, title, basis, due_at, status) "
            "SELECT h.id, 'opfoelgning', 'Opfølgning', 'Barnets Lov', "
            "now() + g * interval '30 days', 'open' FROM hovedsag h, generate_series(1, 5) g"
        )
        supplier = await conn.fetchval(
            "INSERT INTO supplier (name, kind, created_by) VALUES ('Bench', 'andet', 'bench') "
            "RETURNING id"
        )
        offer = await conn.fetchval(
            "INSERT INTO offer (supplier_id, name, measure_kind, unit, created_by) "
            "VALUES ($1, 'Familiebehandling', 'familiebehandling', 'month', 'bench') RETURNING id",
            supplier,
        )
        await conn.execute(
            "INSERT INTO bevilling (hovedsag_id, indsats_id, afgoerelse_id, offer_id, "
            "supplier_id, measure_kind, paragraph, unit, quantity, frequency, period_from, "
            "created_by) SELECT i.hovedsag_id, i.id, i.afgoerelse_id, $1, $2, "
            "'familiebehandling', '32', 'month', 1, 'month', i.starts_on, 'bench' "
            "FROM indsats i WHERE (hashtext(i.id::text) & 1) = 0",
            offer,
            supplier,
        )
        await conn.execute(
            "INSERT INTO bevilling_price (bevilling_id, valid_from, amount_oere, created_by) "
            "SELECT id, period_from, 2500000, 'bench' FROM bevilling"
        )
        await conn.execute(
            "INSERT INTO payment (bevilling_id, hovedsag_id, period_from, period_to, "
            "amount_oere, status, registered_by) SELECT b.id, b.hovedsag_id, "
            "current_date - m * 30, current_date - m * 30 + 29, 2500000, 'registreret', "
            "'bench' FROM bevilling b, generate_series(1, 12) m"
        )
        await conn.execute("ANALYZE")
        counts = {
            t: int(await conn.fetchval(f"SELECT count(*) FROM {t}"))
            for t in ("hovedsag", "indsats", "activity", "bevilling", "payment")
        }
    finally:
        await conn.close()
    return counts


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.parquet"))


async def touch(db_url: str) -> None:
    """1 % of the cases and of the payments change (as a day's work would)."""
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(f"SET search_path = k{CODE}")
        await conn.execute(
            "UPDATE hovedsag SET version = version + 1 WHERE (hashtext(id::text) % 100) = 0"
        )
        await conn.execute(
            "UPDATE payment SET status = 'godkendt', approved_at = now() "
            "WHERE (hashtext(id::text) % 100) = 0"
        )
    finally:
        await conn.close()


async def run() -> list[dict[str, Any]]:
    server_url, redis_url, services = start_services()
    results: list[dict[str, Any]] = []
    os.environ["TREKANT_DATA_DIR"] = str(ROOT / "var" / "bench" / "data")
    try:
        db_url, settings = await fresh_kommune(server_url, redis_url, CODE, "Benchby")
        import backend.jobs  # noqa: F401 - the outbox jobs (the audit) the services queue
        from backend import db, queue
        from backend.config import get_settings
        from backend.db import DB
        from backend.extract import service as extract
        from tenancy.context import tenant_transaction
        from tenancy.names import app_role
        from tenancy.registry import role_dsn

        get_settings.cache_clear()  # DATABASE_URL and the data directory are the bench's
        started = time.perf_counter()
        counts = await generate(db_url)
        print(f"generated {counts} in {time.perf_counter() - started:.1f} s", flush=True)
        db.configure(
            role_dsn(
                settings.database_url, app_role(settings.role_prefix), settings.app_db_password
            )
        )
        await db.start_pool(min_size=1, max_size=4)
        await queue.start(redis_url)
        try:
            sizes = {}
            for label in ("fuldt", "inkrementelt"):
                if label == "inkrementelt":
                    await touch(db_url)
                t0 = time.perf_counter()
                async with tenant_transaction(DB, CODE):
                    extract_id = await extract.run_extract(CODE, "bench")
                seconds = time.perf_counter() - t0
                folder = extract.extract_dir(CODE, extract_id)
                size = await asyncio.to_thread(_size, folder)
                sizes[label] = size
                results.append(
                    report(
                        f"daily raw data, {label} ({CHILDREN} children)",
                        f"{seconds:.1f} s, {size / 1e6:.2f} MB",
                        "≤ 30 s and ≤ 100 MB",
                        seconds <= 30 and size <= 100e6,
                    )
                )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak memory of the bench process: {peak:.0f} MB", flush=True)
            results.append(await _retention(db_url))
        finally:
            await queue.stop()
            await db.close_pool()
    finally:
        services.stop()  # type: ignore[attr-defined]
    return results


async def _retention(db_url: str) -> dict[str, Any]:
    from backend.db import DB
    from backend.retention import repository as retention_repo
    from backend.retention import service as retention
    from tenancy.context import tenant_transaction

    conn = await asyncpg.connect(db_url)
    try:  # bench-only owner session: close enough cases long ago
        await conn.execute(
            f"UPDATE k{CODE}.hovedsag SET closed_at = current_date - 2500, stage = 'afsluttet' "
            f"WHERE id IN (SELECT id FROM k{CODE}.hovedsag WHERE closed_at IS NULL "
            f"ORDER BY id LIMIT greatest(0, $1 - (SELECT count(*) FROM k{CODE}.hovedsag "
            "WHERE closed_at IS NOT NULL)))",
            DELETE,
        )
    finally:
        await conn.close()
    async with tenant_transaction(DB, CODE) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, case_number FROM hovedsag WHERE closed_at IS NOT NULL ORDER BY id LIMIT $1",
            DELETE,
        )
        run_id = await retention_repo.insert_run(
            "bench", "Bench", [(r["id"], r["case_number"]) for r in rows]
        )
    t0 = time.perf_counter()
    batches: list[float] = []
    outcome = "more"
    while outcome == "more":  # each batch its own transaction, as the outbox runs them
        b0 = time.perf_counter()
        async with tenant_transaction(DB, CODE):
            outcome = await retention.run_deletion(CODE, run_id)
        batches.append(time.perf_counter() - b0)
        if len(batches) % 10 == 0:
            print(
                f"retention: {len(batches)} batches, {time.perf_counter() - t0:.0f} s", flush=True
            )
    seconds = time.perf_counter() - t0
    async with tenant_transaction(DB, CODE):
        run = await retention_repo.get_run(run_id)
    assert run is not None
    return report(
        f"retention: delete {len(rows)} closed cases whole, {retention.BATCH} per transaction",
        f"{seconds:.1f} s ({run.deleted} deleted, {run.refused} refused, "
        f"{1000 * seconds / max(1, len(rows)):.0f} ms a case, {len(batches)} batches, "
        f"longest transaction {max(batches):.1f} s)",
        "a job with progress, resumable; no target in the issue",
        run.deleted == len(rows),
    )


def main() -> list[dict[str, Any]]:
    return asyncio.run(run())
