"""Complaints against decisions (issue 17 item 3): registered only against a decision of
the case (Danish 400 at the field, nothing written otherwise), late complaints and late
reconsiderations recorded with the delay, the package to Ankestyrelsen (a cover page and
the enclosed PDFs in one document), and Ankestyrelsen's answer with what follows."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta

import httpx
from pypdf import PdfReader

from backend.casework import lifecycle
from backend.core.danish import DK, today_dk
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker
from tests.documents.conftest import pdf_with, upload
from tests.network.test_network import _child_with_parents


async def decided_case(
    http: httpx.AsyncClient, seed: int, decided_on: date, notified_on: date | None = None
) -> tuple[str, str, str]:
    """A case with the parents from CPR and a § 32 decision; (case, decision, mother's
    network id). ``notified_on``: the decision letter's day (starts the complaint period)."""
    child_id, case_id, _ = await _child_with_parents(http, seed)
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 200
    assert (
        await http.post(f"/api/cases/{case_id}/visitation", json={"paragraph": "32"})
    ).status_code == 201
    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "afslag",
            "decided_on": decided_on.isoformat(),
            "summary": "Behovet kan dækkes af almene tilbud.",
            "exceptions": {
                "boernesamtale": "Barnet ønsker ikke at tale med forvaltningen",
                "partshoering": "Oplysningerne kommer fra forældrene selv",
            },
        },
    )
    assert made.status_code == 201, made.text
    klager = (await http.get(f"/api/cases/{case_id}/klager")).json()
    decision_id = klager["decisions"][0]["id"]
    if notified_on is not None:
        async with tenant_transaction(DB, A):
            await lifecycle.record_decision_notified(
                uuid.UUID(case_id),
                uuid.UUID(decision_id),
                notified_on=notified_on,
                to_whom="Mona Mor",
                owner_id=None,
                actor="test",
            )
    mother = next(p["value"] for p in klager["parties"] if p["label"].startswith("Mona Mor"))
    return case_id, decision_id, mother


async def _journal(http: httpx.AsyncClient, case_id: str) -> list[str]:
    return [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]


async def _open(http: httpx.AsyncClient, case_id: str) -> dict[str, dict]:
    case = (await http.get(f"/api/cases/{case_id}")).json()
    return {a["rule_id"]: a for a in case["activities"] if a["status"] == "open"}


def _due(activity: dict) -> date:
    return datetime.fromisoformat(activity["due_at"]).astimezone(DK).date()


async def test_a_complaint_only_against_a_decision_of_this_case(http, seeded):
    await _caseworker(http)
    today = today_dk()
    case_id, decision_id, mother = await decided_case(http, 9101, today)
    other_case, other_decision, _ = await decided_case(http, 9111, today)
    before = await _journal(http, case_id)
    for wrong in (other_decision, str(uuid.uuid4()), "ikke-en-afgørelse", case_id):
        r = await http.post(
            f"/api/cases/{case_id}/klager",
            json={
                "afgoerelse_id": wrong,
                "received_on": today.isoformat(),
                "complainant": mother,
                "about": "Vi er uenige i afslaget.",
            },
        )
        assert r.status_code == 400, r.text
        assert [f["key"] for f in r.json()["extra"]] == ["afgoerelse_id"]
        assert r.json()["extra"][0]["message"] == (
            "Der kan kun klages over en afgørelse på denne sag. Vælg afgørelsen."
        )
    # every wrong field at once: a day in the future, nobody, no text
    r = await http.post(
        f"/api/cases/{case_id}/klager",
        json={
            "afgoerelse_id": decision_id,
            "received_on": (today + timedelta(days=1)).isoformat(),
            "complainant": str(uuid.uuid4()),
            "about": "  ",
        },
    )
    assert r.status_code == 400
    assert [f["key"] for f in r.json()["extra"]] == ["received_on", "about", "complainant"]
    klager = (await http.get(f"/api/cases/{case_id}/klager")).json()
    assert klager["items"] == []
    assert await _journal(http, case_id) == before
    assert "klage-genvurdering" not in await _open(http, case_id)
    # another case's complaint list and an unknown complaint: 404
    r = await http.post(
        f"/api/klager/{uuid.uuid4()}/genvurdering",
        json={
            "version": 1,
            "outcome": "fastholdt",
            "decided_on": today.isoformat(),
            "reasons": "x",
        },
    )
    assert r.status_code == 404
    assert (await http.get(f"/api/cases/{other_case}/klager")).json()["items"] == []


async def _mi(leder: httpx.AsyncClient) -> tuple[int, int]:
    board = (await leder.get("/api/mi/dashboard", params={"scope": "kommune"})).json()
    return board["open_complaints"], board["reconsiderations_overdue"]


