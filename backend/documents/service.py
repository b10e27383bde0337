"""Documents on a case: the rules (docs/architecture.md, "Documents").

An upload is two requests: the metadata (checked in full before any byte: size, name,
type, title, date, enkeltsag) makes a document waiting for its bytes; the bytes are then
streamed into 1 MiB chunks in one transaction, the first chunk checked against the name's
type (magic bytes). A failure rolls the whole transaction back, so nothing is stored half;
a document whose bytes never came is never listed and is swept after a day.

Text for search is extracted in the request for a file of one chunk and by the outbox job
``documents.extract`` otherwise; Word/ODT/Excel files get a PDF for viewing from
LibreOffice in the job ``documents.convert`` (``tasks.py``), which also makes a PDF of a
TIFF scan and a JPEG of a HEIC photo (``images.py``).

Every function here runs in the open tenant transaction; the caller has checked access
(an ``AccessibleCase``), except :func:`store_bytes`, whose callers (letters, post) act on a
case they checked or as the kommune itself.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from backend.casework.access import AccessibleCase
from backend.casework.service import check_case_open
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotAllowed, NotFound, StateConflict
from backend.core.journal import stamp
from backend.documents import files
from backend.documents import repository as repo
from backend.documents.extract import extract
from backend.documents.files import CHUNK, MAX_SIZE, FileType
from backend.documents.schemas import (
    KIND_LABELS,
    DocumentCreate,
    DocumentHit,
    DocumentKind,
    DocumentOut,
    DocumentPatch,
    DocumentStatusOut,
    DocumentTitle,
    DocumentView,
)
from backend.outbox.service import enqueue

EXTRACT_JOB = "documents.extract"
CONVERT_JOB = "documents.convert"
JOURNAL_EVENT = "dokument.tilfoejet"
ENKELTSAG_LABELS = {
    "afklaring": "Afklaring",
    "afdaekning": "Afdækning",
    "undersoegelse": "Undersøgelse",
    "afgoerelse": "Afgørelse",
    "indsats": "Indsats",
}
MAX_PAGE = 200
# Up to this many openable cases, a search finds every match on them first (exact count);
# above it (a big team, the kommune-wide roles), it walks the newest documents instead.
FEW_CASES = 300
_NOT_FOUND = "Dokumentet findes ikke, eller du er ikke på sagen"
NOT_FOUND = _NOT_FOUND  # the routes answer a case that is not yours in the same words


# -- checks -------------------------------------------------------------------------------


def check_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise FieldError("title", "Skriv en titel på dokumentet")
    if len(text) > files.MAX_TITLE:
        raise FieldError("title", f"Titlen må højst være {files.MAX_TITLE} tegn")
    if any(ord(ch) < 32 for ch in title.replace("\n", "").replace("\t", "")):
        raise FieldError("title", "Titlen indeholder styretegn")
    return text


def check_dated(dated: date) -> None:
    if dated > today_dk() + timedelta(days=1):
        raise FieldError("dated", "Dokumentets dato kan ikke ligge i fremtiden")
    if dated.year < 1900:
        raise FieldError("dated", "Dokumentets dato er for gammel. Tjek årstallet")


def check_kind(kind: str) -> None:
    if kind not in KIND_LABELS:
        raise FieldError("kind", "Vælg en dokumenttype")


async def check_enkeltsag(case_id: uuid.UUID, enkeltsag_id: uuid.UUID | None) -> None:
    if enkeltsag_id is not None and not await repo.enkeltsag_of_case(enkeltsag_id, case_id):
        raise FieldError("enkeltsag_id", "Vælg en enkeltsag på denne sag")


# -- the answer ---------------------------------------------------------------------------


def view_of(filename: str, rendition: str) -> DocumentView:
    kind = files.TYPES.get(files.extension(filename))
    if kind is None:
        return "ingen"
    if kind.view == "pdf":
        return "pdf"
    if kind.view == "image":
        return "image"
    if kind.view in ("office", "raster"):
        if rendition == "afventer":
            return "konverterer"
        if rendition == "klar":
            return "image" if files.rendition_type(filename).startswith("image/") else "pdf"
    return "ingen"


def _enkeltsag_label(row: repo.DocumentRow) -> str | None:
    if row.enkeltsag_kind is None or row.enkeltsag_opened is None:
        return None
    label = ENKELTSAG_LABELS.get(row.enkeltsag_kind, "Enkeltsag")
    return f"{label} fra {row.enkeltsag_opened.strftime('%d.%m.%Y')}"


def _fields(row: repo.DocumentRow) -> dict[str, object]:
    return {
        "id": row.id,
        "case_id": row.hovedsag_id,
        "title": row.title,
        "kind": row.kind,
        "dated": row.dated,
        "enkeltsag_id": row.enkeltsag_id,
        "enkeltsag_label": _enkeltsag_label(row),
        "filename": row.filename,
        "size": row.size,
        "content_type": row.content_type,
        "added_by_name": row.added_by_name,
        "added_at": row.added_at,
        "source": row.source,
        "incoming": row.incoming,
        "handled_at": row.handled_at,
        "handled_by": row.handled_by,
        "view": view_of(row.filename, row.rendition) if row.has_file else "ingen",
        "view_note": row.rendition_note if row.has_file and row.rendition == "fejlet" else None,
        "has_file": row.has_file,
        "snippet": row.snippet,
    }


def document_out(row: repo.DocumentRow) -> DocumentOut:
    return DocumentOut(**_fields(row))  # type: ignore[arg-type]  # the row's checked values


def document_hit(row: repo.DocumentRow) -> DocumentHit:
    return DocumentHit(
        **_fields(row),  # type: ignore[arg-type]  # the row's checked values
        child_name=row.child_name or "",
        case_number=row.case_number,
    )


# -- upload -------------------------------------------------------------------------------


async def do_create(
    case_id: AccessibleCase,
    data: DocumentCreate,
    *,
    added_by: uuid.UUID,
    added_by_name: str,
) -> uuid.UUID:
    """A document waiting for its bytes; every check that needs no byte is made here. A
    closed case (or one transferred away) takes no new documents (409)."""
    await check_case_open(case_id)
    _, filename, kind = await _check_metadata(
        case_id, data.title, data.kind, data.dated, data.filename, data.size, data.enkeltsag_id
    )
    await repo.delete_unfinished()
    return await repo.insert_document(
        case_id=case_id,
        enkeltsag_id=data.enkeltsag_id,
        title=check_title(data.title),
        kind=data.kind,
        dated=data.dated,
        filename=filename,
        content_type=kind.content_type,
        declared_size=data.size,
        source="upload",
        incoming=data.incoming,
        added_by=added_by,
        added_by_name=added_by_name,
    )


async def _check_metadata(
    case_id: uuid.UUID,
    title: str,
    kind: str,
    dated: date,
    filename: str,
    size: int,
    enkeltsag_id: uuid.UUID | None,
) -> tuple[str, str, FileType]:
    """All the metadata checks, each error on its field (the first one found)."""
    clean_title = check_title(title)
    check_kind(kind)
    check_dated(dated)
    name, file_type = files.check_filename(filename)
    files.check_size(size)
    await check_enkeltsag(case_id, enkeltsag_id)
    return clean_title, name, file_type


async def access_pending(me_id: uuid.UUID, document_id: uuid.UUID) -> repo.PendingRow:
    """The document waiting for ``me_id``'s bytes (locked). Precondition: the caller checked
    access to its case."""
    row = await repo.get_pending_for_update(document_id)
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


async def pending_case(document_id: uuid.UUID) -> uuid.UUID:
    case_id = await repo.case_of_any_document(document_id)
    if case_id is None:
        raise NotFound(_NOT_FOUND)
    return case_id


async def do_receive_content(
    actor: str,
    me_id: uuid.UUID,
    case_id: AccessibleCase,
    document_id: uuid.UUID,
    body: AsyncIterator[bytes],
) -> uuid.UUID:
    """Stream the uploaded bytes of a waiting document into its chunks and finish it.
    ``case_id`` is the document's case, checked by the caller."""
    row = await repo.get_pending_for_update(document_id)
    if row is None or row.hovedsag_id != case_id:
        raise NotFound(_NOT_FOUND)
    if row.state != "afventer":
        raise StateConflict("Filen er allerede modtaget. Tilføj den igen som et nyt dokument")
    owner = await repo.added_by_of(document_id)
    if owner != me_id:
        raise NotAllowed("Kun den, der har oprettet dokumentet, kan sende filen")
    _, file_type = files.check_filename(row.filename)
    size, small = await _store_stream(
        document_id, file_type, body, limit=row.declared_size, declared=True
    )
    if size != row.declared_size:
        raise FieldError(
            "content",
            "Filen blev ikke modtaget helt. Prøv at tilføje den igen",
        )
    await _finish(
        document_id,
        case_id,
        actor=actor,
        title=row.title,
        filename=row.filename,
        size=size,
        small=small,
        enkeltsag_id=row.enkeltsag_id,
    )
    return document_id


