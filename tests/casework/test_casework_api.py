"""Registering children and notifications, the activities the law requires, the worklist
and the journal — over HTTP as a caseworker with a session
(``sign_in``)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import httpx

from backend.core.danish import DK
from backend.db import DB
from backend.demo import synthetic_cpr
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, sign_in
from tests.factories import completion_record

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


def new_cpr(seed: int, years: int = 8) -> str:
    birth = date.today() - timedelta(days=365 * years + seed % 300)
    return synthetic_cpr(random.Random(seed), birth)


async def _caseworker(http: httpx.AsyncClient, code: str = A) -> dict[str, str]:
    session = await sign_in(http, code, "sagsbehandler")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    return session


async def _register(http: httpx.AsyncClient, cpr: str, **extra: str) -> httpx.Response:
    body = {"cpr": cpr, "first_name": "Ida", "last_name": "Testesen", "address": "Skolevej 1"}
    body.update(extra)
    return await http.post("/api/children", json=body)


async def test_register_child_opens_a_case_and_journals_it(http, seeded):
    await _caseworker(http)
    cpr = new_cpr(101)
    r = await _register(http, cpr[:6] + "-" + cpr[6:])
    assert r.status_code == 201, r.text
    case_id = r.json()["hovedsag_id"]
    again = await _register(http, cpr)
    assert again.status_code == 200
    assert again.json() == {**r.json(), "existing": True}
    journal = (await http.get(f"/api/cases/{case_id}/journal")).json()
    assert [e["title"] for e in journal["items"]] == ["Barn registreret"]
    worklist = (await http.get("/api/worklist")).json()
    assert case_id in {c["id"] for c in worklist["cases"]}


async def test_invalid_cpr_and_missing_fields_are_named(http, seeded):
    await _caseworker(http)
    for bad, message in (
        ("3102101234", "gyldig fødselsdato"),
        ("12345", "10 cifre"),
        ("0101" + str(date.today().year + 1)[2:] + "4321", "fremtiden"),
    ):
        r = await _register(http, bad)
        assert r.status_code == 400, bad
        assert r.json()["extra"][0]["key"] == "cpr"
        assert message in r.json()["detail"], r.json()
    r = await _register(http, new_cpr(102), first_name=" ")
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "first_name"


async def test_unborn_child_by_mothers_cpr(http, seeded):
    await _caseworker(http)
    due = (date.today() + timedelta(days=60)).isoformat()
    r = await http.post(
        "/api/children", json={"mother_cpr": new_cpr(103, years=30), "expected_date": due}
    )
    assert r.status_code == 201, r.text
    journal = (await http.get(f"/api/cases/{r.json()['hovedsag_id']}/journal")).json()
    assert journal["items"][0]["title"] == "Ufødt barn registreret"
    again = await http.post(
        "/api/children", json={"mother_cpr": new_cpr(103, years=30), "expected_date": due}
    )
    assert again.status_code == 200 and again.json()["hovedsag_id"] == r.json()["hovedsag_id"]
    r = await http.post(
        "/api/children", json={"mother_cpr": new_cpr(104, years=30), "expected_date": "2001-01-01"}
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "expected_date"


async def test_school_notification_the_wednesday_before_easter(http, seeded):
    """The issue's example: 24-hour assessment and receipt within 6 working days."""
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(105))).json()["hovedsag_id"]
    received = datetime(2026, 4, 1, 10, 30, tzinfo=DK)  # Wednesday before Easter 2026
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": received.isoformat(),
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": "Barnet kommer ofte sultent i skole",
            "notifier_name": "Skolelærer",
        },
    )
    assert r.status_code == 201, r.text
    due = {
        a["rule_id"]: datetime.fromisoformat(a["due_at"]).astimezone(DK)
        for a in r.json()["activities"]
    }
    assert set(due) == {"vurdering-24-timer", "kvittering-fagperson"}
    assert due["vurdering-24-timer"] == datetime(2026, 4, 2, 10, 30, tzinfo=DK)
    # Thu 2, Fri 3, Mon 6 April 2026 are holidays: Tue 7, Wed 8, Thu 9, Fri 10, Mon 13, Tue 14
    assert due["kvittering-fagperson"].date() == date(2026, 4, 14)
    worklist = (await http.get("/api/worklist")).json()
    overdue = {a["rule_id"] for a in worklist["overdue"] if a["hovedsag_id"] == case_id}
    assert overdue == {"vurdering-24-timer", "kvittering-fagperson"}  # both long past
    journal = (await http.get(f"/api/cases/{case_id}/journal", params={"kind": "haendelse"})).json()
    titles = [e["title"] for e in journal["items"]]
    assert any(t.startswith("Underretning modtaget fra skole") for t in titles)
    assert sum(t.startswith("Aktivitet:") for t in titles) == 2
    assert any(t.endswith("frist 02.04.2026 kl. 10.30") for t in titles), titles  # Danish time


