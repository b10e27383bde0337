"""The kommune's administrator is alerted to a user's unusual prior-case lookups (many
lookups in a day without registrations to explain them), and not to a normal day's work."""

from __future__ import annotations

from tests.audited import audited
from tests.casework.test_casework_api import _register
from tests.conftest import SPARE_REALM, new_kommune
from tests.crosskommune.conftest import cpr_for


async def _audited(code: str, action: str) -> list[dict]:  # type: ignore[type-arg]
    return await audited(code, action)


async def test_a_sweep_of_cpr_numbers_alerts_the_administrator(
    limits, client, registry, fresh_code, seeded
):
    code = fresh_code
    await new_kommune(registry, code, "Alarmby")
    limits(alert_lookups_per_day=3)
    sweeper = await client(code, "kollega", SPARE_REALM)
    normal = await client(code, "sagsbehandler", SPARE_REALM)
    admin = await client(code, "admin", SPARE_REALM)

    # A normal day: two children registered, each looked up first, plus three more lookups.
    for i in range(2):
        cpr = cpr_for(900 + i)
        assert (await normal.post("/api/cpr/prior-cases", json={"cpr": cpr})).status_code == 200
        assert (await _register(normal, cpr)).status_code == 201
    for i in range(3):
        r = await normal.post("/api/cpr/prior-cases", json={"cpr": cpr_for(910 + i)})
        assert r.status_code == 200
    assert (await admin.get("/api/admin/alerts")).json() == []

    # A sweep: six lookups, nothing registered.
    for i in range(6):
        r = await sweeper.post("/api/cpr/prior-cases", json={"cpr": cpr_for(920 + i)})
        assert r.status_code == 200, r.text
    alerts = (await admin.get("/api/admin/alerts")).json()
    assert [(a["username"], a["lookups"], a["registrations"], a["seen_at"]) for a in alerts] == [
        (f"kollega@{_domain()}", 6, 0, None)
    ]
    alert = alerts[0]
    assert alert["title"] == "Usædvanligt mange opslag på tidligere sager i andre kommuner"
    assert alert["text"].startswith("Karl Kollega (kollega@")
    assert "slog 6 CPR-numre op i andre kommuner den " in alert["text"]
    assert "og lavede kun 0 registreringer" in alert["text"]
    raised = await _audited(code, "security.alert_raised")
    assert [(e["actor"], e["subject"], e["detail"]["lookups"]) for e in raised] == [
        (f"kollega@{_domain()}", alert["id"], 4)
    ]

    # Only the administrator sees alerts; marking one seen is audited.
    assert (await sweeper.get("/api/admin/alerts")).status_code == 403
    seen = await admin.post(f"/api/admin/alerts/{alert['id']}/seen")
    assert seen.status_code == 200, seen.text
    assert seen.json()["seen_by"] == f"admin@{_domain()}"
    assert seen.json()["seen_by_name"] == "Anders Administrator"
    assert [e["subject"] for e in await _audited(code, "security.alert_seen")] == [alert["id"]]

    # The audit log names the person the alert is about, the username only beside the name.
    log = await admin.get("/api/admin/audit", params={"action": "security.alert_raised"})
    assert log.status_code == 200, log.text
    [entry] = log.json()["items"]
    assert entry["subject_name"] == "Karl Kollega"
    assert entry["details"][0] == {
        "label": "Bruger",
        "value": f"Karl Kollega (kollega@{_domain()})",
    }
    log = await admin.get("/api/admin/audit", params={"action": "security.alert_seen"})
    [entry] = log.json()["items"]
    assert (entry["actor_name"], entry["subject_name"]) == ("Anders Administrator", "Karl Kollega")


def _domain() -> str:
    from infra.devidp import domain_for

    return domain_for(SPARE_REALM)
