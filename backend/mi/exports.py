"""Excel exports of any standard search or MI table.

Up to ``DIRECT_LIMIT`` rows the file is made in the request and returned at once. Above
that an ``export_job`` is recorded and the outbox job ``mi.export`` makes the file in the
background, with progress in Redis (rows fetched, then rows written); the requester polls
the job and downloads the file when it is ready (kept for a day, for them only). Who may
export is who may use the source; the job checks the user's current roles again. Every
file handed out is audited (``export.downloaded``) with source, parameters and row count.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime
from typing import Any

import anyio
import msgspec

from backend.audit.service import record
from backend.auth.principal import apply_case_scope, load_principal
from backend.core.danish import file_slug, file_stamp, plural
from backend.core.db import conn
from backend.core.errors import FieldError, NotAllowed, NotFound
from backend.core.principal import Principal
from backend.mi import excel
from backend.mi import repository as repo
from backend.mi.reports import SOURCES, Source, decode_params
from backend.mi.repository import ExportJobStatus
from backend.mi.tables import Column
from backend.money import progress
from backend.outbox.service import enqueue, outbox_job
from tenancy.context import TenantScope, current_scope

EXPORT_JOB = "mi.export"
DIRECT_LIMIT = 5000
PAGE = 10_000
MAX_ROWS = 500_000


def source_of(key: str) -> Source:
    source = SOURCES.get(key)
    if source is None:
        raise FieldError("source", "Ukendt udtræk")
    return source


def check_allowed(me: Principal, source: Source) -> None:
    if not source.allowed(me):
        raise NotAllowed("Du har ikke adgang til at se eller eksportere disse data")


def filename(source: Source, now: datetime | None = None) -> str:
    """The export's Danish title and the moment in Danish time, e.g.
    betalinger-2026-12-06-kl-0315.xlsx (an export at 00:30 Danish time has that day's date,
    not the day before as in UTC)."""
    return f"{file_slug(source.title)}-{file_stamp(now)}.xlsx"


async def prepare(me: Principal, key: str, raw: dict[str, Any] | None) -> tuple[Source, Any]:
    source = source_of(key)
    check_allowed(me, source)
    params = decode_params(source, raw)
    if source.resolve is not None:
        params = await source.resolve(me, params)
    return source, params


async def fetch_all(
    me: Principal, source: Source, params: Any, total: int, on_page: Any = None
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    offset = 0
    while offset < total:
        page = await source.page(me, params, PAGE, offset)
        rows.extend(page)
        offset += PAGE
        if on_page is not None:
            await on_page(len(rows))
        if len(page) < PAGE:
            break
    return rows


def _params_json(params: Any) -> str:
    return msgspec.json.encode(params).decode()


async def do_export(
    me: Principal, key: str, raw: dict[str, Any] | None
) -> tuple[str, bytes] | uuid.UUID:
    """The file (name, content) when small; otherwise the id of the background job."""
    source, params = await prepare(me, key, raw)
    total = await source.count(me, params)
    if total > MAX_ROWS:
        raise FieldError(
            "params",
            f"Udtrækket har {plural(total, 'række', 'rækker')}; afgræns det til højst {MAX_ROWS}",
        )
    await repo.delete_expired_jobs()
    if total <= DIRECT_LIMIT:
        columns = await source.columns(me, params)
        rows = await fetch_all(me, source, params, total)
        content = await anyio.to_thread.run_sync(
            lambda: excel.write_xlsx(source.title, columns, rows)
        )
        await record(
            me.actor,
            "export.downloaded",
            None,
            source=source.key,
            params=json.loads(_params_json(params)),
            rows=len(rows),
        )
        return filename(source), content
    job_id = await repo.insert_job(source.key, _params_json(params), me.user_id, me.actor, total)
    await enqueue(EXPORT_JOB, {"export_id": str(job_id)})
    await record(me.actor, "export.requested", str(job_id), source=source.key, rows=total)
    return job_id


async def run_export(code: str, job_id: uuid.UUID) -> str:
    """The job: fetch the rows and write the workbook, in a savepoint; a failure marks the
    job failed (fejlet) with the reason and is not retried."""
    c = conn()
    job = await repo.lock_job(job_id)
    if job is None or job.status != "venter":
        return "skipped"
    total = job.total_rows or 0
    await progress.report(
        code, job_id, status="koerer", done=0, total=2 * max(total, 1), message="Henter rækkerne"
    )
    try:
        async with c.transaction():
            me = await load_principal(c, str(job.user_id), code)
            source = source_of(job.source)
            if me is None or not source.allowed(me):
                raise NotAllowed("Brugeren har ikke længere adgang til disse data")
            # The job reads as the user did: within her data restrictions, if any.
            await apply_case_scope(c, me, None)
            params = msgspec.convert(json.loads(job.params), source.params, strict=False)
            columns = await source.columns(me, params)

            async def fetched(n: int) -> None:
                await progress.report(
                    code, job_id, done=n, message=f"{plural(n, 'række', 'rækker')} hentet"
                )

            rows = await fetch_all(me, source, params, total, fetched)
            content = await _write(code, job_id, source.title, columns, rows, len(rows))
            await repo.update_job_ready(job_id, content, filename(source), len(rows))
    except Exception as exc:
        message = exc.message if isinstance(exc, NotAllowed) else f"Teknisk fejl: {exc}"[:500]
        await repo.update_job_failed(job_id, message)
        await progress.report(code, job_id, status="fejlet", message=message)
        return "failed"
    await progress.report(
        code, job_id, status="klar", done=2 * max(total, 1), message="Filen er klar"
    )
    return "done"


async def _write(
    code: str,
    job_id: uuid.UUID,
    title: str,
    columns: list[Column],
    rows: list[list[Any]],
    fetched: int,
) -> bytes:
    """Write the workbook in a thread; report its progress every half second."""
    written = [0]

    def on_row(n: int) -> None:
        written[0] = n

    async def ticker() -> None:
        while True:
            await asyncio.sleep(0.5)
            await progress.report(
                code,
                job_id,
                done=fetched + written[0],
                message=f"{plural(written[0], 'række', 'rækker')} skrevet",
            )

    task = asyncio.create_task(ticker())
    try:
        return await anyio.to_thread.run_sync(
            lambda: excel.write_xlsx(title, columns, rows, on_row=on_row)
        )
    finally:
        task.cancel()


@outbox_job(EXPORT_JOB)
async def export_job(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await run_export(scope.code, uuid.UUID(payload["export_id"]))


async def job_status(me: Principal, job_id: uuid.UUID) -> tuple[ExportJobStatus, dict[str, Any]]:
    """The user's own job and its progress; NotFound for another's."""
    row = await repo.get_job_status(job_id, me.user_id)
    if row is None:
        raise NotFound("Eksporten findes ikke")
    prog = await progress.read(current_scope().code, job_id) if row.status == "venter" else {}
    if row.status == "klar":
        prog = {"status": "klar", "percent": 100}
    elif row.status == "fejlet":
        prog = {"status": "fejlet"}
    return row, prog


async def download(me: Principal, job_id: uuid.UUID) -> tuple[str, bytes]:
    """The finished file of the user's own job (audited); NotFound when it is not ready."""
    row = await repo.get_job_file(job_id, me.user_id)
    if row is None or row.status != "klar":
        raise NotFound("Eksporten findes ikke eller er ikke klar")
    source = source_of(row.source)
    check_allowed(me, source)
    await record(
        me.actor,
        "export.downloaded",
        str(job_id),
        source=row.source,
        params=json.loads(row.params),
        rows=row.total_rows,
    )
    assert row.filename is not None and row.content is not None  # set with status klar
    return row.filename, row.content
