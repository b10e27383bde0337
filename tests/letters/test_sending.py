"""Sending letters: the PDF/A on the case, a delivery per recipient through the post, and
the law's steps — the receipt completes its activity, a hearing starts its answer deadline,
a decision is refused without klagevejledning and, sent, records the notification and the
4-week complaint period. Nothing is stored when a letter is refused."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import httpx
from pypdf import PdfReader

from backend.core.danish import DK, today_dk
from tests.casework.test_casework_api import _caseworker
from tests.letters.test_letters import notified_case
from tests.network.test_network import _child_with_parents
from tests.post.conftest import run_post_jobs


async def _draft(http: httpx.AsyncClient, case_id: str, purpose: str, recipients=None, **extra):
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    template = next(t for t in new["templates"] if t["purpose"] == purpose)
    r = await http.post(
        f"/api/cases/{case_id}/letters",
        json={
            "template_id": template["id"],
            "recipients": recipients if recipients is not None else new["suggested_recipients"],
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _activities(http: httpx.AsyncClient, case_id: str) -> list[dict]:
    return (await http.get(f"/api/cases/{case_id}")).json()["activities"]


async def _documents(http: httpx.AsyncClient, case_id: str) -> list[dict]:
    return (await http.get(f"/api/cases/{case_id}/documents")).json()["items"]


async def test_the_receipt_is_sent_filed_and_completes_its_activity(http, seeded):
    await _caseworker(http)
    case_id = await notified_case(http, 7801)
    letter = await _draft(http, case_id, "kvittering")
    r = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": letter["version"]}
    )
    assert r.status_code == 200, r.text
    sent = r.json()
    assert sent["steps"] == [
        "Udført: Send kvittering for modtagelsen til den fagperson, der har underrettet"
    ]
    receipt = next(
        a for a in await _activities(http, case_id) if a["rule_id"] == "kvittering-fagperson"
    )
    assert receipt["status"] == "done"
    docs = await _documents(http, case_id)
    assert [(d["title"], d["source"], d["kind"]) for d in docs] == [
        ("Kvittering for modtaget underretning", "brev", "korrespondance")
    ]
    pdf = await http.get(f"/api/documents/{sent['document_id']}/content")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    metadata = PdfReader(io.BytesIO(pdf.content)).trailer["/Root"]["/Metadata"].get_object()
    assert b'pdfaid:part="2" pdfaid:conformance="B"' in metadata.get_data()  # PDF/A-2b
    deliveries = (
        await http.get(f"/api/cases/{case_id}/deliveries", params={"letter_id": letter["id"]})
    ).json()["items"]
    assert [(d["recipient_name"], d["channel"], d["status"]) for d in deliveries] == [
        ("Lærer Lone", "email", "afventer")
    ]
    await run_post_jobs()
    deliveries = (
        await http.get(f"/api/cases/{case_id}/deliveries", params={"letter_id": letter["id"]})
    ).json()["items"]
    assert [d["status"] for d in deliveries] == ["sendt"]
    journal = [
        e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    ]
    assert "Brev sendt: Kvittering for modtaget underretning" in journal
    assert "Kvittering sendt til fagpersonen" in journal
    again = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send",
        json={"version": sent and letter["version"] + 1},
    )
    assert again.status_code == 409


async def test_a_recipient_without_cpr_or_email_is_refused_before_anything_is_stored(http, seeded):
    await _caseworker(http)
    case_id = await notified_case(http, 7802, email=None)
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    notifier = next(c for c in new["candidates"] if c["key"].startswith("u:"))
    assert (
        notifier["missing"] == "Har hverken CPR-nummer eller e-mail – tilføj e-mail under Netværk"
    )
    letter = await _draft(http, case_id, "kvittering", [notifier["key"]])
    r = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": letter["version"]}
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "recipients"
    assert r.json()["extra"][0]["message"].startswith(
        "Lærer Lone har hverken CPR-nummer eller e-mail"
    )
    assert await _documents(http, case_id) == []


async def test_a_hearing_letter_is_filled_in_and_starts_the_answer_deadline(http, seeded):
    await _caseworker(http)
    child_id, case_id, _ = await _child_with_parents(http, 7811)
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 200
    answer_by = today_dk() + timedelta(days=10)
    letter = await _draft(http, case_id, "partshoering", answer_by=answer_by.isoformat())
    assert "Kære Mona Mor" in letter["body"]
    assert [r["channel"] for r in letter["recipients"]] == ["digital_post"]
    refused = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": letter["version"]}
    )
    assert refused.status_code == 400
    assert refused.json()["extra"][0]["message"] == (
        "Brevet indeholder stadig en tekst, der skal udfyldes: "
        "[Beskriv den afgørelse, kommunen overvejer at træffe.]"
    )
    body = (
        letter["body"]
        .replace(
            "[Beskriv den afgørelse, kommunen overvejer at træffe.]",
            "Familiebehandling efter § 32.",
        )
        .replace(
            "[Gengiv de oplysninger og vurderinger, afgørelsen vil bygge på.]", "Skolens udtalelse."
        )
    )
    saved = (
        await http.patch(
            f"/api/cases/{case_id}/letters/{letter['id']}",
            json={"version": letter["version"], "body": body},
        )
    ).json()
    r = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": saved["version"]}
    )
    assert r.status_code == 200, r.text
    deadline = next(
        a for a in await _activities(http, case_id) if a["rule_id"] == "partshoering-svarfrist"
    )
    assert deadline["title"] == "Svarfrist i partshøringen (Mona Mor (Digital Post))"
    assert datetime.fromisoformat(deadline["due_at"]).astimezone(DK).date() == answer_by
    assert await run_post_jobs() == ["done"]  # delivered, and nothing left for other tests


async def test_a_decision_needs_klagevejledning_and_starts_the_complaint_period(http, seeded):
    await _caseworker(http)
    child_id, case_id, _ = await _child_with_parents(http, 7821)
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 200
    assert (
        await http.post(f"/api/cases/{case_id}/visitation", json={"paragraph": "32"})
    ).status_code == 201
    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Familien har brug for støtte til at skabe struktur i hverdagen.",
            "measure": "familiebehandling",
            "starts_on": today_dk().isoformat(),
            "exceptions": {
                "boernesamtale": "Barnet ønsker ikke at tale med forvaltningen",
                "partshoering": "Afgørelsen giver forældrene fuldt medhold",
            },
        },
    )
    assert made.status_code == 201, made.text
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    assert new["suggestion_reason"] == "Afgørelsen er ikke sendt til forældrene endnu"
    letter = await _draft(http, case_id, "afgoerelse_bevilling")
    # One name for the decision letter: its heading, the template, the document, the journal.
    assert (letter["purpose_label"], letter["title"]) == ("Afgørelse om støtte",) * 2
    assert "Du får bevilget: Familiebehandling." in letter["body"]
    assert "barnets lov § 32" in letter["body"]
    cut = letter["body"].split("<h2>Klagevejledning</h2>")[0]
    saved = (
        await http.patch(
            f"/api/cases/{case_id}/letters/{letter['id']}",
            json={"version": letter["version"], "body": cut},
        )
    ).json()
    refused = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": saved["version"]}
    )
    assert refused.status_code == 400
    assert refused.json()["extra"][0]["message"].startswith("Afgørelsen mangler klagevejledning")
    assert await _documents(http, case_id) == []
    restored = (
        await http.patch(
            f"/api/cases/{case_id}/letters/{letter['id']}",
            json={"version": saved["version"], "body": letter["body"]},
        )
    ).json()
    r = await http.post(
        f"/api/cases/{case_id}/letters/{letter['id']}/send", json={"version": restored["version"]}
    )
    assert r.status_code == 200, r.text
    last_day = today_dk() + timedelta(weeks=4)
    assert r.json()["steps"] == [f"Klagefristen udløber {last_day.day}. " + _month(last_day)]
    period = next(a for a in await _activities(http, case_id) if a["rule_id"] == "klagefrist")
    assert period["title"] == "Klagefrist udløber"
    assert datetime.fromisoformat(period["due_at"]).astimezone(DK).date() == last_day
    journal = [
        e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    ]
    assert "Afgørelse meddelt" in journal
    assert "Brev sendt: Afgørelse om støtte" in journal
    docs = await _documents(http, case_id)
    assert [(d["title"], d["kind"], d["source"]) for d in docs] == [
        ("Afgørelse om støtte", "afgoerelse", "brev")
    ]
    assert await run_post_jobs() == ["done"]  # delivered, and nothing left for other tests


def _month(day: date) -> str:
    from backend.letters.render import MONTHS

    return f"{MONTHS[day.month - 1]} {day.year}"
