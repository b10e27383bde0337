"""What a document file may be: its name, its type (by the name's extension) and whether
its first bytes are what the name says (magic bytes), with Danish messages.

Pure functions; no I/O. The allowlist is the only place the accepted types live.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from backend.core.errors import FieldError

MAX_SIZE = 100 * 1024 * 1024  # 100 MiB, "100 MB" to a person
CHUNK = 1024 * 1024  # one document_chunk row (1 MiB)
MAX_NAME = 200
MAX_TITLE = 300

Sniff = Literal[
    "pdf", "ole", "docx", "xlsx", "odt", "ods", "png", "jpeg", "tiff", "heic", "eml", "txt"
]
View = Literal["pdf", "image", "office", "raster", "none"]


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str  # Danish, for messages: "en PDF-fil"
    sniff: Sniff
    # how it is viewed: as it is, converted to PDF by LibreOffice ("office"), converted by
    # Pillow ("raster": TIFF to PDF, HEIC to JPEG, see images.py), or not at all
    view: View


TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", "en PDF-fil", "pdf", "pdf"),
    "doc": FileType("application/msword", "et Word-dokument", "ole", "office"),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "et Word-dokument",
        "docx",
        "office",
    ),
    "odt": FileType("application/vnd.oasis.opendocument.text", "et ODT-dokument", "odt", "office"),
    "xls": FileType("application/vnd.ms-excel", "et Excel-ark", "ole", "office"),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "et Excel-ark",
        "xlsx",
        "office",
    ),
    "ods": FileType(
        "application/vnd.oasis.opendocument.spreadsheet", "et regneark (ODS)", "ods", "office"
    ),
    "png": FileType("image/png", "et PNG-billede", "png", "image"),
    "jpg": FileType("image/jpeg", "et JPEG-billede", "jpeg", "image"),
    "jpeg": FileType("image/jpeg", "et JPEG-billede", "jpeg", "image"),
    "tif": FileType("image/tiff", "et TIFF-billede", "tiff", "raster"),
    "tiff": FileType("image/tiff", "et TIFF-billede", "tiff", "raster"),
    "heic": FileType("image/heic", "et HEIC-billede", "heic", "raster"),
    "eml": FileType("message/rfc822", "en e-mail (EML)", "eml", "none"),
    "msg": FileType("application/vnd.ms-outlook", "en Outlook-e-mail (MSG)", "ole", "none"),
    "txt": FileType("text/plain; charset=utf-8", "en tekstfil", "txt", "none"),
}
ALLOWED_TEXT = (
    "PDF, Word (DOC, DOCX), ODT, Excel (XLS, XLSX), ODS, billeder (PNG, JPEG, TIFF, HEIC), "
    "e-mails (EML, MSG) og tekst (TXT)"
)
TOO_LARGE = "Filen er større end 100 MB, som er det største, Trekant tager imod"

# Characters a file name may not hold: path separators, and the Unicode that makes a name
# look like another (bidi overrides and isolates, zero-width characters).
_SEPARATORS = frozenset("/\\")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def rendition_type(filename: str) -> str:
    """The media type of the copy made for viewing: a JPEG of a HEIC photo, else a PDF."""
    return "image/jpeg" if extension(filename) == "heic" else "application/pdf"


def extension(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return ext.lower() if dot else ""


def check_filename(filename: str) -> tuple[str, FileType]:
    """The safe display name (NFC, trimmed) and the type its extension names; 400 on
    ``filename`` otherwise."""
    name = unicodedata.normalize("NFC", filename).strip()
    if not name:
        raise FieldError("filename", "Filen mangler et navn")
    if any(ch in _SEPARATORS for ch in name):
        raise FieldError("filename", "Filnavnet må ikke indeholde / eller \\")
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in name):
        raise FieldError(
            "filename",
            "Filnavnet indeholder usynlige tegn eller styretegn. Omdøb filen og prøv igen",
        )
    if name in {".", ".."} or name.startswith("."):
        raise FieldError("filename", "Filnavnet må ikke begynde med et punktum")
    if len(name) > MAX_NAME:
        raise FieldError("filename", f"Filnavnet må højst være {MAX_NAME} tegn")
    ext = extension(name)
    kind = TYPES.get(ext)
    if kind is None:
        shown = f".{ext}-filer" if ext else "filer uden filtype"
        raise FieldError("filename", f"Trekant tager ikke imod {shown}. Tilladt er {ALLOWED_TEXT}")
    return name, kind


def check_size(size: int) -> None:
    if size <= 0:
        raise FieldError("size", "Filen er tom")
    if size > MAX_SIZE:
        raise FieldError(
            "size", "Filen er større end 100 MB, som er det største, Trekant tager imod"
        )


def _zip_names(head: bytes) -> bytes:
    """The local file headers' names in the first bytes of a ZIP file, joined by NUL."""
    names: list[bytes] = []
    at = 0
    while len(names) < 200:
        at = head.find(b"PK\x03\x04", at)
        if at < 0 or at + 30 > len(head):
            break
        length = int.from_bytes(head[at + 26 : at + 28], "little")
        names.append(head[at + 30 : at + 30 + length])
        at += 30
    return b"\0".join(names)


def _looks_like_text(head: bytes) -> bool:
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the head is not an error
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _matches(sniff: Sniff, head: bytes) -> bool:
    if sniff == "pdf":
        return b"%PDF-" in head[:1024]
    if sniff == "ole":
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if sniff in ("docx", "xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(head)
        part = b"\0word/" if sniff == "docx" else b"\0xl/"
        return b"[Content_Types].xml" in names and part in b"\0" + names
    if sniff in ("odt", "ods"):
        mime = b"application/vnd.oasis.opendocument." + (
            b"text" if sniff == "odt" else b"spreadsheet"
        )
        return (
            head.startswith(b"PK\x03\x04")
            and head[30:38] == b"mimetype"
            and head[38 : 38 + len(mime)] == mime
            and head[38 + len(mime) : 38 + len(mime) + 1] != b"-"
        )
    if sniff == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if sniff == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if sniff == "tiff":
        return head.startswith((b"II*\x00", b"MM\x00*"))
    if sniff == "heic":
        return head[4:8] == b"ftyp" and head[8:12] in {
            b"heic",
            b"heix",
            b"heim",
            b"heis",
            b"hevc",
            b"hevx",
            b"mif1",
            b"msf1",
        }
    if sniff == "eml":
        if not _looks_like_text(head):
            return False
        first = head.lstrip(b"\r\n").split(b"\n", 1)[0]
        name, colon, _ = first.partition(b":")
        return bool(colon) and bool(name) and all(33 <= b <= 126 for b in name)
    return _looks_like_text(head)  # txt


def check_content(kind: FileType, head: bytes) -> None:
    """``head`` (the first MiB, or the whole file if smaller) is what the name says."""
    if not _matches(kind.sniff, head):
        raise FieldError(
            "content",
            f"Filens indhold passer ikke til filnavnet: den er ikke {kind.label}. "
            "Tjek at det er den rigtige fil",
        )


def check_text_chunk(kind: FileType, chunk: bytes) -> None:
    """A text file (TXT, EML) holds no NUL byte anywhere (not just in its head)."""
    if kind.sniff in ("txt", "eml") and b"\0" in chunk:
        raise FieldError(
            "content",
            f"Filens indhold passer ikke til filnavnet: den er ikke {kind.label}. "
            "Tjek at det er den rigtige fil",
        )