async def _store_stream(
    document_id: uuid.UUID,
    file_type: FileType,
    body: AsyncIterator[bytes],
    *,
    limit: int,
    declared: bool,
    stream: str = "original",
) -> tuple[int, bytes | None]:
    """Write ``body`` as 1 MiB chunks; return its size and, for a file of one chunk, its
    bytes. At most two chunks are held in memory. 400 (and the caller's transaction rolls
    back) when empty, over ``limit`` or not of ``file_type``."""
    buf = bytearray()
    total = 0
    seq = 0
    async for piece in body:
        if not piece:
            continue
        total += len(piece)
        if total > limit:
            if declared and limit < MAX_SIZE:
                raise FieldError("content", "Filen er større end angivet. Prøv at tilføje den igen")
            raise FieldError(
                "content", "Filen er større end 100 MB, som er det største, Trekant tager imod"
            )
        buf += piece
        while len(buf) >= CHUNK:
            block = bytes(buf[:CHUNK])
            del buf[:CHUNK]
            await _write_chunk(document_id, file_type, stream, seq, block)
            seq += 1
    if total == 0:
        raise FieldError("content", "Filen er tom")
    small: bytes | None = None
    if buf:
        block = bytes(buf)
        await _write_chunk(document_id, file_type, stream, seq, block)
        small = block if seq == 0 else None
    return total, small


