"""The offline bundle of a case carries its documents' titles, never their contents."""

from __future__ import annotations

from tests.conftest import KOMMUNE_A, AsUser
from tests.documents.conftest import pdf_with, upload
from tests.factories import child

A = KOMMUNE_A[0]


async def test_offline_cases_carry_document_titles_not_contents(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(
        c,
        case,
        "udtalelse.pdf",
        pdf_with("Hemmeligt indhold om familien"),
        title="Udtalelse fra sundhedsplejen",
    )
    r = await c.post("/api/offline/enheder", json={"label": "Testtablet"})
    assert r.status_code == 201, r.text
    device = r.json()["device_id"]
    r = await c.get(f"/api/offline/enheder/{device}/cases", params={"ids": case})
    assert r.status_code == 200, r.text
    [bundle] = r.json()["cases"]
    assert bundle["documents"] == [
        {
            "id": doc["id"],
            "title": "Udtalelse fra sundhedsplejen",
            "kind": "udtalelse",
            "kind_label": "Udtalelse",
            "dated": doc["dated"],
        }
    ]
    assert "Hemmeligt" not in r.text
