"""Offline support on the server (issue 7): idempotent writes, devices that are told to
wipe, the bundle of own and chosen cases (audited), contact corrections with conflicts,
and the kommune's maximum offline period."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.backend.test_outbox import _drain
from tests.casework.test_casework_api import _caseworker
from tests.conftest import KOMMUNE_A, logged_in
from tests.factories import child as new_child
from tests.factories import completion_record

A = KOMMUNE_A[0]


@asynccontextmanager
async def client(  # type: ignore[no-untyped-def]
    app, code: str = A, role: str = "sagsbehandler", realm: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser: its own cookie jar, with a session as ``role``."""
    async with await logged_in(app, code, role, realm) as c:
        yield c


async def _own_case(http: httpx.AsyncClient, seed: int) -> tuple[str, str]:
    # A fresh child (tests.factories), never another test's: ``seed`` only names the call.
    made = await new_child(http, address="Skolevej 1")
    return made.child_id, made.case_id


async def _device(http: httpx.AsyncClient) -> dict[str, str]:
    r = await http.post("/api/offline/enheder", json={"label": "Testtablet"})
    assert r.status_code == 201, r.text
    return r.json()


async def _notes(case_id: str, title: str) -> int:
    async with tenant_transaction(DB, A) as scope:
        n: int = await scope.connection.fetchval(
            "SELECT count(*) FROM journal_entry WHERE hovedsag_id = $1 AND title = $2",
            uuid.UUID(case_id),
            title,
        )
    return n


# ---------------------------------------------------------------- idempotency


