"""Every read of a document is audited, by the document's title (names, not ids)."""

from __future__ import annotations

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, AsUser, username
from tests.documents.conftest import pdf_with, upload
from tests.factories import child

A = KOMMUNE_A[0]


async def _audited(case_id: str) -> list[tuple[str, str | None]]:
    async with tenant_transaction(DB, A) as scope:
        rows = await scope.connection.fetch(
            "SELECT payload->>'action' AS action, payload->'detail'->>'document' AS document "
            "FROM outbox WHERE job = 'audit.record' AND payload->>'subject' = $1 "
            "AND payload->>'actor' = $2 ORDER BY created_at",
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