async def test_abuse_adds_the_20_decision_and_the_conversation(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(106))).json()["hovedsag_id"]
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "privat",
            "source": "nabo",
            "concerns": "Råb og skrig om natten",
            "suspected_abuse": True,
        },
    )
    rules = {a["rule_id"] for a in r.json()["activities"]}
    # No receipt to a private person; no § 137 re-assessment: the child has no measure.
    assert rules == {"vurdering-24-timer", "overgreb-stillingtagen", "overgreb-samtale"}


async def test_bad_notification_changes_nothing(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(107))).json()["hovedsag_id"]
    base = {
        "received_at": datetime.now(UTC).isoformat(),
        "notifier_kind": "fagperson",
        "source": "skole",
        "concerns": "x",
    }
    for field, value in (
        ("source", "rygter"),
        ("notifier_kind", "ven"),
        ("concerns", "  "),
        ("received_at", (datetime.now(UTC) + timedelta(days=2)).isoformat()),
    ):
        r = await http.post(f"/api/cases/{case_id}/underretninger", json={**base, field: value})
        assert r.status_code == 400 and r.json()["extra"][0]["key"] == field, (field, r.text)
    async with tenant_transaction(DB, A) as scope:
        assert (
            await scope.connection.fetchval(
                "SELECT count(*) FROM enkeltsag WHERE hovedsag_id = $1", case_id
            )
            == 0
        )


async def test_completing_an_activity_and_a_stale_second_click(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(108))).json()["hovedsag_id"]
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "anonym",
            "source": "anonym",
            "concerns": "Bekymring",
        },
    )
    activity = r.json()["activities"][0]
    body = {"version": activity["version"], "record": completion_record(activity["rule_id"])}
    done = await http.post(f"/api/activities/{activity['id']}/complete", json=body)
    assert done.status_code == 200 and done.json()["status"] == "done"
    stale = await http.post(f"/api/activities/{activity['id']}/complete", json=body)
    assert stale.status_code == 409
    # Said as a person reads it: who, and what holds now, in Danish words (no field keys).
    message = stale.json()["detail"]
    assert message.startswith("Aktiviteten er ændret af Sara Sagsbehandler"), message
    assert "Nu: status: udført; frist: " in message and "_" not in message, message
    assert set(stale.json()["extra"]["current"]) == {"status", "frist"}
    worklist = (await http.get("/api/worklist")).json()
    assert activity["id"] not in {
        a["id"] for g in ("overdue", "this_week", "later", "without_deadline") for a in worklist[g]
    }
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert titles[0] == "Vurdering inden 24 timer"


async def test_notes_are_corrected_never_edited(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(109))).json()["hovedsag_id"]
    first = await http.post(
        f"/api/cases/{case_id}/journal", json={"title": "Hjemmebesøg", "body": "Mor var til stede."}
    )
    assert first.status_code == 201
    fix = await http.post(
        f"/api/cases/{case_id}/journal",
        json={
            "title": "Rettelse",
            "body": "Far var også til stede.",
            "corrects_id": first.json()["id"],
        },
    )
    assert fix.status_code == 201
    items = {e["id"]: e for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]}
    assert items[first.json()["id"]]["body"] == "Mor var til stede."
    assert items[first.json()["id"]]["corrected_by"] == [fix.json()["id"]]
    assert items[fix.json()["id"]]["kind"] == "rettelse"
    notes = (await http.get(f"/api/cases/{case_id}/journal", params={"kind": "notat"})).json()
    assert [e["title"] for e in notes["items"]] == ["Hjemmebesøg"]
    empty = await http.post(f"/api/cases/{case_id}/journal", json={"title": " "})
    assert empty.status_code == 400 and empty.json()["extra"][0]["key"] == "title"
    async with tenant_transaction(DB, A) as scope:
        import asyncpg
        import pytest

        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await scope.connection.execute("UPDATE journal_entry SET body = 'x'")


