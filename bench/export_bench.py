"""One kommune out and back in (issue 19, item 6): ``trekant tenant export``, remove, and
``trekant tenant import`` (with its re-read of every table against the manifest) on a
kommune of ``BENCH_EXPORT_CHILDREN`` children with cases (the demo seeder's) and
``BENCH_EXPORT_JOURNAL`` journal notes per case and ``BENCH_EXPORT_DOCUMENT_MB`` MB of
document files (random bytes: like PDFs and photos,
they do not compress). Target: the whole restore of one kommune within 15 minutes
(docs/backup.md).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from bench.common import fresh_kommune, report, start_services

KOMMUNE = "1300"
CHILDREN = int(os.environ.get("BENCH_EXPORT_CHILDREN", "2000"))
JOURNAL = int(os.environ.get("BENCH_EXPORT_JOURNAL", "100"))  # notes per case
DOCUMENT_MB = int(os.environ.get("BENCH_EXPORT_DOCUMENT_MB", "200"))
SMOKE = {
    "BENCH_EXPORT_CHILDREN": "40",
    "BENCH_EXPORT_JOURNAL": "2",
    "BENCH_EXPORT_DOCUMENT_MB": "1",
}
CHUNK = 1 << 20


async def _documents(db_url: str, megabytes: int) -> None:
    """``megabytes`` files of 1–8 MiB on the kommune's cases, written as the documents
    package stores them (1 MiB chunks)."""
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(f"SET search_path = k{KOMMUNE}")
        cases = [r["id"] for r in await conn.fetch("SELECT id FROM hovedsag ORDER BY id")]
        await conn.execute(
            "INSERT INTO journal_entry (hovedsag_id, at, author, kind, title, body) "
            "SELECT h.id, now() - n * interval '1 hour', 'bench@eksportby.dk', 'notat', "
            "'Samtale med skolen', repeat('Barnet fortæller om sin uge. ', 12) "
            "FROM hovedsag h, generate_series(1, $1) n",
            JOURNAL,
        )
        left, i = megabytes, 0
        while left > 0:
            size = min(left, 1 + i % 8)
            doc = uuid.uuid4()
            await conn.execute(
                "INSERT INTO document (id, hovedsag_id, title, kind, dated, filename, "
                "content_type, declared_size, size, state, added_by_name) VALUES "
                "($1, $2, 'Udtalelse', 'udtalelse', current_date, 'udtalelse.pdf', "
                "'application/pdf', $3, $3, 'klar', 'Bench')",
                doc,
                cases[i % len(cases)],
                size * CHUNK,
            )
            await conn.copy_records_to_table(
                "document_chunk",
                records=[(doc, "original", s, os.urandom(CHUNK)) for s in range(size)],
                columns=["document_id", "stream", "seq", "bytes"],
            )
            left -= size
            i += 1
    finally:
        await conn.close()


async def run() -> list[dict[str, object]]:
    server, redis_url, services = start_services()
    try:
        db_url, settings = await fresh_kommune(server, redis_url, KOMMUNE, "Eksportby")
        from backend import db
        from backend.demo import seed_kommune
        from backend.sealing import derive_key
        from tenancy.archive import drop_kommune, export_kommune, import_kommune
        from tenancy.names import app_role
        from tenancy.registry import Registry, role_dsn

        db.configure(role_dsn(db_url, app_role(settings.role_prefix), settings.app_db_password))
        await db.start_pool(min_size=1, max_size=2)
        try:
            await seed_kommune(KOMMUNE, CHILDREN, seed=19)
        finally:
            await db.close_pool()
        await _documents(db_url, DOCUMENT_MB)
        registry = Registry(db_url, settings.role_prefix)
        key = derive_key("kommune export manifest")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "eksport.tar"
            start = time.perf_counter()
            manifest = await export_kommune(registry, KOMMUNE, out, key, actor="bench")
            exported = time.perf_counter() - start
            rows = sum(m["rows"] for m in manifest["members"])
            await drop_kommune(registry, KOMMUNE, actor="bench")
            start = time.perf_counter()
            await import_kommune(registry, out, key, actor="bench")
            imported = time.perf_counter() - start
        mb = manifest["bytes"] / 1e6
        what = f"{CHILDREN} children, {rows:,} rows, {mb:,.0f} MB file"
        return [
            report(
                f"Export one kommune ({what})",
                f"{exported:.1f} s ({mb / exported:.0f} MB/s)",
                "≤ 15 min with the import",
                exported + imported <= 900,
            ),
            report(
                f"Import it again, every table re-read against the manifest ({what})",
                f"{imported:.1f} s ({mb / imported:.0f} MB/s)",
                "≤ 15 min with the export",
                exported + imported <= 900,
            ),
        ]
    finally:
        services.stop()  # type: ignore[attr-defined]


def main() -> list[dict[str, object]]:
    return asyncio.run(run())
