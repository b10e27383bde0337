"""Write an arkiveringsversion (the job's work): tables, documents, context documentation,
indices and fileIndex, then read it back.

Folder structure (BEK nr. 128 af 12/02/2020, bilag 3)::

    AVID.SA.<n>.1/
      Indices/        archiveIndex.xml tableIndex.xml docIndex.xml
                      contextDocumentationIndex.xml fileIndex.xml
      Schemas/standard/  the published XSDs of the indices
      Tables/tableN/  tableN.xml (rows) and tableN.xsd (its schema, from tableIndex)
      Documents/docCollectionK/<dID>/1.tif     (10,000 documents per collection)
      ContextDocumentation/docCollection1/1/1.tif

Memory stays flat: rows come from a server-side cursor a batch at a time and are written
as they come (``TableWriter``); a document is spooled to a temporary file chunk by chunk,
converted in a thread, and removed before the next.
"""

from __future__ import annotations

import asyncio
import html
import os
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NamedTuple

from backend.archive import files
from backend.archive import repository as repo
from backend.archive.files import DOCS_PER_COLLECTION, TableWriter, element
from backend.archive.readback import read_back
from backend.archive.repository import DocumentRow
from backend.archive.tables import TABLES, Table
from backend.core.danish import today_dk
from backend.documents.files import TYPES, extension

Progress = Callable[[int, str], Awaitable[None]]
POOL_FROM = 50  # documents from which a version converts in processes (Converter)

SYSTEM_NAME = "Trekant"
PURPOSE = (
    "Sagsbehandling af børne- og ungesager efter barnets lov: underretninger, afklaring, "
    "børnefaglig undersøgelse, afgørelser, indsatser og anbringelser, journal og dokumenter."
)
CONTENT = (
    "Kommunens lukkede børnesager i arkiveringsperioden: sagen, barnet (CPR-nummer, navn og "
    "fødselsdato), journalen, afgørelserne, indsatserne og sagens dokumenter som TIFF."
)


WHAT = {
    "sag": "sagerne",
    "barn": "børnene",
    "journal": "journalerne",
    "afgoerelse": "afgørelserne",
    "indsats": "indsatserne",
}


class Built:
    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.documents = 0
        self.files = 0
        self.size = 0
        self.errors: list[str] = []
        self.expected: dict[str, int] = {}


async def build(
    code: str,
    kommune_name: str,
    version_id: uuid.UUID,
    avid: str,
    period_from: date,
    period_to: date,
    on_progress: Progress,
) -> Built:
    """Write the version under ``files.version_dir`` (replacing a half-written one) and read
    it back. Runs inside the job's tenant transaction (the cursors need it)."""
    root = files.version_dir(code, version_id, avid)
    files.remove(root.parent)
    for sub in ("Indices", "Tables", "Documents", "ContextDocumentation"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    files.copy_schemas(root)
    built = Built()
    built.expected = expected = await repo.count_rows(version_id)
    done = 0
    last = 0.0

    async def tick(n: int, message: str, force: bool = False) -> None:
        """Count ``n`` done after saying what is being done (at most twice a second)."""
        nonlocal done, last
        now = time.monotonic()
        if force or now - last > 0.5:
            last = now
            await on_progress(done, message)
        done += n

    for n, table in enumerate(TABLES[:-1], start=1):
        writer = _open_table(root, n, table)
        try:
            async for row in repo.stream_table(table.key, version_id):
                writer.write(row)
                await tick(1, f"Skriver {WHAT[table.key]}")
        finally:
            writer.close()
        built.rows[table.key] = writer.rows

    with tempfile.TemporaryDirectory(prefix="trekant-arkiv-") as tmp:
        await _write_documents(
            root, len(TABLES), version_id, Path(tmp), built, tick, expected["dokument"]
        )
        await tick(1, "Skriver kontekstdokumentationen", force=True)
        await asyncio.to_thread(_context_documentation, root, Path(tmp), kommune_name, avid)
    _table_index(root, built)
    _archive_index(root, avid, kommune_name, period_from, period_to, built.documents > 0)
    await tick(1, "Beregner kontrolsummer", force=True)
    built.files, built.size = await asyncio.to_thread(files.write_file_index, root)
    await tick(1, "Læser arkiveringsversionen tilbage", force=True)
    built.errors = await asyncio.to_thread(read_back, root, expected)
    return built


def _open_table(root: Path, n: int, table: Table) -> TableWriter:
    folder = root / "Tables" / f"table{n}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"table{n}.xsd").write_bytes(
        files.table_xsd(n, [(c.xs_type, c.nullable) for c in table.columns])
    )
    return TableWriter(folder / f"table{n}.xml", n)


