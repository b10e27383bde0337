"""Real Outlook .msg files (Apache POI's test data, tests/data/README.md): their subject,
sender, body, HTML-only body and attachments' text are extracted and found by search."""

from __future__ import annotations

import hashlib
from pathlib import Path

from backend.documents.extract import extract
from tests.conftest import KOMMUNE_A, AsUser
from tests.documents.conftest import upload
from tests.factories import child

A = KOMMUNE_A[0]
DATA = Path(__file__).parent.parent / "data"
SHA256 = {
    "quick.msg": "5cf6dd0bd15c07b8b221f070f7d69590ee6803a6b64358b9deb93a147cf4611b",
    "attachment_msg_pdf.msg": "439a1fb117edd4c84b780fcf44bf1d5167166694130ced5743a70132a83c6970",
    "HTMLBodyBinary_UTF-8.msg": "6e6a9b5ad0045dae5477608bc67827741f074f61c80d6f005466ae931894d336",
}


def _file(name: str) -> bytes:
    data = (DATA / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name]  # unchanged since it was copied
    return data


def test_the_head_body_and_attachments_are_extracted() -> None:
    assert extract(DATA / "quick.msg", "msg") == (
        "Test the content transformer\nKevin Roast\nTil: Kevin Roast\n\n"
        "The quick brown fox jumps over the lazy dog"
    )
    # the body is only HTML: its text, without the markup
    assert extract(DATA / "HTMLBodyBinary_UTF-8.msg", "msg") == "Subject öäü Subject\n\nHTML öäü"
    text = extract(DATA / "attachment_msg_pdf.msg", "msg")
    assert text is not None
    assert text.startswith(
        "test email\nNick Booth\nTil: Nick Booth\n\nTest email with 1 msg attachment, 1 pdf\n\n"
        # the attached Outlook message
        "Vedhæftet e-mail: Test Attachment\nTest Attachment\nNick Booth\nTil: Nick Booth\n\n"
        "Blah blah blah\n\n"
        # the attached PDF, its text by PDFium
        "Vedhæftet: smbprn.00009008.KdcPjl.pdf\n"
    )
    assert "Sent: Friday, 18 June 2010 9:52 AM" in text


async def test_a_real_msg_is_searchable_by_subject_sender_body_and_attachment(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(
        c, case, "quick.msg", _file("quick.msg"), kind="korrespondance", title="Mail"
    )
    assert doc["content_type"] == "application/vnd.ms-outlook"
    assert doc["view"] == "ingen"
    other = await upload(
        c,
        case,
        "med bilag.msg",
        _file("attachment_msg_pdf.msg"),
        kind="korrespondance",
        title="Mail med bilag",
    )
    for words, found in (
        ("content transformer", doc["id"]),  # the subject
        ("Roast", doc["id"]),  # the sender
        ('"lazy dog"', doc["id"]),  # the body
        ("Blah", other["id"]),  # the attached e-mail's body
        ('"18 June 2010"', other["id"]),  # the attached PDF's text
    ):
        r = await c.get(f"/api/cases/{case}/documents", params={"q": words})
        assert r.status_code == 200
        assert [d["id"] for d in r.json()["items"]] == [found], words