async def _write_chunk(
    document_id: uuid.UUID, file_type: FileType, stream: str, seq: int, block: bytes
) -> None:
    if stream == "original":
        if seq == 0:
            files.check_content(file_type, block)
        files.check_text_chunk(file_type, block)
    await repo.insert_chunk(document_id, stream, seq, block)


async def _finish(
    document_id: uuid.UUID,
    case_id: uuid.UUID,
    *,
    actor: str,
    title: str,
    filename: str,
    size: int,
    small: bytes | None,
    enkeltsag_id: uuid.UUID | None,
) -> None:
    """Mark the document stored, extract its text (now for one chunk, else in a job),
    queue its conversion to PDF where it needs one, and journalise it."""
    ext = files.extension(filename)
    file_type = files.TYPES[ext]
    text, text_state = "", "ingen"
    if small is not None:
        found = await asyncio.to_thread(_extract_bytes, small, ext)
        if found is not None:
            text, text_state = found, "klar"
    elif ext in EXTRACTABLE:
        text_state = "afventer"
    rendition = "afventer" if file_type.view in ("office", "raster") else "ingen"
    await repo.finish_document(document_id, size, text, text_state, rendition)
    if text_state == "afventer":
        await enqueue(EXTRACT_JOB, {"document_id": str(document_id)})
    if rendition == "afventer":
        await enqueue(CONVERT_JOB, {"document_id": str(document_id)})
    await stamp(
        case_id, actor, JOURNAL_EVENT, f"Dokument tilføjet: {title}", enkeltsag_id=enkeltsag_id
    )


EXTRACTABLE = frozenset({"pdf", "docx", "xlsx", "odt", "ods", "eml", "msg", "txt"})


def _extract_bytes(data: bytes, ext: str) -> str | None:
    with tempfile.TemporaryDirectory(prefix="trekant-doc-") as tmp:
        path = Path(tmp) / f"fil.{ext}"
        path.write_bytes(data)
        return extract(path, ext)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


