"""The transfer package: everything about one main case, written out by the sending
kommune and read into a new case by the receiving one.

**Export** (sending kommune, its own tenant transaction): the child, the main case, and every
row of every table of the kommune's schema that belongs to the case — every table with a
``hovedsag_id`` column (enkeltsager, activities open and done, the journal, decisions,
measures, steps, ICS investigations and plans with all their versions, and whatever later
tables hang off a case, such as documents), plus the notifications (through their
enkeltsag) and the child's whole network. Rows are taken whole (``to_jsonb``), so a new
column travels without a change here. Users are sender-local: the package names them.

**Import** (receiving kommune, one tenant transaction): every id is replaced by a fresh one
(the same old id always by the same new one, so references inside the package hold; a
case that comes back to a kommune it once left cannot collide with its old rows); columns
pointing at the sender's users and teams are emptied (open activities go to the caseworker
who accepted); columns the receiving schema lacks are dropped and reported; tables are
inserted in foreign-key order with ``jsonb_populate_recordset``, one statement each, so a
table's references to itself (a correction, a new version of a plan) resolve in one go.
Journal entries keep their time and author and are marked with the kommune they came from.
Those are casework's tables, so casework reads and writes them: ``lifecycle.export_case``
reads the case out whole (every table with a ``hovedsag_id`` but ``NOT_CARRIED``, and the
tables that hang off a case another way, ``lifecycle.RELATED``), and
``lifecycle.import_received_case`` holds what it takes to write another kommune's rows into
them (the child's columns, the sender-local references, the renewed ids, the journal's
corrections), and ``reassign_open_activities`` hands the open activities over. This module
keeps the package: its format, what it carries (``NOT_CARRIED``), and what it carries but
the receiver does not import (``NOT_IMPORTED``, passed to casework as data).

**Files** (format version 2): the package carries the documents' rows and text but no file
bytes; it holds a manifest (``files``: per file the sender's document id, the stream, its
size, its number of chunks, its SHA-256 and its first chunk's ``seq``), and the bytes travel
as ``shared.transfer_chunk`` rows, one per stored chunk (at most 1 MiB), each sealed on its
own (``keys.seal_chunk``: bound to the transfer, its ``seq``, sender and receiver). The
manifest is inside what the package's seal, SHA-256 and MAC cover. Export reads one chunk
at a time (:func:`send_files`); import reads them back one at a time in ``seq`` order
(:func:`import_files`), checks every file's size and SHA-256 as it goes, and writes the
chunks under the documents' new ids; any mismatch (a chunk missing, extra, changed, moved)
raises :class:`PackageError` and the caller rolls the whole import back. No file is ever
whole in memory, and there is no size limit. A version-1 package (files as
``document_chunk`` rows in ``tables``, up to 20 MB) still imports.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend import sealing
from backend.casework import lifecycle
from backend.core.errors import NotFound, StateConflict
from backend.crosskommune import keys
from backend.crosskommune import repository as repo

FORMAT = "trekant.overfoersel"
VERSION = 2
READS = (1, 2)  # version 1: the files as document_chunk rows in ``tables``

# Tables with a hovedsag_id that do not travel: who may open the case, who works on it,
# who took it offline are the sending kommune's arrangements with its own staff; how its
# letters were dispatched (backend/post) and the letters themselves (backend/letters: a sent
# letter travels as its document, the PDF/A; a draft and its template are the sender's).
NOT_CARRIED = frozenset(
    {
        "case_access",
        "hovedsag_worker",
        "transfer_inbox",
        "offline_choice",
        "post_letter",
        "delivery",
        "letter",
        # The sender's own reports to Ankestyrelsen (its statistical duty); the journal
        # entry that names each report travels with the journal.
        "ankestyrelsen_report",
        # The sender's § 139 decisions as the basis of its own report (their journal entry,
        # with every detail, travels with the journal).
        "indgreb_139",
        # The sender's own deliveries to Danmarks Statistik and its arkiveringsversioner:
        # the receiver reports and archives the case anew from its own data.
        "dst_record",
        "archive_version_case",
        # What the sender last told the Sags- og dokumentindeks (its own index entry): the
        # receiver indexes the case anew under its own service agreement.
        "sagsindeks_state",
    }
)
# Tables that travel in the package (the receiver can read them, the sender keeps them in
# its copy) but are not imported: the sender's grants and payments to its own suppliers
# from its own catalogue. The receiving kommune makes its own decisions (backend/money).
NOT_IMPORTED = {
    "visitation_draft": "afsenderens udkast til visitation med egne tilbud og priser",
    "bevilling": "afsenderens bevillinger hos egne leverandører",
    "payment": "afsenderens betalinger",
}


class PackageError(ValueError):
    """The package cannot be read (malformed, wrong format); the message is Danish."""


@dataclass
class Built:
    data: bytes
    sha256: bytes
    counts: dict[str, int]
    child_name: str
    child_birth_date: Any
    file_count: int = 0
    file_bytes: int = 0


async def send_files(
    transfer_id: uuid.UUID, hovedsag_id: uuid.UUID, from_code: str, to_code: str
) -> list[dict[str, Any]]:
    """Write every file of the case's finished documents to ``shared.transfer_chunk``, one
    sealed chunk at a time, and return the manifest (sender's tenant transaction)."""
    manifest: list[dict[str, Any]] = []
    seq = 0
    chunks = await lifecycle.case_file_chunks(hovedsag_id)
    for (document_id, stream), group in itertools.groupby(
        chunks, key=lambda k: (k.document_id, k.stream)
    ):
        digest = hashlib.sha256()
        first, size, count = seq, 0, 0
        for key in group:
            data = await lifecycle.file_chunk(key)
            if data is None:  # deleted under us: the file does not travel half
                raise StateConflict("Et dokument blev slettet under afsendelsen; send sagen igen")
            digest.update(data)
            size += len(data)
            await repo.insert_transfer_chunk(
                transfer_id,
                seq,
                from_code,
                to_code,
                keys.seal_chunk(transfer_id, seq, from_code, to_code, data),
            )
            seq += 1
            count += 1
        manifest.append(
            {
                "document_id": str(document_id),
                "stream": stream,
                "size": size,
                "chunks": count,
                "sha256": digest.hexdigest(),
                "first_seq": first,
            }
        )
    return manifest


async def build(
    conn: Any,
    *,
    transfer_id: uuid.UUID,
    hovedsag_id: uuid.UUID,
    sender: tuple[str, str],
    receiver: tuple[str, str],
    sent_by: tuple[str, str],
    summary: str,
    sent_at: datetime,
) -> Built:
    """Write out the case (in the sending kommune's open tenant transaction, ``conn``, which
    casework's lifecycle reads through)."""
    case = await lifecycle.export_case(hovedsag_id, NOT_CARRIED)
    if case is None:
        raise NotFound("Sagen findes ikke")
    child = case.child
    files = await send_files(transfer_id, hovedsag_id, sender[0], receiver[0])
    package = {
        "format": FORMAT,
        "format_version": VERSION,
        "transfer_id": str(transfer_id),
        "from": {"code": sender[0], "name": sender[1]},
        "to": {"code": receiver[0], "name": receiver[1]},
        "sent_at": sent_at.astimezone(UTC).isoformat(),
        "sent_by": {"username": sent_by[0], "name": sent_by[1]},
        "summary": summary,
        "child": child,
        "hovedsag": case.case,
        "tables": case.tables,
        "users": case.users,
        "team": case.team,
        "siblings": [
            {"name": s.name, "cpr": s.cpr, "open_case_at_sender": s.open_case}
            for s in case.siblings
        ],
        "counts": case.counts,
        "files": files,
    }
    data = msgspec.json.encode(package, order="sorted")
    return Built(
        data=data,
        sha256=hashlib.sha256(data).digest(),
        counts=case.counts,
        child_name=f"{child['first_name']} {child['last_name']}",
        child_birth_date=child.get("birth_date"),
        file_count=len({f["document_id"] for f in files}),
        file_bytes=sum(f["size"] for f in files),
    )


def decode(data: bytes) -> dict[str, Any]:
    """The package as a dict; :class:`PackageError` when it is not one of ours."""
    try:
        package = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise PackageError("Pakken kan ikke læses (ufuldstændig eller beskadiget)") from exc
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise PackageError("Pakken er ikke en Trekant-overførsel")
    if package.get("format_version") not in READS:
        raise PackageError(
            f"Pakken har formatversion {package.get('format_version')}; "
            f"denne Trekant læser version {' og '.join(str(v) for v in READS)}"
        )
    for key in ("child", "hovedsag", "tables", "summary"):
        if key not in package:
            raise PackageError(f"Pakken mangler {key}")
    if package["format_version"] >= 2:
        files = package.get("files")
        if not isinstance(files, list) or not all(_is_file_entry(f) for f in files):
            raise PackageError("Pakkens liste over filer kan ikke læses")
    return package


_FILE_FIELDS = {
    "document_id": str,
    "stream": str,
    "size": int,
    "chunks": int,
    "sha256": str,
    "first_seq": int,
}


def _is_file_entry(f: Any) -> bool:
    return isinstance(f, dict) and all(isinstance(f.get(k), t) for k, t in _FILE_FIELDS.items())


def files_of(package: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest of a decoded package (empty for version 1)."""
    files: list[dict[str, Any]] = package.get("files") or []
    return files


def file_totals(package: dict[str, Any]) -> tuple[int, int]:
    """(number of documents with a file, their bytes in all streams) of a decoded package;
    a version-1 package counts what it carries as ``document_chunk`` rows."""
    files = files_of(package)
    if files:
        return len({f["document_id"] for f in files}), sum(f["size"] for f in files)
    rows = (package.get("tables") or {}).get("document_chunk") or []
    return len({r.get("document_id") for r in rows}), sum(
        (len(str(r.get("bytes") or "")) - 2) // 2 for r in rows
    )


async def files_problem(package: dict[str, Any], transfer_id: uuid.UUID) -> str | None:
    """A cheap check before accepting: as many chunks as the manifest names (the import
    checks every byte). ``None`` when they are all there."""
    expected = sum(f["chunks"] for f in files_of(package))
    count, top = await repo.count_transfer_chunks(transfer_id)
    if (count, top) != (expected, expected - 1):
        return "Overførslens filer passer ikke med pakken: der mangler dele, eller der er for mange"
    return None


# --- import -------------------------------------------------------------------------

Imported = lifecycle.Imported


async def import_case(
    conn: Any,
    package: dict[str, Any],
    *,
    transfer_id: uuid.UUID,
    accepted_by: uuid.UUID | None,
    team_id: uuid.UUID | None,
    received_from: str,
) -> Imported:
    """Create the case in the receiving kommune (its open tenant transaction, ``conn``,
    which casework's lifecycle writes through). The caller has checked the package's seal
    and that the transfer was not imported before. Casework writes the rows
    (``lifecycle.import_received_case``); the money tables stay behind (``NOT_IMPORTED``)."""
    result = await lifecycle.import_received_case(
        package["child"],
        package["hovedsag"],
        package["tables"],
        transfer_id=transfer_id,
        caseworker_id=accepted_by,
        team_id=team_id,
        received_from=received_from,
        not_imported=NOT_IMPORTED,
    )
    if accepted_by is not None:
        await lifecycle.reassign_open_activities(result.hovedsag_id, accepted_by)
    return result


REPORT_EVERY = 8  # chunks (8 MiB) between two reports of an import's progress
CHUNK_UNREADABLE = (
    "kan ikke dekrypteres: en del af filen er ændret, byttet om med en anden eller flyttet "
    "fra en anden overførsel"
)


async def import_files(
    package: dict[str, Any],
    renewed: dict[str, str],
    *,
    transfer_id: uuid.UUID,
    from_code: str,
    to_code: str,
    report: Callable[[int, int], Awaitable[None]] | None = None,
) -> None:
    """Write the files of the manifest under the documents' new ids (``renewed``: the
    sender's id -> the new one), reading ``shared.transfer_chunk`` one row at a time in
    ``seq`` order and checking each file's size and SHA-256 as it goes. Raises
    :class:`PackageError` (Danish) on any mismatch; the caller rolls the import back.
    ``report(done, total)`` hears how many bytes are written, every ``REPORT_EVERY`` chunks."""
    total = sum(f["size"] for f in files_of(package))
    written = 0
    if report is not None and total:
        await report(0, total)
    titles = {
        str(d.get("id")): d.get("title") or "uden titel"
        for d in (package.get("tables") or {}).get("document") or []
    }
    seq = 0
    for f in files_of(package):
        name = f"Filen til dokumentet »{titles.get(f['document_id'], 'ukendt')}«"
        if f["first_seq"] != seq or f["chunks"] < 1:
            raise PackageError(f"{name} står forkert i pakkens liste over filer")
        target = renewed.get(f["document_id"])
        digest = hashlib.sha256()
        size = 0
        for part in range(f["chunks"]):
            sealed = await repo.get_transfer_chunk(transfer_id, seq)
            if sealed is None:
                raise PackageError(f"{name} er ufuldstændig: en del af den mangler")
            try:
                data = keys.open_chunk(transfer_id, seq, from_code, to_code, sealed)
            except sealing.Unsealable as exc:
                raise PackageError(f"{name} {CHUNK_UNREADABLE}") from exc
            digest.update(data)
            size += len(data)
            if target is not None:
                await lifecycle.add_received_file_chunk(uuid.UUID(target), f["stream"], part, data)
            seq += 1
            written += len(data)
            if report is not None and seq % REPORT_EVERY == 0:
                await report(written, total)
        if size != f["size"] or digest.hexdigest() != f["sha256"]:
            raise PackageError(f"{name} passer ikke med pakkens kontrolsum")
    count, top = await repo.count_transfer_chunks(transfer_id)
    if (count, top) != (seq, seq - 1):
        raise PackageError("Overførslen har flere dele af filer, end pakken nævner")
    if report is not None and total:
        await report(written, total)
