"""Files of an arkiveringsversion: the folder, the XML writers (incremental, with
``lxml.etree.xmlfile``), the documents as TIFF and the MD5 of every file.

Pure functions on local files (no database); the build (``build.py``) runs the slow ones in
a thread. TIFF, because BEK nr. 128 af 12/02/2020 accepts TIFF, JPEG 2000, MP3, MPEG-2, WAV
and GML for documents (bilag 5), not PDF: a page is rendered by PDFium (``pypdfium2``) at
``DPI`` as a bitonal image with CCITT group 4 compression, one page at a time, so a
100-page document never holds more than one page in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree
from PIL import Image, ImageOps, TiffImagePlugin

from backend.config import get_settings
from backend.core.danish import DK

NS = "http://www.sa.dk/xmlns/diark/1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
XSD_DIR = Path(__file__).parent / "xsd"
INDEX_SCHEMAS = (
    "archiveIndex",
    "contextDocumentationIndex",
    "docIndex",
    "fileIndex",
    "tableIndex",
)
DPI = 200
DOCS_PER_COLLECTION = 10_000  # docCollection1 holds dID 1..10000, and so on
MAX_IMAGE_PIXELS = 50_000_000

# PDFium (and WeasyPrint) are not thread-safe: in one process, one conversion at a time (a
# version's processes each have their own).
_ONE_AT_A_TIME = threading.RLock()

# Characters XML 1.0 cannot hold (C0 controls other than tab, newline, return; surrogates;
# U+FFFE/U+FFFF): removed from text values.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def archive_root(code: str) -> Path:
    """The kommune's folder of arkiveringsversioner: ``TREKANT_ARCHIVE_DIR`` or
    ``<data dir>/arkiv``, then the kommune code."""
    base = os.environ.get("TREKANT_ARCHIVE_DIR") or str(get_settings().data_dir / "arkiv")
    return Path(base) / code


def archive_code() -> str:
    """The archive the versions go to (``TREKANT_ARCHIVE_CODE``, ``SA`` = Rigsarkivet; a
    kommunalt arkiv has its own 2-4 letter code)."""
    return os.environ.get("TREKANT_ARCHIVE_CODE", "SA")


def version_dir(code: str, version_id: Any, avid: str) -> Path:
    """``…/<kommune>/<version id>/AVID.SA.n.1`` (the first and only medium)."""
    return archive_root(code) / str(version_id) / f"{avid}.1"


def text(value: str) -> str:
    return _NOT_XML.sub("", value)


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(DK).replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return text(str(value))


def index_writer(path: Path, root: str, schema: str) -> tuple[Any, Any, Any]:
    """Open ``path`` and an ``xmlfile`` with the root element ``root`` in the diark
    namespace; returns (file, xmlfile context, root context) for the caller to close in
    reverse order (``close_writer``)."""
    f = path.open("wb")
    xf_cm = etree.xmlfile(f, encoding="utf-8")
    xf = xf_cm.__enter__()
    xf.write_declaration()
    root_cm = xf.element(
        f"{{{NS}}}{root}",
        nsmap={None: NS, "xsi": XSI},
        attrib={f"{{{XSI}}}schemaLocation": f"{NS} ../Schemas/standard/{schema}.xsd"},
    )
    root_cm.__enter__()
    return f, (xf_cm, xf), root_cm


def close_writer(handle: tuple[Any, Any, Any]) -> None:
    f, (xf_cm, _), root_cm = handle
    root_cm.__exit__(None, None, None)
    xf_cm.__exit__(None, None, None)
    f.close()


def element(tag: str, children: list[tuple[str, Any]] | None = None, value: Any = None) -> Any:
    """``<tag>`` in the diark namespace with simple children (name, value); a value that is
    a list of pairs becomes a nested element."""
    el = etree.Element(f"{{{NS}}}{tag}", nsmap={None: NS})
    if value is not None:
        el.text = value_text(value)
    for name, child in children or []:
        if isinstance(child, list):
            el.append(element(name, child))
        else:
            sub = etree.SubElement(el, f"{{{NS}}}{name}")
            sub.text = value_text(child)
    return el


def table_namespace(n: int) -> str:
    return f"http://www.sa.dk/xmlns/siard/1.0/schema0/table{n}.xsd"


def table_xsd(n: int, xs_types: list[tuple[str, bool]]) -> bytes:
    """The schema of ``tableN.xml``: ``<table>`` of ``<row>`` of ``c1..cN`` with each
    column's XML Schema type; a nullable column is ``nillable``."""
    ns = table_namespace(n)
    schema = etree.Element(
        f"{{{XS}}}schema",
        nsmap={"xs": XS, None: ns},
        attrib={
            "targetNamespace": ns,
            "elementFormDefault": "qualified",
            "attributeFormDefault": "unqualified",
        },
    )
    table = etree.SubElement(schema, f"{{{XS}}}element", name="table")
    seq = etree.SubElement(etree.SubElement(table, f"{{{XS}}}complexType"), f"{{{XS}}}sequence")
    etree.SubElement(
        seq, f"{{{XS}}}element", name="row", type="rowType", minOccurs="0", maxOccurs="unbounded"
    )
    row = etree.SubElement(schema, f"{{{XS}}}complexType", name="rowType")
    cols = etree.SubElement(row, f"{{{XS}}}sequence")
    for i, (xs_type, nullable) in enumerate(xs_types, start=1):
        etree.SubElement(
            cols,
            f"{{{XS}}}element",
            name=f"c{i}",
            type=xs_type,
            minOccurs="1",
            nillable="true" if nullable else "false",
        )
    out: bytes = etree.tostring(schema, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


class TableWriter:
    """``tableN.xml`` written row by row, as text: the namespaces are declared once on the
    root (lxml's ``xmlfile`` would repeat them on every row), values escaped."""

    def __init__(self, path: Path, n: int) -> None:
        ns = table_namespace(n)
        self.f = path.open("w", encoding="utf-8", newline="\n")
        self.f.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            f'<table xmlns="{ns}" xmlns:xsi="{XSI}" xsi:schemaLocation="{ns} table{n}.xsd">\n'
        )
        self.rows = 0

    def write(self, values: tuple[Any, ...]) -> None:
        cells = []
        for i, value in enumerate(values, start=1):
            if value is None:
                cells.append(f'<c{i} xsi:nil="true"/>')
            else:
                cells.append(f"<c{i}>{_escape(value_text(value))}</c{i}>")
        self.f.write(f"<row>{''.join(cells)}</row>\n")
        self.rows += 1

    def close(self) -> None:
        self.f.write("</table>\n")
        self.f.close()