async def store_bytes(
    case_id: uuid.UUID,
    *,
    title: str,
    kind: DocumentKind,
    dated: date,
    filename: str,
    content: bytes,
    content_type: str,
    enkeltsag_id: uuid.UUID | None = None,
    added_by: uuid.UUID | None,
    added_by_name: str,
    incoming: bool = False,
    source: Literal["upload", "brev", "digital_post", "overfoersel"] = "upload",
) -> uuid.UUID:
    """Store a whole file as a document on ``case_id``, checked as an upload is (type,
    size, name, content), with its text extracted and the journal entry "Dokument tilføjet:
    <title>"; return its id. Called inside the open tenant transaction by a service that
    has checked access (a sent letter's PDF, a citizen's reply from Digital Post with
    ``incoming=True``). ``content_type`` is informative: the type is the file name's."""
    del content_type  # the allowlist decides the stored type from the name
    clean_title, name, file_type = await _check_metadata(
        case_id, title, kind, dated, filename, len(content), enkeltsag_id
    )
    document_id = await repo.insert_document(
        case_id=case_id,
        enkeltsag_id=enkeltsag_id,
        title=clean_title,
        kind=kind,
        dated=dated,
        filename=name,
        content_type=file_type.content_type,
        declared_size=len(content),
        source=source,
        incoming=incoming,
        added_by=added_by,
        added_by_name=added_by_name,
    )
    size, small = await _store_stream(
        document_id, file_type, _once(content), limit=MAX_SIZE, declared=False
    )
    actor = (await repo.username_of(added_by) if added_by else None) or added_by_name
    await _finish(
        document_id,
        case_id,
        actor=actor,
        title=clean_title,
        filename=name,
        size=size,
        small=small,
        enkeltsag_id=enkeltsag_id,
    )
    return document_id


# -- reading ------------------------------------------------------------------------------


async def case_of(document_id: uuid.UUID) -> uuid.UUID:
    """The case of a stored document (404 if none); the caller checks access to it."""
    case_id = await repo.case_of_document(document_id)
    if case_id is None:
        raise NotFound(_NOT_FOUND)
    return case_id


async def get(case_id: AccessibleCase, document_id: uuid.UUID) -> DocumentOut:
    row = await repo.get_document(document_id)
    if row is None or row.hovedsag_id != case_id:
        raise NotFound(_NOT_FOUND)
    return document_out(row)


async def view_status(document_id: uuid.UUID) -> tuple[uuid.UUID, DocumentStatusOut]:
    """The document's case (for the caller's access check) and how it can be shown now."""
    state = await repo.view_state(document_id)
    if state is None:
        raise NotFound(_NOT_FOUND)
    return state.hovedsag_id, DocumentStatusOut(view=view_of(state.filename, state.rendition))


async def pdf_of(case_id: AccessibleCase, document_id: uuid.UUID) -> bytes | None:
    """The document as PDF bytes, to enclose in a package: the file itself if it is a PDF,
    else the PDF LibreOffice made of it; None when it has neither (an image, an e-mail, a
    conversion not done). 404 for a document not on ``case_id``."""
    source = await repo.get_chunk_source(document_id)
    if source is None or source.hovedsag_id != case_id:
        raise NotFound(_NOT_FOUND)
    if view_of(source.filename, source.rendition) != "pdf":
        return None
    kind = files.TYPES.get(files.extension(source.filename))
    original = kind is not None and kind.view == "pdf"
    stream, count = (
        ("original", source.chunks) if original else ("rendition", source.rendition_chunks)
    )
    parts = []
    for seq in range(count):
        block = await repo.chunk_bytes(document_id, stream, seq)
        if block is None:
            return None
        parts.append(block)
    return b"".join(parts) or None


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise FieldError("limit", f"Vis mellem 1 og {MAX_PAGE} dokumenter ad gangen")
    if not 0 <= offset <= 1_000_000:
        raise FieldError("offset", "Siden findes ikke")


def check_query(q: str | None) -> str | None:
    text = " ".join((q or "").split())
    if len(text) > 200:
        raise FieldError("q", "Søgningen må højst være 200 tegn")
    return text or None


async def list_case(
    case_id: AccessibleCase,
    *,
    q: str | None,
    kind: str | None,
    enkeltsag_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[DocumentOut], int]:
    check_page(limit, offset)
    if kind is not None:
        check_kind(kind)
    rows, total = await repo.list_case_documents(
        case_id, q=check_query(q), kind=kind, enkeltsag_id=enkeltsag_id, limit=limit, offset=offset
    )
    return [document_out(r) for r in rows], total


async def search(
    q: str,
    *,
    user_id: uuid.UUID,
    kommune_wide: bool,
    limit: int,
    offset: int,
    restricted: bool = False,
) -> tuple[list[DocumentHit], int, bool]:
    """Documents matching ``q`` on the cases the user may open, newest first; how many and
    whether that is exact (a kommune-wide search counts up to ``repo.SEARCH_COUNT_CAP``
    within a time budget; a caseworker's, over their own cases, counts them all)."""
    check_page(limit, offset)
    text = check_query(q)
    if text is None:
        raise FieldError("q", "Skriv hvad du søger efter")
    # A user with data restrictions searches the cases the database lets her see (the
    # kommune-wide search reads documents without their case).
    case_ids = (
        None
        if kommune_wide and not restricted
        else await repo.openable_case_ids(user_id, kommune_wide)
    )
    if case_ids is not None and len(case_ids) <= FEW_CASES:
        if not case_ids:
            return [], 0, True
        rows, total = await repo.search_cases(text, case_ids, limit=limit, offset=offset)
        exact = True
    else:
        rows, total, exact = await repo.search_kommune(
            text, case_ids=case_ids, limit=limit, offset=offset
        )
    return [document_hit(r) for r in rows], total, exact