async def test_another_kommunes_case_is_404(http, seeded):
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as b:
        await _caseworker(b, B)
        case_b = (await _register(b, new_cpr(110))).json()["hovedsag_id"]
    await _caseworker(http, A)
    assert (await http.get(f"/api/cases/{case_b}/journal")).status_code == 404
    r = await http.post(
        f"/api/cases/{case_b}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "anonym",
            "source": "anonym",
            "concerns": "x",
        },
    )
    assert r.status_code == 404


async def test_finance_and_readers_cannot_register(http, seeded):
    session = await sign_in(http, A, "revisor")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    assert (await _register(http, new_cpr(111))).status_code == 403
    assert (await http.get("/api/worklist")).status_code == 200


async def test_starting_an_investigation_sets_the_four_month_deadline(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(112))).json()["hovedsag_id"]
    aware = date.today() - timedelta(days=10)
    r = await http.post(
        f"/api/cases/{case_id}/undersoegelse", json={"aware_since": aware.isoformat()}
    )
    assert r.status_code == 201, r.text
    (activity,) = r.json()["activities"]
    assert activity["rule_id"] == "undersoegelse-4-maaneder"
    from backend.core.workdays import add_months, next_working_day

    due = datetime.fromisoformat(activity["due_at"]).astimezone(DK).date()
    assert due == next_working_day(add_months(aware, 4))
    again = await http.post(
        f"/api/cases/{case_id}/undersoegelse", json={"aware_since": aware.isoformat()}
    )
    assert again.status_code == 400 and "igangværende" in again.json()["detail"]
    future = await http.post(
        f"/api/cases/{case_id}/undersoegelse",
        json={"aware_since": (date.today() + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 400 and future.json()["extra"][0]["key"] == "aware_since"
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert "Beslutning om børnefaglig undersøgelse (Barnets Lov § 20)" in titles


async def test_manager_sees_the_teams_overdue_items_first(http, seeded):
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as cw:
        await _caseworker(cw, B)
        case_id = (await _register(cw, new_cpr(113))).json()["hovedsag_id"]
        old = datetime.now(UTC) - timedelta(days=20)
        r = await cw.post(
            f"/api/cases/{case_id}/underretninger",
            json={
                "received_at": old.isoformat(),
                "notifier_kind": "fagperson",
                "source": "politi",
                "concerns": "Husspektakel",
            },
        )
        overdue_ids = {a["id"] for a in r.json()["activities"]}
        fresh = await cw.post(
            f"/api/cases/{case_id}/underretninger",
            json={
                "received_at": datetime.now(UTC).isoformat(),
                "notifier_kind": "fagperson",
                "source": "politi",
                "concerns": "Ny henvendelse fra politiet",
            },
        )
        assert fresh.status_code == 201, fresh.text
    # In kommune 0202 the demo caseworker and the manager share a team (round-robin).
    async with tenant_transaction(DB, B) as scope:
        await scope.connection.execute(
            "INSERT INTO team_member (team_id, user_id) SELECT m.team_id, l.id FROM team_member m "
            "JOIN app_user s ON s.id = m.user_id AND s.username LIKE 'sagsbehandler@%' "
            "CROSS JOIN app_user l WHERE l.username LIKE 'leder@%' ON CONFLICT DO NOTHING"
        )
    await sign_in(http, B, "leder")
    overview = (await http.get("/api/team/overview")).json()
    # The overdue list comes a page at a time (10 by default), oldest deadline first; the
    # pages together hold every overdue activity once.
    assert len(overview["overdue"]) == min(10, overview["overdue_total"])
    got: list[str] = []
    dues: list[str] = []
    for offset in range(0, overview["overdue_total"], 7):
        page = (await http.get("/api/team/overview", params={"offset": offset, "limit": 7})).json()
        assert page["overdue_total"] == overview["overdue_total"]
        got += [a["id"] for a in page["overdue"]]
        dues += [a["due_at"] for a in page["overdue"]]
    assert len(got) == len(set(got)) == overview["overdue_total"]
    assert overdue_ids <= set(got)
    assert dues == sorted(dues)
    past = await http.get("/api/team/overview", params={"offset": 100_000, "limit": 10})
    assert past.status_code == 200
    assert (past.json()["overdue"], past.json()["overdue_total"]) == ([], len(got))
    # The notifications page the same way; the totals say how many in all.
    news = (await http.get("/api/team/overview", params={"news_limit": 1})).json()
    assert news["new_notifications_total"] >= 1
    assert len(news["new_notifications"]) == 1
    assert news["new_notifications_unassessed"] <= news["new_notifications_total"]
    # Bad paging: a Danish 400 on the field.
    bad = await http.get("/api/team/overview", params={"limit": 0})
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["key"] == "limit"
    bad = await http.get("/api/team/overview", params={"news_offset": -1})
    assert bad.status_code == 400
    assert bad.json()["extra"][0] == {
        "key": "news_offset",
        "message": "Sidens start kan ikke være negativ.",
    }
    loads = {c["display_name"]: c for c in overview["caseload"]}
    assert loads["Sara Sagsbehandler"]["overdue_activities"] >= 2
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as cw:
        await _caseworker(cw, B)
        assert (await cw.get("/api/team/overview")).status_code == 403


async def _user_id(code: str, role: str) -> str:
    from tests.conftest import username as name_of

    async with tenant_transaction(DB, code) as scope:
        return str(
            await scope.connection.fetchval(
                "SELECT id FROM app_user WHERE username = $1", name_of(role, code)
            )
        )


async def test_case_read_is_audited_and_shows_its_parts(http, seeded, settings):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(114))).json()["hovedsag_id"]
    await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "fagperson",
            "source": "sundhed",
            "concerns": "Vægttab",
        },
    )
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["stage"] == "afklaring" and case["caseworker"] == "Sara Sagsbehandler"
    assert [e["kind"] for e in case["enkeltsager"]] == ["afklaring"]
    assert len(case["activities"]) == 2
    from tests.backend.test_outbox import _drain

    await _drain(settings)
    async with tenant_transaction(DB, A) as scope:
        assert (
            await scope.connection.fetchval(
                "SELECT count(*) FROM audit_event WHERE action = 'case.read' AND subject = $1",
                case_id,
            )
            == 1
        )


