"""Arkiveringsversioner: bestil, følg, hent, kontrollér (docs/reporting.md "Rigsarkivet").

``do_request`` records the version and the cases closed in the period in the request's
transaction and queues the job (``tasks.py``); an empty period is refused at the field, with
nothing created. ``archived_cases`` is the contract with retention (issue 18 item 4): the
cases contained in a version whose read-back succeeded.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from backend.archive import files
from backend.archive import repository as repo
from backend.archive.repository import VersionRow
from backend.audit.service import record
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotFound, StateConflict
from backend.core.principal import Principal
from backend.money import progress
from backend.outbox.service import enqueue
from tenancy.context import current_scope

BUILD_JOB = "archive.build"
CHECK_JOB = "archive.check"


def _fmt(d: date) -> str:
    return f"{d:%d.%m.%Y}"  # as the screens show a date


async def do_request(me: Principal, period_from: date, period_to: date) -> uuid.UUID:
    """Record a version of the cases closed from ``period_from`` to ``period_to`` (both
    included) and queue its job. FieldError when the period is wrong or holds no closed
    case: nothing is created."""
    if period_from.year < 1900:
        raise FieldError("period_from", "Vælg en periode efter år 1900")
    if period_to < period_from:
        raise FieldError("period_to", "Slutdatoen ligger før startdatoen")
    if period_to > today_dk():
        raise FieldError("period_to", "Perioden kan ikke slutte i fremtiden")
    if await repo.count_closed_cases(period_from, period_to) == 0:
        raise FieldError(
            "period_from",
            f"Ingen sager blev lukket fra {_fmt(period_from)} til {_fmt(period_to)}; "
            "vælg en anden periode",
        )
    number = await repo.next_number()
    code = current_scope().code
    avid = f"AVID.{files.archive_code()}.{int(code)}{number:04d}"
    version_id = await repo.insert_version(
        avid, period_from, period_to, me.user_id, me.display_name
    )
    await enqueue(BUILD_JOB, {"version_id": str(version_id)})
    await record(
        me.actor,
        "archive.requested",
        str(version_id),
        avid=avid,
        period_from=period_from.isoformat(),
        period_to=period_to.isoformat(),
    )
    return version_id


async def list_versions() -> list[tuple[VersionRow, dict[str, object]]]:
    """The latest versions, each with the progress of a job that has not finished."""
    rows = await repo.list_versions()
    waiting = [r.id for r in rows if r.status in ("venter", "koerer")]
    found = await progress.read_many(current_scope().code, waiting) if waiting else {}
    return [(r, found.get(r.id, {})) for r in rows]


async def package(me: Principal, version_id: uuid.UUID) -> tuple[VersionRow, Path]:
    """A written version's folder, for download (audited: it holds case data)."""
    row = await repo.get_version(version_id)
    if row is None:
        raise NotFound("Arkiveringsversionen findes ikke")
    root = files.version_dir(current_scope().code, row.id, row.avid)
    if row.status != "klar" or not root.is_dir():
        raise StateConflict("Arkiveringsversionen er ikke færdig")
    await record(me.actor, "archive.downloaded", str(version_id), avid=row.avid, cases=row.cases)
    return row, root


async def do_check(me: Principal, version_id: uuid.UUID) -> None:
    """Queue a new read-back of a written version."""
    row = await repo.get_version(version_id)
    if row is None:
        raise NotFound("Arkiveringsversionen findes ikke")
    if row.status != "klar":
        raise StateConflict("Arkiveringsversionen er ikke færdig")
    await enqueue(CHECK_JOB, {"version_id": str(version_id)})
    await record(me.actor, "archive.checked", str(version_id), avid=row.avid)


async def archived_cases(case_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Of ``case_ids``, the cases contained in an arkiveringsversion whose read-back
    succeeded (retention may delete those that must be preserved once this says so).
    Runs in the caller's tenant transaction."""
    if not case_ids:
        return set()
    return await repo.archived_among(case_ids)


class _Sink:
    """A write-only file the zip writes into; ``take`` hands out what was written."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def zip_stream(root: Path) -> Iterator[bytes]:
    """The folder as a zip, streamed (stored, not compressed: TIFF G4 and XML are read by
    Rigsarkivet's tools as they are; a file is read a MiB at a time)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:  # type: ignore[call-overload]  # a write-only stream is enough
        for path in files.all_files(root):
            name = "/".join((root.name, *path.relative_to(root).parts))
            with path.open("rb") as src, z.open(name, "w", force_zip64=True) as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
                    yield sink.take()
            yield sink.take()
    yield sink.take()
