"""Text for full-text search, from a stored file: PDF (PDFium, ``pypdfium2``), Word/Excel
(OOXML parts), ODT/ODS (``content.xml``), e-mails (EML with the stdlib, MSG with
``olefile``: head, plain or HTML body, and the text of its attachments) and plain text.
Images and the old binary Office formats give no text here (their LibreOffice PDF does,
see ``tasks.py``).

Reads a file on disk (a spooled copy of the chunks), so a large file is never whole in
memory twice; every format is bounded (pages, decompressed bytes, characters).
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import logging
import re
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

log = logging.getLogger("trekant.documents")

MAX_TEXT = 500_000  # characters kept for search (PostgreSQL's tsvector has a 1 MB limit)
MAX_PAGES = 3_000
MAX_XML = 50 * 1024 * 1024  # decompressed bytes read from one part of a ZIP-based file

# the types whose text is read from an e-mail's attachments (the images' is not)
ATTACHMENT_TYPES = frozenset({"pdf", "docx", "xlsx", "odt", "ods", "eml", "msg", "txt"})

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


MAX_ATTACHMENT = 20 * 1024 * 1024  # bytes of one e-mail attachment read for its text
MAX_DEPTH = 2  # an attached e-mail inside an attached e-mail, no deeper
MAX_ATTACHMENTS = 50


def _msg(path: Path, depth: int = 0) -> str:
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        return _msg_part(ole, "", depth)


def _msg_part(ole: Any, prefix: str, depth: int) -> str:
    """An Outlook message (MS-OXMSG: properties as ``__substg1.0_<tag><type>`` streams) at
    ``prefix`` in the compound file: subject, sender (name and SMTP address), recipients,
    the body (plain text, or HTML when that is all it has), and each attachment's name and,
    where Trekant reads that type, its text (an attached e-mail too, ``MAX_DEPTH`` deep).
    A body kept only as compressed RTF is not read (its subject, people and attachments are)."""

    def stream(prop: str, types: tuple[str, ...] = ("001F", "001E")) -> str:
        for kind in types:
            name = f"{prefix}__substg1.0_{prop}{kind}"
            if ole.exists(name):
                data = ole.openstream(name).read(MAX_XML)
                if kind == "001F":
                    text = data.decode("utf-16-le", errors="replace")
                else:
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError:
                        text = data.decode("cp1252", errors="replace")
                return str(text).strip("\x00").strip()
        return ""

    subject = stream("0037")
    sender = stream("0C1A")
    address = stream("5D01") or (stream("0C1F") if stream("0C1E").upper() == "SMTP" else "")
    if "@" in address and address not in sender:
        sender = f"{sender} <{address}>" if sender else address
    to, cc = stream("0E04"), stream("0E03")
    head = [subject, sender, f"Til: {to}" if to else "", f"Cc: {cc}" if cc else ""]
    body = stream("1000")
    if not body.strip():
        markup = stream("1013", ("001F", "001E", "0102"))
        body = html.unescape(_TAGS.sub(" ", markup)) if markup else ""
    parts = ["\n".join(h for h in head if h), body.strip()]
    if depth < MAX_DEPTH:
        base = [p for p in prefix.split("/") if p]
        attached = sorted(
            e[-1]
            for e in ole.listdir(streams=False, storages=True)
            if e[:-1] == base and e[-1].startswith("__attach_version1.0_#")
        )
        for storage in attached[:MAX_ATTACHMENTS]:
            parts.append(_attachment(ole, f"{prefix}{storage}/", depth))
    return "\n\n".join(p for p in parts if p)


def _attachment(ole: Any, prefix: str, depth: int) -> str:
    def name_of() -> str:
        for prop in ("3707", "3704", "3001"):
            for kind, encoding in (("001F", "utf-16-le"), ("001E", "cp1252")):
                stream = f"{prefix}__substg1.0_{prop}{kind}"
                if ole.exists(stream):
                    raw = ole.openstream(stream).read(2048)
                    return str(raw.decode(encoding, errors="replace")).strip("\x00 ")
        return ""

    name = name_of()
    if ole.exists(f"{prefix}__substg1.0_3701000D"):  # an attached Outlook message
        inner = _msg_part(ole, f"{prefix}__substg1.0_3701000D/", depth + 1)
        return f"Vedhæftet e-mail: {name}\n{inner}" if name else f"Vedhæftet e-mail\n{inner}"
    data_stream = f"{prefix}__substg1.0_37010102"
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    text = ""
    if ext in ATTACHMENT_TYPES and ole.exists(data_stream):
        if ole.get_size(data_stream) <= MAX_ATTACHMENT:
            with tempfile.TemporaryDirectory(prefix="trekant-msg-") as tmp:
                inner_path = Path(tmp) / f"bilag.{ext}"
                with ole.openstream(data_stream) as src, inner_path.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                found = _msg(inner_path, depth + 1) if ext == "msg" else extract(inner_path, ext)
                text = found or ""
    return f"Vedhæftet: {name}\n{text}" if name else text


def _txt(path: Path) -> str:
    with path.open("rb") as f:
        data = f.read(MAX_TEXT * 4)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