async def incoming(user_id: uuid.UUID, limit: int, offset: int) -> tuple[list[DocumentHit], int]:
    check_page(limit, offset)
    rows, total = await repo.incoming_for(user_id, limit, offset)
    return [document_hit(r) for r in rows], total


async def incoming_on_case(
    case_id: AccessibleCase, limit: int, offset: int
) -> tuple[list[DocumentHit], int]:
    """The case's unhandled incoming post, whoever's worklist the case is on."""
    check_page(limit, offset)
    rows, total = await repo.incoming_on_case(case_id, limit, offset)
    return [document_hit(r) for r in rows], total


# -- changes ------------------------------------------------------------------------------


async def do_update(
    actor: str, case_id: AccessibleCase, document_id: uuid.UUID, data: DocumentPatch
) -> DocumentOut:
    row = await repo.get_document(document_id)
    if row is None or row.hovedsag_id != case_id:
        raise NotFound(_NOT_FOUND)
    title = row.title
    if isinstance(data.title, str):
        title = check_title(data.title)
    kind = data.kind if isinstance(data.kind, str) else row.kind
    check_kind(kind)
    dated = data.dated if isinstance(data.dated, date) else row.dated
    check_dated(dated)
    enkeltsag_id = row.enkeltsag_id
    if data.enkeltsag_id is None or isinstance(data.enkeltsag_id, uuid.UUID):
        enkeltsag_id = data.enkeltsag_id
        await check_enkeltsag(case_id, enkeltsag_id)
    await repo.update_document(document_id, title, kind, dated, enkeltsag_id)
    changes = []
    if title != row.title:
        changes.append(f"Titel: {row.title} → {title}")
    if kind != row.kind:
        changes.append(f"Type: {KIND_LABELS[row.kind]} → {KIND_LABELS[kind]}")
    if dated != row.dated:
        changes.append(f"Dato: {row.dated:%d.%m.%Y} → {dated:%d.%m.%Y}")
    if enkeltsag_id != row.enkeltsag_id:
        changes.append("Enkeltsag ændret")
    if changes:
        await stamp(
            case_id,
            actor,
            "dokument.rettet",
            f"Dokument rettet: {title}",
            "\n".join(changes),
            enkeltsag_id=enkeltsag_id,
        )
    return await get(case_id, document_id)


async def do_mark_handled(
    actor: str, name: str, case_id: AccessibleCase, document_id: uuid.UUID
) -> DocumentOut:
    row = await repo.get_document(document_id)
    if row is None or row.hovedsag_id != case_id:
        raise NotFound(_NOT_FOUND)
    if not row.incoming:
        raise StateConflict("Dokumentet er ikke indgået post")
    if not await repo.mark_handled(document_id, name):
        raise StateConflict(f"{row.handled_by or 'En anden'} har allerede behandlet posten")
    await stamp(
        case_id,
        actor,
        "dokument.behandlet",
        f"Indgået post behandlet: {row.title}",
        enkeltsag_id=row.enkeltsag_id,
    )
    return await get(case_id, document_id)


OFFLINE_TITLES = 100


async def titles_for_cases(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[DocumentTitle]]:
    """Each case's newest document titles (at most ``OFFLINE_TITLES``), for the offline
    worklist: titles, kinds and dates, never contents. The caller checked access."""
    out: dict[uuid.UUID, list[DocumentTitle]] = {}
    if not case_ids:
        return out
    for case_id, doc_id, title, kind, dated in await repo.latest_titles(case_ids, OFFLINE_TITLES):
        out.setdefault(case_id, []).append(
            DocumentTitle(
                id=doc_id,
                title=title,
                kind=kind,  # type: ignore[arg-type]  # checked by the table's constraint
                kind_label=KIND_LABELS[kind],
                dated=dated,
            )
        )
    return out


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)
