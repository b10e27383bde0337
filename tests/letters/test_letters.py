"""Letters on a case: a draft from a template with the case's facts and the network's
recipients, autosave, preview; the same 404 for another kommune's case."""

from __future__ import annotations

from datetime import datetime

import httpx

from backend.core.danish import DK
from backend.limits.config import Limit
from tests.casework.test_casework_api import _caseworker, _register, new_cpr
from tests.conftest import KOMMUNE_A, KOMMUNE_B
from tests.limits.test_alerts import _audited
from tests.network.test_network import _child_with_parents


async def notified_case(http: httpx.AsyncClient, seed: int, email: str | None = "lone@skole.dk"):
    """A case with a school's notification (the receipt activity open); the case id and
    the notification's response."""
    case_id = (await _register(http, new_cpr(seed))).json()["hovedsag_id"]
    r = await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": datetime.now(DK).isoformat(),
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": "Barnet kommer ofte sultent i skole",
            "notifier_name": "Lærer Lone",
            "notifier_contact": email,
        },
    )
    assert r.status_code == 201, r.text
    return case_id


async def test_the_receipt_is_suggested_and_merged(http, seeded):
    await _caseworker(http)
    case_id = await notified_case(http, 7701)
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    suggested = next(t for t in new["templates"] if t["id"] == new["suggested_template_id"])
    assert suggested["purpose"] == "kvittering"
    assert new["suggestion_reason"] == "Kvitteringen til fagpersonen mangler"
    notifier = next(c for c in new["candidates"] if c["key"] in new["suggested_recipients"])
    assert (notifier["name"], notifier["channel"], notifier["email"]) == (
        "Lærer Lone",
        "email",
        "lone@skole.dk",
    )
    r = await http.post(
        f"/api/cases/{case_id}/letters",
        json={"template_id": suggested["id"], "recipients": new["suggested_recipients"]},
    )
    assert r.status_code == 201, r.text
    letter = r.json()
    assert (
        letter["status"] == "kladde" and letter["title"] == "Kvittering for modtaget underretning"
    )
    assert "<p>Kære Lærer Lone</p>" in letter["body"]
    assert "Tak for din underretning om Ida Testesen" in letter["body"]
    assert "{{" not in letter["body"]
    saved = await http.patch(
        f"/api/cases/{case_id}/letters/{letter['id']}",
        json={
            "version": letter["version"],
            "body": letter["body"] + "<p>Ekstra<script>x</script></p>",
        },
    )
    assert saved.status_code == 200, saved.text
    again = (await http.get(f"/api/cases/{case_id}/letters/{letter['id']}")).json()
    assert again["body"].endswith("<p>Ekstra</p>") and again["version"] == saved.json()["version"]
    stale = await http.patch(
        f"/api/cases/{case_id}/letters/{letter['id']}",
        json={"version": letter["version"], "title": "Gammel"},
    )
    assert stale.status_code == 409
    pdf = await http.get(f"/api/cases/{case_id}/letters/{letter['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    listed = (await http.get(f"/api/cases/{case_id}/letters")).json()["items"]
    assert [(x["title"], x["status"], x["recipients"]) for x in listed] == [
        ("Kvittering for modtaget underretning", "kladde", ["Lærer Lone"])
    ]
    journal = (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    assert journal[0]["title"] == "Brev påbegyndt: Kvittering for modtaget underretning"


async def test_a_decision_letter_needs_a_decision(http, seeded):
    await _caseworker(http)
    case_id = await notified_case(http, 7702)
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    decision = next(t for t in new["templates"] if t["purpose"] == "afgoerelse_bevilling")
    r = await http.post(
        f"/api/cases/{case_id}/letters",
        json={"template_id": decision["id"], "recipients": [new["candidates"][0]["key"]]},
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "template_id"
    assert r.json()["extra"][0]["message"].startswith("Der er ingen afgørelse på sagen")


async def test_no_recipient_and_unknown_recipient_are_refused(http, seeded):
    await _caseworker(http)
    case_id = await notified_case(http, 7703)
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    template_id = new["suggested_template_id"]
    none = await http.post(
        f"/api/cases/{case_id}/letters", json={"template_id": template_id, "recipients": []}
    )
    assert none.status_code == 400 and none.json()["extra"][0]["key"] == "recipients"
    unknown = await http.post(
        f"/api/cases/{case_id}/letters",
        json={"template_id": template_id, "recipients": ["m:00000000-0000-0000-0000-000000000000"]},
    )
    assert unknown.status_code == 400 and unknown.json()["extra"][0]["key"] == "recipients"


async def test_another_kommunes_case_is_not_found(http, seeded):
    await _caseworker(http)
    case_id = await notified_case(http, 7704)
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    letter = (
        await http.post(
            f"/api/cases/{case_id}/letters",
            json={
                "template_id": new["suggested_template_id"],
                "recipients": new["suggested_recipients"],
            },
        )
    ).json()
    await _caseworker(http, KOMMUNE_B[0])
    assert (await http.get(f"/api/cases/{case_id}/letters")).status_code == 404
    assert (await http.get(f"/api/cases/{case_id}/letters/{letter['id']}")).status_code == 404
    assert (await http.get(f"/api/cases/{case_id}/letters/new")).status_code == 404


async def test_a_kommune_template_loops_over_the_parents(http, seeded):
    from tests.conftest import sign_in
    from tests.network.test_network import _child_with_parents

    session = await sign_in(http, "0101", "admin")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    made = await http.post(
        "/api/letter-templates",
        json={
            "title": "Til forældrene om {{ barn.navn }}",
            "purpose": "andet",
            "body": "<p>{% for p in foraeldre %}{{ p.navn }} ({{ p.myndighed }}); {% endfor %}</p>",
        },
    )
    assert made.status_code == 201, made.text
    await _caseworker(http)
    child_id, case_id, _ = await _child_with_parents(http, 7705)
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 200
    new = (await http.get(f"/api/cases/{case_id}/letters/new")).json()
    assert new["suggested_template_id"] is None
    mother = next(c for c in new["candidates"] if c["name"] == "Mona Mor")
    assert (mother["role"], mother["address"], mother["has_cpr"]) == (
        "Forælder med forældremyndighed",
        "Vej 1",
        True,
    )
    assert new["suggested_recipients"] == [mother["key"]]
    r = await http.post(
        f"/api/cases/{case_id}/letters",
        json={"template_id": made.json()["id"], "recipients": [mother["key"]]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Til forældrene om Ida Testesen"
    assert r.json()["body"] == "<p>Mona Mor (ja); Frank Far (nej); </p>"


async def test_the_letter_forms_cpr_lookups_are_limited_and_audited(http, seeded, limits, caplog):
    """Opening a letter asks the register whether each parent is exempt from Digital Post:
    each question takes a token from the CPR lookups' buckets (a Danish 429 when they are
    empty, before the register is asked) and is audited on the case, without the number."""
    await _caseworker(http)
    child_id, case_id, mother = await _child_with_parents(http, 7731)
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 200
    cprs = [mother, new_cpr(7733, years=40)]  # the father's, as _child_with_parents makes it
    limits(prior_user=Limit(2, 3600))
    before = len(await _audited(KOMMUNE_A[0], "cpr.person"))
    caplog.set_level("DEBUG")

    r = await http.get(f"/api/cases/{case_id}/letters/new")
    assert r.status_code == 200, r.text
    assert [c["channel"] for c in r.json()["candidates"] if c["has_cpr"]] == [
        "digital_post",
        "digital_post",
    ]
    refused = await http.get(f"/api/cases/{case_id}/letters/new")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Du har sendt for mange forespørgsler på kort tid")
    assert refused.headers["Retry-After"].isdigit()

    audited = (await _audited(KOMMUNE_A[0], "cpr.person"))[before:]
    assert [(a["subject"], a["detail"]) for a in audited] == [
        (case_id, {"purpose": "brev"}),
        (case_id, {"purpose": "brev"}),
    ]
    assert not any(cpr in str(audited) for cpr in cprs)
    assert caplog.text and not any(cpr in caplog.text for cpr in cprs)
