"""Arkiveringsversion benchmark (issue 18 item 3), ``just bench archive``: the version of
BENCH_ARCHIVE_CASES=10000 closed cases, each with its journal (8 entries), a decision, a
measure and BENCH_ARCHIVE_DOCUMENTS_PER_CASE=1 two-page PDF documents, written as the job
writes it (tables from server-side cursors, every PDF page rendered to TIFF G4, indices,
fileIndex with MD5) and read back. Targets: the job's peak memory (RSS of the process that
runs it) a few hundred MB, <= 300 MB; its time is reported.

The data is generated set-based in SQL (an owner session on the bench database); the job
runs in a child process started for it, the way the worker runs it, so its peak RSS
(``resource.getrusage``) is the job's own.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Any

import asyncpg

from bench.common import ROOT, fresh_kommune, report, start_services

KOMMUNE = "1000"
NAME = "Benchkøbing"
CASES = int(os.environ.get("BENCH_ARCHIVE_CASES", "10000"))
DOCS_PER_CASE = int(os.environ.get("BENCH_ARCHIVE_DOCUMENTS_PER_CASE", "1"))
SMOKE = {"BENCH_ARCHIVE_CASES": "2", "BENCH_ARCHIVE_DOCUMENTS_PER_CASE": "1"}
MAX_RSS_MB = 300


def _pdf() -> bytes:
    from weasyprint import HTML

    text = " ".join(["Barnet trives i skolen og har gode kammerater."] * 60)
    out = HTML(
        string=f"<html lang='da'><body><h1>Udtalelse</h1><p>{text}</p>"
        f"<p style='page-break-before: always'>{text}</p></body></html>"
    ).write_pdf()
    assert out is not None
    return bytes(out)


async def generate(db_url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(db_url)
    t0 = time.perf_counter()
    try:
        await conn.execute(f"SET search_path = k{KOMMUNE}")  # bench-only owner session
        admin = await conn.fetchval(
            "INSERT INTO app_user (username, display_name, provisioned_by) "
            "VALUES ('admin@bench.dk', 'Administrator', 'bench') RETURNING id"
        )
        await conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by) VALUES ($1, 'administrator', 'b')",
            admin,
        )
        await conn.execute(
            """
            INSERT INTO child (cpr, first_name, last_name, birth_date, address)
            SELECT lpad((1 + i % 28)::text, 2, '0') || '0112' || lpad(i::text, 4, '0'),
                   (ARRAY['Freja','Alma','Noah','Emil','Sara','Ali','Ida','Oscar'])[1 + i % 8],
                   'Arkivsen ' || i, make_date(2012, 1, 1 + i % 28), 'Arkivvej ' || i
            FROM generate_series(0, $1 - 1) i
            """,
            CASES,
        )
        await conn.execute(
            "INSERT INTO hovedsag (child_id, opened_at, closed_at, stage, close_reason) "
            "SELECT id, date '2023-01-01' + (row_number() OVER (ORDER BY cpr))::int % 300, "
            "date '2025-01-01' + (row_number() OVER (ORDER BY cpr))::int % 360, 'afsluttet', "
            "'Indsatsen er afsluttet' FROM child"
        )
        await conn.execute(
            "INSERT INTO enkeltsag (hovedsag_id, kind, opened_at, closed_at, paragraph) "
            "SELECT id, 'indsats', opened_at, closed_at, '32' FROM hovedsag"
        )
        await conn.execute(
            "INSERT INTO afgoerelse (hovedsag_id, enkeltsag_id, paragraph, outcome, decided_on, "
            "summary, created_by) SELECT e.hovedsag_id, e.id, '32', 'bevilget', "
            "e.opened_at::date + 30, 'Familien bevilges familiebehandling efter § 32.', 'sb' "
            "FROM enkeltsag e"
        )
        await conn.execute(
            "INSERT INTO indsats (hovedsag_id, enkeltsag_id, afgoerelse_id, kind, paragraph, "
            "placement, starts_on, ends_on, end_reason, created_by) "
            "SELECT a.hovedsag_id, a.enkeltsag_id, a.id, 'familiebehandling', '32', false, "
            "a.decided_on, a.decided_on + 200, 'Målet er nået', 'sb' FROM afgoerelse a"
        )
        await conn.execute(
            "INSERT INTO journal_entry (hovedsag_id, at, author, kind, title, body) "
            "SELECT h.id, h.opened_at + g * interval '20 days', 'sb@bench.dk', 'notat', "
            "'Samtale ' || g, repeat('Barnet fortæller om skolen og hjemmet. ', 12) "
            "FROM hovedsag h, generate_series(1, 8) g"
        )
        pdf = _pdf()
        await conn.execute(
            "INSERT INTO document (hovedsag_id, title, kind, dated, filename, content_type, "
            "declared_size, size, state, added_by, added_by_name, text_state, rendition) "
            "SELECT h.id, 'Udtalelse ' || g, 'udtalelse', h.opened_at + 10, "
            "'udtalelse-' || g || '.pdf', 'application/pdf', $2, $2, 'klar', $3, "
            "'Sagsbehandler', 'klar', 'ingen' FROM hovedsag h, generate_series(1, $1) g",
            DOCS_PER_CASE,
            len(pdf),
            admin,
        )
        await conn.execute(
            "INSERT INTO document_chunk (document_id, stream, seq, bytes) "
            "SELECT id, 'original', 0, $1 FROM document",
            pdf,
        )
    finally:
        await conn.close()
    return {"seconds": time.perf_counter() - t0, "pdf_bytes": len(pdf)}


async def _job() -> None:
    """In the child process: order the version and run its job as the worker does; print
    the time, the peak RSS and what was written."""
    import resource
    from datetime import date

    import psutil

    from backend.archive import repository as repo
    from backend.archive.build import POOL_FROM
    from backend.archive.tasks import run_build
    from backend.db import DB
    from backend.worker import shutdown, startup
    from tenancy.context import tenant_transaction

    await startup({})
    try:
        base = psutil.Process().memory_info().rss
        async with tenant_transaction(DB, KOMMUNE) as scope:
            admin = await repo.an_administrator()
            assert admin is not None
            version_id = await repo.insert_version(
                f"AVID.SA.{int(KOMMUNE)}0001", date(2025, 1, 1), date(2025, 12, 31), *admin
            )
        t0 = time.perf_counter()
        async with tenant_transaction(DB, KOMMUNE) as scope:
            outcome = await run_build(scope, version_id)
        seconds = time.perf_counter() - t0
        async with tenant_transaction(DB, KOMMUNE):
            row = await repo.get_version(version_id)
        assert row is not None
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        # The conversion processes (build.Converter), waited for when the pool closed: the
        # largest of them, counted once per process.
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        processes = int(os.environ.get("TREKANT_ARCHIVE_PROCESSES", "1"))
        print(
            json.dumps(
                {
                    "outcome": outcome,
                    "seconds": seconds,
                    "peak_rss": peak,
                    "child_rss": child,
                    "processes": processes if row.documents >= POOL_FROM and processes > 1 else 0,
                    "base_rss": base,
                    "readback_ok": row.readback_ok,
                    "errors": row.readback_errors[:5],
                    "documents": row.documents,
                    "rows": row.table_rows,
                    "files": row.files,
                    "size": row.size_bytes,
                }
            )
        )
    finally:
        await shutdown({})


async def prepare(server_url: str, redis_url: str) -> None:
    db_url, _ = await fresh_kommune(server_url, redis_url, KOMMUNE, NAME)
    made = await generate(db_url)
    print(
        f"generated {CASES} closed cases with {CASES * DOCS_PER_CASE} documents "
        f"in {made['seconds']:.1f} s",
        flush=True,
    )


def main() -> list[dict[str, object]]:
    server_url, redis_url, services = start_services()
    results: list[dict[str, object]] = []
    try:
        asyncio.run(prepare(server_url, redis_url))
        env = dict(os.environ, TREKANT_ARCHIVE_DIR=str(ROOT / "var" / "bench" / "arkiv"))
        proc = subprocess.run(
            [sys.executable, "-m", "bench.archive_bench", "--job"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], flush=True)
            raise RuntimeError("the archive job failed")
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        own = out["peak_rss"] / 1024 / 1024
        child = out["child_rss"] / 1024 / 1024
        mb = own + out["processes"] * child
        label = f"{CASES} cases, {out['documents']} documents"
        results.append(
            report(
                f"arkiveringsversion of {label}: read back",
                "ok" if out["readback_ok"] else f"errors {out['errors']}",
                "no errors",
                bool(out["readback_ok"]),
            )
        )
        results.append(
            report(
                f"arkiveringsversion of {label}: time",
                f"{out['seconds']:.1f} s ({out['documents'] / max(out['seconds'], 0.001):.1f} "
                f"documents/s, {out['rows']} rows, {out['files']} files, "
                f"{out['size'] / 1024 / 1024:.0f} MB)",
                "a job with progress (reported)",
                True,
            )
        )
        results.append(
            report(
                f"arkiveringsversion of {label}: peak memory (job and its conversion processes)",
                f"{mb:.0f} MB (the job's process {own:.0f} MB, after start "
                f"{out['base_rss'] / 1024 / 1024:.0f} MB"
                + (
                    f"; {out['processes']} conversion processes of at most {child:.0f} MB each)"
                    if out["processes"]
                    else ")"
                ),
                f"<= {MAX_RSS_MB} MB",
                mb <= MAX_RSS_MB,
            )
        )
    finally:
        services.stop()  # type: ignore[attr-defined]
    return results


if __name__ == "__main__" and sys.argv[1:] == ["--job"]:
    asyncio.run(_job())
