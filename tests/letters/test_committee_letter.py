"""The decision letters of issue 17's new decisions: børne- og ungeudvalget's decision (§ 47)
is written from its own standard template with the committee's complaint guidance (straight
to Ankestyrelsen, no reconsideration by the kommune), its sending completes "Send udvalgets
afgørelse …"; the chair's provisional decision says the committee must approve it; a § 114
decision's letter has its paragraph, measure and last day granted."""

from __future__ import annotations

from datetime import timedelta

import httpx

from backend.core.danish import today_dk
from backend.db import DB
from backend.letters import render
from backend.letters.fields import sample
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker
from tests.casework.test_support_after_18 import _placed, _support
from tests.letters.test_sending import _draft
from tests.network.test_network import _child_with_parents
from tests.post.conftest import run_post_jobs

UDVALG_KEY = "afgoerelse-udvalg"


async def _committee_template(code: str) -> tuple[str, str, str]:
    async with tenant_transaction(DB, code) as scope:
        row = await scope.connection.fetchrow(
            "SELECT t.purpose, v.title, v.body FROM letter_template t JOIN "
            "letter_template_version v ON v.template_id = t.id AND v.version = "
            "t.current_version WHERE t.standard_key = $1",
            UDVALG_KEY,
        )
    assert row is not None
    return row["purpose"], row["title"], row["body"]


async def test_the_committee_template_is_in_a_new_kommune_and_an_existing_one(
    app, registry, fresh_code
) -> None:
    await registry.create(fresh_code, f"Udvalgsby {fresh_code}")
    for code in (A, fresh_code):
        purpose, title, body = await _committee_template(code)
        assert (purpose, title) == ("afgoerelse_udvalg", "Afgørelse fra børne- og ungeudvalget")
        merged = await render.render_template(body, sample())
        render.check_sendable(merged, decision=True)
        assert "Ankestyrelsen" in merged and "vurderer afgørelsen igen" not in merged


