"""Incoming post, store_bytes (the letters' and Digital Post's way in), and the jobs that
make a Word file viewable (LibreOffice) and searchable."""

from __future__ import annotations

import shutil
import uuid
from datetime import date

import pytest

from backend.core.errors import FieldError
from backend.db import DB
from backend.documents.service import store_bytes
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, AsUser, username
from tests.documents.conftest import docx_with, pdf_with, run_document_jobs, upload
from tests.factories import child

A = KOMMUNE_A[0]
B = KOMMUNE_B[0]


async def test_incoming_post_is_listed_until_handled(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c, first_name="Post")).case_id
    doc = await upload(
        c,
        case,
        "svar.pdf",
        pdf_with("Svar fra mor"),
        title="Svar fra mor",
        kind="korrespondance",
        incoming=True,
    )
    assert doc["incoming"] is True
    r = await c.get("/api/documents/incoming")
    assert r.status_code == 200
    mine = [d for d in r.json()["items"] if d["id"] == doc["id"]]
    assert len(mine) == 1
    assert mine[0]["child_name"] == "Post Testesen"
    assert mine[0]["handled_at"] is None

    kollega = await as_user(A, "kollega")  # not on the case
    r = await kollega.get("/api/documents/incoming")
    assert all(d["id"] != doc["id"] for d in r.json()["items"])
    r = await kollega.post(f"/api/documents/{doc['id']}/handled")
    assert r.status_code == 404

    r = await c.post(f"/api/documents/{doc['id']}/handled")
    assert r.status_code == 200, r.text
    assert r.json()["handled_at"] is not None
    assert r.json()["handled_by"] == "Sara Sagsbehandler"
    r = await c.get("/api/documents/incoming")
    assert all(d["id"] != doc["id"] for d in r.json()["items"])
    r = await c.post(f"/api/documents/{doc['id']}/handled")
    assert r.status_code == 409
    r = await c.get(f"/api/cases/{case}/journal")
    assert "Indgået post behandlet: Svar fra mor" in r.text


async def test_a_cases_incoming_post_is_listed_whoever_holds_the_case(as_user: AsUser) -> None:
    """With ``hovedsag_id`` the list is the case's (its Overblik), not the user's worklist:
    a leader who does not hold the case sees its post; a colleague not on the case, another
    kommune and an unknown id get the same 404; the read is audited on the case."""
    c = await as_user(A)
    case = (await child(c, first_name="Overblik")).case_id
    other = (await child(c)).case_id
    doc = await upload(c, case, "svar.pdf", pdf_with("Svar"), title="Svar fra far", incoming=True)
    await upload(c, other, "b.pdf", pdf_with("Andet"), title="Anden sags post", incoming=True)
    await upload(c, case, "c.pdf", pdf_with("Notat"), title="Ikke indgået")

    leder = await as_user(A, "leder")
    mine = await leder.get("/api/documents/incoming")
    assert all(d["case_id"] != case for d in mine.json()["items"])
    r = await leder.get("/api/documents/incoming", params={"hovedsag_id": case})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 1
    assert [(d["id"], d["title"]) for d in r.json()["items"]] == [(doc["id"], "Svar fra far")]

    refused = []
    for client, case_id in (
        (await as_user(A, "kollega"), case),
        (await as_user(B), case),
        (c, str(uuid.uuid4())),
    ):
        r = await client.get("/api/documents/incoming", params={"hovedsag_id": case_id})
        refused.append((r.status_code, r.json()["detail"]))
    assert refused == [(404, "Sagen findes ikke, eller du er ikke på sagen")] * 3

    async with tenant_transaction(DB, A) as scope:
        audited = await scope.connection.fetch(
            "SELECT detail->>'hits' AS hits FROM audit_event "
            "WHERE action = 'document.incoming.read' AND subject = $1 AND actor = $2",
            case,
            username("leder", A),
        )
    assert [r["hits"] for r in audited] == ["1"]


async def test_a_document_that_is_not_incoming_cannot_be_handled(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(c, case, "a.pdf", pdf_with("tekst"))
    r = await c.post(f"/api/documents/{doc['id']}/handled")
    assert r.status_code == 409


async def test_store_bytes_stores_extracts_and_journalises(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    async with tenant_transaction(DB, A):
        doc_id = await store_bytes(
            uuid.UUID(case),
            title="Svar på partshøring",
            kind="korrespondance",
            dated=date.today(),
            filename="svar.pdf",
            content=pdf_with("Jeg er ikke enig i beskrivelsen af skoleforløbet."),
            content_type="application/pdf",
            added_by=None,
            added_by_name="Digital Post",
            incoming=True,
            source="digital_post",
        )
    r = await c.get(f"/api/documents/{doc_id}")
    assert r.status_code == 200
    doc = r.json()
    assert doc["source"] == "digital_post"
    assert doc["incoming"] is True
    assert doc["added_by_name"] == "Digital Post"
    r = await c.get(f"/api/cases/{case}/documents", params={"q": "skoleforløb"})
    assert [d["id"] for d in r.json()["items"]] == [str(doc_id)]
    r = await c.get(f"/api/cases/{case}/journal")
    assert "Dokument tilføjet: Svar på partshøring" in r.text


async def test_store_bytes_checks_like_an_upload(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    with pytest.raises(FieldError) as refused:
        async with tenant_transaction(DB, A):
            await store_bytes(
                uuid.UUID(case),
                title="Brev",
                kind="korrespondance",
                dated=date.today(),
                filename="brev.pdf",
                content=b"<script>alert(1)</script>",
                content_type="application/pdf",
                added_by=None,
                added_by_name="Trekant",
            )
    assert refused.value.field == "content"
    r = await c.get(f"/api/cases/{case}/documents")
    assert r.json()["total"] == 0


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed: run just office"
)
async def test_a_word_file_is_converted_to_pdf_for_viewing(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = docx_with("Referat af netværksmødet på skolen")
    doc = await upload(c, case, "referat.docx", content, kind="referat", title="Referat")
    assert doc["view"] == "konverterer"
    assert doc["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 409
    assert r.json()["detail"] == "Dokumentet bliver stadig konverteret"
    # the text of a one-chunk file is searchable at once
    r = await c.get(f"/api/cases/{case}/documents", params={"q": "netværksmøde"})
    assert r.json()["total"] == 1

    assert await run_document_jobs(A, doc["id"]) == ["documents.convert"]
    r = await c.get(f"/api/documents/{doc['id']}")
    assert r.json()["view"] == "pdf"
    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert r.headers["content-disposition"] == (
        "inline; filename=\"referat.pdf\"; filename*=UTF-8''referat.pdf"
    )
    r = await c.get(f"/api/documents/{doc['id']}/content")
    assert r.content == content  # the original is kept as it was


async def test_a_file_that_cannot_be_shown_says_so(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    eml = (
        "From: skole@example.dk\r\nTo: sagsbehandler@example.dk\r\n"
        "Subject: Uge 12\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Eleven har haft meget fravær.\r\n"
    ).encode()
    doc = await upload(c, case, "mail.eml", eml, kind="korrespondance", title="Mail fra skolen")
    assert doc["view"] == "ingen"
    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 409
    r = await c.get(f"/api/cases/{case}/documents", params={"q": "fravær"})
    assert r.json()["total"] == 1
