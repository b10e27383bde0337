"""Documents on a case through the real API: upload, list, download, view, search."""

from __future__ import annotations

from datetime import date, timedelta

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, AsUser
from tests.documents.conftest import metadata, pdf_with, run_document_jobs, upload
from tests.factories import child, underretning

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def test_upload_list_download_view_round_trip(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = pdf_with("Skolen har set, at barnet ofte er træt om morgenen.")
    doc = await upload(c, case, "udtalelse skole.pdf", content)
    assert doc["title"] == "Udtalelse fra skolen"
    assert doc["kind"] == "udtalelse"
    assert doc["size"] == len(content)
    assert doc["content_type"] == "application/pdf"
    assert doc["view"] == "pdf"
    assert doc["source"] == "upload"
    assert doc["incoming"] is False
    assert doc["added_by_name"]

    r = await c.get(f"/api/cases/{case}/documents")
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 1
    assert [d["id"] for d in page["items"]] == [doc["id"]]

    r = await c.get(f"/api/documents/{doc['id']}/content")
    assert r.status_code == 200
    assert r.content == content
    assert "content-encoding" not in r.headers  # files are sent as they are
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "udtalelse%20skole.pdf" in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"

    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 200
    assert r.content == content
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline;")
    assert r.headers["content-security-policy"].startswith(
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    assert r.headers["x-content-type-options"] == "nosniff"

    r = await c.get(f"/api/documents/{doc['id']}")
    assert r.status_code == 200
    assert r.json()["title"] == "Udtalelse fra skolen"

    # journalised by name
    r = await c.get(f"/api/cases/{case}/journal")
    assert r.status_code == 200
    assert "Dokument tilføjet: Udtalelse fra skolen" in r.text


async def test_a_file_over_several_chunks_comes_back_whole(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    content = b"linje med tekst om skolen\n" * 100_000  # 2.6 MB: three chunks
    doc = await upload(c, case, "notat.txt", content, title="Langt notat")
    async with tenant_transaction(DB, A) as scope:
        chunks = await scope.connection.fetchval(
            "SELECT count(*) FROM document_chunk WHERE document_id = $1",
            __import__("uuid").UUID(doc["id"]),
        )
    assert chunks == 3
    r = await c.get(f"/api/documents/{doc['id']}/content")
    assert r.status_code == 200
    assert r.content == content
    assert await run_document_jobs(A, doc["id"]) == ["documents.extract"]
    r = await c.get(f"/api/cases/{case}/documents", params={"q": "skole"})
    assert r.json()["total"] == 1


async def test_search_finds_a_danish_word_in_a_pdf_by_its_stem(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    await upload(
        c,
        case,
        "skole.pdf",
        pdf_with("Vi har talt med skolen om fraværet i efteråret."),
        title="Brev",
    )
    await upload(c, case, "andet.pdf", pdf_with("Lægen har undersøgt drengen."), title="Notat")
    r = await c.get(f"/api/cases/{case}/documents", params={"q": "skole"})
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 1
    assert page["items"][0]["title"] == "Brev"
    assert "<mark>skolen</mark>" in page["items"][0]["snippet"]

    r = await c.get("/api/documents/search", params={"q": "fravær"})
    assert r.status_code == 200
    hits = r.json()
    assert hits["total_exact"] is True
    mine = [h for h in hits["items"] if h["case_id"] == case]
    assert len(mine) == 1
    assert mine[0]["child_name"] == "Ida Testesen"
    assert mine[0]["case_number"]
    assert "<mark>" in mine[0]["snippet"]

    # the manager searches every case of the kommune (the newest first), phrases too
    leder = await as_user(A, "leder")
    r = await leder.get("/api/documents/search", params={"q": '"fraværet i efteråret"'})
    assert r.status_code == 200
    found = [h for h in r.json()["items"] if h["case_id"] == case]
    assert [h["title"] for h in found] == ["Brev"]
    r = await leder.get("/api/documents/search", params={"q": '"efteråret i fraværet"'})
    assert all(h["case_id"] != case for h in r.json()["items"])
    r = await leder.get("/api/documents/search", params={"q": "   "})
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "q"


async def test_kind_and_enkeltsag_filters(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await child(c)
    case = made.case_id
    await underretning(c, case)
    enkeltsag = (await c.get(f"/api/cases/{case}")).json()["enkeltsager"][0]["id"]
    await upload(
        c, case, "a.pdf", pdf_with("a"), kind="referat", title="Referat", enkeltsag_id=enkeltsag
    )
    await upload(c, case, "b.pdf", pdf_with("b"), kind="andet", title="Andet")
    r = await c.get(f"/api/cases/{case}/documents", params={"kind": "referat"})
    assert [d["title"] for d in r.json()["items"]] == ["Referat"]
    item = r.json()["items"][0]
    assert item["enkeltsag_id"] == enkeltsag
    assert item["enkeltsag_label"].startswith("Afklaring fra ")
    r = await c.get(f"/api/cases/{case}/documents", params={"enkeltsag_id": enkeltsag})
    assert r.json()["total"] == 1


async def test_patch_changes_title_and_is_journalised(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(c, case, "a.pdf", pdf_with("tekst"))
    r = await c.patch(f"/api/documents/{doc['id']}", json={"title": "Ny titel", "kind": "referat"})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Ny titel"
    assert r.json()["kind"] == "referat"
    r = await c.patch(f"/api/documents/{doc['id']}", json={"title": "  "})
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "title"
    r = await c.get(f"/api/cases/{case}/documents", params={"q": "titel"})
    assert r.json()["total"] == 1  # the title is searchable too


async def test_another_kommunes_document_is_404(as_user: AsUser) -> None:
    a = await as_user(A)
    case = (await child(a)).case_id
    doc = await upload(a, case, "a.pdf", pdf_with("hemmelig"))
    b = await as_user(B)
    for path in ("", "/content", "/view"):
        r = await b.get(f"/api/documents/{doc['id']}{path}")
        assert r.status_code == 404, path
    r = await b.get(f"/api/cases/{case}/documents")
    assert r.status_code == 404
    r = await b.get("/api/documents/search", params={"q": "hemmelig"})
    assert r.status_code == 200
    assert all(h["id"] != doc["id"] for h in r.json()["items"])


async def test_a_case_the_user_may_not_open_is_404(as_user: AsUser) -> None:
    a = await as_user(A)
    case = (await child(a)).case_id
    doc = await upload(a, case, "a.pdf", pdf_with("fortroligt indhold"))
    other = await as_user(A, "kollega")
    for path in ("", "/content", "/view"):
        r = await other.get(f"/api/documents/{doc['id']}{path}")
        assert r.status_code == 404, path
    r = await other.get(f"/api/cases/{case}/documents")
    assert r.status_code == 404
    r = await other.post(f"/api/cases/{case}/documents", json=metadata("a.pdf", 10))
    assert r.status_code == 404
    r = await other.patch(f"/api/documents/{doc['id']}", json={"title": "x"})
    assert r.status_code == 404
    r = await other.get("/api/documents/search", params={"q": "fortroligt"})
    assert all(h["id"] != doc["id"] for h in r.json()["items"])


async def test_an_unfinished_upload_is_never_listed(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    r = await c.post(f"/api/cases/{case}/documents", json=metadata("a.pdf", 100))
    assert r.status_code == 201
    doc_id = r.json()["id"]
    r = await c.get(f"/api/cases/{case}/documents")
    assert r.json()["total"] == 0
    r = await c.get(f"/api/documents/{doc_id}")
    assert r.status_code == 404


async def test_dated_in_the_future_is_refused(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    r = await c.post(
        f"/api/cases/{case}/documents",
        json=metadata("a.pdf", 10, dated=(date.today() + timedelta(days=30)).isoformat()),
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "dated"
