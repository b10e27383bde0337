"""Text for full-text search, from a stored file: PDF (PDFium, ``pypdfium2``), Word/Excel
(OOXML parts), ODT/ODS (``content.xml``), e-mails (EML with the stdlib, MSG with
``olefile``) and plain text. Images and the old binary Office formats give no text here
(their LibreOffice PDF does, see ``tasks.py``).

Reads a file on disk (a spooled copy of the chunks), so a large file is never whole in
memory twice; every format is bounded (pages, decompressed bytes, characters).
"""

from __future__ import annotations

import email
import email.policy
import io
import logging
import re
import threading
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

log = logging.getLogger("trekant.documents")

MAX_TEXT = 500_000  # characters kept for search (PostgreSQL's tsvector has a 1 MB limit)
MAX_PAGES = 3_000
MAX_XML = 50 * 1024 * 1024  # decompressed bytes read from one part of a ZIP-based file

_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")
_TAGS = re.compile(r"<[^>]*>")


def clean(text: str) -> str:
    """Without NUL (PostgreSQL text cannot hold it), spaces collapsed, at most MAX_TEXT."""
    text = text.replace("\x00", " ")
    text = _SPACE.sub(" ", text)
    text = _LINES.sub("\n\n", text)
    return text.strip()[:MAX_TEXT]


def extract(path: Path, ext: str) -> str | None:
    """The file's text, or None when the type has none to give. Never raises for a
    damaged file: its text is then empty (the title is still searchable)."""
    try:
        if ext == "pdf":
            return clean(_pdf(path))
        if ext == "docx":
            return clean(_xml_parts(path, ("word/document.xml",), paragraph="p"))
        if ext == "xlsx":
            return clean(_xml_parts(path, ("xl/sharedStrings.xml",), paragraph="si"))
        if ext in ("odt", "ods"):
            return clean(_xml_parts(path, ("content.xml",), paragraph="p"))
        if ext == "eml":
            return clean(_eml(path))
        if ext == "msg":
            return clean(_msg(path))
        if ext == "txt":
            return clean(_txt(path))
    except Exception:
        log.warning("text extraction of a .%s file failed", ext, exc_info=True)
        return ""
    return None


# PDFium is not thread-safe: one extraction at a time per process (each takes well under
# a second for a 20 MB PDF).
_PDFIUM = threading.Lock()


def _pdf(path: Path) -> str:
    import pypdfium2

    parts: list[str] = []
    size = 0
    with _PDFIUM:
        document = pypdfium2.PdfDocument(path)
        try:
            for i in range(min(len(document), MAX_PAGES)):
                if size >= MAX_TEXT:
                    break
                page = document[i]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
                parts.append(text)
                size += len(text)
        finally:
            document.close()
    return "\n\n".join(parts)


def _read_limited(stream: IO[bytes]) -> bytes:
    data = stream.read(MAX_XML + 1)
    if len(data) > MAX_XML:
        raise ValueError("part too large")
    return data


def _xml_parts(path: Path, parts: tuple[str, ...], *, paragraph: str) -> str:
    """The text of the named XML parts, one line per ``paragraph`` element (and ``h``, an
    ODF heading)."""
    out: list[str] = []
    ends = {paragraph, "h"}
    with zipfile.ZipFile(path) as z:
        for name in parts:
            try:
                info = z.getinfo(name)
            except KeyError:
                continue
            with z.open(info) as f:
                data = _read_limited(f)
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                continue  # no document part declares entities; refuse rather than expand
            parsed = ElementTree.iterparse(io.BytesIO(data), events=("end",))  # noqa: S314 - no DOCTYPE/ENTITY (refused above), so nothing to expand
            for _, element in parsed:
                if element.tag.rsplit("}", 1)[-1] in ends:
                    out.append("".join(element.itertext()))
                    out.append("\n")
                    element.clear()
    return "".join(out)


def _eml(path: Path) -> str:
    with path.open("rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    head = [str(message.get(h, "")) for h in ("Subject", "From", "To", "Date")]
    body = ""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is not None:
        content = part.get_content()
        body = content if part.get_content_subtype() == "plain" else _TAGS.sub(" ", content)
    return "\n".join(h for h in head if h) + "\n\n" + body


def _msg(path: Path) -> str:
    import olefile

    def stream(ole: olefile.OleFileIO, prop: str) -> str:
        for suffix, encoding in (("001F", "utf-16-le"), ("001E", "cp1252")):
            name = f"__substg1.0_{prop}{suffix}"
            if ole.exists(name):
                data = ole.openstream(name).read(MAX_XML)
                return str(data.decode(encoding, errors="replace"))
        return ""

    with olefile.OleFileIO(str(path)) as ole:
        subject = stream(ole, "0037")
        sender = stream(ole, "0C1A")
        body = stream(ole, "1000")
    return "\n".join(p for p in (subject, sender) if p) + "\n\n" + body


def _txt(path: Path) -> str:
    with path.open("rb") as f:
        data = f.read(MAX_TEXT * 4)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