async def test_late_complaint_and_late_reconsideration_are_recorded_with_the_delay(http, as_user):
    leder = await as_user(A, "leder")
    await _caseworker(http)
    today = today_dk()
    notified = today - timedelta(days=70)
    case_id, decision_id, mother = await decided_case(
        http, 9121, today - timedelta(days=71), notified_on=notified
    )
    received = today - timedelta(days=39)  # the complaint period ended 42 days ago
    open_before, overdue_before = await _mi(leder)
    r = await http.post(
        f"/api/cases/{case_id}/klager",
        json={
            "afgoerelse_id": decision_id,
            "received_on": received.isoformat(),
            "complainant": mother,
            "about": "Mor mener, at familien har brug for familiebehandling.",
        },
    )
    assert r.status_code == 201, r.text
    klage = r.json()
    assert klage["complaint_deadline"] == (notified + timedelta(weeks=4)).isoformat()
    assert klage["days_late"] == 3
    assert klage["state"] == "genvurderes"
    assert klage["complainant"] == "Mona Mor (forælder)"
    assert klage["reconsider_by"] == (received + timedelta(weeks=4)).isoformat()
    genvurdering = (await _open(http, case_id))["klage-genvurdering"]
    assert genvurdering["title"] == "Genvurdér afgørelsen (Mona Mor (forælder) har klaget)"
    assert _due(genvurdering) == received + timedelta(weeks=4)
    assert genvurdering["overdue"] is True
    # completed by the complaint's own step, not by "Udført"
    assert genvurdering["completion"] == "klage"
    r = await http.post(
        f"/api/activities/{genvurdering['id']}/complete",
        json={"version": genvurdering["version"], "record": None},
    )
    assert r.status_code == 409
    assert r.json()["detail"].startswith("Aktiviteten udføres under Klager på sagen")
    # management information counts it: open, its reconsideration over the deadline
    assert await _mi(leder) == (open_before + 1, overdue_before + 1)
    journal = (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    entry = next(e for e in journal if e["title"] == "Klage modtaget")
    assert "Modtaget 3 dage efter klagefristen" in entry["body"]
    # upholding needs the reasons; nothing is written without them
    r = await http.post(
        f"/api/klager/{klage['id']}/genvurdering",
        json={"version": klage["version"], "outcome": "fastholdt", "decided_on": today.isoformat()},
    )
    assert r.status_code == 400
    assert [f["key"] for f in r.json()["extra"]] == ["reasons"]
    assert "klage-genvurdering" in await _open(http, case_id)
    # after the deadline: allowed, the delay shown
    r = await http.post(
        f"/api/klager/{klage['id']}/genvurdering",
        json={
            "version": klage["version"],
            "outcome": "fastholdt",
            "decided_on": today.isoformat(),
            "reasons": "Familiens behov kan dækkes af almene tilbud.",
        },
    )
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["reconsider_days_late"]) == ("fastholdt", 11)
    assert r.json()["state_label"] == "Fastholdt – sendes til Ankestyrelsen"
    open_now = await _open(http, case_id)
    assert "klage-genvurdering" not in open_now
    assert open_now["klage-send"]["title"] == "Send klagen og sagens akter til Ankestyrelsen"
    entry = next(
        e
        for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
        if e["title"] == "Klagen er genvurderet: afgørelsen fastholdes"
    )
    assert "Genvurderet 11 dage efter fristen" in entry["body"]
    assert await _mi(leder) == (open_before + 1, overdue_before)  # upheld, to be sent
    # a stale version is refused
    again = await http.post(
        f"/api/klager/{klage['id']}/genvurdering",
        json={
            "version": klage["version"],
            "outcome": "imoedekommet",
            "decided_on": today.isoformat(),
        },
    )
    assert again.status_code == 409


