"""Price updates: preview numbers, the job with visible progress, the result, revert, a
failing job that leaves every price as it was, and bad input."""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from datetime import date, timedelta

import pytest

from backend.core.danish import today_dk
from backend.money import pricing
from backend.money.costs import per_month_of, year_end
from tests.money.conftest import A, fetch, first_of_next_month, measures, offer, run_jobs, supplier

DAY = 100000  # 1,000.00 kr. a day


async def _setup(client, n: int = 5):  # type: ignore[no-untyped-def]
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Aflastning Pris")
    start = date(today_dk().year - 1, 1, 1)
    oid = await offer(fin, sid, "aflastning", "day", DAY, start)
    ids = await measures(A, oid, n, today_dk() - timedelta(days=60))
    return fin, oid, ids


async def _active(oid: str, ids: list[uuid.UUID]) -> tuple[list, list]:
    offer_rows = await fetch(
        A,
        "SELECT valid_from, valid_to, amount_oere FROM offer_price WHERE offer_id = $1 "
        "AND retired_at IS NULL ORDER BY valid_from",
        oid,
    )
    bevilling_rows = await fetch(
        A,
        "SELECT bevilling_id, valid_from, valid_to, amount_oere FROM bevilling_price "
        "WHERE bevilling_id = ANY($1::uuid[]) AND retired_at IS NULL "
        "ORDER BY bevilling_id, valid_from",
        ids,
    )
    return [tuple(r) for r in offer_rows], [tuple(r) for r in bevilling_rows]


async def test_preview_apply_with_progress_and_revert(client, monkeypatch):
    fin, oid, ids = await _setup(client)
    effective = first_of_next_month(today_dk())
    body = {"offer_ids": [oid], "effective_from": effective.isoformat(), "percent": "10"}
    before = await _active(oid, ids)

    preview = await fin.post("/api/money/price-updates/preview", json=body)
    assert preview.status_code == 200, preview.text
    p = preview.json()
    days = (year_end(effective) - effective).days + 1
    assert p["offers"][0]["old_amount_oere"] == DAY
    assert p["offers"][0]["new_amount_oere"] == 110000
    assert p["bevillinger"] == 5 and p["offers"][0]["bevillinger"] == 5
    assert p["change_12_months_oere"] == 5 * days * 10000
    assert p["change_per_month_oere"] == per_month_of(5 * days * 10000)
    assert p["sample"][0]["old_amount_oere"] == DAY and p["sample"][0]["new_amount_oere"] == 110000
    assert await _active(oid, ids) == before  # a preview writes nothing

    requested = await fin.post("/api/money/price-updates/", json={**body, "note": "Nyt år"})
    assert requested.status_code == 202, requested.text
    update_id = requested.json()["id"]
    assert requested.json()["status"] == "venter"

    seen = []

    async def look(done: int, total: int) -> None:
        # As another request would: outside the job's transaction (a fresh context).
        r = await asyncio.create_task(
            fin.get(f"/api/money/price-updates/{update_id}"), context=contextvars.Context()
        )
        assert r.status_code == 200, r.text
        seen.append((r.json()["status"], r.json()["progress"]))

    monkeypatch.setattr(pricing, "CHUNK", 2)
    monkeypatch.setattr(pricing, "after_chunk", look)
    assert await run_jobs(A) == [("money.price_update", "done")]
    # Mid-job: still waiting in the database, progress from the job in Redis.
    assert [s for s, _ in seen] == ["venter"] * 4
    percents = [prog["percent"] for _, prog in seen]
    assert percents == sorted(percents) and 0 < percents[0] < 100 and percents[-1] == 100
    assert seen[1][1]["message"] == "2 af 5 bevillinger er opdateret"

    done = (await fin.get(f"/api/money/price-updates/{update_id}")).json()
    assert done["status"] == "faerdig" and done["progress"]["percent"] == 100
    assert done["result"] == {
        "offers": 1,
        "offer_price_rows": 2,
        "bevillinger": 5,
        "bevilling_price_rows": 10,
    }
    assert done["can_revert"] is True
    offer_rows, bevilling_rows = await _active(oid, ids)
    assert offer_rows[-2:] == [
        (before[0][-1][0], effective - timedelta(days=1), DAY),
        (effective, None, 110000),
    ]
    assert {r[3] for r in bevilling_rows if r[1] == effective} == {110000}
    assert len(bevilling_rows) == 10
    journal = (
        await fin.get("/api/money/catalogue/journal", params={"entity_id": update_id})
    ).json()
    assert [e["action"] for e in journal["items"]] == ["gennemfoert", "bestilt"]

    reverted = await fin.post(f"/api/money/price-updates/{update_id}/revert")
    assert reverted.status_code == 202 and reverted.json()["status"] == "tilbagefoeres"
    monkeypatch.setattr(pricing, "after_chunk", pricing._no_hook)
    assert await run_jobs(A) == [("money.price_revert", "done")]
    after = (await fin.get(f"/api/money/price-updates/{update_id}")).json()
    assert after["status"] == "tilbagefoert" and after["result"]["reverted"]["bevillinger"] == 5
    assert await _active(oid, ids) == before
    again = await fin.post(f"/api/money/price-updates/{update_id}/revert")
    assert again.status_code == 409


