"""The catalogue: suppliers, offers and prices maintained by finance, every change
journalised; prices as rows that never change and never overlap; bad input named by field
in Danish; who may do what; and the other kommune sees none of it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import asyncpg
import pytest

from backend.core.danish import today_dk
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import username
from tests.money.conftest import A, B, cvr, fetch, offer, supplier


async def test_finance_builds_the_catalogue_and_every_change_is_journalised(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(
        fin, "Opholdsstedet Katalog", kind="opholdssted", tilbudsportalen_id="TP-1"
    )
    start = date(today_dk().year, 1, 1)
    oid = await offer(fin, sid, "opholdssted", "day", 298000, start, "Ophold med skole")
    detail = (await fin.get(f"/api/money/suppliers/{sid}")).json()
    assert detail["kind_label"] == "Opholdssted" and detail["tilbudsportalen_id"] == "TP-1"
    assert [o["current_price_oere"] for o in detail["offers"]] == [298000]
    # A new price from next year, ending the open-ended one the day before.
    next_year = date(start.year + 1, 1, 1)
    r = await fin.post(
        f"/api/money/offers/{oid}/prices",
        json={"valid_from": next_year.isoformat(), "amount_oere": 306000, "end_previous": True},
    )
    assert r.status_code == 201, r.text
    prices = (await fin.get(f"/api/money/offers/{oid}")).json()["prices"]
    active = sorted(
        (p["valid_from"], p["valid_to"], p["amount_oere"]) for p in prices if p["active"]
    )
    assert active == [
        (start.isoformat(), (next_year - timedelta(days=1)).isoformat(), 298000),
        (next_year.isoformat(), None, 306000),
    ]
    retired = [p for p in prices if not p["active"]]
    assert len(retired) == 1 and retired[0]["valid_to"] is None  # the original row, kept
    r = await fin.patch(
        f"/api/money/suppliers/{sid}", json={"version": detail["version"], "address": "Vej 2"}
    )
    assert r.status_code == 200 and r.json()["version"] == detail["version"] + 1
    stale = await fin.patch(f"/api/money/suppliers/{sid}", json={"version": 1, "name": "X"})
    assert stale.status_code == 409
    journal = (await fin.get("/api/money/catalogue/journal", params={"entity_id": sid})).json()
    assert [e["action"] for e in journal["items"]] == ["aendret", "oprettet"]
    journal = (await fin.get("/api/money/catalogue/journal", params={"entity_id": oid})).json()
    assert {e["action"] for e in journal["items"]} == {"oprettet", "pris_tilfoejet"}
    assert any("3.060,00 kr." in e["title"] for e in journal["items"])
    # People read names, not usernames: the journal and the price list name the user.
    assert {(e["actor"], e["actor_name"]) for e in journal["items"]} == {
        (username("oekonomi", A), "Øjvind Økonomi")
    }
    assert {p["created_by_name"] for p in prices} == {"Øjvind Økonomi"}


async def test_bad_prices_are_refused_by_field_in_danish(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin)
    start = date(2025, 1, 1)
    oid = await offer(fin, sid, "kontaktperson", "hour", 52000, start)
    before = await fetch(A, "SELECT id FROM offer_price WHERE offer_id = $1", oid)

    negative = await fin.post(
        f"/api/money/offers/{oid}/prices",
        json={"valid_from": "2027-01-01", "amount_oere": -100},
    )
    assert negative.status_code == 400
    assert negative.json()["extra"] == [
        {"key": "amount_oere", "message": "Prisen kan ikke være negativ"}
    ]
    overlap = await fin.post(
        f"/api/money/offers/{oid}/prices",
        json={"valid_from": "2026-01-01", "amount_oere": 54000},
    )
    assert overlap.status_code == 400
    err = overlap.json()["extra"][0]
    assert err["key"] == "valid_from" and "overlapper prisen 520,00 kr." in err["message"]
    backwards = await fin.post(
        f"/api/money/offers/{oid}/prices",
        json={"valid_from": "2024-06-01", "valid_to": "2024-05-01", "amount_oere": 1},
    )
    assert backwards.status_code == 400 and backwards.json()["extra"][0]["key"] == "valid_to"
    ends_inside = await fin.post(
        f"/api/money/offers/{oid}/prices",
        json={"valid_from": "2024-06-01", "valid_to": "2025-01-01", "amount_oere": 1},
    )
    assert ends_inside.status_code == 400 and ends_inside.json()["extra"][0]["key"] == "valid_to"
    as_float = await fin.post(
        f"/api/money/offers/{oid}/prices", json={"valid_from": "2027-01-01", "amount_oere": 12.5}
    )
    assert as_float.status_code == 400  # øre are whole numbers
    # A period before the first price is fine.
    ok = await fin.post(
        f"/api/money/offers/{oid}/prices",
        json={"valid_from": "2024-01-01", "valid_to": "2024-12-31", "amount_oere": 50000},
    )
    assert ok.status_code == 201, ok.text
    after = await fetch(A, "SELECT id FROM offer_price WHERE offer_id = $1", oid)
    assert len(after) == len(before) + 1


async def test_suppliers_need_a_valid_cvr_except_foster_families(client):
    fin = await client(A, "oekonomi")
    r = await fin.post("/api/money/suppliers", json={"name": "Uden CVR", "kind": "opholdssted"})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "cvr"
    r = await fin.post(
        "/api/money/suppliers", json={"name": "Forkert", "kind": "opholdssted", "cvr": "12345678"}
    )
    assert r.status_code == 400 and "kontrolcifferet" in r.json()["extra"][0]["message"]
    r = await fin.post(
        "/api/money/suppliers", json={"name": "Plejefamilien Test", "kind": "plejefamilie"}
    )
    assert r.status_code == 201
    r = await fin.post("/api/money/suppliers", json={"name": " ", "kind": "andet", "cvr": cvr()})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "name"
    sid = await supplier(fin)
    r = await fin.post(
        f"/api/money/suppliers/{sid}/offers",
        json={"name": "X", "measure_kind": "ukendt", "unit": "day"},
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "measure_kind"
    r = await fin.post(
        f"/api/money/suppliers/{sid}/offers",
        json={"name": "X", "measure_kind": "kontaktperson", "unit": "fortnight"},
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "unit"


async def test_caseworkers_read_the_catalogue_but_cannot_change_it(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin)
    oid = await offer(fin, sid, "familiebehandling", "hour", 89500, date(2025, 1, 1))
    worker = await client(A, "sagsbehandler")
    listed = await worker.get(
        "/api/money/offers", params={"measure_kind": "familiebehandling", "priced": True}
    )
    assert listed.status_code == 200 and oid in {o["id"] for o in listed.json()}
    for method, url, body in (
        ("POST", "/api/money/suppliers", {"name": "X", "kind": "andet", "cvr": cvr()}),
        ("POST", f"/api/money/offers/{oid}/prices", {"valid_from": "2030-01-01", "amount_oere": 1}),
        ("PATCH", f"/api/money/offers/{oid}", {"version": 1, "active": False}),
    ):
        r = await worker.request(method, url, json=body)
        assert r.status_code == 403, (url, r.text)
        assert r.json()["detail"] == "Du har ikke rettighed til dette"
    admin = await client(A, "admin")
    assert (await admin.post("/api/money/suppliers", json={})).status_code == 403
    options = (await worker.get("/api/money/options")).json()
    kinds = {m["kind"]: m for m in options["measure_types"]}
    assert kinds["opholdssted"]["paragraphs"] == ["46", "47"]
    # Support after 18 is granted under § 114 (issue 17 item 4); the sections ungestøtte is
    # in (§§ 113-116, confirmed by the ministry and Ankestyrelsen), not an unconfirmed stk.
    assert kinds["viderefoert_anbringelse"]["decidable"] is True
    assert kinds["viderefoert_anbringelse"]["paragraphs"] == ["114"]
    assert kinds["viderefoert_anbringelse"]["basis"] == (
        "Barnets Lov §§ 113-116 om ungestøtte (18-22 år); afgørelse efter § 114"
    )
    assert options["unit_frequencies"]["hour"][0] == "week"


async def test_the_other_kommune_sees_no_supplier_or_offer(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Kun i København")
    oid = await offer(fin, sid, "aflastning", "day", 165000, date(2025, 1, 1))
    other = await client(B, "oekonomi")
    assert (await other.get(f"/api/money/suppliers/{sid}")).status_code == 404
    assert (await other.get(f"/api/money/offers/{oid}")).status_code == 404
    assert sid not in {s["id"] for s in (await other.get("/api/money/suppliers")).json()}


async def test_the_database_holds_prices_unchanged_and_without_overlap(client, registry):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin)
    oid = await offer(fin, sid, "aflastning", "day", 165000, date(2025, 1, 1))
    with pytest.raises(asyncpg.exceptions.ExclusionViolationError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "INSERT INTO offer_price (offer_id, valid_from, amount_oere, created_by) "
                "VALUES ($1, '2026-06-01', 1, 'x')",
                oid,
            )
    # Even with more rights than the kommune role, a price row does not change.
    owner = await asyncpg.connect(registry.dsn)
    try:
        for sql in (
            "UPDATE k0101.offer_price SET valid_to = '2026-01-01' WHERE offer_id = $1",
            "UPDATE k0101.offer_price SET amount_oere = 1 WHERE offer_id = $1",
        ):
            with pytest.raises(asyncpg.exceptions.ObjectNotInPrerequisiteStateError):
                await owner.execute(sql, uuid.UUID(oid))
    finally:
        await owner.close()
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "UPDATE offer_price SET amount_oere = 1 WHERE offer_id = $1", oid
            )
    assert [
        r["amount_oere"]
        for r in await fetch(A, "SELECT amount_oere FROM offer_price WHERE offer_id = $1", oid)
    ] == [165000]
