"""The demo kommune's arkiveringsversion, made at seed time (``trekant dev``): the cases
closed in the 30 days up to the last closing, written and read back in the seed's own
transaction, so a newcomer finds one under Administration › Arkivering that reads back."""

from __future__ import annotations

from datetime import timedelta

from backend.archive import files
from backend.archive import repository as repo
from backend.archive.build import build
from backend.db import DB
from tenancy.context import tenant_transaction


async def _quiet(done: int, message: str) -> None:
    return None


async def seed_archive(code: str) -> str | None:
    """Make the version if the kommune has none and has closed cases; its AVID, or None."""
    async with tenant_transaction(DB, code) as scope:
        if await repo.has_versions():
            return None
        last = await repo.last_closed_on()
        admin = await repo.an_administrator()
        if last is None or admin is None:
            return None
        start = last - timedelta(days=30)
        avid = f"AVID.{files.archive_code()}.{int(code)}{1:04d}"
        version_id = await repo.insert_version(avid, start, last, admin[0], admin[1])
        await repo.mark_running(version_id)
        built = await build(code, scope.name, version_id, avid, start, last, _quiet)
        await repo.mark_written(
            version_id,
            documents=built.documents,
            table_rows=sum(built.rows.values()),
            files=built.files,
            size_bytes=built.size,
            expected=built.expected,
            errors=built.errors,
        )
        return avid