async def test_search_by_name_cpr_age_and_deadline(http, seeded):
    await _caseworker(http)
    cpr = new_cpr(115, years=15)
    r = await _register(http, cpr, first_name="Søgemarie", last_name="Findesen")
    case_id = r.json()["hovedsag_id"]
    by_name = (await http.post("/api/search", json={"text": "søgemarie find"})).json()
    assert [h["hovedsag_id"] for h in by_name["items"]] == [case_id]
    by_cpr = (await http.post("/api/search", json={"text": cpr[:6] + "-" + cpr[6:]})).json()
    assert [h["hovedsag_id"] for h in by_cpr["items"]] == [case_id]
    assert by_cpr["items"][0]["age"] in (14, 15)
    too_young = (await http.post("/api/search", json={"text": "Søgemarie", "age_to": 10})).json()
    assert too_young["total"] == 0
    await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
            "notifier_kind": "anonym",
            "source": "anonym",
            "concerns": "x",
        },
    )
    overdue = (
        await http.post("/api/search", json={"deadline": "overdue", "page_size": 100})
    ).json()
    assert case_id in {h["hovedsag_id"] for h in overdue["items"]}
    assert all(h["overdue_activities"] > 0 for h in overdue["items"])
    bad = await http.post("/api/search", json={"text": "3102101234"})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "text"
    assert (await http.post("/api/search", json={"deadline": "snart"})).status_code == 400
    page = (await http.post("/api/search", json={"page_size": 2, "page": 2})).json()
    assert page["page"] == 2 and len(page["items"]) <= 2 and page["total"] >= 2


async def test_search_never_finds_another_kommunes_child(http, seeded):
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as b:
        await _caseworker(b, B)
        cpr = new_cpr(116)
        await _register(b, cpr, first_name="Grænsebarn")
    await _caseworker(http, A)
    assert (await http.post("/api/search", json={"text": cpr})).json()["total"] == 0
    assert (await http.post("/api/search", json={"text": "Grænsebarn"})).json()["total"] == 0