async def test_a_replayed_note_is_written_once(http, app, seeded):
    await _caseworker(http)
    _, case_id = await _own_case(http, 7001)
    key = str(uuid.uuid4())
    body = {"title": "Hjemmebesøg", "body": "Mor og barn var hjemme."}
    first = await http.post(
        f"/api/cases/{case_id}/journal", json=body, headers={"Idempotency-Key": key}
    )
    assert first.status_code == 201, first.text
    again = await http.post(
        f"/api/cases/{case_id}/journal", json=body, headers={"Idempotency-Key": key}
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _notes(case_id, "Hjemmebesøg") == 1

    # Five retries at once (a flaky connection): still one note.
    key2 = str(uuid.uuid4())
    body2 = {"title": "Samtidige forsøg", "body": "…"}
    answers = await asyncio.gather(
        *(
            http.post(
                f"/api/cases/{case_id}/journal", json=body2, headers={"Idempotency-Key": key2}
            )
            for _ in range(5)
        )
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert await _notes(case_id, "Samtidige forsøg") == 1

    # The same key for another change is refused; so is another user's use of the key.
    other = await http.post(
        f"/api/cases/{case_id}/journal",
        json={"title": "Noget andet", "body": ""},
        headers={"Idempotency-Key": key},
    )
    assert other.status_code == 422, other.text
    assert await _notes(case_id, "Noget andet") == 0
    async with client(app, role="leder") as leder:
        stolen = await leder.post(
            f"/api/cases/{case_id}/journal", json=body, headers={"Idempotency-Key": key}
        )
        assert stolen.status_code == 422
    bad = await http.post(
        f"/api/cases/{case_id}/journal", json=body, headers={"Idempotency-Key": "nope"}
    )
    assert bad.status_code == 400
    assert await _notes(case_id, "Hjemmebesøg") == 1


async def test_a_note_written_offline_keeps_when_it_was_written(http, seeded):
    await _caseworker(http)
    _, case_id = await _own_case(http, 7002)
    now = datetime.now(UTC)
    written = (now - timedelta(hours=3)).replace(microsecond=0)
    r = await http.post(
        f"/api/cases/{case_id}/journal",
        json={"title": "Besøg uden net", "body": "…", "written_at": written.isoformat()},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 201, r.text
    page = (await http.get(f"/api/cases/{case_id}/journal")).json()
    entry = next(e for e in page["items"] if e["title"] == "Besøg uden net")
    assert datetime.fromisoformat(entry["written_at"]) == written
    assert datetime.fromisoformat(entry["at"]) > written  # recorded when it arrived

    # A device clock ahead of the server's, or a time older than any offline period: the note
    # is kept (a wrong clock must not cost a note), without the time nobody can believe.
    for i, when in enumerate((now + timedelta(hours=1), now - timedelta(days=100))):
        odd = await http.post(
            f"/api/cases/{case_id}/journal",
            json={"title": f"Forkert ur {i}", "body": "", "written_at": when.isoformat()},
        )
        assert odd.status_code == 201, odd.text
        page = (await http.get(f"/api/cases/{case_id}/journal")).json()
        entry = next(e for e in page["items"] if e["title"] == f"Forkert ur {i}")
        assert entry["written_at"] is None
    no_zone = await http.post(
        f"/api/cases/{case_id}/journal",
        json={"title": "Uden zone", "body": "", "written_at": "2026-11-30T10:00:00"},
    )
    assert no_zone.status_code == 201

    # Written a moment ago (synced at once): only the recording time is shown.
    r = await http.post(
        f"/api/cases/{case_id}/journal",
        json={"title": "Lige skrevet", "body": "", "written_at": now.isoformat()},
    )
    assert r.status_code == 201
    page = (await http.get(f"/api/cases/{case_id}/journal")).json()
    assert next(e for e in page["items"] if e["title"] == "Lige skrevet")["written_at"] is None


async def test_a_failed_write_keeps_no_key_and_a_retry_runs_afresh(http, seeded):
    await _caseworker(http)
    _, case_id = await _own_case(http, 7002)
    key = str(uuid.uuid4())
    empty = {"title": " ", "body": "x"}
    r = await http.post(
        f"/api/cases/{case_id}/journal", json=empty, headers={"Idempotency-Key": key}
    )
    assert r.status_code == 400
    async with tenant_transaction(DB, A) as scope:
        assert not await scope.connection.fetchval(
            "SELECT 1 FROM idempotency_key WHERE key = $1", uuid.UUID(key)
        )


async def test_activity_completion_replays_and_conflicts(http, app, seeded):
    await _caseworker(http)
    _, case_id = await _own_case(http, 7003)
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": "2026-01-05T10:00:00+01:00",
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": "Barnet kommer sulten i skole",
        },
    )
    assert r.status_code == 201, r.text
    first, second = r.json()["activities"][:2]
    key = str(uuid.uuid4())
    url = f"/api/activities/{first['id']}/complete"
    # The 24-hour assessment written on a home visit travels with its record.
    body = {"version": first["version"], "record": completion_record(first["rule_id"])}
    done = await http.post(url, json=body, headers={"Idempotency-Key": key})
    assert done.status_code == 200, done.text
    assert done.json()["record"] == completion_record("vurdering-24-timer")
    # The retry (the answer was lost on the way) replays the success, not "ikke åben".
    again = await http.post(url, json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json() == done.json()
    # Someone else changed the second activity: the stale completion is a 409 that says so.
    second_body = {"version": second["version"], "record": completion_record(second["rule_id"])}
    async with client(app, role="leder") as leder:
        r = await leder.post(f"/api/activities/{second['id']}/complete", json=second_body)
        assert r.status_code == 200
    stale = await http.post(
        f"/api/activities/{second['id']}/complete",
        json=second_body,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert stale.status_code == 409
    assert "ændret" in stale.json()["detail"]


# ---------------------------------------------------------------- contact corrections


async def test_contact_correction_and_its_conflict(http, app, seeded):
    await _caseworker(http)
    child_id, case_id = await _own_case(http, 7004)
    member = (
        await http.post(
            f"/api/children/{child_id}/network",
            json={"relation": "skole", "name": "Lærer Lis", "phone": "12345678"},
        )
    ).json()
    r = await http.post(
        f"/api/network/{member['id']}/contact",
        json={"version": member["version"], "phone": "+45 87 65 43 21", "email": "lis@skole.dk"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 200, r.text
    fixed = r.json()
    assert fixed["phone"] == "+45 87 65 43 21" and fixed["email"] == "lis@skole.dk"
    assert fixed["version"] == member["version"] + 1
    assert fixed["changed_by"] and fixed["changed_at"]
    journal = (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    assert journal[0]["title"] == "Netværk: kontaktoplysninger for Lærer Lis rettet"
    assert "12345678 → +45 87 65 43 21" in journal[0]["body"]

    # A colleague corrects the phone meanwhile; my correction from the old copy conflicts.
    async with client(app, role="leder") as leder:
        r = await leder.post(
            f"/api/network/{member['id']}/contact",
            json={"version": fixed["version"], "phone": "11223344"},
        )
        assert r.status_code == 200
    stale = await http.post(
        f"/api/network/{member['id']}/contact",
        json={"version": fixed["version"], "phone": "99887766"},
    )
    assert stale.status_code == 409, stale.text
    extra = stale.json()["extra"]
    assert extra["current"]["phone"] == "11223344"
    assert extra["current_version"] == fixed["version"] + 1
    assert extra["changed_by"] == "leder@koebenhavn.dk"
    assert extra["changed_by_name"] == "Lene Leder"
    assert "ændret af Lene Leder " in stale.json()["detail"]
    assert "11223344" in stale.json()["detail"]
    # "Brug min": send again on the current version.
    mine = await http.post(
        f"/api/network/{member['id']}/contact",
        json={"version": extra["current_version"], "phone": "99887766"},
    )
    assert mine.status_code == 200 and mine.json()["phone"] == "99887766"
    bad = await http.post(
        f"/api/network/{member['id']}/contact",
        json={"version": mine.json()["version"], "phone": "12", "email": "nej"},
    )
    assert bad.status_code == 400
    assert {e["key"] for e in bad.json()["extra"]} == {"phone", "email"}


# ---------------------------------------------------------------- devices


async def test_device_status_and_revocation(http, app, seeded):
    await _caseworker(http)
    device = await _device(http)
    device_id, token = device["device_id"], device["device_token"]
    assert token.startswith(f"{A}.{device_id}.")
    assert device["max_offline_days"] >= 1
    status = (await http.get(f"/api/offline/enheder/{device_id}/status")).json()
    assert status["wipe"] is False

    # Without a session (expired), by the device's own token.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        ok = await anonymous.post("/api/offline/enhedsstatus", json={"token": token})
        assert ok.status_code == 200 and ok.json()["wipe"] is False
        forged = token[:-4] + "AAAA"
        assert (await anonymous.post("/api/offline/enhedsstatus", json={"token": forged})).json()[
            "wipe"
        ] is True
        assert (
            await anonymous.post("/api/offline/enhedsstatus", json={"token": "garbage"})
        ).json()["wipe"] is True

        # Another user's session may not use the device: it must wipe (user switch).
        async with client(app, role="leder") as leder:
            other = (await leder.get(f"/api/offline/enheder/{device_id}/status")).json()
            assert other["wipe"] is True and "anden bruger" in other["reason"]

        # The administrator revokes the device: every way of asking says wipe. (Logged in
        # on this browser, even a user without case access is told the data are not theirs.)
        async with client(app, role="admin") as admin:
            theirs = (await admin.get(f"/api/offline/enheder/{device_id}/status")).json()
            assert theirs["wipe"] is True
            listed = (await admin.get("/api/admin/offline/enheder")).json()
            assert device_id in {d["id"] for d in listed}
            r = await admin.post(
                f"/api/admin/offline/enheder/{device_id}/revoke",
                json={"reason": "Tablet bortkommet"},
            )
            assert r.json() == {"revoked": 1}
        revoked = (await anonymous.post("/api/offline/enhedsstatus", json={"token": token})).json()
        assert revoked == {**revoked, "wipe": True, "reason": "Tablet bortkommet"}
        assert (await http.get(f"/api/offline/enheder/{device_id}/status")).json()["wipe"] is True
        gone = await http.get(f"/api/offline/enheder/{device_id}/manifest")
        assert gone.status_code == 410 and gone.json()["extra"]["wipe"] is True

        # Revoking the user revokes all of their devices.
        second = await _device(http)
        third = await _device(http)
        me = (await http.get("/api/offline/enheder")).json()[0]["user_id"]
        async with client(app, role="admin") as admin:
            r = await admin.post(f"/api/admin/offline/users/{me}/revoke", json={"reason": ""})
            assert r.json()["revoked"] >= 2  # these two, and any other still active
        for d in (second, third):
            answer = await anonymous.post(
                "/api/offline/enhedsstatus", json={"token": d["device_token"]}
            )
            assert answer.json()["wipe"] is True


async def test_a_deactivated_users_device_is_told_to_wipe(app, seeded, fresh_code, registry):
    from tests.conftest import SPARE_REALM, new_kommune

    await new_kommune(registry, fresh_code, "Offlineby", children=2)
    async with client(app, fresh_code, "sagsbehandler", SPARE_REALM) as me:
        device = await _device(me)
        mine = (await me.get("/api/session")).json()
    async with client(app, fresh_code, "admin", SPARE_REALM) as admin:
        users = (await admin.get("/api/admin/users")).json()
        user_id = next(u["id"] for u in users if u["username"] == mine["username"])
        r = await admin.post(f"/api/admin/users/{user_id}/deactivate")
        assert r.status_code == 200, r.text
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        answer = await anonymous.post(
            "/api/offline/enhedsstatus", json={"token": device["device_token"]}
        )
        assert answer.json()["wipe"] is True
        assert "lukket" in answer.json()["reason"]


# ---------------------------------------------------------------- the bundle


async def _user_id(username: str) -> uuid.UUID:
    async with tenant_transaction(DB, A) as scope:
        user_id: uuid.UUID = await scope.connection.fetchval(
            "SELECT id FROM app_user WHERE username = $1", username
        )
    return user_id


async def test_bundle_holds_only_own_and_chosen_cases_and_is_audited(http, app, seeded, settings):
    session = await _caseworker(http)
    child_id, own = await _own_case(http, 7005)
    await http.post(
        f"/api/children/{child_id}/network",
        json={"relation": "læge", "name": "Læge Lund", "phone": "33445566", "email": "l@l.dk"},
    )
    await http.post(f"/api/cases/{own}/journal", json={"title": "Første besøg", "body": "Godt"})
    _, team_case = await _own_case(http, 7006)
    _, foreign = await _own_case(http, 7007)
    kollega = await _user_id("kollega@koebenhavn.dk")
    me = await _user_id(session["username"])
    async with tenant_transaction(DB, A) as scope:
        conn = scope.connection
        # team_case: a colleague's case in my team (I may open it, it is not mine);
        # foreign: a colleague's case in a team I am not in (I may not open it).
        await conn.execute(
            "UPDATE hovedsag SET caseworker_id = $2 WHERE id = $1", uuid.UUID(team_case), kollega
        )
        other_team = await conn.fetchval(
            "SELECT id FROM team WHERE id NOT IN (SELECT team_id FROM team_member "
            "WHERE user_id = $1) ORDER BY name LIMIT 1",
            me,
        )
        await conn.execute(
            "UPDATE hovedsag SET caseworker_id = $2, team_id = $3 WHERE id = $1",
            uuid.UUID(foreign),
            kollega,
            other_team,
        )
    device = await _device(http)
    base = f"/api/offline/enheder/{device['device_id']}"

    manifest = (await http.get(f"{base}/manifest")).json()
    ids = {c["hovedsag_id"] for c in manifest["cases"]}
    worklist = (await http.get("/api/worklist")).json()
    assert ids == {c["id"] for c in worklist["cases"]}
    assert own in ids and team_case not in ids and foreign not in ids
    assert manifest["estimated_bytes"] > 0
    assert manifest["user"]["username"] == session["username"]

    # Chosen explicitly: the team case comes along; the foreign one cannot be chosen.
    assert (await http.put(f"/api/offline/choices/{team_case}")).status_code == 200
    assert (await http.put(f"/api/offline/choices/{foreign}")).status_code == 404
    manifest = (await http.get(f"{base}/manifest")).json()
    chosen = {c["hovedsag_id"]: c["chosen"] for c in manifest["cases"]}
    assert chosen[team_case] is True and chosen[own] is False and foreign not in chosen

    r = await http.get(f"{base}/cases", params={"ids": f"{own},{team_case},{foreign}"})
    assert r.status_code == 200, r.text
    bundle = r.json()
    assert {c["hovedsag_id"] for c in bundle["cases"]} == {own, team_case}
    assert bundle["missing"] == [foreign]
    case = next(c for c in bundle["cases"] if c["hovedsag_id"] == own)
    assert case["child"]["id"] == child_id and "cpr" not in case["child"]
    doctor = next(m for m in case["network"] if m["name"] == "Læge Lund")
    assert (doctor["phone"], doctor["email"]) == ("33445566", "l@l.dk")
    assert case["journal"][0]["title"] == "Første besøg"
    assert case["journal_total"] >= 2 and len(case["journal"]) <= 20
    assert case["plan"] is None

    # Taken out again: no longer in the bundle.
    await http.delete(f"/api/offline/choices/{team_case}")
    again = (await http.get(f"{base}/cases", params={"ids": team_case})).json()
    assert again == {"cases": [], "missing": [team_case]}
    assert (await http.get(f"{base}/cases", params={"ids": ""})).status_code == 400

    await _drain(settings)
    async with tenant_transaction(DB, A) as scope:
        rows = await scope.connection.fetch(
            "SELECT subject, detail->>'hovedsag' AS hovedsag, detail->>'device' AS device "
            "FROM audit_event WHERE action = 'child.read' AND detail->>'view' = 'offline' "
            "AND detail->>'device' = $1",
            device["device_id"],
        )
    assert {r["hovedsag"] for r in rows} == {own, team_case}
    assert child_id in {r["subject"] for r in rows}


async def test_bundle_carries_the_current_plans_goals(http, seeded):
    await _caseworker(http)
    _, case_id = await _own_case(http, 7008)
    async with tenant_transaction(DB, A) as scope:
        conn = scope.connection
        if not await conn.fetchval("SELECT to_regclass('ics_document') IS NOT NULL"):
            return  # the ICS tables are not there yet: the plan is simply absent
        content = (
            '{"kind": "plan", "goals": [{"id": "g1", "goal": "Går i skole hver dag", '
            '"measurable": "Fravær under 5 %", "responsible": "Skolen", "due": "2026-06-30", '
            '"need": "Stabilt fremmøde", "measures": []}], "child_view": "", "parents_view": ""}'
        )
        await conn.execute(
            "INSERT INTO ics_document (hovedsag_id, kind, series_id, version_no, method, content, "
            "created_by, changed_by) VALUES ($1, 'plan', gen_random_uuid(), 1, 'ics-2019', "
            "$2::jsonb, 'test', 'test')",
            uuid.UUID(case_id),
            content,
        )
    device = await _device(http)
    r = await http.get(f"/api/offline/enheder/{device['device_id']}/cases", params={"ids": case_id})
    plan = r.json()["cases"][0]["plan"]
    assert plan["status"] == "kladde" and plan["version_no"] == 1
    assert plan["goals"] == [
        {
            "id": "g1",
            "goal": "Går i skole hver dag",
            "measurable": "Fravær under 5 %",
            "responsible": "Skolen",
            "due": "2026-06-30",
            "need": "Stabilt fremmøde",
        }
    ]


# ---------------------------------------------------------------- settings


async def test_max_offline_days_is_the_kommunes_setting(http, app, seeded):
    await _caseworker(http)
    assert (await http.get("/api/admin/offline/settings")).status_code == 403
    async with client(app, role="admin") as admin:
        before = (await admin.get("/api/admin/offline/settings")).json()["max_offline_days"]
        bad = await admin.put("/api/admin/offline/settings", json={"max_offline_days": 0})
        assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "max_offline_days"
        r = await admin.put("/api/admin/offline/settings", json={"max_offline_days": 5})
        assert r.json() == {"max_offline_days": 5}
        try:
            device = await _device(http)
            assert device["max_offline_days"] == 5
        finally:
            await admin.put("/api/admin/offline/settings", json={"max_offline_days": before})
