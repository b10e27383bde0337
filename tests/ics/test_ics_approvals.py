"""The manager's list "Til godkendelse" (GET /api/ics/til-godkendelse): submitted versions
the manager may open, own teams first, with the deadline each answers; drafts and approved
versions are not in it, and caseworkers may not ask for it. And what the comparison of two
versions tells the screen around it (case, child, every version)."""

from __future__ import annotations

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker
from tests.conftest import username
from tests.ics.test_ics import _case, _client, _complete, _save, _start


async def test_submitted_versions_wait_in_the_managers_list_until_approved(http, seeded):
    await _caseworker(http)
    submitted_case = await _case(http, 8801)
    draft_case = await _case(http, 8802)
    doc = await _start(http, submitted_case)
    draft = await _start(http, draft_case)
    rev = await _save(http, doc, _complete(doc["content"], ["Ro om morgenen"]))
    r = await http.post(f"/api/ics/{doc['id']}/submit", json={"rev": rev})
    assert r.status_code == 200, r.text
    rev = r.json()["document"]["rev"]

    # Caseworkers do not approve, so they have no such list.
    assert (await http.get("/api/ics/til-godkendelse")).status_code == 403

    boss = await _client(http, "leder")
    try:
        listed = await boss.get("/api/ics/til-godkendelse")
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["approval_requires_other"] is True and body["limit"] == 200
        ids = [i["document_id"] for i in body["items"]]
        assert doc["id"] in ids and draft["id"] not in ids
        item = next(i for i in body["items"] if i["document_id"] == doc["id"])
        four = doc["deadlines"][0]
        assert item["kind"] == "undersoegelse" and item["kind_label"] == "Børnefaglig undersøgelse"
        assert item["version_no"] == 1 and item["hovedsag_id"] == submitted_case
        assert item["child_name"] == "Ida Testesen"
        assert item["submitted_by"] == username("sagsbehandler", A)
        assert item["submitted_by_name"] == "Sara Sagsbehandler"
        assert item["caseworker"] == "Sara Sagsbehandler"
        assert item["due_at"] == four["due_at"] and item["overdue"] is False
        assert item["own"] is False

        # Own teams come first: put the manager in the caseworker's team.
        assert item["in_my_teams"] is False
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "INSERT INTO team_member (team_id, user_id) SELECT h.team_id, u.id "
                "FROM hovedsag h, app_user u WHERE h.id = $1 AND u.username = $2 "
                "ON CONFLICT DO NOTHING",
                submitted_case,
                username("leder", A),
            )
        body = (await boss.get("/api/ics/til-godkendelse")).json()
        mine = [i["in_my_teams"] for i in body["items"]]
        assert mine == sorted(mine, reverse=True)
        assert next(i for i in body["items"] if i["document_id"] == doc["id"])["in_my_teams"]
        assert body["teams"]

        approved = await boss.post(f"/api/ics/{doc['id']}/approve", json={"rev": rev})
        assert approved.status_code == 200, approved.text
        body = (await boss.get("/api/ics/til-godkendelse")).json()
        assert doc["id"] not in [i["document_id"] for i in body["items"]]

        # The comparison names the case, the child and every version (to pick two others).
        assert (await http.post(f"/api/ics/{doc['id']}/new-version")).status_code == 201
        diff = (await http.get(f"/api/ics/series/{doc['series_id']}/diff")).json()
        assert [v["version_no"] for v in diff["versions"]] == [1, 2]
        assert diff["a"]["version_no"] == 1 and diff["b"]["version_no"] == 2
        assert diff["hovedsag_id"] == submitted_case and diff["child"]["name"] == "Ida Testesen"
        assert diff["kind_label"] == "Børnefaglig undersøgelse" and diff["changed"] == 0
    finally:
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "DELETE FROM team_member WHERE user_id = (SELECT id FROM app_user "
                "WHERE username = $1) AND team_id = (SELECT team_id FROM hovedsag WHERE id = $2)",
                username("leder", A),
                submitted_case,
            )
        await boss.aclose()
