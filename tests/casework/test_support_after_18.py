"""Support after 18 (ungestøtte, § 114; issue 17 item 4): granted like §§ 32, 46, 47 with
a measure, a planned end by the day before the 23rd birthday and a bevilling; the § 111
transition links the decision or records why there is none; nothing half-written; the
other kommune gets 404."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from backend.core.danish import today_dk
from backend.core.workdays import add_months
from tests.factories import child as new_child
from tests.money.conftest import A, B, fetch, offer, supplier, val

EXCEPTIONS = {"boernesamtale": "Holdt under undersøgelsen", "partshoering": "Samtykke"}


async def _placed(worker: httpx.AsyncClient) -> tuple[str, date]:
    """A young person 17 years and 10-11 months old, placed today (§ 46): the case and the
    18th birthday (1-65 days ahead)."""
    made = await new_child(worker, years=17, first_name="Mikkel", last_name="Ungesen")
    r = await worker.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Anbringelse med samtykke på opholdssted.",
            "measure": "opholdssted",
            "starts_on": today_dk().isoformat(),
            "exceptions": EXCEPTIONS,
        },
    )
    assert r.status_code == 201, r.text
    birth = date.fromisoformat(made.answer["birth_date"]) if "birth_date" in made.answer else None
    if birth is None:
        birth = date.fromisoformat(
            (await worker.get(f"/api/children/{made.child_id}")).json()["birth_date"]
        )
    return made.case_id, add_months(birth, 18 * 12)


def _support(measure: str, starts_on: date, ends_on: date | None) -> dict[str, object]:
    return {
        "paragraph": "114",
        "outcome": "bevilget",
        "decided_on": today_dk().isoformat(),
        "summary": "Den unge bliver boende efter det 18. år.",
        "measure": measure,
        "starts_on": starts_on.isoformat(),
        "ends_on": None if ends_on is None else ends_on.isoformat(),
        "exceptions": EXCEPTIONS,
    }


async def _decisions(case_id: str, paragraph: str) -> int:
    return int(
        await val(
            A,
            "SELECT count(*) FROM afgoerelse WHERE hovedsag_id = $1 AND paragraph = $2",
            case_id,
            paragraph,
        )
    )


async def test_support_after_18_with_a_bevilling_linked_from_the_transition(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Opholdsstedet Overgangen")
    start_of_year = date(today_dk().year, 1, 1)
    stay = await offer(fin, sid, "viderefoert_anbringelse", "day", 210000, start_of_year)
    worker = await client(A, "sagsbehandler")
    case_id, eighteen = await _placed(worker)
    last = add_months(eighteen, 5 * 12) - timedelta(days=1)  # the day before 23

    # An end after the 23rd birthday's eve, or a start before 18: refused at the field,
    # nothing written.
    late = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_kontaktperson", eighteen, last + timedelta(days=1)),
    )
    assert late.status_code == 400
    assert late.json()["extra"] == [
        {
            "key": "ends_on",
            "message": "Ungestøtte kan højst gives til og med dagen før det fyldte 23. år "
            f"({last.strftime('%d.%m.%Y')})",
        }
    ]
    early = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_kontaktperson", today_dk(), last),
    )
    assert early.status_code == 400
    assert early.json()["extra"][0]["key"] == "starts_on"
    open_end = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_kontaktperson", eighteen, None),
    )
    assert open_end.status_code == 400 and open_end.json()["extra"][0]["key"] == "ends_on"
    wrong = await worker.post(
        f"/api/cases/{case_id}/afgoerelser", json=_support("opholdssted", eighteen, last)
    )
    assert wrong.status_code == 400
    assert wrong.json()["extra"][0] == {
        "key": "measure",
        "message": "Efter § 114 kan kun ungestøtte efter det 18. år vælges",
    }
    assert await _decisions(case_id, "114") == 0
    assert await val(A, "SELECT count(*) FROM enkeltsag WHERE paragraph = '114' "
                     "AND hovedsag_id = $1", case_id) == 0  # fmt: skip

    # Continued stay with a bevilling: a draft under § 114, approved, granted.
    r = await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "114"})
    assert r.status_code == 201, r.text
    url = f"/api/money/drafts/{r.json()['id']}"
    line = {"measure_kind": "viderefoert_anbringelse", "offer_id": stay, "quantity": "1",
            "starts_on": eighteen.isoformat(), "ends_on": last.isoformat()}  # fmt: skip
    r = await worker.post(f"{url}/lines", json=line)
    assert r.status_code == 201, r.text
    r = await worker.post(f"{url}/submit", json={"version": r.json()["version"]})
    assert r.status_code == 200, r.text
    manager = await client(A, "leder")
    r = await manager.post(f"{url}/approve", json={"version": r.json()["version"], "note": "OK"})
    assert r.status_code == 200, r.text
    decision = {**_support("x", eighteen, None), "draft_id": r.json()["id"]}
    del decision["measure"], decision["starts_on"], decision["ends_on"]
    made = await worker.post(f"/api/cases/{case_id}/afgoerelser", json=decision)
    assert made.status_code == 201, made.text
    # The follow-up, and the continued stay's report to Ankestyrelsen (skema 3).
    assert sorted(a["rule_id"] for a in made.json()["activities"]) == [
        "foerste-opfoelgning",
        "indberet-eftervaern",
    ]
    case = (await worker.get(f"/api/cases/{case_id}")).json()
    [support] = [i for i in case["indsatser"] if i["paragraph"] == "114"]
    assert support["kind"] == "viderefoert_anbringelse" and support["placement"] is False
    assert support["starts_on"] == eighteen.isoformat()
    assert support["planned_end"] == last.isoformat()
    economy = (await worker.get(f"/api/money/cases/{case_id}")).json()
    [bev] = [b for b in economy["bevillinger"] if b["paragraph"] == "114"]
    assert bev["measure_kind"] == "viderefoert_anbringelse" and bev["offer_id"] == stay
    assert bev["ends_on"] == last.isoformat()

    # The § 111 transition: it must answer, and it links a § 114 decision only.
    transition = next(
        a for a in case["activities"] if a["rule_id"] == "overgang-18" and a["status"] == "open"
    )
    step = {"kind": "overgang", "happened_on": today_dk().isoformat(), "note": ""}
    unanswered = await worker.post(f"/api/cases/{case_id}/steps", json=step)
    assert unanswered.status_code == 400
    assert unanswered.json()["extra"][0] == {
        "key": "afgoerelse_id",
        "message": "Svar på, om der er truffet afgørelse om støtte efter det 18. år",
    }
    placement_decision = next(a for a in case["afgoerelser"] if a["paragraph"] == "46")
    wrong = await worker.post(
        f"/api/cases/{case_id}/steps", json={**step, "afgoerelse_id": placement_decision["id"]}
    )
    assert wrong.status_code == 400
    assert wrong.json()["extra"][0]["message"] == "Vælg en afgørelse efter § 114 på sagen"
    assert await val(A, "SELECT count(*) FROM case_step WHERE hovedsag_id = $1 "
                     "AND kind = 'overgang'", case_id) == 0  # fmt: skip
    linked = await worker.post(
        f"/api/cases/{case_id}/steps",
        json={**step, "afgoerelse_id": made.json()["afgoerelse_id"]},
    )
    assert linked.status_code == 201, linked.text
    assert linked.json()["completed"] == [transition["title"]]
    case = (await worker.get(f"/api/cases/{case_id}")).json()
    [recorded] = [s for s in case["steps"] if s["kind"] == "overgang"]
    assert recorded["afgoerelse_id"] == made.json()["afgoerelse_id"]
    assert recorded["no_support"] is None
    journal = (await worker.get(f"/api/cases/{case_id}/journal?page_size=200")).json()
    [entry] = [e for e in journal["items"] if e["title"].startswith("Overgangen til voksenlivet")]
    assert entry["body"] == (
        "Afgørelse om støtte efter det 18. år: § 114 (ungestøtte efter det 18. år), bevilget "
        f"{today_dk().strftime('%d.%m.%Y')}"
    )

    # Management information: the young person with support after 18 running, by name
    # (the list is audited like the turning-18 list).
    listed = await manager.get("/api/mi/support-after-18?scope=kommune")
    assert listed.status_code == 200, listed.text
    assert [c["key"] for c in listed.json()["columns"]][2:5] == [
        "measure",
        "starts_on",
        "planned_end",
    ]
    assert [
        "Mikkel Ungesen",
        "Opretholdt døgnophold på anbringelsesstedet (18-22 år)",
        eighteen.isoformat(),
        last.isoformat(),
        "Opholdsstedet Overgangen",
    ] in [[row[0], *row[2:6]] for row in listed.json()["rows"]]

    # The other kommune: the same 404 as for no case.
    other = await client(B, "sagsbehandler")
    assert (await other.post(f"/api/cases/{case_id}/steps", json=step)).status_code == 404
    r = await other.post(f"/api/cases/{case_id}/afgoerelser", json=_support("x", eighteen, last))
    assert r.status_code == 404


async def test_the_transition_records_why_there_is_no_support(client):
    worker = await client(A, "sagsbehandler")
    case_id, _ = await _placed(worker)
    step = {"kind": "overgang", "happened_on": today_dk().isoformat(), "no_support": "afslaar"}
    r = await worker.post(f"/api/cases/{case_id}/steps", json={**step, "note": " "})
    assert r.status_code == 400
    assert r.json()["extra"][0] == {
        "key": "note",
        "message": "Begrund, hvorfor der ikke er truffet afgørelse om støtte efter det 18. år",
    }
    r = await worker.post(
        f"/api/cases/{case_id}/steps",
        json={**step, "note": "Mikkel vil klare sig selv og flytter til sin bror."},
    )
    assert r.status_code == 201, r.text
    case = (await worker.get(f"/api/cases/{case_id}")).json()
    [recorded] = [s for s in case["steps"] if s["kind"] == "overgang"]
    assert recorded["no_support"] == "afslaar"
    assert recorded["no_support_label"] == "Den unge ønsker ikke støtte efter det 18. år"
    assert not [a for a in case["activities"] if a["rule_id"] == "overgang-18"
                and a["status"] == "open"]  # fmt: skip
    journal = (await worker.get(f"/api/cases/{case_id}/journal?page_size=200")).json()
    [entry] = [e for e in journal["items"] if e["title"].startswith("Overgangen til voksenlivet")]
    assert entry["body"] == (
        "Ingen afgørelse om støtte efter det 18. år: Den unge ønsker ikke støtte efter det "
        "18. år\n\nMikkel vil klare sig selv og flytter til sin bror."
    )


async def test_a_young_person_not_placed_keeps_only_the_contact_person(client):
    worker = await client(A, "sagsbehandler")
    made = await new_child(worker, years=17, first_name="Sara", last_name="Kontaktsen")
    case_id = made.case_id
    birth = date.fromisoformat(
        (await worker.get(f"/api/children/{made.child_id}")).json()["birth_date"]
    )
    eighteen = add_months(birth, 18 * 12)
    last = add_months(birth, 23 * 12) - timedelta(days=1)
    # No support before 18: nothing to continue.
    r = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_kontaktperson", eighteen, last),
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "paragraph"
    # Support after 18 is not given under § 32.
    r = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={**_support("eftervaern_kontaktperson", eighteen, None), "paragraph": "32"},
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["message"] == "Ungestøtte efter det 18. år gives efter § 114"
    r = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={**_support("kontaktperson", today_dk(), None), "paragraph": "32", "ends_on": None},
    )
    assert r.status_code == 201, r.text
    # With a § 32 contact person: no § 111 transition (the law's deadline is for placed
    # young people), and only the contact person may continue after 18.
    activities = [a["rule_id"] for a in r.json()["activities"]]
    assert "overgang-18" not in activities
    r = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_anden_stoette", eighteen, last),
    )
    assert r.status_code == 400
    assert r.json()["extra"][0] == {
        "key": "measure",
        "message": "Uden en anbringelse før det 18. år kan kun den faste kontaktperson "
        "fortsætte efter det 18. år",
    }
    r = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json=_support("eftervaern_kontaktperson", eighteen, last),
    )
    assert r.status_code == 201, r.text
    rows = await fetch(
        A,
        "SELECT kind, planned_end FROM indsats WHERE hovedsag_id = $1 AND paragraph = '114'",
        case_id,
    )
    assert [(row["kind"], row["planned_end"]) for row in rows] == [
        ("eftervaern_kontaktperson", last)
    ]