async def test_a_failing_job_leaves_every_price_as_it_was(client, monkeypatch):
    fin, oid, ids = await _setup(client)
    before = await _active(oid, ids)
    effective = first_of_next_month(today_dk())
    r = await fin.post(
        "/api/money/price-updates/",
        json={"offer_ids": [oid], "effective_from": effective.isoformat(), "percent": "4.5"},
    )
    update_id = r.json()["id"]

    async def fail_midway(done: int, total: int) -> None:
        if done >= 3:
            raise RuntimeError("disk fuld")

    monkeypatch.setattr(pricing, "CHUNK", 2)
    monkeypatch.setattr(pricing, "after_chunk", fail_midway)
    assert await run_jobs(A) == [("money.price_update", "done")]  # the outbox row is done
    failed = (await fin.get(f"/api/money/price-updates/{update_id}")).json()
    assert failed["status"] == "fejlet" and "disk fuld" in failed["error"]
    assert failed["status_label"] == "Fejlet – ingen priser er ændret"
    assert await _active(oid, ids) == before
    assert (
        await fetch(
            A,
            "SELECT 1 FROM offer_price WHERE price_update_id = $1 OR retired_by_update = $1 "
            "UNION ALL SELECT 1 FROM bevilling_price WHERE price_update_id = $1 "
            "OR retired_by_update = $1",
            update_id,
        )
        == []
    )
    # The job is done with (not retried for ever) and cannot be reverted.
    assert await run_jobs(A) == []
    assert (await fin.post(f"/api/money/price-updates/{update_id}/revert")).status_code == 409


async def test_the_journal_counts_one_bevilling_in_the_singular(client):
    fin, oid, _ids = await _setup(client, n=1)
    effective = first_of_next_month(today_dk())
    body = {"offer_ids": [oid], "effective_from": effective.isoformat(), "percent": "10"}
    requested = await fin.post("/api/money/price-updates/", json=body)
    assert requested.status_code == 202, requested.text
    update_id = requested.json()["id"]
    assert await run_jobs(A) == [("money.price_update", "done")]
    journal = (
        await fin.get("/api/money/catalogue/journal", params={"entity_id": update_id})
    ).json()
    titles = [e["title"] for e in journal["items"]]
    assert titles[0].endswith(" gennemført: 1 bevilling, 1 tilbud")
    assert titles[1].endswith(" bestilt (1 bevilling)")


async def test_new_amounts_per_offer_and_revert_in_order(client):
    fin, oid, ids = await _setup(client, n=2)
    effective = first_of_next_month(today_dk())
    first = await fin.post(
        "/api/money/price-updates/",
        json={"offer_ids": [oid], "effective_from": effective.isoformat(),
              "amounts": {oid: 120000}},
    )  # fmt: skip
    assert first.status_code == 202, first.text
    await run_jobs(A)
    later = await fin.post(
        "/api/money/price-updates/",
        json={"offer_ids": [oid], "effective_from": (effective + timedelta(days=40)).isoformat(),
              "percent": "-5"},
    )  # fmt: skip
    await run_jobs(A)
    _, rows = await _active(oid, ids)
    assert sorted({r[3] for r in rows}) == [DAY, 114000, 120000]
    refused = await fin.post(f"/api/money/price-updates/{first.json()['id']}/revert")
    assert refused.status_code == 409 and "senere prisopdatering" in refused.json()["detail"]
    listed = (await fin.get("/api/money/price-updates/")).json()["items"]
    flags = {i["id"]: i["can_revert"] for i in listed}
    assert flags[first.json()["id"]] is False and flags[later.json()["id"]] is True


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({}, "percent"),
        ({"percent": "0"}, "percent"),
        ({"percent": "250"}, "percent"),
        ({"percent": "1.2345"}, "percent"),
        ({"percent": "3", "amounts": {}}, "percent"),
    ],
)
async def test_bad_price_updates_are_refused_by_field(client, change, key):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin)
    oid = await offer(fin, sid, "aflastning", "day", DAY, date(2025, 1, 1))
    body = {"offer_ids": [oid], "effective_from": first_of_next_month(today_dk()).isoformat()}
    r = await fin.post("/api/money/price-updates/preview", json={**body, **change})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == key, r.text