async def _committee_case(http: httpx.AsyncClient, seed: int) -> tuple[str, dict]:
    child_id, case_id, _ = await _child_with_parents(http, seed)
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 200
    r = await http.post(
        f"/api/cases/{case_id}/udvalg",
        json={
            "measure": "plejefamilie",
            "reasons": "Åbenbar risiko for alvorlig skade; forældrene samtykker ikke.",
            "meeting_on": (today_dk() + timedelta(days=14)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    ind = (await http.get(f"/api/cases/{case_id}/udvalg")).json()["indstillinger"][0]
    return case_id, ind


async def _open(http: httpx.AsyncClient, case_id: str) -> dict[str, dict]:
    case = (await http.get(f"/api/cases/{case_id}")).json()
    return {a["rule_id"]: a for a in case["activities"] if a["status"] == "open"}


async def test_the_committee_letter_has_its_guidance_and_completes_the_activity(http, seeded):
    await _caseworker(http)
    case_id, ind = await _committee_case(http, 7861)
    for party in ind["parties"]:
        r = await http.post(
            f"/api/udvalg/{ind['id']}/tilbud",
            json={"party": party, "offered_on": today_dk().isoformat(), "accepted": False},
        )
        assert r.status_code == 200, r.text
    for kind in ("boernesamtale", "partshoering", "plan"):
        r = await http.post(
            f"/api/cases/{case_id}/steps",
            json={"kind": kind, "happened_on": today_dk().isoformat(), "note": ""},
        )
        assert r.status_code == 201, r.text
    version = (await http.get(f"/api/cases/{case_id}/udvalg")).json()["indstillinger"][0]
    r = await http.post(
        f"/api/udvalg/{ind['id']}/afgoerelse",
        json={
            "version": version["version"],
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "reasons": "Betingelserne i § 47, stk. 1, nr. 1, er opfyldt.",
            "starts_on": today_dk().isoformat(),
            "review_months": 12,
        },
    )
    assert r.status_code == 200, r.text
    activity = (await _open(http, case_id))["udvalg-send"]
    assert activity["completion"] == "brev"
    # "Udført" by hand is refused: the letter completes it.
    refused = await http.post(
        f"/api/activities/{activity['id']}/complete",
        json={"version": activity["version"], "record": None},
    )
    assert refused.status_code == 409
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    suggested = next(t for t in new["templates"] if t["id"] == new["suggested_template_id"])
    assert suggested["purpose"] == "afgoerelse_udvalg"
    # The kommune's own decision template is not written from the committee's decision.
    own = next(t for t in new["templates"] if t["purpose"] == "afgoerelse_bevilling")
    wrong = await http.post(
        f"/api/cases/{case_id}/letters",
        json={"template_id": own["id"], "recipients": new["suggested_recipients"]},
    )
    assert wrong.status_code == 400
    assert wrong.json()["extra"][0] == {
        "key": "template_id",
        "message": "Sagens afgørelse er truffet af børne- og ungeudvalget – vælg skabelonen "
        "»Afgørelse fra børne- og ungeudvalget«",
    }

    letter = await _draft(http, case_id, "afgoerelse_udvalg")
    assert letter["title"] == "Afgørelse fra børne- og ungeudvalget"
    body = letter["body"]
    assert "har på sit møde den" in body and "foreløbig" not in body
    assert "anbringes uden for hjemmet uden samtykke: Anbringelse i plejefamilie" in body
    assert "barnets lov § 47 (anbringelse uden samtykke)" in body
    assert "Betingelserne i § 47, stk. 1, nr. 1, er opfyldt." in body
    assert "klage over afgørelsen til Ankestyrelsen" in body
    assert "behandler kommunen ikke afgørelsen igen" in body
    assert "vurderer afgørelsen igen" not in body
    assert [r["name"] for r in letter["recipients"]] == ["Mona Mor"]

    sent = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": letter["version"]}
    )
    assert sent.status_code == 200, sent.text
    steps = sent.json()["steps"]
    assert steps[0] == "Afgørelsen er sendt med klagevejledning"
    assert steps[1].startswith("Klagefristen udløber")
    opened = await _open(http, case_id)
    assert "udvalg-send" not in opened and "klagefrist" in opened
    journal = [
        e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    ]
    assert "Afgørelsen er sendt med klagevejledning" in journal
    assert "Brev sendt: Afgørelse fra børne- og ungeudvalget" in journal
    assert await run_post_jobs() == ["done"]


async def test_the_chairs_provisional_decision_letter_says_the_committee_must_approve(http, seeded):
    await _caseworker(http)
    case_id, ind = await _committee_case(http, 7871)
    r = await http.post(
        f"/api/udvalg/{ind['id']}/formand",
        json={
            "version": ind["version"],
            "decided_on": today_dk().isoformat(),
            "reasons": "Barnet kan ikke blive hjemme i nat.",
            "starts_on": today_dk().isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    letter = await _draft(http, case_id, "afgoerelse_udvalg")
    body = letter["body"]
    assert "Formanden for børne- og ungeudvalget" in body
    assert "skal godkende formandens afgørelse" in body
    assert "(udvalgets formand)" in body
    assert "Barnet kan ikke blive hjemme i nat." in body
    assert "vurderer afgørelsen igen" not in body


async def test_a_114_decision_letter_has_the_measure_and_the_last_day_granted(http, seeded):
    worker = http
    await _caseworker(worker)
    case_id, eighteen = await _placed(worker)
    case = (await worker.get(f"/api/cases/{case_id}")).json()
    child_id = case["child"]["id"] if "child" in case else case["child_id"]
    r = await worker.post(
        f"/api/children/{child_id}/network",
        json={"relation": "mor", "name": "Mona Ungesen", "email": "mona@example.dk"},
    )
    assert r.status_code == 201, r.text
    last = eighteen + timedelta(days=400)
    mother = f"m:{r.json()['id']}"
    r = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_kontaktperson", eighteen, last),
    )
    assert r.status_code == 201, r.text
    letter = await _draft(worker, case_id, "afgoerelse_bevilling", [mother])
    body = letter["body"]
    assert (
        "Du får bevilget: Fast kontaktperson efter det 18. år (18-22 år), fra "
        f"{render.long_date(eighteen)} til og med {render.long_date(last)}." in body
    )
    assert "barnets lov § 114 (ungestøtte efter det 18. år)" in body
