"""Read an arkiveringsversion back from disk and say, in Danish, what is wrong with it.

Checks, each file streamed (``iterparse`` with the schema, elements cleared as they are
read, so memory stays flat whatever the size):

* every index (archiveIndex, tableIndex, docIndex, contextDocumentationIndex, fileIndex)
  against Rigsarkivet's published schema shipped in ``xsd/`` (not the copy in the package,
  which could have been changed with it);
* every ``tableN.xml`` against its own ``tableN.xsd`` from the package, and its rows against
  the ``rows`` of tableIndex and what the database meant to write;
* every file listed in fileIndex exists with that MD5, and no file is there unlisted;
* the documents in docIndex against what was meant, each one a TIFF in its folder.

An empty list is a version that reads back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from backend.archive.files import INDEX_SCHEMAS, NS, XSD_DIR, folder_name, is_tiff, md5
from backend.archive.tables import TABLES

MAX_ERRORS = 50
_SCHEMAS: dict[str, Any] = {}


def _schema(name: str) -> Any:
    if name not in _SCHEMAS:
        _SCHEMAS[name] = etree.XMLSchema(etree.parse(str(XSD_DIR / f"{name}.xsd")))
    return _SCHEMAS[name]


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


class _Errors(list[str]):
    def add(self, message: str) -> None:
        if len(self) < MAX_ERRORS:
            self.append(message)


def _iterate(path: Path, schema: Any, tag: str, errors: _Errors, label: str) -> Any:
    """The ``tag`` elements of ``path`` validated by ``schema`` as they are read; a schema
    error or unreadable XML is added to ``errors`` and ends the file."""
    try:
        for _, el in etree.iterparse(str(path), tag=tag, schema=schema, huge_tree=True):
            yield el
            el.clear(keep_tail=False)
            while el.getprevious() is not None:
                del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        errors.add(f"{label} følger ikke skemaet: {exc.msg}")
    except OSError:
        errors.add(f"{label} mangler")


def read_back(root: Path, expected: dict[str, int]) -> list[str]:
    """What is wrong with the package at ``root`` (``AVID.….1``); ``expected`` holds the
    rows of each table (by table key) and ``dokument``, the documents, as the database
    counted them."""
    errors = _Errors()
    indices = root / "Indices"
    if not root.is_dir():
        return ["Arkiveringsversionens mappe findes ikke"]

    # fileIndex first: every file there with the right MD5, nothing unlisted.
    listed: set[Path] = set()
    for f in _iterate(
        indices / "fileIndex.xml", _schema("fileIndex"), _q("f"), errors, "fileIndex.xml"
    ):
        folder = f.findtext(_q("foN")) or ""
        name = f.findtext(_q("fiN")) or ""
        parts = folder.split("\\")
        if parts[0] != root.name:
            errors.add(f"fileIndex nævner en mappe uden for arkiveringsversionen: {folder}")
            continue
        path = root.joinpath(*parts[1:], name)
        listed.add(path)
        if not path.is_file():
            errors.add(f"Filen {folder}\\{name} mangler")
        elif md5(path) != (f.findtext(_q("md5")) or "").upper():
            errors.add(f"Filen {folder}\\{name} er ændret (MD5 passer ikke)")
    for path in sorted(root.rglob("*")):
        if path.is_file() and path not in listed and path != indices / "fileIndex.xml":
            errors.add(f"Filen {folder_name(root, path.parent)}\\{path.name} står ikke i fileIndex")

    for name in INDEX_SCHEMAS:
        if name in ("fileIndex", "docIndex"):
            continue
        path = indices / f"{name}.xml"
        try:
            doc = etree.parse(str(path))
        except (OSError, etree.XMLSyntaxError):
            errors.add(f"{name}.xml mangler eller kan ikke læses")
            continue
        schema = _schema(name)
        if not schema.validate(doc):
            errors.add(f"{name}.xml følger ikke skemaet: {schema.error_log.last_error.message}")

    # The tables: each against its own schema and its row count.
    table_rows: dict[str, int] = {}
    try:
        tindex = etree.parse(str(indices / "tableIndex.xml"))
        for t in tindex.iter(_q("table")):
            table_rows[t.findtext(_q("name")) or ""] = int(t.findtext(_q("rows")) or -1)
    except (OSError, etree.XMLSyntaxError, ValueError):
        pass  # already said above
    for n, table in enumerate(TABLES, start=1):
        folder = root / "Tables" / f"table{n}"
        label = f"Tabellen {table.key} (table{n})"
        try:
            schema = etree.XMLSchema(etree.parse(str(folder / f"table{n}.xsd")))
        except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError):
            errors.add(f"{label}: skemaet table{n}.xsd mangler eller kan ikke læses")
            continue
        ns = f"http://www.sa.dk/xmlns/siard/1.0/schema0/table{n}.xsd"
        rows = sum(
            1 for _ in _iterate(folder / f"table{n}.xml", schema, f"{{{ns}}}row", errors, label)
        )
        if table_rows.get(table.key) != rows:
            errors.add(
                f"{label}: tableIndex siger {table_rows.get(table.key)} rækker, filen har {rows}"
            )
        if expected.get(table.key) != rows:
            errors.add(
                f"{label}: {expected.get(table.key)} rækker skulle skrives, filen har {rows}"
            )

    # The documents.
    documents = 0
    doc_index = indices / "docIndex.xml"
    if expected.get("dokument") == 0 and not doc_index.exists():
        return list(errors)  # no documents: no docIndex (it must hold at least one)
    for doc in _iterate(doc_index, _schema("docIndex"), _q("doc"), errors, "docIndex.xml"):
        documents += 1
        path = (
            root / "Documents" / (doc.findtext(_q("dCf")) or "") / (doc.findtext(_q("dID")) or "")
        )
        tif = path / "1.tif"
        if not tif.is_file() or not is_tiff(tif):
            errors.add(f"Dokument {doc.findtext(_q('dID'))} mangler eller er ikke en TIFF-fil")
    if documents != expected.get("dokument"):
        errors.add(
            f"docIndex har {documents} dokumenter; {expected.get('dokument')} skulle skrives"
        )
    return list(errors)