class Converter:
    """Where documents are converted: one thread by default; with
    ``TREKANT_ARCHIVE_PROCESSES`` > 1, a large version uses a pool of that many (spawned)
    processes, so several cores render pages while the job reads the next documents. Each
    process costs about 110 MB (measured, docs/benchmarks.md), so it is off by default.
    PDFium is not thread-safe, so a thread converts one document at a time (``window`` 1);
    processes each hold one, with as many spooled and waiting (``window`` 2 × processes)."""

    def __init__(self, documents: int) -> None:
        processes = int(os.environ.get("TREKANT_ARCHIVE_PROCESSES", "1"))
        self.pool: ProcessPoolExecutor | None = None
        self.window = 1
        if documents >= POOL_FROM and processes > 1:
            self.pool = ProcessPoolExecutor(processes, mp_context=get_context("spawn"))
            self.window = 2 * processes

    def submit(self, fn: Callable[..., int], *args: Any) -> asyncio.Future[int]:
        return asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class _Pending(NamedTuple):
    d_id: int
    collection: str
    doc: DocumentRow
    out: Path
    spooled: Path | None
    converting: asyncio.Future[int]


async def _write_documents(
    root: Path,
    n: int,
    version_id: uuid.UUID,
    tmp: Path,
    built: Built,
    tick: Callable[..., Awaitable[None]],
    documents: int,
) -> None:
    """The ``dokument`` table, docIndex and each document's TIFF, in one pass: a document is
    spooled from the database (the job's connection, one query at a time), converted by the
    ``Converter``, and written to the table and docIndex in order once converted."""
    writer = _open_table(root, n, TABLES[-1])
    doc_index = files.index_writer(root / "Indices" / "docIndex.xml", "docIndex", "docIndex")
    converter = Converter(documents)
    pending: deque[_Pending] = deque()

    async def finish(p: _Pending) -> None:
        rendering = "original" if p.spooled is not None else "tekst"
        try:
            await p.converting
        except Exception:  # a damaged file: its text instead, said in the table
            if p.spooled is None:
                raise
            await asyncio.to_thread(p.out.unlink, missing_ok=True)
            await asyncio.to_thread(
                files.html_to_tiff, _text_page(p.doc), p.out, tmp / f"{p.d_id}.pdf"
            )
            rendering = "tekst"
        finally:
            if p.spooled is not None:
                await asyncio.to_thread(p.spooled.unlink, missing_ok=True)
        d = p.doc
        writer.write(
            (
                p.d_id,
                str(d.hovedsag_id),
                d.title,
                d.kind,
                d.dated,
                d.filename,
                d.incoming,
                d.added_at,
                d.added_by_name,
                rendering,
            )
        )
        doc_index[1][1].write(
            element(
                "doc",
                [
                    ("dID", p.d_id),
                    ("mID", 1),
                    ("dCf", p.collection),
                    ("oFn", d.filename),
                    ("aFt", "tif"),
                ],
            )
        )
        built.documents = p.d_id
        await tick(1, "Konverterer dokumenterne til TIFF")

    try:
        d_id = 0
        async for doc in repo.stream_documents(version_id):
            d_id += 1
            collection = f"docCollection{(d_id - 1) // DOCS_PER_COLLECTION + 1}"
            folder = root / "Documents" / collection / str(d_id)
            folder.mkdir(parents=True)
            out = folder / "1.tif"
            source = _source(doc)
            spooled: Path | None = None
            if source is not None:
                stream, count, how = source
                spooled = tmp / f"{d_id}.{how}"
                await _spool(doc.id, stream, count, spooled)
                convert = files.pdf_to_tiff if how == "pdf" else files.image_to_tiff
                converting = converter.submit(convert, spooled, out)
            else:
                converting = asyncio.ensure_future(
                    asyncio.to_thread(files.html_to_tiff, _text_page(doc), out, tmp / f"{d_id}.pdf")
                )
            pending.append(_Pending(d_id, collection, doc, out, spooled, converting))
            if len(pending) >= converter.window:
                await finish(pending.popleft())
        while pending:
            await finish(pending.popleft())
    finally:
        for p in pending:
            p.converting.cancel()
        converter.close()
        writer.close()
        files.close_writer(doc_index)
        if built.documents == 0:  # docIndex must hold at least one document: none then
            (root / "Indices" / "docIndex.xml").unlink(missing_ok=True)
    built.rows["dokument"] = writer.rows


