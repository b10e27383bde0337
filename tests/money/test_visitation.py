"""Visitation with costs: the caseworker composes measures and sees the expected cost
change as lines are added and removed; the manager approves; the decision grants every
line (measure, § 95 follow-up, bevilling with supplier, offer, period and legal basis);
the kommune's approval rule; four eyes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from backend.casework.rules import today_dk
from backend.core.workdays import add_months
from backend.money.costs import per_month_of, year_end
from tests.money.conftest import A, fetch, offer, register, supplier


def weekly_rate(amount_oere: int, per_week: int, start: date) -> int:
    """An independent computation of the yearly rate of a weekly quantity: each calendar
    month of the 12 months from ``start`` is amount × quantity × days / 7, rounded."""
    end, total, month = year_end(start), 0, date(start.year, start.month, 1)
    while month <= end:
        last = add_months(month, 1) - timedelta(days=1)
        days = (min(last, end) - max(month, start)).days + 1
        exact = Decimal(amount_oere * per_week * days) / 7
        total += int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        month = add_months(month, 1)
    return total


async def _catalogue(client) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Familiecentret Visitation")
    start = date(today_dk().year, 1, 1)
    family = await offer(fin, sid, "familiebehandling", "hour", 89500, start, "Familiebeh.")
    contact = await offer(fin, sid, "kontaktperson", "hour", 52000, start, "Kontaktperson")
    return family, contact


async def test_compose_compare_approve_and_decide(client):
    family, contact = await _catalogue(client)
    worker = await client(A, "sagsbehandler")
    case_id = (await register(worker, 801))["hovedsag_id"]
    today = today_dk()
    r = await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "kladde" and draft["approval_required"] is True
    url = f"/api/money/drafts/{draft['id']}"
    line = {"measure_kind": "familiebehandling", "offer_id": family, "quantity": "4",
            "starts_on": today.isoformat()}  # fmt: skip
    r = await worker.post(f"{url}/lines", json=line)
    assert r.status_code == 201, r.text
    family_year = weekly_rate(89500, 4, today)
    assert r.json()["total"]["per_year_oere"] == family_year
    assert r.json()["change_per_year_oere"] == family_year
    assert r.json()["lines"][0]["frequency"] == "week"  # the hour unit's usual frequency
    contact_line = {**line, "measure_kind": "kontaktperson", "offer_id": contact, "quantity": 3}
    r = await worker.post(f"{url}/lines", json=contact_line)
    contact_year = weekly_rate(52000, 3, today)
    assert r.json()["total"]["per_year_oere"] == family_year + contact_year
    assert r.json()["change_per_year_oere"] == contact_year
    assert r.json()["total"]["per_month_oere"] == per_month_of(family_year + contact_year)
    assert r.json()["total"]["until_end_oere"] is None  # open-ended
    removed = await worker.delete(f"{url}/lines/{r.json()['lines'][1]['id']}")
    assert removed.status_code == 200
    assert removed.json()["total"]["per_year_oere"] == family_year
    assert removed.json()["change_per_year_oere"] == -contact_year
    # With a planned end the total until the end is shown.
    ended = {**contact_line, "ends_on": (today + timedelta(days=69)).isoformat()}
    r = await worker.post(f"{url}/lines", json=ended)
    assert r.json()["lines"][1]["cost"]["until_end_oere"] == sum(
        m["amount_oere"] for m in r.json()["lines"][1]["cost"]["months"]
    )
    # The stateless projection gives the same numbers.
    p = await worker.post("/api/money/projection", json={"lines": [line, ended]})
    assert p.status_code == 200 and p.json()["total"] == r.json()["total"]
    # A placement cannot go under § 32, and the offer must fit the measure type.
    bad = await worker.post(f"{url}/lines", json={**line, "measure_kind": "opholdssted"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "measure_kind"
    bad = await worker.post(f"{url}/lines", json={**line, "measure_kind": "aflastning"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "offer_id"
    bad = await worker.post(f"{url}/lines", json={**line, "quantity": "0"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "quantity"

    decision = {
        "paragraph": "32",
        "outcome": "bevilget",
        "decided_on": today.isoformat(),
        "summary": "Familiebehandling og kontaktperson bevilges.",
        "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Medhold"},
        "draft_id": draft["id"],
    }
    refused = await worker.post(f"/api/cases/{case_id}/afgoerelser", json=decision)
    assert refused.status_code == 400 and refused.json()["extra"][0]["key"] == "draft_id"
    version = r.json()["version"]
    submitted = await worker.post(f"{url}/submit", json={"version": version})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "indsendt"
    refused = await worker.post(f"/api/cases/{case_id}/afgoerelser", json=decision)
    assert refused.status_code == 400
    assert refused.json()["extra"][0] == {
        "key": "draft_id",
        "message": "Udkastet afventer leders godkendelse",
    }
    assert await fetch(A, "SELECT 1 FROM afgoerelse WHERE hovedsag_id = $1", case_id) == []
    version = submitted.json()["version"]
    assert (await worker.post(f"{url}/approve", json={"version": version})).status_code == 403
    locked = await worker.post(f"{url}/lines", json=line)
    assert locked.status_code == 409

    manager = await client(A, "leder")
    queue = (await manager.get("/api/money/approvals")).json()["items"]
    assert draft["id"] in {i["id"] for i in queue if i["kind"] == "bevilling"}
    # People read names, not usernames (issue 12 item 17).
    worker_name = (await worker.get("/api/session")).json()["display_name"]
    manager_name = (await manager.get("/api/session")).json()["display_name"]
    assert "@" not in worker_name and "@" not in manager_name
    [queued] = [i for i in queue if i["id"] == draft["id"]]
    assert queued["submitted_by_name"] == worker_name
    approved = await manager.post(f"{url}/approve", json={"version": version, "note": "OK"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "godkendt"
    assert approved.json()["approved_by"].startswith("leder@")
    assert approved.json()["approved_by_name"] == manager_name
    assert approved.json()["submitted_by_name"] == worker_name
    assert approved.json()["returned_by_name"] is None

    with_measure = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={**decision, "measure": "kontaktperson", "starts_on": today.isoformat()},
    )
    assert with_measure.status_code == 400 and with_measure.json()["extra"][0]["key"] == "measure"
    made = await worker.post(f"/api/cases/{case_id}/afgoerelser", json=decision)
    assert made.status_code == 201, made.text
    rules = sorted(a["rule_id"] for a in made.json()["activities"])
    assert rules == ["barnets-plan-32", "foerste-opfoelgning", "foerste-opfoelgning"]
    measures = await fetch(A, "SELECT id, kind FROM indsats WHERE hovedsag_id = $1", case_id)
    assert sorted(m["kind"] for m in measures) == ["familiebehandling", "kontaktperson"]

    economy = (await worker.get(f"/api/money/cases/{case_id}")).json()
    assert economy["draft"] is None
    by_kind = {b["measure_kind"]: b for b in economy["bevillinger"]}
    assert set(by_kind) == {"familiebehandling", "kontaktperson"}
    fam = by_kind["familiebehandling"]
    assert fam["supplier_name"] == "Familiecentret Visitation" and fam["paragraph"] == "32"
    assert fam["offer_id"] == family and fam["current_price_oere"] == 89500
    assert fam["quantity"] == "4.00" and fam["frequency"] == "week"
    assert fam["period_from"] == today.isoformat() and fam["approved_by"].startswith("leder@")
    assert fam["approved_by_name"] == manager_name
    assert fam["per_year_oere"] == family_year
    assert by_kind["kontaktperson"]["ends_on"] == (today + timedelta(days=69)).isoformat()
    used = (await worker.get(url)).json()
    assert used["status"] == "anvendt" and all(ln["bevilling_id"] for ln in used["lines"])
    journal = (await worker.get(f"/api/cases/{case_id}/journal?page_size=200")).json()
    titles = [e["title"] for e in journal["items"]]
    assert any(t.startswith("Udkast til bevilling godkendt af leder") for t in titles)
    assert sum(t.startswith("Bevilling: ") for t in titles) == 2
    follow_ups = await fetch(
        A,
        "SELECT concerns_id FROM activity WHERE hovedsag_id = $1 "
        "AND rule_id = 'foerste-opfoelgning' AND status = 'open'",
        case_id,
    )
    assert {f["concerns_id"] for f in follow_ups} == {m["id"] for m in measures}


async def test_the_kommune_decides_when_approval_is_needed(client):
    family, _ = await _catalogue(client)
    admin = await client(A, "admin")
    worker = await client(A, "sagsbehandler")
    assert (await worker.put("/api/money/settings", json={"bevilling_approval": "aldrig"})
            ).status_code == 403  # fmt: skip
    r = await admin.put(
        "/api/money/settings",
        json={"bevilling_approval": "over_beloeb", "bevilling_approval_threshold_oere": 10**9},
    )
    assert r.status_code == 200, r.text
    try:
        case_id = (await register(worker, 802))["hovedsag_id"]
        draft = (
            await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
        ).json()
        url = f"/api/money/drafts/{draft['id']}"
        line = {"measure_kind": "familiebehandling", "offer_id": family,
                "starts_on": today_dk().isoformat()}  # fmt: skip
        r = await worker.post(f"{url}/lines", json=line)
        assert r.json()["approval_required"] is False
        done = await worker.post(f"{url}/submit", json={"version": r.json()["version"]})
        assert done.json()["status"] == "godkendt" and done.json()["approved_by"] is None
        bad = await admin.put("/api/money/settings", json={"bevilling_approval": "nogle gange"})
        assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "bevilling_approval"
    finally:
        await admin.put("/api/money/settings", json={"bevilling_approval": "altid"})
    worker_journal = await worker.get("/api/money/catalogue/journal")
    assert worker_journal.status_code == 403
    events = (await admin.get("/api/money/catalogue/journal", params={"entity": "settings"})).json()
    assert "over grænsen" in events["items"][1]["title"]


async def test_a_manager_cannot_approve_their_own_draft(client):
    family, _ = await _catalogue(client)
    worker = await client(A, "sagsbehandler")
    case_id = (await register(worker, 803))["hovedsag_id"]
    manager = await client(A, "leder")
    draft = (
        await manager.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
    ).json()
    url = f"/api/money/drafts/{draft['id']}"
    line = {"measure_kind": "familiebehandling", "offer_id": family,
            "starts_on": today_dk().isoformat()}  # fmt: skip
    r = await manager.post(f"{url}/lines", json=line)
    r = await manager.post(f"{url}/submit", json={"version": r.json()["version"]})
    own = await manager.post(f"{url}/approve", json={"version": r.json()["version"]})
    assert own.status_code == 403 and "anden leder" in own.json()["detail"]
    back = await manager.post(
        f"{url}/return", json={"version": r.json()["version"], "reason": "Ret omfanget"}
    )
    assert back.status_code == 200 and back.json()["status"] == "returneret"
    manager_name = (await manager.get("/api/session")).json()["display_name"]
    assert back.json()["returned_by_name"] == manager_name and "@" not in manager_name
    # The case has one open draft at a time.
    again = await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
    assert again.status_code == 409
    other_case = (await register(worker, 804))["hovedsag_id"]
    assert (await worker.get(f"/api/money/cases/{other_case}/draft")).status_code == 404


async def test_a_draft_the_manager_approved_cannot_be_withdrawn(client):
    """Issue 12, item 3: after the manager's approval the caseworker was still offered
    "Træk tilbage" and the server took the approval back. Now: 409 with a Danish reason;
    a submitted draft can still be withdrawn, and a cancelled one is gone."""
    family, _ = await _catalogue(client)
    worker = await client(A, "sagsbehandler")
    case_id = (await register(worker, 805))["hovedsag_id"]
    draft = (
        await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
    ).json()
    url = f"/api/money/drafts/{draft['id']}"
    line = {"measure_kind": "familiebehandling", "offer_id": family,
            "starts_on": today_dk().isoformat()}  # fmt: skip
    r = await worker.post(f"{url}/lines", json=line)
    r = await worker.post(f"{url}/submit", json={"version": r.json()["version"]})
    back = await worker.post(f"{url}/withdraw", json={"version": r.json()["version"]})
    assert back.status_code == 200 and back.json()["status"] == "kladde"
    r = await worker.post(f"{url}/submit", json={"version": back.json()["version"]})
    manager = await client(A, "leder")
    approved = await manager.post(f"{url}/approve", json={"version": r.json()["version"]})
    assert approved.status_code == 200 and approved.json()["status"] == "godkendt"
    version = approved.json()["version"]
    refused = await worker.post(f"{url}/withdraw", json={"version": version})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Udkastet er godkendt af lederen og kan ikke længere trækkes tilbage. Træf "
        "afgørelsen, eller annullér udkastet og start en ny visitation"
    )
    still = (await worker.get(url)).json()
    assert still["status"] == "godkendt" and still["version"] == version
    assert (await worker.post(f"{url}/lines", json=line)).status_code == 409
