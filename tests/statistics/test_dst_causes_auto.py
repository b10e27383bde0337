"""Danmarks Statistik, session 11 (issue 18 item 1): the notification's cause (DST's
categories, several), the nightly automatic send (exactly once, the same delivery as a manual
send, "sendt automatisk"), the XML download (the exact bytes, a Danish file name, audited),
and a delivery past DST's period pruned to its summary."""

from __future__ import annotations

import uuid
from typing import Any

from lxml import etree

from backend.core.danish import today_dk
from backend.db import DB
from backend.statistics import records
from backend.statistics import service as statistics
from backend.statistics.tasks import nightly_dst
from tenancy.context import tenant_transaction
from tests import factories
from tests.audited import audited
from tests.conftest import SPARE_REALM, new_kommune
from tests.statistics.test_dst import _payload, _send_jobs

XSD = etree.XMLSchema(etree.parse("backend/statistics/dst.xsd"))
NS = {"d": records.NS}


async def _audited(code: str, action: str) -> list[dict[str, Any]]:
    return await audited(code, action)


async def test_the_cause_is_checked_kept_and_sent_automatically_once_and_downloaded(
    client, registry, fresh_code, seeded
):
    code = fresh_code
    await new_kommune(registry, code, "Årsagsby")
    worker = await client(code, "sagsbehandler", SPARE_REALM)
    admin = await client(code, "admin", SPARE_REALM)
    made = await factories.child(worker)
    url = f"/api/cases/{made.case_id}/underretninger"
    base = {
        "received_at": "2026-01-05T09:00:00+01:00",
        "notifier_kind": "fagperson",
        "source": "skole",
        "concerns": "Barnet kommer ofte sultent i skole",
    }

    # Bad causes: a clear 400 at the field, in Danish; nothing registered.
    r = await worker.post(url, json={**base, "causes": ["skole", "ukendt"]})
    assert r.status_code == 400, r.text
    assert r.json()["extra"] == [
        {"key": "causes", "message": "Vælg årsagen blandt Danmarks Statistiks årsager"}
    ]
    r = await worker.post(url, json={**base, "causes": ["skole", "skole"]})
    assert (r.status_code, r.json()["extra"][0]["key"]) == (400, "causes")
    r = await worker.post(url, json={**base, "kind": "henvendelse", "causes": ["skole"]})
    assert (r.status_code, r.json()["extra"][0]["key"]) == (400, "causes")
    case = (await worker.get(f"/api/cases/{made.case_id}")).json()
    assert case["underretninger"] == []

    # Several causes, and a suspicion of abuse is a notification about abuse: kept in DST's
    # order whatever order they came in.
    await factories.underretning(
        worker, made.case_id, causes=["skole", "misbrug_foraeldre"], suspected_abuse=True
    )
    # A henvendelse is not a notification: DST does not count it.
    await factories.underretning(worker, made.case_id, kind="henvendelse", source="familie")
    case = (await worker.get(f"/api/cases/{made.case_id}")).json()
    by_kind = {u["kind"]: u for u in case["underretninger"]}
    assert by_kind["underretning"]["causes"] == ["overgreb", "misbrug_foraeldre", "skole"]
    assert by_kind["henvendelse"]["causes"] == []

    # Automatic send is off by default: the night does nothing.
    overview = (await admin.get("/api/statistics/dst")).json()
    assert overview["setting"]["auto_send"] is False
    assert (await nightly_dst({}))[code] == "fra"
    assert (await admin.get("/api/statistics/dst")).json()["deliveries"] == []
    # Only the administrator turns it on (audited).
    assert (
        await worker.put("/api/statistics/dst/setting", json={"auto_send": True})
    ).status_code == 403
    r = await admin.put("/api/statistics/dst/setting", json={"auto_send": True})
    assert r.status_code == 200, r.text
    assert r.json()["auto_send"] is True and r.json()["changed_by"].startswith("admin@")
    assert [a["detail"] for a in await _audited(code, "dst.setting_changed")] == [
        {"auto_send": True}
    ]

    # The night makes the delivery; a second run the same night finds it on its way.
    assert (await nightly_dst({}))[code] == "dannet"
    assert (await nightly_dst({}))[code] == "på vej"
    assert await _send_jobs(code) == ["done"]
    assert (await nightly_dst({}))[code] == "intet"
    [sent] = (await admin.get("/api/statistics/dst")).json()["deliveries"]
    assert (sent["automatic"], sent["created_by"]) == (True, "trekant:nat")
    assert (sent["status"], sent["records"], sent["accepted"]) == ("modtaget", 1, 1)
    assert sent["pruned_at"] is None

    payload = await _payload(code, sent["id"])
    doc = etree.fromstring(payload)
    assert XSD.validate(doc), XSD.error_log
    [notification] = doc.findall("d:Underretning", NS)
    assert [e.text for e in notification.findall("d:Aarsag", NS)] == [
        "OVERGREB",
        "MISBRUG_FORAELDRE",
        "SKOLEPROBLEMER",
    ]

    # The XML as sent, with a Danish file name; audited; not another kommune's.
    r = await admin.get(f"/api/statistics/dst/deliveries/{sent['id']}/xml")
    assert r.status_code == 200, r.text
    assert r.content == payload
    assert r.headers["content-type"].startswith("application/xml")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="dst-levering-{code}-{today_dk().isoformat()}.xml"'
    )
    [downloaded] = await _audited(code, "dst.delivery_downloaded")
    assert downloaded["subject"] == sent["id"] and downloaded["actor"].startswith("admin@")
    other = await client("0101", "admin")
    assert (await other.get(f"/api/statistics/dst/deliveries/{sent['id']}/xml")).status_code == 404
    missing = await admin.get(f"/api/statistics/dst/deliveries/{uuid.uuid4()}/xml")
    assert missing.status_code == 404
    assert (await worker.get(f"/api/statistics/dst/deliveries/{sent['id']}/xml")).status_code == 403

    # Past the period DST can ask about (the year + 3), only the summary stays.
    async with tenant_transaction(DB, code) as scope:
        assert await statistics.prune() == 0  # this year's: kept
        await scope.connection.execute(
            "UPDATE dst_delivery SET period = $2 WHERE id = $1",
            uuid.UUID(sent["id"]),
            f"{today_dk().year - statistics.KEEP_YEARS - 1}K4",
        )
        assert await statistics.prune() == 1
    [pruned] = (await admin.get("/api/statistics/dst")).json()["deliveries"]
    assert pruned["pruned_at"] is not None
    assert (pruned["status"], pruned["records"], pruned["accepted"]) == ("modtaget", 1, 1)
    assert (await admin.get(f"/api/statistics/dst/deliveries/{sent['id']}/xml")).status_code == 404
    # What DST holds is still known: nothing is due again.
    check = (await admin.post("/api/statistics/dst/check")).json()
    assert (check["new"], check["corrections"], check["deletions"]) == (0, 0, 0)