async def test_reassigning_moves_open_activities_and_is_journalised(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(117))).json()["hovedsag_id"]
    await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "privat",
            "source": "familie",
            "concerns": "x",
        },
    )
    case = (await http.get(f"/api/cases/{case_id}")).json()
    leader = await _user_id(A, "leder")
    # The team kept explicitly (else the case follows Lene to her team, out of Sara's sight).
    r = await http.post(
        f"/api/cases/{case_id}/assignment",
        json={"version": case["version"], "caseworker_id": leader, "team_id": case["team_id"]},
    )
    assert r.status_code == 200, r.text
    after = (await http.get(f"/api/cases/{case_id}")).json()
    assert after["caseworker"] == "Lene Leder" and after["version"] == case["version"] + 1
    assert case_id not in {c["id"] for c in (await http.get("/api/worklist")).json()["cases"]}
    stale = await http.post(
        f"/api/cases/{case_id}/assignment",
        json={"version": case["version"], "caseworker_id": leader},
    )
    assert stale.status_code == 409
    admin = await _user_id(A, "admin")
    nobody = await http.post(
        f"/api/cases/{case_id}/assignment",
        json={"version": after["version"], "caseworker_id": admin},
    )
    assert nobody.status_code == 400 and nobody.json()["extra"][0]["key"] == "caseworker_id"
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert titles[0] == "Sagsbehandler skiftet: Sara Sagsbehandler → Lene Leder"
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as lead:
        await sign_in(lead, A, "leder")
        mine = (await lead.get("/api/worklist")).json()
        assert case_id in {
            a["hovedsag_id"]
            for g in ("overdue", "this_week", "later", "without_deadline")
            for a in mine[g]
        }


async def test_birth_rekeys_the_unborn_childs_case_keeping_its_history(http, seeded):
    await _caseworker(http)
    expected = date.today() + timedelta(days=10)
    unborn = await http.post(
        "/api/children",
        json={"mother_cpr": new_cpr(118, years=29), "expected_date": expected.isoformat()},
    )
    child_id, case_id = unborn.json()["child_id"], unborn.json()["hovedsag_id"]
    await http.post(f"/api/cases/{case_id}/journal", json={"title": "Før fødslen", "body": "x"})
    born = date.today() - timedelta(days=1)
    cpr = synthetic_cpr(random.Random(119), born)
    r = await http.post(
        f"/api/children/{child_id}/birth",
        json={"cpr": cpr, "first_name": "Lille", "last_name": "Nyfødt"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["hovedsag_id"] == case_id
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert titles[0] == "Barnet er født; sagen følger nu barnets eget CPR-nummer"
    assert "Før fødslen" in titles and "Ufødt barn registreret" in titles
    found = (await http.post("/api/search", json={"text": cpr})).json()
    assert [h["hovedsag_id"] for h in found["items"]] == [case_id]
    child = (await http.get(f"/api/children/{child_id}")).json()
    assert (child["first_name"], child["birth_date"]) == ("Lille", born.isoformat())
    assert child["unborn"] is False
    again = await http.post(
        f"/api/children/{child_id}/birth", json={"cpr": cpr, "first_name": "X", "last_name": "Y"}
    )
    assert again.status_code == 400 and "allerede et CPR-nummer" in again.json()["detail"]
    # A CPR number that is already another child's in the kommune is refused.
    other = await http.post(
        "/api/children",
        json={"mother_cpr": new_cpr(120, years=31), "expected_date": expected.isoformat()},
    )
    taken = await http.post(
        f"/api/children/{other.json()['child_id']}/birth",
        json={"cpr": cpr, "first_name": "Z", "last_name": "Z"},
    )
    assert taken.status_code == 400 and "findes allerede" in taken.json()["detail"]


async def test_cancelling_needs_a_reason_which_the_journal_keeps(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(121))).json()["hovedsag_id"]
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(UTC).isoformat(),
            "notifier_kind": "fagperson",
            "source": "dagtilbud",
            "concerns": "x",
        },
    )
    receipt = next(a for a in r.json()["activities"] if a["rule_id"] == "kvittering-fagperson")
    empty = await http.post(
        f"/api/activities/{receipt['id']}/cancel",
        json={"version": receipt["version"], "reason": " "},
    )
    assert empty.status_code == 400 and empty.json()["extra"][0]["key"] == "reason"
    ok = await http.post(
        f"/api/activities/{receipt['id']}/cancel",
        json={"version": receipt["version"], "reason": "Underretter ønskede ikke kvittering"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "cancelled"
    stale = await http.post(
        f"/api/activities/{receipt['id']}/cancel",
        json={"version": receipt["version"], "reason": "igen"},
    )
    assert stale.status_code == 409
    entry = (await http.get(f"/api/cases/{case_id}/journal")).json()["items"][0]
    assert entry["title"].startswith("Annulleret: Send kvittering")
    assert entry["body"] == "Begrundelse: Underretter ønskede ikke kvittering"
