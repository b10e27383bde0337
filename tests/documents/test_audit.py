"""Every read of a document is audited, by the document's title (names, not ids)."""

from __future__ import annotations

import uuid

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, AsUser, username
from tests.documents.conftest import docx_with, pdf_with, run_document_jobs, upload
from tests.factories import child

A = KOMMUNE_A[0]


async def _audited(case_id: str) -> list[tuple[str, str | None]]:
    async with tenant_transaction(DB, A) as scope:
        rows = await scope.connection.fetch(
            "SELECT action, detail->>'document' AS document FROM audit_event "
            "WHERE subject = $1 AND actor = $2 ORDER BY id",
            case_id,
            username("sagsbehandler", A),
        )
    return [(r["action"], r["document"]) for r in rows]


async def test_reads_downloads_and_views_are_audited_by_title(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(c, case, "a.pdf", pdf_with("tekst"), title="Lægens udtalelse")
    assert (await c.get(f"/api/cases/{case}/documents")).status_code == 200
    assert (await c.get(f"/api/documents/{doc['id']}")).status_code == 200
    assert (await c.get(f"/api/documents/{doc['id']}/content")).status_code == 200
    assert (await c.get(f"/api/documents/{doc['id']}/view")).status_code == 200
    audited = [a for a in await _audited(case) if a[0] != "case.read"]
    assert audited == [
        ("case.documents.read", None),
        ("document.read", "Lægens udtalelse"),
        ("document.downloaded", "Lægens udtalelse"),
        ("document.viewed", "Lægens udtalelse"),
    ]


async def _audit_rows() -> int:
    async with tenant_transaction(DB, A) as scope:
        found: int = await scope.connection.fetchval(
            "SELECT count(*) FROM audit_event WHERE actor = $1",
            username("sagsbehandler", A),
        )
    return found


async def test_polling_a_conversion_status_is_not_audited_and_shows_nothing_personal(
    as_user: AsUser,
) -> None:
    """The viewer asks /status every 2 s while LibreOffice converts a Word file: the answer
    is only how the file can be shown (no title, no text), so no audit row per poll; the
    same 404 as the document for a colleague not on the case and for an unknown id."""
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(
        c,
        case,
        "Referat.docx",
        docx_with("Mødet aftalte lektiehjælp."),
        title="Referat af mødet",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    before = await _audit_rows()
    for _ in range(5):
        r = await c.get(f"/api/documents/{doc['id']}/status")
        assert r.status_code == 200
        assert r.json() == {"view": "konverterer"}
    assert await _audit_rows() == before
    kollega = await as_user(A, "kollega")
    for path in ("/status", "", "/content", "/view"):
        denied = await kollega.get(f"/api/documents/{doc['id']}{path}")
        unknown = await kollega.get(f"/api/documents/{uuid.uuid4()}{path}")
        assert (denied.status_code, unknown.status_code) == (404, 404), path
        assert denied.json()["detail"] == unknown.json()["detail"], path
    await run_document_jobs(A, doc["id"])
    r = await c.get(f"/api/documents/{doc['id']}/status")
    assert (r.status_code, r.json()) == (200, {"view": "pdf"})
    assert await _audit_rows() == before
