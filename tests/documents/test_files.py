"""The file checks and text extraction on their own (no database): every allowed type is
recognised by its content, and its text is found."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from backend.core.errors import FieldError
from backend.documents import files
from backend.documents.extract import extract
from tests.documents.conftest import docx_with, pdf_with


def odt_with(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
        )  # first and stored, as ODF requires
        z.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
            f"<office:text><text:h>Overskrift</text:h><text:p>{text} <text:span>med "
            "fremhævning</text:span> og mere</text:p></office:text></office:body>"
            "</office:document-content>",
        )
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", b"%PDF-1.7\n..."),
        ("a.png", b"\x89PNG\r\n\x1a\n...."),
        ("a.jpg", b"\xff\xd8\xff\xe0...."),
        ("a.tiff", b"II*\x00...."),
        ("a.heic", b"\x00\x00\x00\x18ftypheic...."),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."),
        ("a.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."),
        ("a.eml", b"From: a@b.dk\r\nSubject: Hej\r\n\r\nTekst"),
        ("a.txt", "Æblegrød og rødgrød".encode()),
        ("a.txt", "Æblegrød".encode("cp1252")),
    ],
)
def test_allowed_content_is_recognised(name: str, content: bytes) -> None:
    _, kind = files.check_filename(name)
    files.check_content(kind, content)


def test_office_zip_files_are_told_apart() -> None:
    _, docx = files.check_filename("a.docx")
    _, xlsx = files.check_filename("a.xlsx")
    _, odt = files.check_filename("a.odt")
    _, ods = files.check_filename("a.ods")
    files.check_content(docx, docx_with("x"))
    files.check_content(odt, odt_with("x"))
    for kind, content in ((xlsx, docx_with("x")), (ods, odt_with("x")), (docx, odt_with("x"))):
        with pytest.raises(FieldError):
            files.check_content(kind, content)


def test_a_renamed_executable_is_refused() -> None:
    _, kind = files.check_filename("faktura.pdf")
    with pytest.raises(FieldError) as refused:
        files.check_content(kind, b"MZ\x90\x00\x03\x00\x00\x00")
    assert refused.value.field == "content"


def test_names_keep_danish_letters_and_lose_nothing_else() -> None:
    assert files.check_filename(" Udtalelse fra skolen (Ærø) 2026.PDF ")[0] == (
        "Udtalelse fra skolen (Ærø) 2026.PDF"
    )
    for bad in ("a\u200b.pdf", "a\u2066.pdf", "a\x1b.pdf", "a/b.pdf", "a\\b.pdf"):
        with pytest.raises(FieldError):
            files.check_filename(bad)


def test_text_is_extracted_from_each_kind(tmp_path: Path) -> None:
    cases = {
        "pdf": pdf_with("Skolen melder om fravær"),
        "docx": docx_with("Referat fra netværksmødet"),
        "odt": odt_with("Udtalelse fra dagplejen"),
        "eml": "From: skole@example.dk\r\nSubject: Fravær\r\nContent-Type: text/plain; "
        "charset=utf-8\r\n\r\nEleven har været væk.\r\n".encode(),
        "txt": b"Notat om samtalen\x00 med mor",
    }
    expected = {
        "pdf": "Skolen melder om fravær",
        "docx": "Referat fra netværksmødet",
        "odt": "Udtalelse fra dagplejen med fremhævning og mere",
        "eml": "Eleven har været væk.",
        "txt": "Notat om samtalen med mor",
    }
    for ext, content in cases.items():
        path = tmp_path / f"fil.{ext}"
        path.write_bytes(content)
        text = extract(path, ext)
        assert text is not None and expected[ext] in text, (ext, text)
    assert extract(tmp_path / "fil.pdf", "png") is None  # an image has no text here


def test_a_damaged_file_gives_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "fil.pdf"
    path.write_bytes(b"%PDF-1.7\nnot really a pdf")
    assert extract(path, "pdf") == ""
    path = tmp_path / "fil.docx"
    path.write_bytes(b"PK\x03\x04 broken zip")
    assert extract(path, "docx") == ""


def test_an_xml_part_with_entities_is_not_expanded(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", bomb)
    path = tmp_path / "fil.docx"
    path.write_bytes(buf.getvalue())
    assert extract(path, "docx") == ""