async def _spool(document_id: uuid.UUID, stream: str, count: int, path: Path) -> None:
    with path.open("wb") as f:
        for seq in range(count):
            block = await repo.chunk(document_id, stream, seq)
            if block is None:
                raise RuntimeError("a document chunk is missing")
            f.write(block)


def _source(doc: DocumentRow) -> tuple[str, int, str] | None:
    """Which stream of the document becomes its TIFF, and how: a PDF original or the PDF
    copy made for viewing (page by page), a PNG/JPEG photo as it is; None for anything else
    (an e-mail, a text file, a file that could not be converted), which becomes a page with
    its title and extracted text (``_text_page``; the ``dokument`` table says ``tekst``)."""
    ext = extension(doc.filename)
    kind = TYPES[ext].view if ext in TYPES else "none"
    if kind == "pdf":
        return ("original", doc.original_chunks, "pdf")
    if kind == "image":
        return ("original", doc.original_chunks, "image")
    if doc.rendition == "klar" and doc.rendition_chunks:
        return ("rendition", doc.rendition_chunks, "image" if ext == "heic" else "pdf")
    return None


def _text_page(doc: DocumentRow) -> str:
    return (
        "<html lang='da'><body style='font-family: sans-serif; font-size: 11pt'>"
        f"<h1 style='font-size: 14pt'>{html.escape(doc.title)}</h1>"
        f"<p><em>Filen {html.escape(doc.filename)} er gengivet ved sin tekst (formatet kan "
        "ikke arkiveres, som det er).</em></p>"
        f"<pre style='white-space: pre-wrap'>{html.escape(files.text(doc.text))}</pre>"
        "</body></html>"
    )


