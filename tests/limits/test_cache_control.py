"""``Cache-Control: no-store`` on API answers with personal data and on every download
(issue 13, finding 8), so no browser cache or proxy keeps a child's data; the public
kommune list may be cached."""

from __future__ import annotations

from tests.conftest import KOMMUNE_A
from tests.ics.test_ics import _case, _start
from tests.money.test_exports import XLSX, _payments

A = KOMMUNE_A[0]


async def test_downloads_and_case_reads_are_not_stored(client, seeded):
    fin, sid, _ = await _payments(client)
    excel = await fin.post(
        "/api/exports", json={"source": "betalinger", "params": {"supplier_id": sid}}
    )
    assert excel.status_code == 200, excel.text
    assert excel.headers["content-type"] == XLSX
    assert excel.headers["cache-control"] == "no-store"

    export = await fin.post("/api/money/payment-exports")
    assert export.status_code == 201, export.text
    csv = await fin.get(f"/api/money/payment-exports/{export.json()['id']}/file")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["cache-control"] == "no-store"

    worker = await client(A, "sagsbehandler")
    case_id = await _case(worker, 8711)
    doc = await _start(worker, case_id)
    pdf = await worker.get(f"/api/ics/{doc['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"

    case = await worker.get(f"/api/cases/{case_id}")
    assert case.status_code == 200, case.text
    assert case.headers["cache-control"] == "no-store"
    # Errors too (they may name a child or a case).
    missing = await worker.get("/api/cases/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"


async def test_the_public_kommune_list_may_be_cached(client, seeded):
    anonymous = await client()
    r = await anonymous.get("/api/kommuner")
    assert r.status_code == 200
    assert "cache-control" not in r.headers
