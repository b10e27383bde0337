"""Payments: only against a bevilling and within its period; the manager's approval where
the kommune requires it; the export file to the finance system, each payment exported
exactly once; expected against actual spending."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import asyncpg
import pytest

from backend.core.danish import today_dk
from backend.money.payments import EXPORT_COLUMNS
from tests.conftest import SPARE_REALM, new_kommune
from tests.money.conftest import A, fetch, measures, offer, supplier, val

DAY = 165000


async def _bevilling(client, name: str = "Aflastning Betaling", code: str = A, realm=None):  # type: ignore[no-untyped-def]
    fin = await client(code, "oekonomi", realm)
    sid = await supplier(fin, name)
    oid = await offer(fin, sid, "aflastning", "day", DAY, date(today_dk().year - 1, 1, 1))
    start = today_dk() - timedelta(days=60)
    [bid] = await measures(code, oid, 1, start)
    return fin, sid, str(bid), start


async def test_a_payment_needs_a_bevilling_and_must_lie_within_its_period(client):
    fin, _, bid, start = await _bevilling(client)
    ok = {
        "bevilling_id": bid,
        "period_from": start.isoformat(),
        "period_to": (start + timedelta(days=29)).isoformat(),
        "amount_oere": 30 * DAY,
    }
    before_start = (start - timedelta(days=1)).isoformat()
    unknown = "00000000-0000-0000-0000-000000000000"
    for body, key, text in (
        ({**ok, "bevilling_id": None}, "bevilling_id", "kræver en bevilling"),
        ({**ok, "bevilling_id": unknown}, "bevilling_id", "findes ikke"),
        ({**ok, "period_from": before_start}, "period_from", "før bevillingens start"),
        ({**ok, "amount_oere": 0}, "amount_oere", "større end 0"),
        ({**ok, "period_to": before_start}, "period_to", "før den begynder"),
    ):
        r = await fin.post("/api/money/payments", json=body)
        assert r.status_code == 400, body
        assert r.json()["extra"][0]["key"] == key and text in r.json()["extra"][0]["message"]
    assert await fetch(A, "SELECT 1 FROM payment WHERE bevilling_id = $1", bid) == []
    made = await fin.post("/api/money/payments", json={**ok, "invoice_ref": "F-1"})
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "godkendt" and made.json()["approved_by"] is None
    fin_name = (await fin.get("/api/session")).json()["display_name"]
    assert made.json()["registered_by_name"] == fin_name and "@" not in fin_name
    assert made.json()["approved_by_name"] is None
    # The measure ends: a payment after its end is refused.
    indsats = await val(A, "SELECT indsats_id FROM bevilling WHERE id = $1", bid)
    manager = await client(A, "leder")
    end = today_dk() - timedelta(days=10)
    version = await val(A, "SELECT version FROM indsats WHERE id = $1", indsats)
    r = await manager.post(
        f"/api/indsatser/{indsats}/ophoer",
        json={"version": version, "ends_on": end.isoformat(), "reason": "Mål nået"},
    )
    assert r.status_code == 200, r.text
    late = await fin.post(
        "/api/money/payments",
        json={**ok, "period_from": (end - timedelta(days=5)).isoformat(),
              "period_to": (end + timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert late.status_code == 400 and late.json()["extra"][0]["key"] == "period_to"
    assert "efter bevillingens slut" in late.json()["extra"][0]["message"]
    worker = await client(A, "sagsbehandler")
    assert (await worker.post("/api/money/payments", json=ok)).status_code == 403


async def test_manager_approval_and_the_export_file(client, registry, fresh_code):
    # A kommune of its own: the export takes every approved payment of the kommune.
    await new_kommune(registry, fresh_code, "Betalingsby")
    k = fresh_code
    fin, _, bid, start = await _bevilling(client, "Aflastning Eksport", k, SPARE_REALM)
    admin = await client(k, "admin", SPARE_REALM)
    r = await admin.put(
        "/api/money/settings", json={"bevilling_approval": "altid", "payment_approval": True}
    )
    assert r.status_code == 200
    try:
        body = {"bevilling_id": bid, "period_from": start.isoformat(),
                "period_to": (start + timedelta(days=29)).isoformat(),
                "amount_oere": 30 * DAY + 55, "invoice_ref": "F-2026; nr. 7"}  # fmt: skip
        made = await fin.post("/api/money/payments", json=body)
        assert made.status_code == 201 and made.json()["status"] == "registreret"
        payment = made.json()
        # Nothing approved of ours yet: an export leaves the registered payment alone.
        pending = await fin.post("/api/money/payment-exports")
        assert pending.status_code == 409, pending.text
        assert (
            await val(k, "SELECT status FROM payment WHERE id = $1", payment["id"]) == "registreret"
        )
        own = await fin.post(f"/api/money/payments/{payment['id']}/approve", json={"version": 1})
        assert own.status_code == 403
        manager = await client(k, "leder", SPARE_REALM)
        queue = (await manager.get("/api/money/approvals")).json()["items"]
        assert payment["id"] in {i["id"] for i in queue if i["kind"] == "betaling"}
        approved = await manager.post(
            f"/api/money/payments/{payment['id']}/approve", json={"version": payment["version"]}
        )
        assert approved.status_code == 200 and approved.json()["status"] == "godkendt"
        stale = await manager.post(
            f"/api/money/payments/{payment['id']}/approve", json={"version": payment["version"]}
        )
        assert stale.status_code == 409

        export = await fin.post("/api/money/payment-exports")
        assert export.status_code == 201, export.text
        e = export.json()
        assert e["payment_count"] == 1 and e["filename"].endswith(".csv")
        assert e["created_by_name"] == (await fin.get("/api/session")).json()["display_name"]
        # Named in Danish time (backend.core.danish.file_stamp), e.g. betalinger-2026-12-06-kl-0315
        assert re.fullmatch(r"betalinger-\d{4}-\d{2}-\d{2}-kl-\d{4}\.csv", e["filename"])
        f = await fin.get(f"/api/money/payment-exports/{e['id']}/file")
        assert f.status_code == 200 and f.headers["content-type"].startswith("text/csv")
        assert f.content.count(b"\r\n") == e["payment_count"] + 1
        rows = list(csv.reader(io.StringIO(f.content.decode("utf-8")), delimiter=";"))
        assert tuple(rows[0]) == EXPORT_COLUMNS
        ours = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[1] == payment["id"])
        assert ours["eksport_id"] == e["id"] and ours["bevilling_id"] == bid
        assert ours["periode_fra"] == start.isoformat()
        assert ours["beloeb_oere"] == str(30 * DAY + 55)
        assert ours["beloeb_kr"] == f"{(30 * DAY + 55) // 100},55"
        assert ours["faktura"] == "F-2026; nr. 7"  # quoted: it holds the separator
        assert ours["kontoplan_funktion"] == "5.28.21" and ours["paragraf"] == "32"
        assert ours["godkendt_af"].startswith("leder@")
        assert sum(int(r[13]) for r in rows[1:]) == e["total_oere"]
        exported = await fetch(
            k, "SELECT status, export_id FROM payment WHERE id = $1", payment["id"]
        )
        assert exported[0]["status"] == "eksporteret" and str(exported[0]["export_id"]) == e["id"]
        # Exactly once: nothing left to export, and an exported payment stays.
        again = await fin.post("/api/money/payment-exports")
        assert again.status_code == 409
        cancel = await fin.post(
            f"/api/money/payments/{payment['id']}/cancel",
            json={"version": approved.json()["version"] + 1, "reason": "Fejl"},
        )
        assert cancel.status_code == 409
        owner = await asyncpg.connect(registry.dsn)
        try:
            with pytest.raises(asyncpg.exceptions.ObjectNotInPrerequisiteStateError):
                await owner.execute(
                    f"UPDATE k{k}.payment SET status = 'godkendt', export_id = NULL WHERE id = $1",
                    payment["id"],
                )
        finally:
            await owner.close()
        worker = await client(k, "sagsbehandler", SPARE_REALM)
        assert (await worker.get(f"/api/money/payment-exports/{e['id']}/file")).status_code == 403
    finally:
        await admin.put(
            "/api/money/settings", json={"bevilling_approval": "altid", "payment_approval": False}
        )


async def test_expected_against_actual_spending(client):
    fin, sid, bid, start = await _bevilling(client, "Aflastning Forbrug")
    first = date(start.year, start.month, 1)
    period_to = start + timedelta(days=29)
    await fin.post(
        "/api/money/payments",
        json={"bevilling_id": bid, "period_from": start.isoformat(),
              "period_to": period_to.isoformat(), "amount_oere": 25 * DAY},
    )  # fmt: skip
    a, b = first, period_to
    r = await fin.get(
        "/api/money/spending",
        params={"group_by": "supplier", "period_from": a.isoformat(), "period_to": b.isoformat()},
    )
    assert r.status_code == 200, r.text
    row = next(x for x in r.json()["rows"] if x["key"] == sid)
    assert row["label"] == "Aflastning Forbrug"
    assert row["expected_oere"] == 30 * DAY  # start .. start + 29 days at a day price
    assert row["actual_oere"] == 25 * DAY and row["difference_oere"] == -5 * DAY
    by_measure = await fin.get("/api/money/spending", params={"group_by": "measure"})
    assert any(x["key"] == "aflastning" for x in by_measure.json()["rows"])
    bad = await fin.get("/api/money/spending", params={"group_by": "planet"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "group_by"
    reader = await client(A, "revisor")
    assert (await reader.get("/api/money/spending")).status_code == 403
    manager = await client(A, "leder")
    assert (
        await manager.get("/api/money/spending", params={"group_by": "team"})
    ).status_code == 200
    case_id = await val(A, "SELECT hovedsag_id FROM bevilling WHERE id = $1", bid)
    economy = (await manager.get(f"/api/money/cases/{case_id}")).json()
    assert economy["paid_oere"] == 25 * DAY
    assert economy["bevillinger"][0]["expected_to_date_oere"] == 61 * DAY  # start .. today
    assert economy["payments"][0]["amount_oere"] == 25 * DAY