# ---- documents as TIFF ----------------------------------------------------------------------


def _bitonal_pages(pdf_path: Path) -> Iterator[Image.Image]:
    import pypdfium2 as pdfium  # loaded on first use: the API process never needs it

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            finally:
                page.close()
            yield image.convert("L").convert("1", dither=Image.Dither.NONE)
    finally:
        pdf.close()


def _write_pages(pages: Iterator[Image.Image], out: Path, compression: str) -> int:
    """Every page into one multi-page TIFF, one page in memory at a time."""
    count = 0
    with out.open("w+b") as fp, TiffImagePlugin.AppendingTiffWriter(fp) as tf:
        for page in pages:
            page.save(tf, format="TIFF", compression=compression, dpi=(DPI, DPI))
            tf.newFrame()
            count += 1
    if count == 0:
        raise ValueError("no pages")
    return count


def pdf_to_tiff(pdf_path: Path, out: Path) -> int:
    """The PDF as a bitonal multi-page TIFF (CCITT group 4); the number of pages."""
    with _ONE_AT_A_TIME:
        return _write_pages(_bitonal_pages(pdf_path), out, "group4")


def image_to_tiff(image_path: Path, out: Path) -> int:
    """A photo or scan (PNG, JPEG) as an LZW-compressed colour TIFF."""
    with Image.open(image_path) as image:
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ValueError("image too large")
        rgb = ImageOps.exif_transpose(image).convert("RGB")
    return _write_pages(iter([rgb]), out, "tiff_lzw")


def html_to_tiff(html: str, out: Path, pdf: Path) -> int:
    """HTML (the context documentation, or a document's text) as a TIFF, through
    WeasyPrint's PDF at ``pdf`` (removed after)."""
    from weasyprint import HTML  # heavy: loaded on first use

    with _ONE_AT_A_TIME:
        HTML(string=html).write_pdf(pdf)
        try:
            return pdf_to_tiff(pdf, out)
        finally:
            pdf.unlink(missing_ok=True)


def is_tiff(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) in (b"II*\x00", b"MM\x00*")


def md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest().upper()


def copy_schemas(root: Path) -> None:
    target = root / "Schemas" / "standard"
    target.mkdir(parents=True, exist_ok=True)
    for name in INDEX_SCHEMAS:
        shutil.copyfile(XSD_DIR / f"{name}.xsd", target / f"{name}.xsd")


def folder_name(root: Path, folder: Path) -> str:
    """A folder as fileIndex names it: ``AVID.SA.n.1\\Tables\\table1`` (backslashes)."""
    return "\\".join((root.name, *folder.relative_to(root).parts))


def all_files(root: Path) -> Iterator[Path]:
    """Every file under ``root`` in a stable order (folders sorted, then names)."""
    for folder, dirs, names in os.walk(root):
        dirs.sort(key=_natural)
        for name in sorted(names, key=_natural):
            yield Path(folder) / name


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def write_file_index(root: Path) -> tuple[int, int]:
    """``Indices/fileIndex.xml``: every other file with its folder, name and MD5; returns
    (files, bytes) of the whole package including the index."""
    path = root / "Indices" / "fileIndex.xml"
    files = 0
    size = 0
    handle = index_writer(path, "fileIndex", "fileIndex")
    xf = handle[1][1]
    try:
        for file in all_files(root):
            if file == path:
                continue
            xf.write(
                element(
                    "f",
                    [
                        ("foN", folder_name(root, file.parent)),
                        ("fiN", file.name),
                        ("md5", md5(file)),
                    ],
                )
            )
            files += 1
            size += file.stat().st_size
    finally:
        close_writer(handle)
    return files + 1, size + path.stat().st_size


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
