"""The process after the notification, over HTTP: visitation and decision with the
required steps, measures and their follow-up, changed dates that move deadlines, several
caseworkers on a case, stepping in, sibling links and closing the case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx

from backend.core.danish import DK, today_dk
from backend.core.workdays import (
    add_months,
    add_working_days,
    next_working_day,
    previous_working_day,
)
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker, _register, _user_id, new_cpr
from tests.conftest import sign_in
from tests.factories import child as new_child
from tests.factories import completion_record


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(DK).date()


async def _case(http: httpx.AsyncClient, seed: int, years: int = 8) -> str:
    # A fresh child (tests.factories), never another test's: ``seed`` only names the call.
    made = await new_child(http, years=years, address="Skolevej 1")
    return made.case_id


async def _journal_titles(http: httpx.AsyncClient, case_id: str) -> list[str]:
    page = (await http.get(f"/api/cases/{case_id}/journal?page_size=200")).json()
    return [e["title"] for e in page["items"]]


async def _count(sql: str, *args: object) -> int:
    async with tenant_transaction(DB, A) as scope:
        return int(await scope.connection.fetchval(sql, *args))


def _open(case: dict, rule_id: str) -> dict:
    return next(a for a in case["activities"] if a["rule_id"] == rule_id and a["status"] == "open")


async def test_a_decision_without_the_required_steps_needs_a_reason_for_each(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 301)
    r = await http.post(f"/api/cases/{case_id}/visitation", json={"paragraph": "32"})
    assert r.status_code == 201, r.text
    assert {a["rule_id"] for a in r.json()["activities"]} == {"boernesamtale", "partshoering"}
    # Each names the step that completes it ("Udfør" opens "Registrér skridt" with it).
    assert {(a["rule_id"], a["step_kind"]) for a in r.json()["activities"]} == {
        ("boernesamtale", "boernesamtale"),
        ("partshoering", "partshoering"),
    }
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["stage"] == "afgoerelse"
    assert {m["rule_id"] for m in case["missing_before_decision"]} == {
        "boernesamtale",
        "partshoering",
    }
    decision = {
        "paragraph": "32",
        "outcome": "bevilget",
        "decided_on": today_dk().isoformat(),
        "summary": "Familiebehandling bevilges.",
        "measure": "familiebehandling",
        "starts_on": today_dk().isoformat(),
    }
    journal_before = await _journal_titles(http, case_id)
    refused = await http.post(f"/api/cases/{case_id}/afgoerelser", json=decision)
    assert refused.status_code == 400, refused.text
    assert {e["key"] for e in refused.json()["extra"]} == {
        "exceptions.boernesamtale",
        "exceptions.partshoering",
    }
    # One reason is not enough, and nothing was written by either attempt.
    half = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={**decision, "exceptions": {"boernesamtale": "Barnet er 8 måneder"}},
    )
    assert [e["key"] for e in half.json()["extra"]] == ["exceptions.partshoering"]
    assert await _journal_titles(http, case_id) == journal_before
    assert await _count("SELECT count(*) FROM afgoerelse WHERE hovedsag_id = $1", case_id) == 0

    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            **decision,
            "exceptions": {
                "boernesamtale": "Barnet ønsker ikke at tale med forvaltningen",
                "partshoering": "Afgørelsen giver forældrene fuldt medhold",
            },
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["indsats_id"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["stage"] == "indsats"
    assert case["missing_before_decision"] == []
    cancelled = {a["rule_id"]: a for a in case["activities"] if a["status"] == "cancelled"}
    assert "ønsker ikke at tale" in cancelled["boernesamtale"]["cancel_reason"]
    assert case["afgoerelser"][0]["exceptions"][1]["reason"].startswith("Afgørelsen giver")
    assert case["afgoerelser"][0]["created_by_name"] == "Sara Sagsbehandler"  # not a username
    titles = await _journal_titles(http, case_id)
    assert any("§ 32" in t and "uden forudgående skridt" in t for t in titles)
    start = today_dk()
    plan = _open(case, "barnets-plan-32")
    assert _day(plan["due_at"]) == next_working_day(add_months(start, 3))
    follow = _open(case, "foerste-opfoelgning")
    assert _day(follow["due_at"]) == next_working_day(add_months(start, 3))
    assert follow["concerns"] == "indsats" and follow["concerns_id"] == made.json()["indsats_id"]


async def test_recording_the_steps_completes_their_activities(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 302)
    await http.post(f"/api/cases/{case_id}/visitation", json={"paragraph": "47"})
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert {m["rule_id"] for m in case["missing_before_decision"]} == {
        "boernesamtale",
        "partshoering",
        "barnets-plan-47",
    }
    for kind in ("boernesamtale", "partshoering", "plan"):
        r = await http.post(
            f"/api/cases/{case_id}/steps",
            json={"kind": kind, "happened_on": today_dk().isoformat(), "note": "Holdt hjemme"},
        )
        assert r.status_code == 201, r.text
        assert len(r.json()["completed"]) == 1
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["missing_before_decision"] == []
    assert {s["kind"] for s in case["steps"]} == {"boernesamtale", "partshoering", "plan"}
    assert {s["created_by_name"] for s in case["steps"]} == {"Sara Sagsbehandler"}
    # § 47 is decided by børne- og ungeudvalget only (tests/casework/test_committee.py),
    # even with every step done.
    refused = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "47",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Anbringelse uden samtykke.",
            "measure": "plejefamilie",
            "starts_on": today_dk().isoformat(),
        },
    )
    assert refused.status_code == 400 and refused.json()["extra"][0]["key"] == "paragraph"
    # A placement must be decided under § 46 or § 47, and the measure must be a placement.
    wrong = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Anbringelse med samtykke.",
            "measure": "familiebehandling",
            "starts_on": today_dk().isoformat(),
        },
    )
    assert wrong.status_code == 400 and wrong.json()["extra"][0]["key"] == "measure"
    titles = await _journal_titles(http, case_id)
    assert "Udført: Hold børnesamtale før afgørelsen" in titles


async def test_transition_planning_is_due_six_months_before_18(http, seeded):
    await _caseworker(http)
    cpr = new_cpr(303, years=16)
    r = await _register(http, cpr)
    case_id = r.json()["hovedsag_id"]
    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Anbringelse med samtykke på opholdssted.",
            "measure": "opholdssted",
            "starts_on": today_dk().isoformat(),
            "exceptions": {
                "boernesamtale": "Holdt under undersøgelsen",
                "partshoering": "Samtykke",
            },
        },
    )
    assert made.status_code == 201, made.text
    birth = (await http.get(f"/api/children/{r.json()['child_id']}")).json()["birth_date"]
    transition = next(a for a in made.json()["activities"] if a["rule_id"] == "overgang-18")
    eighteen = add_months(date.fromisoformat(birth), 18 * 12)
    # "No later than six months before": a closed day moves it back, never forward.
    assert _day(transition["due_at"]) == previous_working_day(add_months(eighteen, -6))
    plan = next(a for a in made.json()["activities"] if a["rule_id"] == "barnets-plan-46")
    assert _day(plan["due_at"]) == next_working_day(add_months(today_dk(), 3))


async def _measure(http: httpx.AsyncClient, case_id: str, starts_on: date) -> str:
    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": (starts_on - timedelta(days=1)).isoformat(),
            "summary": "Kontaktperson bevilges.",
            "measure": "kontaktperson",
            "starts_on": starts_on.isoformat(),
            "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Medhold"},
        },
    )
    assert made.status_code == 201, made.text
    indsats_id: str = made.json()["indsats_id"]
    return indsats_id


async def test_a_changed_start_date_moves_the_follow_up(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 304)
    start = today_dk() - timedelta(days=20)
    indsats_id = await _measure(http, case_id, start)
    case = (await http.get(f"/api/cases/{case_id}")).json()
    measure = case["indsatser"][0]
    earlier = start - timedelta(days=10)
    r = await http.post(
        f"/api/indsatser/{indsats_id}/start",
        json={"version": measure["version"], "starts_on": earlier.isoformat(), "reason": "Fejl"},
    )
    assert r.status_code == 200, r.text
    assert [m["title"] for m in r.json()["moved"]] == ["Første opfølgning på indsatsen"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    follow = _open(case, "foerste-opfoelgning")
    assert _day(follow["due_at"]) == next_working_day(add_months(earlier, 3))
    assert any(t.startswith("Frist flyttet") for t in await _journal_titles(http, case_id))
    # The second edit from the same (now stale) page is refused and told what changed.
    stale = await http.post(
        f"/api/indsatser/{indsats_id}/start",
        json={"version": measure["version"], "starts_on": start.isoformat(), "reason": "Igen"},
    )
    assert stale.status_code == 409, stale.text
    body = stale.json()
    assert body["extra"]["changed_by"].startswith("sagsbehandler@")
    assert body["extra"]["current"]["start"] == earlier.strftime("%d.%m.%Y")
    assert body["extra"]["changed_by_name"] == "Sara Sagsbehandler"
    assert "ændret af Sara Sagsbehandler " in body["detail"]  # a name, not a username


async def test_ending_a_parallel_investigation_early_brings_the_follow_up_forward(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 305)
    r = await http.post(
        f"/api/cases/{case_id}/undersoegelse", json={"aware_since": today_dk().isoformat()}
    )
    assert r.status_code == 201, r.text
    await _measure(http, case_id, today_dk())
    case = (await http.get(f"/api/cases/{case_id}")).json()
    # Three months after the start comes before the investigation's 4-month deadline.
    assert _day(_open(case, "foerste-opfoelgning")["due_at"]) == next_working_day(
        add_months(today_dk(), 3)
    )
    done = await http.post(
        f"/api/cases/{case_id}/undersoegelse/afslut",
        json={"completed_on": today_dk().isoformat(), "conclusion": "Behov for støtte"},
    )
    assert done.status_code == 200, done.text
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert _day(_open(case, "foerste-opfoelgning")["due_at"]) == next_working_day(today_dk())
    four = next(a for a in case["activities"] if a["rule_id"] == "undersoegelse-4-maaneder")
    assert four["status"] == "done"
    assert case["stage"] == "indsats"


async def test_a_follow_up_sets_the_next_with_a_reason(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 306)
    indsats_id = await _measure(http, case_id, today_dk() - timedelta(days=80))
    step = {"kind": "opfoelgning", "happened_on": today_dk().isoformat(), "note": "Går godt"}
    missing = await http.post(f"/api/cases/{case_id}/steps", json=step)
    assert missing.status_code == 400 and missing.json()["extra"][0]["key"] == "indsats_id"
    no_next = await http.post(
        f"/api/cases/{case_id}/steps", json={**step, "indsats_id": indsats_id}
    )
    assert no_next.status_code == 400 and no_next.json()["extra"][0]["key"] == "next_due"
    nxt = today_dk() + timedelta(days=120)
    no_reason = await http.post(
        f"/api/cases/{case_id}/steps",
        json={**step, "indsats_id": indsats_id, "next_due": nxt.isoformat()},
    )
    assert no_reason.json()["extra"][0]["key"] == "next_reason"
    ok = await http.post(
        f"/api/cases/{case_id}/steps",
        json={
            **step,
            "indsats_id": indsats_id,
            "next_due": nxt.isoformat(),
            "next_reason": "Stabil udvikling; opfølgning hver 4. måned",
        },
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["completed"] == ["Første opfølgning på indsatsen"]
    nxt_activity = ok.json()["activities"][0]
    assert nxt_activity["rule_id"] == "naeste-opfoelgning"
    assert _day(nxt_activity["due_at"]) == next_working_day(nxt)
    assert nxt_activity["due_reason"].startswith("Stabil udvikling")


async def test_correcting_the_receipt_moves_the_notification_deadlines(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 307)
    received = datetime(2026, 3, 30, 9, 0, tzinfo=DK)  # Monday before Easter 2026
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": received.isoformat(),
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": "Fravær",
        },
    )
    assert r.status_code == 201, r.text
    case = (await http.get(f"/api/cases/{case_id}")).json()
    u = case["underretninger"][0]
    corrected = datetime(2026, 3, 27, 14, 0, tzinfo=DK)  # the Friday before
    moved = await http.post(
        f"/api/underretninger/{u['id']}/modtaget",
        json={"version": u["version"], "received_at": corrected.isoformat(), "reason": "Lå i spam"},
    )
    assert moved.status_code == 200, moved.text
    case = (await http.get(f"/api/cases/{case_id}")).json()
    receipt = _open(case, "kvittering-fagperson")
    assert _day(receipt["due_at"]) == add_working_days(corrected.date(), 6)
    assessment = _open(case, "vurdering-24-timer")
    assert datetime.fromisoformat(assessment["due_at"]) == corrected + timedelta(hours=24)
    stale = await http.post(
        f"/api/underretninger/{u['id']}/modtaget",
        json={"version": u["version"], "received_at": received.isoformat(), "reason": "x"},
    )
    assert stale.status_code == 409
    future = await http.post(
        f"/api/underretninger/{u['id']}/modtaget",
        json={
            "version": u["version"] + 1,
            "received_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            "reason": "x",
        },
    )
    assert future.status_code == 400 and future.json()["extra"][0]["key"] == "received_at"


async def test_a_colleague_steps_in_with_a_reason_and_it_is_audited(http, seeded, settings):
    await _caseworker(http)
    cpr = new_cpr(308)
    r = await _register(http, cpr)
    assert r.status_code == 201, r.text
    case_id = r.json()["hovedsag_id"]
    child_id = (await http.get(f"/api/cases/{case_id}")).json()["child_id"]
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as other:
        session = await sign_in(other, A, "kollega")
        other.headers["X-CSRF-Token"] = session["csrf_token"]
        # Not on the case, not in its team: the same 404 as for no such case.
        for url in (
            f"/api/cases/{case_id}",
            f"/api/cases/{case_id}/journal",
            f"/api/children/{child_id}/network",
        ):
            assert (await other.get(url)).status_code == 404, url
        # by CPR (many children in the suite share the surname): exactly this case
        hits = (await other.post("/api/search", json={"text": cpr})).json()["items"]
        assert [h["hovedsag_id"] for h in hits] == [case_id]
        hit = hits[0]
        assert hit["can_open"] is False
        no_reason = await other.post(f"/api/cases/{case_id}/step-in", json={"reason": " "})
        assert no_reason.status_code == 400
        assert (await other.get(f"/api/cases/{case_id}")).status_code == 404
        stepped = await other.post(
            f"/api/cases/{case_id}/step-in", json={"reason": "Sara er syg; akut opkald fra skolen"}
        )
        assert stepped.status_code == 200, stepped.text
        assert (await other.get(f"/api/cases/{case_id}")).status_code == 200
    titles = await _journal_titles(http, case_id)
    assert titles[0] == "Karl Kollega har åbnet sagen for at træde til"
    from tests.backend.test_outbox import _drain

    await _drain(settings)
    async with tenant_transaction(DB, A) as scope:
        detail = await scope.connection.fetchval(
            "SELECT detail->>'reason' FROM audit_event WHERE action = 'case.step_in' "
            "AND subject = $1",
            case_id,
        )
    assert detail == "Sara er syg; akut opkald fra skolen"


async def test_a_second_caseworker_on_the_case_sees_it_on_the_front_page(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 309)
    kollega = await _user_id(A, "kollega")
    case = (await http.get(f"/api/cases/{case_id}")).json()
    r = await http.post(
        f"/api/cases/{case_id}/workers", json={"version": case["version"], "user_id": kollega}
    )
    assert r.status_code == 200, r.text
    twice = await http.post(
        f"/api/cases/{case_id}/workers", json={"version": case["version"], "user_id": kollega}
    )
    assert twice.status_code == 409  # stale: the first call bumped the version
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as other:
        await sign_in(other, A, "kollega")
        assert (await other.get(f"/api/cases/{case_id}")).status_code == 200
        front = (await other.get("/api/worklist")).json()
        assert case_id in {c["id"] for c in front["cases"]}
        case = (await http.get(f"/api/cases/{case_id}")).json()
        assert [w["display_name"] for w in case["workers"]] == ["Karl Kollega"]
        # Who put them there, as a person reads it: a name, not the username.
        assert [w["added_by_name"] for w in case["workers"]] == ["Sara Sagsbehandler"]
        off = await http.post(
            f"/api/cases/{case_id}/workers/remove",
            json={"version": case["version"], "user_id": kollega},
        )
        assert off.status_code == 200, off.text
        assert (await other.get(f"/api/cases/{case_id}")).status_code == 404


async def test_siblings_link_to_each_others_cases(http, seeded):
    await _caseworker(http)
    older = new_cpr(310, years=10)
    first = (await _register(http, older)).json()
    second = (await _register(http, new_cpr(311, years=6))).json()
    r = await http.post(
        f"/api/children/{second['child_id']}/network",
        json={"relation": "søskende", "name": "Ida Testesen", "sibling_cpr": older},
    )
    assert r.status_code == 201, r.text
    assert r.json()["sibling_case_id"] == first["hovedsag_id"]
    back = (await http.get(f"/api/children/{first['child_id']}/network")).json()
    assert [m["sibling_case_id"] for m in back if m["relation"] == "søskende"] == [
        second["hovedsag_id"]
    ]
    again = await http.post(
        f"/api/children/{second['child_id']}/network",
        json={"relation": "søskende", "name": "Ida", "sibling_cpr": older},
    )
    assert again.status_code == 400
    unknown = await http.post(
        f"/api/children/{second['child_id']}/network",
        json={"relation": "søskende", "name": "X", "sibling_cpr": new_cpr(312, years=3)},
    )
    assert unknown.status_code == 400 and unknown.json()["extra"][0]["key"] == "sibling_cpr"


async def test_search_by_measure_and_closing_a_case(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 313)
    indsats_id = await _measure(http, case_id, today_dk())
    hits = (await http.post("/api/search", json={"measure": "kontaktperson"})).json()
    assert case_id in {h["hovedsag_id"] for h in hits["items"]}
    bad = await http.post("/api/search", json={"measure": "trylledrik"})
    assert bad.status_code == 400
    case = (await http.get(f"/api/cases/{case_id}")).json()
    refused = await http.post(
        f"/api/cases/{case_id}/close", json={"version": case["version"], "reason": "Slut"}
    )
    assert refused.status_code == 400 and "indsatser" in refused.json()["detail"]
    measure = case["indsatser"][0]
    ended = await http.post(
        f"/api/indsatser/{indsats_id}/ophoer",
        json={
            "version": measure["version"],
            "ends_on": today_dk().isoformat(),
            "reason": "Mål nået",
        },
    )
    assert ended.status_code == 200, ended.text
    hits = (await http.post("/api/search", json={"measure": "kontaktperson"})).json()
    assert case_id not in {h["hovedsag_id"] for h in hits["items"]}
    case = (await http.get(f"/api/cases/{case_id}")).json()
    closed = await http.post(
        f"/api/cases/{case_id}/close",
        json={"version": case["version"], "reason": "Forløbet er afsluttet"},
    )
    assert closed.status_code == 200, closed.text
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["stage"] == "afsluttet" and case["closed_at"]
    assert not [a for a in case["activities"] if a["status"] == "open"]


async def test_an_application_gets_the_kommunes_own_deadline(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 314)
    received = datetime(2026, 11, 2, 10, 0, tzinfo=DK)
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "kind": "ansoegning",
            "received_at": received.isoformat(),
            "notifier_kind": "privat",
            "source": "familie",
            "concerns": "Forældrene søger om aflastning",
        },
    )
    assert r.status_code == 201, r.text
    (activity,) = r.json()["activities"]
    assert activity["rule_id"] == "afklar-henvendelse"
    days = await _count("SELECT application_days FROM kommune_settings")
    assert _day(activity["due_at"]) == next_working_day(received.date() + timedelta(days=days))
    titles = await _journal_titles(http, case_id)
    assert "Ansøgning modtaget fra familie (privatperson)" in titles
    bad = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "kind": "brev",
            "received_at": received.isoformat(),
            "notifier_kind": "privat",
            "source": "familie",
            "concerns": "x",
        },
    )
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "kind"
    # Deciding to investigate is taking a stand on the application.
    await http.post(
        f"/api/cases/{case_id}/undersoegelse", json={"aware_since": received.date().isoformat()}
    )
    case = (await http.get(f"/api/cases/{case_id}")).json()
    done = next(a for a in case["activities"] if a["rule_id"] == "afklar-henvendelse")
    assert done["status"] == "done"
    assert case["underretninger"][0]["kind"] == "ansoegning"


async def test_the_administrator_sets_the_application_deadline(http, seeded):
    session = await sign_in(http, A, "admin")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    current = (await http.get("/api/admin/settings")).json()
    bad = await http.put("/api/admin/settings", json={**current, "application_days": 0})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "application_days"
    ok = await http.put("/api/admin/settings", json={**current, "application_days": 21})
    assert ok.status_code == 200 and ok.json()["application_days"] == 21
    assert await _count("SELECT application_days FROM kommune_settings") == 21
    await http.put("/api/admin/settings", json=current)


async def test_new_notifications_on_my_cases_are_on_the_front_page(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 315)
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "fagperson",
            "source": "politi",
            "concerns": "Husspektakel",
            "suspected_abuse": True,
        },
    )
    assert r.status_code == 201
    front = (await http.get("/api/worklist")).json()
    line = next(n for n in front["new_notifications"] if n["hovedsag_id"] == case_id)
    assert line["source"] == "politi" and line["suspected_abuse"] and not line["assessed"]
    assessment = next(a for a in r.json()["activities"] if a["rule_id"] == "vurdering-24-timer")
    done = await http.post(
        f"/api/activities/{assessment['id']}/complete",
        json={"version": 1, "record": completion_record("vurdering-24-timer")},
    )
    assert done.status_code == 200, done.text
    front = (await http.get("/api/worklist")).json()
    assert next(n for n in front["new_notifications"] if n["hovedsag_id"] == case_id)["assessed"]
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as other:
        await sign_in(other, A, "kollega")
        theirs = (await other.get("/api/worklist")).json()["new_notifications"]
        assert case_id not in {n["hovedsag_id"] for n in theirs}


async def test_the_plans_count_from_the_decision_not_the_measures_start(http, seeded):
    """Issue 12 item 4: barnets plan (§ 91) and the ungeplan (§ 108) are due three months
    after the decision, even when the placement starts months later."""
    await _caseworker(http)
    case_id = await _case(http, 330, years=17)  # 17 years and a few days
    decided = today_dk() - timedelta(days=10)
    starts = today_dk() + timedelta(days=60)
    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": decided.isoformat(),
            "summary": "Anbringelse med samtykke på opholdssted.",
            "measure": "opholdssted",
            "starts_on": starts.isoformat(),
            "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Samtykke"},
        },
    )
    assert made.status_code == 201, made.text
    by_rule = {a["rule_id"]: a for a in made.json()["activities"]}
    expected = next_working_day(add_months(decided, 3))
    assert _day(by_rule["barnets-plan-46"]["due_at"]) == expected
    assert _day(by_rule["ungeplan"]["due_at"]) == expected
    # The first follow-up still counts from the start.
    assert _day(by_rule["foerste-opfoelgning"]["due_at"]) == next_working_day(add_months(starts, 3))


async def test_the_kommunes_closed_days_move_the_receipt(http, seeded):
    """Issue 12 item 5: received Friday 19.12.2025 15:00 from a professional. 24/12, 31/12
    closed, 25-26/12 and 1/1 holidays: Mon 22, Tue 23, Mon 29, Tue 30, Fri 2, Mon 5 Jan.
    With the setting off (24/12 and 31/12 counted): Wednesday 31.12.2025."""
    admin = httpx.AsyncClient(transport=http._transport, base_url="http://testserver")
    session = await sign_in(admin, A, "admin")
    admin.headers["X-CSRF-Token"] = session["csrf_token"]
    await _caseworker(http)
    received = datetime(2025, 12, 19, 15, 0, tzinfo=DK)

    async def receipt_due(seed: int) -> date:
        case_id = await _case(http, seed)
        r = await http.post(
            f"/api/cases/{case_id}/underretninger",
            json={
                "received_at": received.isoformat(),
                "notifier_kind": "fagperson",
                "source": "skole",
                "concerns": "Fravær",
            },
        )
        assert r.status_code == 201, r.text
        receipt = next(a for a in r.json()["activities"] if a["rule_id"] == "kvittering-fagperson")
        # Item 9: the citation names a Barnets Lov section and says it is not confirmed.
        assert receipt["basis_confirmed"] is False
        assert receipt["basis"].startswith("Barnets Lov § 136")
        assert receipt["basis"].endswith("(henvisning ikke bekræftet)")
        return _day(receipt["due_at"])

    try:
        assert (await admin.get("/api/deadline-settings")).json() == {"closed_days": True}
        assert await receipt_due(331) == date(2026, 1, 5)
        off = await admin.put("/api/deadline-settings", json={"closed_days": False})
        assert off.status_code == 200 and off.json() == {"closed_days": False}
        assert await _count("SELECT count(*) FROM kommune_settings WHERE NOT closed_days") == 1
        assert await receipt_due(332) == date(2025, 12, 31)
        # Only the administrator sets it.
        refused = await http.put("/api/deadline-settings", json={"closed_days": True})
        assert refused.status_code == 403
    finally:
        await admin.put("/api/deadline-settings", json={"closed_days": True})
        await admin.aclose()


async def test_a_placement_after_17_and_a_half_is_due_as_soon_as_possible(http, seeded):
    """Issue 12 item 7: the § 111 deadline (six months before 18) has passed when the
    placement starts: the activity is due as soon as possible, with the reason, and is not
    overdue on the front page or the team's list."""
    await _caseworker(http)
    case_id = await _case(http, 550, years=17)  # 17 years and 250 days
    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Anbringelse med samtykke på eget værelse.",
            "measure": "eget_vaerelse",
            "starts_on": today_dk().isoformat(),
            "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Samtykke"},
        },
    )
    assert made.status_code == 201, made.text
    transition = next(a for a in made.json()["activities"] if a["rule_id"] == "overgang-18")
    assert transition["due_asap"] is True
    assert transition["due_reason"] == "anbringelsen begyndte efter 17½ år"
    assert _day(transition["due_at"]) == today_dk()
    assert transition["overdue"] is False
    worklist = (await http.get("/api/worklist")).json()
    assert transition["id"] not in {a["id"] for a in worklist["overdue"]}
    journal = await _journal_titles(http, case_id)
    assert any("snarest muligt (anbringelsen begyndte efter 17½ år)" in t for t in journal)
