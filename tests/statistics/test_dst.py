"""Danmarks Statistik (issue 18 item 1): records made from the case data with DST's codes,
checked before sending, one delivery sent once, corrections re-sent, the receiver's
rejections shown with their cases, the kommune boundary, and the administrator only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from lxml import etree

from backend.core.danish import today_dk
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from backend.statistics import records, sender
from backend.statistics.repository import MeasureRow, NotificationRow
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import SPARE_REALM, new_kommune

XSD = etree.XMLSchema(etree.parse("backend/statistics/dst.xsd"))
NS = {"d": records.NS}


async def _send_jobs(code: str) -> list[str]:
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id FROM outbox WHERE done_at IS NULL AND job = 'statistics.dst_send' "
            "ORDER BY created_at"
        )
    return [await run_outbox_job({}, code, str(r["id"])) for r in rows]


async def _payload(code: str, delivery_id: str) -> bytes:
    async with tenant_transaction(DB, code) as scope:
        body: bytes = await scope.connection.fetchval(
            "SELECT payload FROM dst_delivery WHERE id = $1", uuid.UUID(delivery_id)
        )
    return body


async def _decide(
    c: httpx.AsyncClient, case_id: str, paragraph: str, measure: str, starts: date
) -> str:
    r = await c.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": paragraph,
            "outcome": "bevilget",
            "decided_on": starts.isoformat(),
            "summary": "Bevilget.",
            "measure": measure,
            "starts_on": starts.isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text
    indsats_id: str = r.json()["indsats_id"]
    return indsats_id


def test_records_carry_dsts_codes_and_fit_the_schema() -> None:
    case = uuid.uuid4()
    placement = records.measure_record(
        MeasureRow(
            uuid.uuid4(),
            case,
            "opholdssted",
            "46",
            True,
            date(2026, 3, 1),
            None,
            "0103151234",
            date(2015, 3, 1),
        )
    )
    preventive = records.measure_record(
        MeasureRow(
            uuid.uuid4(),
            case,
            "kontaktperson",
            "32",
            False,
            date(2026, 2, 1),
            date(2026, 8, 31),
            "0103151234",
            date(2015, 3, 1),
        )
    )
    notification = records.notification_record(
        NotificationRow(
            uuid.uuid4(),
            case,
            datetime(2026, 1, 5, 9, tzinfo=UTC),
            "politi",
            True,
            "0103151234",
            None,
            date(2015, 3, 1),
        )
    )
    unborn = records.notification_record(
        NotificationRow(
            uuid.uuid4(),
            case,
            datetime(2026, 1, 6, 9, tzinfo=UTC),
            "sundhed",
            False,
            None,
            "0101901234",
            date(2026, 5, 1),
        )
    )
    assert placement.elements == [
        ("CPR", "0103151234"),
        ("Paragraf", "BL46"),
        ("Foranstaltning", "ANBRINGELSE"),
        ("Anbringelsessted", "OPHOLDSSTED"),
        ("Startdato", "2026-03-01"),
    ]
    assert preventive.elements == [
        ("CPR", "0103151234"),
        ("Paragraf", "BL32"),
        ("Foranstaltning", "FAST_KONTAKTPERSON"),
        ("Startdato", "2026-02-01"),
        ("Slutdato", "2026-08-31"),
    ]
    assert notification.elements == [
        ("CPR", "0103151234"),
        ("Modtaget", "2026-01-05"),
        ("Underretter", "POLITI"),
        ("Aarsag", "OVERGREB"),
    ]
    assert unborn.elements[:2] == [("CPR", "0101901234"), ("Ufoedt", "true")]
    for r in (placement, preventive, notification, unborn):
        assert r.errors == []
    xml = records.delivery_xml(
        uuid.uuid4(),
        "0101",
        "2026K1",
        [("ny", placement), ("ny", preventive), ("rettelse", notification), ("ny", unborn)],
        [(f"F-{uuid.uuid4()}", "foranstaltning")],
    )
    doc = etree.fromstring(xml)
    assert XSD.validate(doc), XSD.error_log
    assert doc.get("antal") == "5"

    wrong = records.measure_record(
        MeasureRow(
            uuid.uuid4(),
            case,
            "kontaktperson",
            "46",
            False,
            date(2014, 1, 1),
            None,
            "0103151234",
            date(2015, 3, 1),
        )
    )
    assert wrong.errors == [
        "Kun en anbringelse kan være efter § 46 eller § 47",
        "Indsatsen starter 01.01.2014, før barnets fødselsdato 01.03.2015",
    ]


async def test_check_send_correct_and_the_kommune_boundary(client, registry, fresh_code, seeded):
    code = fresh_code
    await new_kommune(registry, code, "Statistikby")
    worker = await client(code, "sagsbehandler", SPARE_REALM)
    admin = await client(code, "admin", SPARE_REALM)
    today = today_dk()

    placed = await factories.child(worker, first_name="Anna", last_name="Berg")
    placement = await _decide(worker, placed.case_id, "46", "plejefamilie", today - timedelta(30))
    supported = await factories.child(worker)
    await _decide(worker, supported.case_id, "32", "kontaktperson", today - timedelta(10))
    await factories.underretning(worker, supported.case_id, source="politi")
    # A measure recorded as starting before the child was born: DST rejects it.
    wrong = await factories.child(worker, years=1, first_name="Bo", last_name="Dahl")
    await _decide(worker, wrong.case_id, "32", "familiebehandling", today - timedelta(days=900))
    # Another kommune's child, placed the same day: never in this kommune's delivery.
    other = await factories.child(await client("0101", "sagsbehandler"))

    r = await admin.post("/api/statistics/dst/check")
    assert r.status_code == 200, r.text
    check = r.json()
    # Three measures (one fails DST's rules) and one notification.
    assert (check["new"], check["corrections"], check["deletions"], check["invalid"]) == (
        3,
        0,
        0,
        1,
    )
    [issue] = check["issues"]
    assert issue["kind"] == "foranstaltning"
    assert issue["case"]["id"] == wrong.case_id
    assert issue["case"]["initials"] == "B.D."
    assert issue["case"]["age"] == 1
    assert issue["reasons"][0].startswith("Indsatsen starter ")
    assert wrong.cpr not in r.text  # no CPR number reaches the screen

    r = await admin.post("/api/statistics/dst/deliveries")
    assert r.status_code == 201, r.text
    delivery = r.json()
    assert (delivery["status"], delivery["records"]) == ("klar", 3)
    # A second click while it is on its way: one delivery only.
    again = await admin.post("/api/statistics/dst/deliveries")
    assert again.status_code == 409, again.text
    assert await _send_jobs(code) == ["done"]
    async with tenant_transaction(DB, code) as scope:
        audited = await scope.connection.fetch(
            "SELECT action, actor FROM audit_event WHERE action LIKE 'dst.%' ORDER BY id"
        )
    assert [(r["action"], r["actor"].split("@")[0]) for r in audited] == [
        ("dst.checked", "admin"),
        ("dst.delivery_created", "admin"),
        ("dst.delivery_sent", "admin"),
    ]

    payload = await _payload(code, delivery["id"])
    assert XSD.validate(etree.fromstring(payload))
    assert placed.cpr.encode() in payload
    assert wrong.cpr.encode() not in payload  # not sent: it fails DST's rules
    assert other.cpr.encode() not in payload  # the schema boundary
    overview = (await admin.get("/api/statistics/dst")).json()
    [sent] = overview["deliveries"]
    assert (sent["status"], sent["accepted"], sent["rejected"]) == ("modtaget", 3, 0)
    assert overview["open_delivery"] is None
    assert overview["rejected"] == []

    # Sent again (a retry after a time-out): DST keeps one delivery and repeats its receipt.
    receipt = await sender.send(uuid.UUID(delivery["id"]), payload)
    assert (receipt.status, receipt.repeated) == ("modtaget", True)
    seen = httpx.get(f"{sender.configured_url()}/api/leverancer/{delivery['id']}").json()
    assert (seen["times"], seen["records"], seen["kommune"]) == (2, 3, code)

    # The placement ends: the next delivery carries it as a correction, and only it.
    r = await worker.get(f"/api/cases/{placed.case_id}")
    version = next(m for m in r.json()["indsatser"] if m["id"] == placement)["version"]
    ended = await worker.post(
        f"/api/indsatser/{placement}/ophoer",
        json={"ends_on": today.isoformat(), "reason": "Hjemgivet", "version": version},
    )
    assert ended.status_code == 200, ended.text
    check = (await admin.post("/api/statistics/dst/check")).json()
    assert (check["new"], check["corrections"], check["invalid"]) == (0, 1, 1)
    second = (await admin.post("/api/statistics/dst/deliveries")).json()
    assert await _send_jobs(code) == ["done"]
    doc = etree.fromstring(await _payload(code, second["id"]))
    [corrected] = doc.findall("d:Foranstaltning", NS)
    assert corrected.get("handling") == "rettelse"
    assert corrected.findtext("d:Slutdato", namespaces=NS) == today.isoformat()
    nothing = await admin.post("/api/statistics/dst/deliveries")
    assert nothing.status_code == 409
    assert nothing.json()["detail"] == "Der er intet nyt at indberette til Danmarks Statistik"


async def test_the_receivers_rejection_is_shown_with_its_case(client, registry, fresh_code, seeded):
    code = fresh_code
    await new_kommune(registry, code, "Afvisningsby")
    worker = await client(code, "sagsbehandler", SPARE_REALM)
    admin = await client(code, "admin", SPARE_REALM)
    today = today_dk()
    made = await factories.child(worker, first_name="Carl", last_name="Eriksen")
    first = await _decide(worker, made.case_id, "46", "plejefamilie", today - timedelta(60))
    # A second placement while the first still runs: DST's register has the child placed.
    await _decide(worker, made.case_id, "46", "opholdssted", today - timedelta(20))

    assert (await admin.post("/api/statistics/dst/deliveries")).status_code == 201
    # DST is down for the first attempt: kept on the delivery, tried again by a later job.
    httpx.post(f"{sender.configured_url()}/api/afvis", json={"count": 1})
    assert await _send_jobs(code) == ["done"]
    waiting = (await admin.get("/api/statistics/dst")).json()["deliveries"][0]
    assert (waiting["status"], waiting["attempts"]) == ("klar", 1)
    assert waiting["last_error"] == "Danmarks Statistik svarede med fejl 503"
    assert await _send_jobs(code) == ["done"]
    overview: dict[str, Any] = (await admin.get("/api/statistics/dst")).json()
    [sent] = overview["deliveries"]
    assert (sent["status"], sent["accepted"], sent["rejected"]) == ("afvist_delvist", 1, 1)
    [rejected] = overview["rejected"]
    assert rejected["kind"] == "foranstaltning"
    assert rejected["reason"].startswith("Barnet er allerede registreret anbragt i perioden")
    assert rejected["case"]["id"] == made.case_id
    assert rejected["case"]["initials"] == "C.E."
    assert rejected["case"]["caseworker"]
    # Rejected and unchanged: not due again until the case is corrected.
    check = (await admin.post("/api/statistics/dst/check")).json()
    assert (check["new"], check["corrections"]) == (0, 0)
    # The caseworker ends the foster-family placement the day before the second began: its
    # correction goes first, then the rejected placement again, and DST accepts both.
    r = await worker.get(f"/api/cases/{made.case_id}")
    version = next(m for m in r.json()["indsatser"] if m["id"] == first)["version"]
    ended = await worker.post(
        f"/api/indsatser/{first}/ophoer",
        json={
            "ends_on": (today - timedelta(21)).isoformat(),
            "reason": "Flyttet",
            "version": version,
        },
    )
    assert ended.status_code == 200, ended.text
    check = (await admin.post("/api/statistics/dst/check")).json()
    assert (check["new"], check["corrections"]) == (1, 1)
    assert (await admin.post("/api/statistics/dst/deliveries")).status_code == 201
    assert await _send_jobs(code) == ["done"]
    overview = (await admin.get("/api/statistics/dst")).json()
    assert (overview["deliveries"][0]["status"], overview["deliveries"][0]["accepted"]) == (
        "modtaget",
        2,
    )
    assert overview["rejected"] == []


async def test_only_the_administrator(as_user) -> None:
    worker = await as_user("0101", "sagsbehandler")
    assert (await worker.get("/api/statistics/dst")).status_code == 403
    assert (await worker.post("/api/statistics/dst/check")).status_code == 403
    assert (await worker.post("/api/statistics/dst/deliveries")).status_code == 403
    leader = await as_user("0101", "leder")
    assert (await leader.get("/api/statistics/dst")).status_code == 403


async def test_the_demo_delivery_is_sent_with_one_record_rejected(
    client, registry, fresh_code, seeded
):
    from backend.statistics.demo import seed_dst

    code = fresh_code
    await new_kommune(registry, code, "Demostatistikby")
    worker = await client(code, "sagsbehandler", SPARE_REALM)
    made = await factories.child(worker)
    await _decide(worker, made.case_id, "46", "plejefamilie", today_dk() - timedelta(100))
    async with tenant_transaction(DB, code):
        assert await seed_dst(code) is True
    async with tenant_transaction(DB, code):
        assert await seed_dst(code) is False  # once
    assert await _send_jobs(code) == ["done"]
    admin = await client(code, "admin", SPARE_REALM)
    overview = (await admin.get("/api/statistics/dst")).json()
    [sent] = overview["deliveries"]
    assert (sent["status"], sent["accepted"], sent["rejected"]) == ("afvist_delvist", 1, 1)
    assert sent["created_by"].startswith("admin@")
    [rejected] = overview["rejected"]
    assert rejected["case"]["id"] == made.case_id
