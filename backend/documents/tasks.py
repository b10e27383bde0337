"""The documents' background jobs (outbox, so they run once, after the upload committed):

* ``documents.extract``: the text of a file larger than one chunk, for search;
* ``documents.convert``: a Word/ODT/Excel file to PDF by LibreOffice headless, stored as the
  document's ``rendition`` stream (and, for the old binary formats, its text from that PDF);
  a TIFF scan to PDF and a HEIC photo to JPEG by Pillow (``images.py``).

Each job copies the chunks to a private temporary directory (never the whole file in
memory), works there and removes it. LibreOffice runs with its own profile directory per
job and a time limit; a file it cannot convert is marked ``fejlet`` (shown as "cannot be
viewed", still downloadable), not retried for ever.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from backend.documents import images
from backend.documents import repository as repo
from backend.documents.extract import extract
from backend.documents.files import CHUNK, TYPES, extension
from backend.documents.service import CONVERT_JOB, EXTRACT_JOB
from backend.outbox.service import outbox_job
from tenancy.context import TenantScope

log = logging.getLogger("trekant.documents")

CONVERT_SECONDS = 120


def soffice() -> str | None:
    """LibreOffice's command, if installed (``just office`` installs it)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


async def _spool(document_id: uuid.UUID, count: int, path: Path) -> None:
    with path.open("wb") as f:
        for seq in range(count):
            block = await repo.chunk_bytes(document_id, "original", seq)
            if block is None:
                raise RuntimeError("a document chunk is missing")
            f.write(block)


@outbox_job(EXTRACT_JOB)
async def extract_text(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    document_id = uuid.UUID(payload["document_id"])
    work = await repo.get_work(document_id)
    if work is None or work.state != "klar" or work.text_state != "afventer":
        return
    ext = extension(work.filename)
    with tempfile.TemporaryDirectory(prefix="trekant-doc-") as tmp:
        path = Path(tmp) / f"fil.{ext}"
        await _spool(document_id, work.chunks, path)
        text = await asyncio.to_thread(extract, path, ext)
    await repo.set_text(document_id, text or "", "klar" if text is not None else "ingen")


async def convert_file(source: Path, out_dir: Path, seconds: int = CONVERT_SECONDS) -> Path | None:
    """``source`` as PDF by LibreOffice headless in ``out_dir``; None if it failed or took
    longer than ``seconds``."""
    command = soffice()
    if command is None:
        return None
    profile = out_dir / "profil"
    process = await asyncio.create_subprocess_exec(
        command,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        str(source),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HOME": str(out_dir)},
        start_new_session=True,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout=seconds)
    except TimeoutError:
        try:
            os.killpg(process.pid, 9)
        except ProcessLookupError:
            pass
        await process.wait()
        log.warning("LibreOffice took longer than %s s; conversion given up", seconds)
        return None
    result = out_dir / (source.stem + ".pdf")
    if process.returncode != 0 or not result.exists() or result.stat().st_size == 0:
        log.warning("LibreOffice could not convert a file: %s", err.decode(errors="replace")[:500])
        return None
    return result


@outbox_job(CONVERT_JOB)
async def convert(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    document_id = uuid.UUID(payload["document_id"])
    work = await repo.get_work(document_id)
    if work is None or work.state != "klar" or work.rendition != "afventer":
        return
    ext = extension(work.filename)
    if TYPES[ext].view == "raster":
        await _convert_image(document_id, work.chunks, ext)
        return
    if soffice() is None:
        log.warning("LibreOffice is not installed (just office); the file cannot be viewed")
        await repo.set_rendition(document_id, "fejlet")
        return
    with tempfile.TemporaryDirectory(prefix="trekant-convert-") as tmp:
        source = Path(tmp) / f"dokument.{ext}"
        await _spool(document_id, work.chunks, source)
        pdf = await convert_file(source, Path(tmp))
        if pdf is None:
            await repo.set_rendition(document_id, "fejlet")
            return
        await _store_rendition(document_id, pdf)
        if work.text_state == "ingen":
            text = await asyncio.to_thread(extract, pdf, "pdf")
            if text:
                await repo.set_text(document_id, text, "klar")


async def _store_rendition(document_id: uuid.UUID, path: Path) -> None:
    await repo.delete_chunks(document_id, "rendition")
    with path.open("rb") as f:
        seq = 0
        while block := f.read(CHUNK):
            await repo.insert_chunk(document_id, "rendition", seq, block)
            seq += 1
    await repo.set_rendition(document_id, "klar")


async def _convert_image(document_id: uuid.UUID, chunks: int, ext: str) -> None:
    """A TIFF scan as a PDF of all its pages, a HEIC photo as a JPEG (``images.py``); a
    refused or unreadable file is ``fejlet`` with the Danish reason on the document."""
    with tempfile.TemporaryDirectory(prefix="trekant-convert-") as tmp:
        source = Path(tmp) / f"billede.{ext}"
        await _spool(document_id, chunks, source)
        target = Path(tmp) / ("visning.jpg" if ext == "heic" else "visning.pdf")
        try:
            if ext == "heic":
                await asyncio.to_thread(images.heic_to_jpeg, source, target)
            else:
                await asyncio.to_thread(images.tiff_to_pdf, source, target)
        except images.ImageRefused as exc:
            log.info("an image was not converted for viewing: %s", exc)
            await repo.set_rendition(document_id, "fejlet", str(exc))
            return
        await _store_rendition(document_id, target)