async def test_more_bad_input_and_who_may_update_prices(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin)
    oid = await offer(fin, sid, "aflastning", "day", DAY, date(2025, 1, 1))
    effective = first_of_next_month(today_dk()).isoformat()
    r = await fin.post(
        "/api/money/price-updates/preview",
        json={"offer_ids": [oid], "effective_from": effective, "amounts": {oid: -1}},
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == f"amounts.{oid}"
    r = await fin.post(
        "/api/money/price-updates/preview",
        json={"offer_ids": [oid], "effective_from": "2025-01-01", "percent": "2"},
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "effective_from"
    r = await fin.post(
        "/api/money/price-updates/preview",
        json={"offer_ids": [str(uuid.uuid4())], "effective_from": effective, "percent": "2"},
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "offer_ids"
    for role in ("sagsbehandler", "leder"):
        other = await client(A, role)
        r = await other.post(
            "/api/money/price-updates/",
            json={"offer_ids": [oid], "effective_from": effective, "percent": "2"},
        )
        assert r.status_code == 403
    assert (
        await fetch(A, "SELECT 1 FROM price_update WHERE $1 = ANY(offer_ids)", uuid.UUID(oid)) == []
    )


async def test_the_preview_counts_what_the_update_writes(client):
    """Issue 12, item 2: the preview said 19 new price rows, the result 37. Demo-like data:
    offers under two suppliers priced last year and 2.8 % higher from 1 January, one with a
    future price too, and bevillinger copying those rows. A row that started before the
    date is split in two (old part, new part); the preview counted it once."""
    fin = await client(A, "oekonomi")
    today = today_dk()
    last_year, this_year = date(today.year - 1, 1, 1), date(today.year, 1, 1)
    effective = first_of_next_month(today)
    future = first_of_next_month(effective + timedelta(days=40))
    offer_ids, bevilling_ids = [], []
    for n, name in enumerate(("Aflastning Nord", "Aflastning Syd")):
        sid = await supplier(fin, name)
        oid = await offer(fin, sid, "aflastning", "day", DAY, last_year)
        prices = [(this_year, round(DAY * 1.028))] + ([(future, 110000)] if n == 0 else [])
        for valid_from, amount in prices:
            r = await fin.post(
                f"/api/money/offers/{oid}/prices",
                json={"valid_from": valid_from.isoformat(), "amount_oere": amount,
                      "end_previous": True},
            )  # fmt: skip
            assert r.status_code == 201, r.text
        offer_ids.append(oid)
        bevilling_ids += await measures(A, oid, 2 + n, today - timedelta(days=60))
    body = {"offer_ids": offer_ids, "effective_from": effective.isoformat(), "percent": "3.2"}
    preview = await fin.post("/api/money/price-updates/preview", json=body)
    assert preview.status_code == 200, preview.text
    p = preview.json()
    requested = await fin.post("/api/money/price-updates/", json=body)
    assert requested.status_code == 202, requested.text
    assert await run_jobs(A) == [("money.price_update", "done")]
    done = (await fin.get(f"/api/money/price-updates/{requested.json()['id']}")).json()
    assert done["status"] == "faerdig"
    result = done["result"]
    written = await fetch(
        A,
        "SELECT (SELECT count(*) FROM offer_price WHERE price_update_id = $1) AS offers, "
        "(SELECT count(*) FROM bevilling_price WHERE price_update_id = $1) AS bevillinger",
        requested.json()["id"],
    )
    # Offer rows: the current row of each offer split in two (4) and the future price (1).
    assert (p["offer_price_rows"], result["offer_price_rows"], written[0]["offers"]) == (5, 5, 5)
    # Bevilling rows: the same for each of the 2 + 3 bevillinger (2 × 3 + 3 × 2).
    assert p["bevilling_price_rows"] == result["bevilling_price_rows"] == 12
    assert written[0]["bevillinger"] == 12
    assert p["bevillinger"] == result["bevillinger"] == 5
    assert sum(o["bevillinger"] for o in p["offers"]) == 5
    assert done["preview"]["offer_price_rows"] == 5  # the preview stored with the request
