"""The archive's API shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from backend.archive.repository import Status, VersionRow


class ArchiveVersionCreate(msgspec.Struct, forbid_unknown_fields=True):
    period_from: date
    period_to: date


class ArchiveVersionCreated(msgspec.Struct):
    id: uuid.UUID


class ArchiveVersionRead(msgspec.Struct):
    id: uuid.UUID
    avid: str
    period_from: date
    period_to: date
    status: Status
    cases: int
    documents: int
    table_rows: int
    files: int
    size_bytes: int
    readback: Literal["ok", "fejl", "ikke_kontrolleret"]
    readback_errors: list[str]  # Danish, for a person
    checked_at: datetime | None  # the last read-back
    error: str | None  # Danish, when the job failed
    created_by_name: str
    created_at: datetime
    finished_at: datetime | None
    percent: int | None  # while the job runs
    message: str | None  # what the job is doing now (Danish)
    download_url: str | None


def version_read(row: VersionRow, prog: dict[str, object]) -> ArchiveVersionRead:
    percent = prog.get("percent")
    message = prog.get("message")
    return ArchiveVersionRead(
        id=row.id,
        avid=row.avid,
        period_from=row.period_from,
        period_to=row.period_to,
        status=row.status,
        cases=row.cases,
        documents=row.documents,
        table_rows=row.table_rows,
        files=row.files,
        size_bytes=row.size_bytes,
        readback="ikke_kontrolleret"
        if row.readback_ok is None
        else ("ok" if row.readback_ok else "fejl"),
        readback_errors=row.readback_errors,
        checked_at=row.checked_at,
        error=row.error,
        created_by_name=row.created_by_name,
        created_at=row.created_at,
        finished_at=row.finished_at,
        percent=percent
        if isinstance(percent, int) and row.status in ("venter", "koerer")
        else None,
        message=message
        if isinstance(message, str) and row.status in ("venter", "koerer")
        else None,
        download_url=f"/api/admin/archive/{row.id}/zip" if row.status == "klar" else None,
    )
