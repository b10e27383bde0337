"""Issue 20 item 3: users and teams from FK Organisation. The administrator maps a team to
an organisation unit and presses "Hent nu"; the import creates the unit's users, updates
them, puts them in the mapped team, deactivates (never deletes) those gone from FK
Organisation, and changes nothing when run again. Names from FK Organisation are not
edited by hand; a failing service is a clear answer and audited."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.auth.session import COOKIE, Session
from backend.db import DB
from backend.integrations.fkorg import JOB
from backend.outbox.tasks import run_outbox_job
from infra.serviceplatform import FKORG_PATH
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_B
from tests.integrations.conftest import configure

B = KOMMUNE_B[0]
CVR = "44440202"
ROOT, UNIT, OTHER = (str(uuid.uuid4()) for _ in range(3))


def _person(username: str, name: str, unit: str, job: str = "Socialrådgiver") -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
        "username": username,
        "name": name,
        "email": username,
        "job": job,
        "unit": unit,
    }


def _organisation(platform: Any, users: list[dict[str, Any]]) -> None:
    units = [
        {"uuid": ROOT, "name": "Testby Kommune", "parent": None},
        {"uuid": UNIT, "name": "Familieteam Øst", "parent": ROOT},
        {"uuid": OTHER, "name": "Sundhedsplejen", "parent": ROOT},
    ]
    httpx.post(
        platform.url + "/dev/organisation", json={"cvr": CVR, "units": units, "users": users}
    ).raise_for_status()


async def _run_imports() -> None:
    async with tenant_transaction(DB, B) as scope:
        rows = await scope.connection.fetch(
            "SELECT id FROM outbox WHERE job = $1 AND done_at IS NULL", JOB
        )
    for r in rows:
        assert await run_outbox_job({}, B, str(r["id"])) == "done"


async def _users() -> dict[str, Any]:
    async with tenant_transaction(DB, B) as scope:
        rows = await scope.connection.fetch(
            "SELECT u.username, u.display_name, u.active, u.job_title, u.provisioned_by, "
            "array(SELECT t.name FROM team_member m JOIN team t ON t.id = m.team_id "
            "WHERE m.user_id = u.id ORDER BY t.name) AS teams FROM app_user u "
            "WHERE u.fkorg_uuid IS NOT NULL"
        )
    return {r["username"]: dict(r) for r in rows}


async def _session_of(app: Any, username: str) -> httpx.AsyncClient:
    """A browser with a live session of the kommune user ``username`` (as a login makes it)."""
    async with tenant_transaction(DB, B) as scope:
        user_id = await scope.connection.fetchval(
            "SELECT id FROM app_user WHERE username = $1", username
        )
    token = await app.state.sessions.create(
        Session(
            realm="kommune",
            subject=str(user_id),
            username=username,
            display_name=username,
            kommune_code=B,
            kommune_name=KOMMUNE_B[1],
        )
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    client.cookies.set(COOKIE, token)
    return client


async def test_teams_and_users_come_from_fk_organisation(
    app: Any, as_user: Any, operator: httpx.AsyncClient, platform: Any, seeded: Any
) -> None:
    admin = await as_user(B, "admin")
    # Not set up: a clear refusal, nothing queued.
    r = await admin.post("/api/fkorg/hentninger")
    assert r.status_code == 409 and "ikke sat op" in r.json()["detail"]

    await configure(operator, B, "sf1500", platform.url + FKORG_PATH, CVR)
    anna = _person("anna.fk@testby.dk", "Anna Andersen", UNIT)
    bo = _person("bo.fk@testby.dk", "Bo Berg", UNIT)
    nurse = _person("cille.fk@testby.dk", "Cille Sundhed", OTHER, "Sundhedsplejerske")
    _organisation(platform, [anna, bo, nurse])

    # The units as a tree; a team created from one ("Team ← organisationsenhed").
    units = (await admin.get("/api/fkorg/enheder")).json()
    assert [(u["name"], u["depth"], u["users"]) for u in units] == [
        ("Testby Kommune", 0, 0),
        ("Familieteam Øst", 1, 2),
        ("Sundhedsplejen", 1, 1),
    ]
    r = await admin.post("/api/fkorg/teams", json={"unit_uuid": UNIT})
    assert r.status_code == 201, r.text
    assert [(t["name"], t["unit_uuid"]) for t in r.json()["teams"]] == [("Familieteam Øst", UNIT)]
    r = await admin.put(f"/api/fkorg/teams/{uuid.uuid4()}", json={"unit_uuid": OTHER})
    assert r.status_code == 404
    r = await admin.post("/api/fkorg/teams", json={"unit_uuid": "ikke-en-enhed"})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "unit_uuid"

    # "Hent nu": the mapped unit's users come in; the unmapped unit's do not.
    r = await admin.post("/api/fkorg/hentninger")
    assert r.status_code == 202 and r.json()["status"] == "koerer"
    import_id = r.json()["id"]
    await _run_imports()
    done = (await admin.get(f"/api/fkorg/hentninger/{import_id}")).json()
    assert (done["status"], done["created"], done["updated"], done["deactivated"]) == (
        "faerdig",
        2,
        0,
        0,
    )
    users = await _users()
    assert set(users) == {"anna.fk@testby.dk", "bo.fk@testby.dk"}
    assert users["anna.fk@testby.dk"]["teams"] == ["Familieteam Øst"]
    assert users["anna.fk@testby.dk"]["provisioned_by"] == "FK Organisation"

    # Again: nothing changes.
    r = await admin.post("/api/fkorg/hentninger")
    await _run_imports()
    again = (await admin.get(f"/api/fkorg/hentninger/{r.json()['id']}")).json()
    assert (again["created"], again["updated"], again["deactivated"]) == (0, 0, 0)

    # Anna renamed and Bo gone: updated and deactivated (kept, with the team released); Bo's
    # live session ends with the run, not PRINCIPAL_SECONDS later.
    bo_browser = await _session_of(app, "bo.fk@testby.dk")
    assert (await bo_browser.get("/api/session")).status_code == 200  # principal now cached
    _organisation(platform, [{**anna, "name": "Anna Andersen Holm"}, nurse])
    r = await admin.post("/api/fkorg/hentninger")
    await _run_imports()
    assert (await bo_browser.get("/api/session")).status_code == 401
    await bo_browser.aclose()
    third = (await admin.get(f"/api/fkorg/hentninger/{r.json()['id']}")).json()
    assert (third["created"], third["updated"], third["deactivated"]) == (0, 1, 1)
    users = await _users()
    assert users["anna.fk@testby.dk"]["display_name"] == "Anna Andersen Holm"
    assert users["bo.fk@testby.dk"]["active"] is False
    assert users["bo.fk@testby.dk"]["teams"] == []

    # The name comes from FK Organisation: not edited by hand (roles are).
    listed = {u["username"]: u for u in (await admin.get("/api/admin/users")).json()}
    anna_row = listed["anna.fk@testby.dk"]
    assert anna_row["from_fkorg"] is True and anna_row["job_title"] == "Socialrådgiver"
    r = await admin.patch(
        f"/api/admin/users/{anna_row['id']}",
        json={"display_name": "Et andet navn", "version": anna_row["version"]},
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "display_name"

    # The service fails: the run says why, in Danish, and it is audited.
    httpx.post(platform.url + "/dev/fault", json={"mode": "error", "count": 1}).raise_for_status()
    r = await admin.post("/api/fkorg/hentninger")
    await _run_imports()
    failed = (await admin.get(f"/api/fkorg/hentninger/{r.json()['id']}")).json()
    assert failed["status"] == "fejlet" and "svarede med en fejl" in failed["error"]
    httpx.post(platform.url + "/dev/fault", json={"mode": "error", "count": 1}).raise_for_status()
    r = await admin.get("/api/fkorg/enheder")
    assert r.status_code == 503 and "FK Organisation kunne ikke læses" in r.json()["detail"]
    assert (
        await operator.delete(f"/api/operator/kommuner/{B}/tjenester/sf1500")
    ).status_code == 204
