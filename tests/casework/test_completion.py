"""Completing a statutory activity records what was done: each rule's completion form
(backend/casework/rules.py) is checked field by field, stored on the activity and written
to the journal as Danish text, in one transaction; a refusal writes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from backend.core.danish import today_dk
from tests.casework.test_casework_api import _caseworker, _register, new_cpr


async def _notification(
    http: httpx.AsyncClient, seed: int, **extra: object
) -> tuple[str, dict[str, dict]]:
    """A case with a notification; its activities by rule id."""
    case_id = (await _register(http, new_cpr(seed))).json()["hovedsag_id"]
    body = {
        "received_at": datetime.now(UTC).isoformat(),
        "notifier_kind": "fagperson",
        "source": "skole",
        "concerns": "Barnet kommer sulten i skole",
    }
    body.update(extra)
    r = await http.post(f"/api/cases/{case_id}/underretninger", json=body)
    assert r.status_code == 201, r.text
    return case_id, {a["rule_id"]: a for a in r.json()["activities"]}


async def _journal(http: httpx.AsyncClient, case_id: str) -> list[dict]:
    items: list[dict] = (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    return items


async def _activity(http: httpx.AsyncClient, case_id: str, activity_id: str) -> dict:
    case = (await http.get(f"/api/cases/{case_id}")).json()
    return next(a for a in case["activities"] if a["id"] == activity_id)


def _errors(r: httpx.Response) -> dict[str, str]:
    return {e["key"]: e["message"] for e in r.json()["extra"]}


async def test_the_forms_are_served_and_each_activity_says_how_it_is_completed(http, seeded):
    await _caseworker(http)
    forms = {f["rule_id"]: f for f in (await http.get("/api/activities/completion-forms")).json()}
    assert set(forms) == {
        "vurdering-24-timer",
        "kvittering-fagperson",
        "revurdering-137",
        "afklar-henvendelse",
        "afdaekning",  # the front of the process (backend/casework/front.py)
        "overgreb-stillingtagen",
        "overgreb-samtale",
        "tilsynsbesoeg",  # a supervision visit (§ 156, stk. 5), and each one after it
        "naeste-tilsynsbesoeg",
        "egen",  # the caseworker's own activity: "Udført" with an optional note
    }
    assessment = forms["vurdering-24-timer"]
    assert assessment["title"] == "Vurdering inden 24 timer"
    assert assessment["action"] == "Registrér vurdering"
    assert [(f["key"], f["kind"]) for f in assessment["fields"]] == [
        ("fare", "bool"),
        ("akut", "bool"),
        ("akutte_foranstaltninger", "text"),
        ("vurdering", "text"),
        ("naeste_skridt", "choice"),
        ("naeste_skridt_andet", "text"),
    ]
    assert assessment["fields"][2]["when"] == {"key": "akut", "value": True}
    _, acts = await _notification(http, 301)
    assert acts["vurdering-24-timer"]["completion"] == "record"
    assert acts["kvittering-fagperson"]["completion"] == "record"
    worklist = (await http.get("/api/worklist")).json()
    line = next(
        a
        for g in ("overdue", "this_week", "later", "without_deadline")
        for a in worklist[g]
        if a["id"] == acts["vurdering-24-timer"]["id"]
    )
    assert line["completion"] == "record" and line["record"] is None


async def test_an_assessment_without_its_answers_is_refused_and_nothing_is_written(http, seeded):
    await _caseworker(http)
    case_id, acts = await _notification(http, 302)
    a = acts["vurdering-24-timer"]
    before = await _journal(http, case_id)
    url = f"/api/activities/{a['id']}/complete"
    r = await http.post(url, json={"version": a["version"]})
    assert r.status_code == 400
    assert _errors(r) == {
        "fare": "Svar på, om barnets sundhed eller udvikling er i fare",
        "akut": "Svar på, om der er behov for akutte foranstaltninger",
        "vurdering": "Skriv din vurdering",
        "naeste_skridt": "Vælg det næste skridt",
    }
    # The conditional fields are required when they apply; wrong values are named.
    r = await http.post(
        url,
        json={
            "version": a["version"],
            "record": {
                "fare": "måske",
                "akut": True,
                "vurdering": "   ",
                "naeste_skridt": "andet",
            },
        },
    )
    assert r.status_code == 400
    assert _errors(r) == {
        "fare": "Svar ja eller nej",
        "akutte_foranstaltninger": "Beskriv de akutte foranstaltninger",
        "vurdering": "Skriv din vurdering",
        "naeste_skridt_andet": "Beskriv det næste skridt",
    }
    assert (await _activity(http, case_id, a["id"]))["status"] == "open"
    assert await _journal(http, case_id) == before


async def test_a_complete_assessment_is_stored_and_journalised_as_readable_text(http, seeded):
    await _caseworker(http)
    case_id, acts = await _notification(http, 303)
    a = acts["vurdering-24-timer"]
    record = {
        "fare": True,
        "akut": True,
        "akutte_foranstaltninger": "Barnet bor hos mormor, til forældrene er kontaktet.",
        "vurdering": "Barnet har gentagne gange fortalt om vold i hjemmet.",
        "naeste_skridt": "undersoegelse",
        "naeste_skridt_andet": "ignoreres: næste skridt er ikke andet",
    }
    r = await http.post(
        f"/api/activities/{a['id']}/complete", json={"version": a["version"], "record": record}
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "done"
    stored = {k: v for k, v in record.items() if k != "naeste_skridt_andet"}
    assert done["record"] == stored
    assert (await _activity(http, case_id, a["id"]))["record"] == stored
    entry = (await _journal(http, case_id))[0]
    assert entry["title"] == "Vurdering inden 24 timer"
    assert entry["body"] == (
        "Er barnets sundhed eller udvikling i fare? Ja\n\n"
        "Er der behov for akutte foranstaltninger? Ja\n\n"
        "Hvilke akutte foranstaltninger? Barnet bor hos mormor, til forældrene er kontaktet.\n\n"
        "Vurdering: Barnet har gentagne gange fortalt om vold i hjemmet.\n\n"
        "Næste skridt: Børnefaglig undersøgelse\n\n"
        f"Udført: {a['title']}"
    )
    # The notification is assessed on the front page.
    news = (await http.get("/api/worklist")).json()["new_notifications"]
    assert next(n for n in news if n["hovedsag_id"] == case_id)["assessed"] is True
    # A second completion on the old version is stale, as before.
    stale = await http.post(
        f"/api/activities/{a['id']}/complete", json={"version": a["version"], "record": record}
    )
    assert stale.status_code == 409


async def test_receipt_reassessment_and_answer_forms(http, seeded):
    await _caseworker(http)
    case_id, acts = await _notification(http, 304, suspected_abuse=True)
    receipt = acts["kvittering-fagperson"]
    url = f"/api/activities/{receipt['id']}/complete"
    r = await http.post(url, json={"version": receipt["version"], "record": {}})
    assert r.status_code == 400
    assert _errors(r) == {
        "sendt_dato": "Angiv den dato, kvitteringen blev sendt",
        "sendt_med": "Vælg hvordan kvitteringen blev sendt",
    }
    tomorrow = (today_dk() + timedelta(days=1)).isoformat()
    r = await http.post(
        url,
        json={
            "version": receipt["version"],
            "record": {"sendt_dato": tomorrow, "sendt_med": "fax"},
        },
    )
    assert _errors(r) == {
        "sendt_dato": "Datoen ligger i fremtiden",
        "sendt_med": "Vælg en af mulighederne",
    }
    assert (await _activity(http, case_id, receipt["id"]))["status"] == "open"
    today = today_dk()
    r = await http.post(
        url,
        json={
            "version": receipt["version"],
            "record": {"sendt_dato": today.isoformat(), "sendt_med": "digital_post"},
        },
    )
    assert r.status_code == 200, r.text
    entry = (await _journal(http, case_id))[0]
    assert entry["title"] == "Kvittering sendt til fagpersonen"
    assert entry["body"].startswith(
        f"Dato for kvitteringen: {today.strftime('%d.%m.%Y')}\n\nSendt med: Digital Post\n\n"
    )

    # Suspected abuse: the conversation with the child (§ 137, stk. 3-4), or why not.
    talk = acts["overgreb-samtale"]
    url = f"/api/activities/{talk['id']}/complete"
    r = await http.post(url, json={"version": talk["version"], "record": {"holdt": False}})
    assert _errors(r) == {"undladt_begrundelse": "Begrund, hvorfor samtalen er undladt"}
    r = await http.post(
        url,
        json={
            "version": talk["version"],
            "record": {
                "holdt": True,
                "dato": today.isoformat(),
                "uden_foraeldre": True,
                "barnets_ord": "Barnet fortalte om slag derhjemme.",
                "undladt_begrundelse": "ignoreres: samtalen er holdt",
            },
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["record"] == {
        "holdt": True,
        "dato": today.isoformat(),
        "uden_foraeldre": True,
        "barnets_ord": "Barnet fortalte om slag derhjemme.",
    }
    assert (await _journal(http, case_id))[0]["title"] == (
        "Samtale med barnet ved mistanke om overgreb"
    )

    # A henvendelse from the family: its answer and when it was given.
    case2, acts2 = await _notification(
        http, 305, kind="henvendelse", notifier_kind="privat", source="familie"
    )
    answer = acts2["afklar-henvendelse"]
    url = f"/api/activities/{answer['id']}/complete"
    r = await http.post(url, json={"version": answer["version"], "record": {"svar_dato": "x"}})
    assert _errors(r) == {
        "svar": "Skriv hvad familien fik svar",
        "svar_dato": "Angiv en gyldig dato",
    }
    r = await http.post(
        url,
        json={
            "version": answer["version"],
            "record": {"svar": "Familien tilbydes en samtale.", "svar_dato": today.isoformat()},
        },
    )
    assert r.status_code == 200, r.text
    assert (await _journal(http, case2))[0]["body"].startswith(
        "Svaret til familien: Familien tilbydes en samtale.\n\n"
    )


async def test_an_activity_of_another_flow_is_completed_there(http, seeded):
    await _caseworker(http)
    case_id, _ = await _notification(http, 306)
    r = await http.post(
        f"/api/cases/{case_id}/undersoegelse", json={"aware_since": today_dk().isoformat()}
    )
    assert r.status_code == 201, r.text
    case = (await http.get(f"/api/cases/{case_id}")).json()
    a = next(x for x in case["activities"] if x["rule_id"] == "undersoegelse-4-maaneder")
    assert a["completion"] == "investigation"
    r = await http.post(f"/api/activities/{a['id']}/complete", json={"version": a["version"]})
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "Aktiviteten udføres ved at afslutte undersøgelsen på sagen (Forløb → Afslut undersøgelse)."
    )
    assert (await _activity(http, case_id, a["id"]))["status"] == "open"


async def test_the_offline_package_carries_the_form_and_a_synced_record_completes(http, seeded):
    await _caseworker(http)
    case_id, acts = await _notification(http, 307)
    device = await http.post("/api/offline/enheder", json={"label": "Testtablet"})
    assert device.status_code == 201, device.text
    r = await http.get(
        f"/api/offline/enheder/{device.json()['device_id']}/cases", params={"ids": case_id}
    )
    assert r.status_code == 200, r.text
    offline = r.json()["cases"][0]["activities"]
    shipped = next(x for x in offline if x["id"] == acts["vurdering-24-timer"]["id"])
    assert shipped["completion"] == "record"
    assert shipped["form"]["title"] == "Vurdering inden 24 timer"
    assert [f["key"] for f in shipped["form"]["fields"]][:2] == ["fare", "akut"]
    # The queued completion arrives with its record and an Idempotency-Key; a retry of the
    # same key replays the answer.
    key = str(uuid.uuid4())
    body = {
        "version": shipped["version"],
        "record": {
            "fare": False,
            "akut": False,
            "vurdering": "Skrevet på hjemmebesøget.",
            "naeste_skridt": "afdaekning",
        },
    }
    url = f"/api/activities/{shipped['id']}/complete"
    first = await http.post(url, json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 200, first.text
    again = await http.post(url, json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json() == first.json()
    titles = [e["title"] for e in await _journal(http, case_id)]
    assert titles.count("Vurdering inden 24 timer") == 1
