"""The issue's "done when", in one go: a caseworker composes two measures and sees the
yearly cost change, the manager approves, the decision grants them; finance raises the
supplier's prices from next month (preview, apply, progress); the manager sees the
dashboard's compliance numbers and the notification pie, and downloads Excel files that
open with proper cell types."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl

from backend.core.danish import today_dk
from tests.money.conftest import A, first_of_next_month, offer, register, run_jobs, supplier


async def test_done_when(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Familiecentret Scenario")
    jan = date(today_dk().year, 1, 1)
    family = await offer(fin, sid, "familiebehandling", "hour", 90000, jan, "Familiebehandling")
    contact = await offer(fin, sid, "kontaktperson", "hour", 50000, jan, "Kontaktperson")

    worker = await client(A, "sagsbehandler")
    case_id = (await register(worker, 990))["hovedsag_id"]
    draft = await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
    url = f"/api/money/drafts/{draft.json()['id']}"
    start = today_dk().isoformat()
    one = await worker.post(
        f"{url}/lines",
        json={"measure_kind": "familiebehandling", "offer_id": family, "quantity": 3,
              "starts_on": start},
    )  # fmt: skip
    two = await worker.post(
        f"{url}/lines",
        json={"measure_kind": "kontaktperson", "offer_id": contact, "quantity": 2,
              "starts_on": start},
    )  # fmt: skip
    yearly = [one.json()["total"]["per_year_oere"], two.json()["total"]["per_year_oere"]]
    assert 0 < yearly[0] < yearly[1] and two.json()["change_per_year_oere"] == yearly[1] - yearly[0]
    gone = await worker.delete(f"{url}/lines/{two.json()['lines'][1]['id']}")
    assert gone.json()["total"]["per_year_oere"] == yearly[0]
    back = await worker.post(
        f"{url}/lines",
        json={"measure_kind": "kontaktperson", "offer_id": contact, "quantity": 2,
              "starts_on": start},
    )  # fmt: skip
    assert back.json()["total"]["per_year_oere"] == yearly[1]
    submitted = await worker.post(f"{url}/submit", json={"version": back.json()["version"]})
    assert submitted.json()["status"] == "indsendt"

    manager = await client(A, "leder")
    approved = await manager.post(f"{url}/approve", json={"version": submitted.json()["version"]})
    assert approved.json()["status"] == "godkendt"
    made = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={"paragraph": "32", "outcome": "bevilget", "decided_on": start,
              "summary": "Familiebehandling og kontaktperson.", "draft_id": draft.json()["id"],
              "exceptions": {"boernesamtale": "Holdt", "partshoering": "Medhold"}},
    )  # fmt: skip
    assert made.status_code == 201, made.text

    effective = first_of_next_month(today_dk())
    body = {"offer_ids": [family, contact], "effective_from": effective.isoformat(),
            "percent": "5"}  # fmt: skip
    preview = (await fin.post("/api/money/price-updates/preview", json=body)).json()
    assert preview["bevillinger"] == 2 and preview["change_12_months_oere"] > 0
    assert {o["new_amount_oere"] for o in preview["offers"]} == {94500, 52500}
    update = await fin.post("/api/money/price-updates", json=body)
    assert update.status_code == 202
    await run_jobs(A)
    done = (await fin.get(f"/api/money/price-updates/{update.json()['id']}")).json()
    assert done["status"] == "faerdig" and done["progress"]["percent"] == 100
    assert done["result"]["bevillinger"] == 2
    economy = (await manager.get(f"/api/money/cases/{case_id}")).json()
    prices = [
        (await manager.get(f"/api/money/bevillinger/{b['id']}")).json()["prices"]
        for b in economy["bevillinger"]
    ]
    assert all(
        any(p["active"] and p["valid_from"] == effective.isoformat() for p in rows)
        for rows in prices
    )

    board = (await manager.get("/api/mi/dashboard", params={"scope": "kommune"})).json()
    assert [c["key"] for c in board["compliance"]["columns"]][-1] == "rate"
    assert len(board["compliance"]["rows"]) == 6  # with the abuse path's § 20 decision
    assert board["notifications_by_source"]["chart"] == "pie"
    xlsx = await manager.post(
        "/api/exports", json={"source": "bevillinger", "params": {"supplier_id": sid}}
    )
    assert xlsx.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert isinstance(row[header.index("Fra")], datetime)
    assert isinstance(row[header.index("Pris pr. enhed")], (int, float))
    assert ws.cell(row=2, column=header.index("Pris pr. enhed") + 1).number_format == "#,##0.00"