def _context_documentation(root: Path, tmp: Path, kommune_name: str, avid: str) -> None:
    """One document: what the system is and what every table and column holds."""
    parts = [
        "<html lang='da'><body style='font-family: sans-serif; font-size: 10pt'>",
        f"<h1>{SYSTEM_NAME}: arkiveringsversion {html.escape(avid)}</h1>",
        f"<p>Arkivskaber: {html.escape(kommune_name)}. {html.escape(PURPOSE)}</p>",
        f"<p>{html.escape(CONTENT)}</p>",
        "<p>Tidspunkter er dansk tid. Dokumenterne ligger som TIFF under Documents; "
        "tabellen dokument forbinder dokumentid med sagen.</p>",
    ]
    for n, table in enumerate(TABLES, start=1):
        parts.append(f"<h2>table{n}: {table.key}</h2><p>{html.escape(table.description)}</p>")
        parts.append("<table border='1' cellpadding='3' style='border-collapse: collapse'>")
        parts.append("<tr><th>Kolonne</th><th>Type</th><th>Beskrivelse</th></tr>")
        for c in table.columns:
            parts.append(
                f"<tr><td>{c.name}</td><td>{c.type}</td><td>{html.escape(c.description)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    folder = root / "ContextDocumentation" / "docCollection1" / "1"
    folder.mkdir(parents=True)
    files.html_to_tiff("".join(parts), folder / "1.tif", tmp / "kontekst.pdf")
    handle = files.index_writer(
        root / "Indices" / "contextDocumentationIndex.xml",
        "contextDocumentationIndex",
        "contextDocumentationIndex",
    )
    try:
        handle[1][1].write(
            element(
                "document",
                [
                    ("documentID", 1),
                    ("documentTitle", f"{SYSTEM_NAME}: system og tabeller"),
                    ("documentDescription", "Systemets formål og indhold; hver tabel og kolonne"),
                    ("documentDate", today_dk()),
                    ("documentAuthor", [("authorInstitution", kommune_name)]),
                    (
                        "documentCategory",
                        [
                            (
                                "systemInformation",
                                [("systemPurpose", True), ("systemContent", True)],
                            )
                        ],
                    ),
                ],
            )
        )
    finally:
        files.close_writer(handle)


def _table_index(root: Path, built: Built) -> None:
    handle = files.index_writer(root / "Indices" / "tableIndex.xml", "siardDiark", "tableIndex")
    xf = handle[1][1]
    try:
        xf.write(element("version", value="1.0"))
        xf.write(element("dbName", value="trekant"))
        xf.write(element("databaseProduct", value="PostgreSQL"))
        tables = element("tables")
        for n, table in enumerate(TABLES, start=1):
            t = element(
                "table",
                [
                    ("name", table.key),
                    ("folder", f"table{n}"),
                    ("description", table.description),
                ],
            )
            columns = element("columns")
            for i, c in enumerate(table.columns, start=1):
                col = element(
                    "column",
                    [
                        ("name", c.name),
                        ("columnID", f"c{i}"),
                        ("type", c.type),
                        ("nullable", c.nullable),
                        ("description", c.description),
                    ],
                )
                for f in c.functional:
                    col.append(element("functionalDescription", value=f))
                columns.append(col)
            t.append(columns)
            t.append(
                element("primaryKey", [("name", f"pk_{table.key}"), ("column", table.primary_key)])
            )
            if table.foreign_keys:
                fks = element("foreignKeys")
                for fk in table.foreign_keys:
                    fks.append(
                        element(
                            "foreignKey",
                            [
                                ("name", fk.name),
                                ("referencedTable", fk.table),
                                (
                                    "reference",
                                    [("column", fk.column), ("referenced", fk.referenced)],
                                ),
                            ],
                        )
                    )
                t.append(fks)
            t.append(element("rows", value=built.rows.get(table.key, 0)))
            tables.append(t)
        xf.write(tables)
    finally:
        files.close_writer(handle)


def _archive_index(
    root: Path, avid: str, kommune_name: str, start: date, end: date, documents: bool
) -> None:
    handle = files.index_writer(
        root / "Indices" / "archiveIndex.xml", "archiveIndex", "archiveIndex"
    )
    xf = handle[1][1]
    fields: list[tuple[str, object]] = [
        ("archiveInformationPackageID", avid),
        ("archivePeriodStart", start),
        ("archivePeriodEnd", end),
        ("archiveInformationPacketType", False),  # false: a periodic version, not the last
        (
            "archiveCreatorList",
            [
                ("creatorName", kommune_name),
                ("creationPeriodStart", start),
                ("creationPeriodEnd", end),
            ],
        ),
        ("archiveType", False),  # false: the periods do not overlap the previous version's
        ("systemName", SYSTEM_NAME),
        ("systemPurpose", PURPOSE),
        ("systemContent", CONTENT),
        ("regionNum", False),
        ("komNum", True),
        ("cprNum", True),
        ("cvrNum", False),
        ("matrikNum", False),
        ("bbrNum", False),
        ("whoSygKod", False),
        ("containsDigitalDocuments", documents),
        ("containsGeodata", False),
        ("containsResearchData", False),
        ("researchSIP", False),
        ("documentsDisposal", False),
        ("searchRelatedOtherRecords", False),
        ("systemFileConcept", True),
        ("multipleDataCollection", False),
        ("personalDataRestrictedInfo", True),
        ("otherAccessTypeRestrictions", False),
        ("archiveApproval", files.archive_code()),
    ]
    try:
        for name, value in fields:
            if isinstance(value, list):
                xf.write(element(name, value))
            else:
                xf.write(element(name, value=value))
    finally:
        files.close_writer(handle)