async def test_the_package_holds_the_cover_and_the_enclosures_and_the_answer_follows(http, seeded):
    await _caseworker(http)
    today = today_dk()
    case_id, decision_id, _ = await decided_case(http, 9131, today - timedelta(days=10))
    decision_doc = await upload(
        http,
        case_id,
        "afgoerelse.pdf",
        pdf_with("Afslag paa familiebehandling"),
        title="Afgørelse om afslag",
        kind="afgoerelse",
    )
    complaint_doc = await upload(
        http,
        case_id,
        "klage.pdf",
        pdf_with("Vi klager over afslaget"),
        title="Klage fra mor",
        kind="korrespondance",
    )
    note = await upload(
        http, case_id, "referat.pdf", pdf_with("Referat af moede"), title="Referat", kind="referat"
    )
    r = await http.post(
        f"/api/cases/{case_id}/klager",
        json={
            "afgoerelse_id": decision_id,
            "received_on": (today - timedelta(days=2)).isoformat(),
            "complainant": "barn",
            "about": "Barnet ønsker hjælp.",
            "document_id": complaint_doc["id"],
        },
    )
    assert r.status_code == 201, r.text
    klage = r.json()
    assert klage["complaint_deadline"] is None  # the decision was not sent as a letter
    # not before the reconsideration
    early = await http.post(
        f"/api/klager/{klage['id']}/pakke",
        json={"version": klage["version"], "sent_on": today.isoformat(), "document_ids": []},
    )
    assert early.status_code == 409
    klage = (
        await http.post(
            f"/api/klager/{klage['id']}/genvurdering",
            json={
                "version": klage["version"],
                "outcome": "fastholdt",
                "decided_on": today.isoformat(),
                "reasons": "Almene tilbud dækker behovet.",
            },
        )
    ).json()
    choices = (await http.get(f"/api/klager/{klage['id']}/pakke")).json()["documents"]
    assert {d["title"]: d["preselected"] for d in choices} == {
        "Afgørelse om afslag": True,
        "Klage fra mor": True,
        "Referat": False,
    }
    assert all(d["pdf"] for d in choices)
    assert note["title"] == "Referat"  # offered, not chosen by default
    r = await http.post(
        f"/api/klager/{klage['id']}/pakke",
        json={
            "version": klage["version"],
            "sent_on": today.isoformat(),
            "document_ids": [decision_doc["id"], complaint_doc["id"]],
        },
    )
    assert r.status_code == 200, r.text
    klage = r.json()
    assert (klage["state"], klage["sent_on"]) == ("sendt", today.isoformat())
    assert "klage-send" not in await _open(http, case_id)
    content = await http.get(f"/api/documents/{klage['package_document_id']}/content")
    assert content.status_code == 200
    pdf = PdfReader(io.BytesIO(content.content))
    texts = [p.extract_text() for p in pdf.pages]
    assert len(pdf.pages) == 3  # the cover, then one page per enclosure
    assert "Klagesag til Ankestyrelsen" in texts[0]
    assert "Almene tilbud dækker behovet." in texts[0]
    assert "Afgørelse om afslag" in texts[0] and "Klage fra mor" in texts[0]
    assert "Afslag paa familiebehandling" in texts[1]
    assert "Vi klager over afslaget" in texts[2]
    docs = (await http.get(f"/api/cases/{case_id}/documents")).json()["items"]
    assert "Klagesag til Ankestyrelsen – klage fra " in docs[0]["title"]
    assert "Klagen er sendt til Ankestyrelsen" in await _journal(http, case_id)
    # Ankestyrelsen sends the case back: decide it again
    r = await http.post(
        f"/api/klager/{klage['id']}/svar",
        json={"version": klage["version"], "answered_on": today.isoformat(), "outcome": "hjemvist"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state_label"] == "Afgjort af Ankestyrelsen: hjemvist"
    hjemvist = (await _open(http, case_id))["klage-hjemvist"]
    assert hjemvist["title"].startswith("Behandl sagen igen")
    assert _due(hjemvist) == today + timedelta(weeks=4)
    assert "Ankestyrelsen har afgjort klagen: hjemvist" in await _journal(http, case_id)


async def test_a_granted_complaint_is_closed_and_cannot_be_sent(http, seeded):
    await _caseworker(http)
    today = today_dk()
    case_id, decision_id, mother = await decided_case(http, 9141, today)
    klage = (
        await http.post(
            f"/api/cases/{case_id}/klager",
            json={
                "afgoerelse_id": decision_id,
                "received_on": today.isoformat(),
                "complainant": mother,
                "about": "Uenig.",
            },
        )
    ).json()
    r = await http.post(
        f"/api/klager/{klage['id']}/genvurdering",
        json={
            "version": klage["version"],
            "outcome": "imoedekommet",
            "decided_on": today.isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["state_label"] == "Afgjort: imødekommet af kommunen"
    assert {"klage-genvurdering", "klage-send"}.isdisjoint(await _open(http, case_id))
    r = await http.post(
        f"/api/klager/{klage['id']}/pakke",
        json={"version": r.json()["version"], "sent_on": today.isoformat(), "document_ids": []},
    )
    assert r.status_code == 409


async def test_a_complaint_travels_with_a_transferred_case(client):
    from tests.crosskommune.conftest import B, drain, fetch

    a, b = await client(A), await client(B)
    today = today_dk()
    case_id, decision_id, mother = await decided_case(a, 9151, today)
    r = await a.post(
        f"/api/cases/{case_id}/klager",
        json={
            "afgoerelse_id": decision_id,
            "received_on": today.isoformat(),
            "complainant": mother,
            "about": "Uenig i afslaget.",
        },
    )
    assert r.status_code == 201, r.text
    r = await a.post(
        f"/api/cases/{case_id}/transfers",
        json={"to_kommune": B, "summary": "Familien er flyttet; en klage genvurderes."},
    )
    assert r.status_code == 201, r.text
    transfer = r.json()
    assert transfer["counts"]["klage"] == 1
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{transfer['id']}/accept")).status_code == 200
    assert await drain(A, B) == []
    [new] = await fetch(
        B, "SELECT id FROM hovedsag WHERE received_transfer_id = $1", uuid.UUID(transfer["id"])
    )
    klager = (await b.get(f"/api/cases/{new['id']}/klager")).json()["items"]
    assert [(k["complainant"], k["state"], k["about"]) for k in klager] == [
        ("Mona Mor (forælder)", "genvurderes", "Uenig i afslaget.")
    ]
