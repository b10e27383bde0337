"""ICS documents over HTTP on real PostgreSQL: the investigation's life (autosave, a stale
save, submitting with parts missing, approval and the four-eyes rule, locking, new
version, comparison), barnets plan from the investigation, the follow-up that schedules
the next one, the PDF, access and audit."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from backend.core.danish import DK, today_dk
from backend.core.workdays import add_months, next_working_day
from backend.db import DB
from backend.ics.method import method
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker, _user_id
from tests.casework.test_process import _measure
from tests.conftest import sign_in, username
from tests.factories import child as new_child

DIMENSIONS = [d.key for side in method().sides for d in side.dimensions]


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(DK).date()


async def _case(http: httpx.AsyncClient, seed: int, years: int = 9) -> str:
    # A fresh child (tests.factories), never another test's: ``seed`` only names the call.
    made = await new_child(http, years=years, address="Skolevej 1")
    return made.case_id


async def _client(http: httpx.AsyncClient, role: str) -> httpx.AsyncClient:
    other = httpx.AsyncClient(transport=http._transport, base_url="http://testserver")
    session = await sign_in(other, A, role)
    other.headers["X-CSRF-Token"] = session["csrf_token"]
    return other


async def _journal(http: httpx.AsyncClient, case_id: str) -> list[str]:
    page = (await http.get(f"/api/cases/{case_id}/journal?page_size=200")).json()
    return [e["title"] for e in page["items"]]


async def _start(http: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    aware = today_dk() - timedelta(days=20)
    r = await http.post(
        f"/api/cases/{case_id}/ics/undersoegelser", json={"aware_since": aware.isoformat()}
    )
    assert r.status_code == 201, r.text
    doc: dict[str, Any] = (await http.get(f"/api/ics/{r.json()['document']['id']}")).json()
    return doc


def _complete(content: dict[str, Any], needs: list[str] | None = None) -> dict[str, Any]:
    """Every dimension with a sourced statement, the views, analysis and conclusion."""
    c = copy.deepcopy(content)
    for i, key in enumerate(DIMENSIONS):
        c["dimensions"][key]["observations"] = [
            {"text": f"Observation {i} om {key}", "source": "skole", "source_note": ""}
        ]
    c["dimensions"]["sundhedsforhold"]["resources"] = [
        {"text": "Fast læge", "source": "andet", "source_note": "farmor"}
    ]
    c["child_view"] = "Barnet vil gerne blive boende hjemme."
    c["parents_view"] = "Forældrene ønsker hjælp."
    c["analysis"] = "Barnet trives i skolen, men ikke hjemme."
    c["conclusion"] = "Der er behov for støtte."
    c["unmet_needs"] = [{"id": "", "text": t, "dimension": None} for t in (needs or [])]
    return c


async def _save(http: httpx.AsyncClient, doc: dict[str, Any], content: dict[str, Any]) -> int:
    r = await http.put(f"/api/ics/{doc['id']}/draft", json={"rev": doc["rev"], "content": content})
    assert r.status_code == 200, r.text
    rev: int = r.json()["rev"]
    return rev


async def test_investigation_lifecycle(http, seeded):
    me = (await _caseworker(http))["username"]
    case_id = await _case(http, 8501)

    # No investigation is running: the date the kommune became aware is needed to start one.
    r = await http.post(f"/api/cases/{case_id}/ics/undersoegelser", json={})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "aware_since"
    aware = today_dk() - timedelta(days=20)
    r = await http.post(
        f"/api/cases/{case_id}/ics/undersoegelser", json={"aware_since": aware.isoformat()}
    )
    assert r.status_code == 201, r.text
    assert r.json()["started_investigation"]
    doc_id = r.json()["document"]["id"]
    again = await http.post(f"/api/cases/{case_id}/ics/undersoegelser", json={})
    assert again.status_code == 409
    assert again.json()["extra"] == {
        "reason": "open_version",
        "document_id": doc_id,
        "version_no": 1,
        "status": "kladde",
    }

    doc = (await http.get(f"/api/ics/{doc_id}")).json()
    assert doc["kind"] == "undersoegelse" and doc["status"] == "kladde" and not doc["locked"]
    assert doc["method"] == "ics-2019"
    assert set(doc["content"]["dimensions"]) == set(DIMENSIONS)  # every dimension
    assert len(DIMENSIONS) == 10
    (deadline,) = doc["deadlines"]
    assert deadline["rule_id"] == "undersoegelse-4-maaneder" and deadline["status"] == "open"
    assert _day(deadline["due_at"]) == next_working_day(add_months(aware, 4))
    assert deadline["days_left"] == (_day(deadline["due_at"]) - today_dk()).days
    assert doc["may"]["edit"] and doc["may"]["submit"] and not doc["may"]["approve"]

    # Autosave: the first save moves the revision on.
    content = doc["content"]
    content["dimensions"]["sundhedsforhold"]["observations"] = [
        {"text": "Hyppigt fravær pga. sygdom", "source": "", "source_note": ""}
    ]
    rev = await _save(http, doc, content)
    assert rev == doc["rev"] + 1
    # A second person saving on the revision they opened is refused with what is stored.
    boss = await _client(http, "leder")
    try:
        theirs = copy.deepcopy(doc["content"])
        theirs["analysis"] = "Lederens tekst"
        stale = await boss.put(
            f"/api/ics/{doc_id}/draft", json={"rev": doc["rev"], "content": theirs}
        )
        assert stale.status_code == 409, stale.text
        extra = stale.json()["extra"]
        assert extra["reason"] == "stale" and extra["rev"] == rev
        assert extra["changed_by"] == me
        assert extra["changed_by_name"] == "Sara Sagsbehandler"  # a name, not a username
        assert stale.json()["detail"].startswith("Dokumentet er gemt af Sara Sagsbehandler ")
        assert extra["content"]["dimensions"]["sundhedsforhold"]["observations"][0]["text"] == (
            "Hyppigt fravær pga. sygdom"
        )
        assert "ikke gemt" in stale.json()["detail"]
        stored = (await http.get(f"/api/ics/{doc_id}")).json()
        assert stored["rev"] == rev and stored["content"]["analysis"] == ""  # nothing merged

        # Submitting names exactly what is missing, and changes nothing.
        refused = await http.post(f"/api/ics/{doc_id}/submit", json={"rev": rev})
        assert refused.status_code == 400, refused.text
        keys = {e["key"] for e in refused.json()["extra"]}
        assert keys == {
            *(f"dimensions.{k}" for k in DIMENSIONS if k != "sundhedsforhold"),
            "dimensions.sundhedsforhold.observations.0.source",
            "child_view",
            "parents_view",
            "analysis",
            "conclusion",
        }
        assert all(e["missing"] and e["label"] and e["message"] for e in refused.json()["extra"])
        assert "Der mangler" in refused.json()["detail"]
        assert (await http.get(f"/api/ics/{doc_id}")).json()["status"] == "kladde"

        # Filled in: new needs get an id from the server, which returns the stored content.
        full = _complete(content, ["Stabilt fremmøde"])
        saved = await http.put(f"/api/ics/{doc_id}/draft", json={"rev": rev, "content": full})
        assert saved.status_code == 200, saved.text
        need_id = saved.json()["content"]["unmet_needs"][0]["id"]
        assert need_id
        rev = saved.json()["rev"]
        bad_source = copy.deepcopy(full)
        bad_source["dimensions"]["socialt_netvaerk"]["concerns"] = [{"text": "x", "source": "nabo"}]
        r = await http.put(f"/api/ics/{doc_id}/draft", json={"rev": rev, "content": bad_source})
        assert r.status_code == 400
        assert (
            r.json()["extra"][0]["key"] == "content.dimensions.socialt_netvaerk.concerns.0.source"
        )
        submitted = await http.post(f"/api/ics/{doc_id}/submit", json={"rev": rev})
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["document"]["status"] == "indsendt"
        rev = submitted.json()["document"]["rev"]
        locked = await http.put(f"/api/ics/{doc_id}/draft", json={"rev": rev, "content": full})
        assert locked.status_code == 409 and locked.json()["extra"]["reason"] == "locked"

        # A caseworker cannot approve; the manager can, on the revision they read.
        assert (await http.post(f"/api/ics/{doc_id}/approve", json={"rev": rev})).status_code == 403
        old = await boss.post(f"/api/ics/{doc_id}/approve", json={"rev": rev - 1})
        assert old.status_code == 409 and old.json()["extra"]["reason"] == "stale"
        approved = await boss.post(
            f"/api/ics/{doc_id}/approve", json={"rev": rev, "note": "Fin undersøgelse"}
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["document"]["status"] == "godkendt"
        assert approved.json()["completed"] == [
            "Afslut den børnefaglige undersøgelse (ellers en foreløbig vurdering)"
        ]
    finally:
        await boss.aclose()
    case = (await http.get(f"/api/cases/{case_id}")).json()
    four = next(a for a in case["activities"] if a["rule_id"] == "undersoegelse-4-maaneder")
    assert four["status"] == "done"
    investigation = next(e for e in case["enkeltsager"] if e["kind"] == "undersoegelse")
    assert investigation["closed_at"] and investigation["summary"] == "Der er behov for støtte."
    doc = (await http.get(f"/api/ics/{doc_id}")).json()
    assert doc["locked"] and doc["approved_by"] == username("leder", A)
    assert doc["deadlines"][0]["status"] == "done"
    titles = await _journal(http, case_id)
    for t in (
        "Børnefaglig undersøgelse, version 1 påbegyndt",
        "Børnefaglig undersøgelse, version 1 indsendt til godkendelse",
        "Børnefaglig undersøgelse, version 1 godkendt af Lene Leder",
    ):
        assert t in titles, titles

    # Locked: no save, no submit, and the database refuses a change too.
    r = await http.put(f"/api/ics/{doc_id}/draft", json={"rev": doc["rev"], "content": full})
    assert r.status_code == 409 and r.json()["extra"]["status"] == "godkendt"
    assert (
        await http.post(f"/api/ics/{doc_id}/submit", json={"rev": doc["rev"]})
    ).status_code == 409
    with pytest.raises(asyncpg.ObjectNotInPrerequisiteStateError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "UPDATE ics_document SET content = '{}'::jsonb WHERE id = $1", doc_id
            )

    # A new version copies the approved one; only one version is open at a time.
    nv = await http.post(f"/api/ics/{doc_id}/new-version")
    assert nv.status_code == 201, nv.text
    v2 = (await http.get(f"/api/ics/{nv.json()['document']['id']}")).json()
    assert v2["version_no"] == 2 and v2["status"] == "kladde" and v2["based_on_id"] == doc_id
    assert v2["content"] == doc["content"]
    assert [v["version_no"] for v in v2["versions"]] == [1, 2]
    twice = await http.post(f"/api/ics/{doc_id}/new-version")
    assert twice.status_code == 409 and twice.json()["extra"]["document_id"] == v2["id"]
    assert "Børnefaglig undersøgelse, version 2 påbegyndt" in await _journal(http, case_id)

    # Change one statement: the comparison shows exactly that field as changed.
    changed = copy.deepcopy(v2["content"])
    changed["dimensions"]["socialt_netvaerk"]["observations"][0]["text"] = "Mormor hjælper"
    await _save(http, v2, changed)
    diff = (await http.get(f"/api/ics/series/{v2['series_id']}/diff")).json()
    assert diff["a"]["version_no"] == 1 and diff["b"]["version_no"] == 2
    assert diff["changed"] == 1
    (field,) = [f for f in diff["fields"] if f["changed"]]
    assert field["key"] == "dimensions.socialt_netvaerk.observations"
    assert field["label"] == "Socialt netværk – Observationer"
    assert field["group"] == "Familie og netværk"
    assert field["old"] == [
        f"Observation {DIMENSIONS.index('socialt_netvaerk')} om socialt_netvaerk (Kilde: Skole)"
    ]
    assert field["new"] == ["Mormor hjælper (Kilde: Skole)"]
    unchanged = next(
        f for f in diff["fields"] if f["key"] == "dimensions.sundhedsforhold.resources"
    )
    assert unchanged["old"] == unchanged["new"] == ["Fast læge (Kilde: Andet (angiv hvem), farmor)"]
    missing = await http.get(f"/api/ics/series/{v2['series_id']}/diff?a=1&b=7")
    assert missing.status_code == 400 and missing.json()["extra"][0]["key"] == "version"


async def test_self_approval_is_refused_when_the_kommune_requires_another_approver(http, seeded):
    session = await sign_in(http, A, "leder")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    case_id = await _case(http, 8502)
    doc = await _start(http, case_id)
    rev = await _save(http, doc, _complete(doc["content"]))
    r = await http.post(f"/api/ics/{doc['id']}/submit", json={"rev": rev})
    assert r.status_code == 200, r.text
    rev = r.json()["document"]["rev"]
    got = (await http.get(f"/api/ics/{doc['id']}")).json()
    assert got["approval_requires_other"] and not got["may"]["approve"]
    own = await http.post(f"/api/ics/{doc['id']}/approve", json={"rev": rev})
    assert own.status_code == 403, own.text
    assert "anden leder" in own.json()["detail"]
    assert (await http.get(f"/api/ics/{doc['id']}")).json()["status"] == "indsendt"
    admin = httpx.AsyncClient(transport=http._transport, base_url="http://testserver")
    try:
        s = await sign_in(admin, A, "admin")
        admin.headers["X-CSRF-Token"] = s["csrf_token"]
        off = await admin.put("/api/ics/settings", json={"approval_requires_other": False})
        assert off.status_code == 200, off.text
        ok = await http.post(f"/api/ics/{doc['id']}/approve", json={"rev": rev})
        assert ok.status_code == 200, ok.text
    finally:
        await admin.put("/api/ics/settings", json={"approval_requires_other": True})
        await admin.aclose()
    assert (await http.get("/api/ics/method")).json()["approval_requires_other"] is True


async def test_a_submitted_version_goes_back_to_draft_with_a_reason(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 8503)
    doc = await _start(http, case_id)
    rev = await _save(http, doc, _complete(doc["content"]))
    rev = (await http.post(f"/api/ics/{doc['id']}/submit", json={"rev": rev})).json()["document"][
        "rev"
    ]
    no_reason = await http.post(f"/api/ics/{doc['id']}/return", json={"rev": rev, "reason": " "})
    assert no_reason.status_code == 400 and no_reason.json()["extra"][0]["key"] == "reason"
    colleague = await _client(http, "kollega")  # neither the submitter nor a manager
    try:
        r = await colleague.post(f"/api/ics/{doc['id']}/return", json={"rev": rev, "reason": "x"})
        assert r.status_code == 404  # not on the case
        case = (await http.get(f"/api/cases/{case_id}")).json()
        added = await http.post(
            f"/api/cases/{case_id}/workers",
            json={"version": case["version"], "user_id": await _user_id(A, "kollega")},
        )
        assert added.status_code == 200, added.text
        r = await colleague.post(f"/api/ics/{doc['id']}/return", json={"rev": rev, "reason": "x"})
        assert r.status_code == 403 and "indsendt" in r.json()["detail"]
    finally:
        await colleague.aclose()
    back = await http.post(
        f"/api/ics/{doc['id']}/return", json={"rev": rev, "reason": "Jeg mangler skolens svar"}
    )
    assert back.status_code == 200, back.text
    got = (await http.get(f"/api/ics/{doc['id']}")).json()
    assert got["status"] == "kladde" and got["return_reason"] == "Jeg mangler skolens svar"
    assert got["submitted_by"] is None and got["may"]["edit"]
    assert "Børnefaglig undersøgelse, version 1 sendt tilbage til kladde" in await _journal(
        http, case_id
    )


async def test_plan_from_the_investigation_and_its_follow_up(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 8504)
    indsats_id = await _measure(http, case_id, today_dk() - timedelta(days=40))
    doc = await _start(http, case_id)
    needs = ["Stabilt fremmøde i skolen", "Ro i hjemmet"]
    content = _complete(doc["content"], needs)
    saved = await http.put(
        f"/api/ics/{doc['id']}/draft", json={"rev": doc["rev"], "content": content}
    )
    need_ids = [n["id"] for n in saved.json()["content"]["unmet_needs"]]
    draft_plan = await http.post(f"/api/ics/{doc['id']}/plan")
    assert draft_plan.status_code == 400  # the investigation is still a draft
    await http.post(f"/api/ics/{doc['id']}/submit", json={"rev": saved.json()["rev"]})

    r = await http.post(f"/api/ics/{doc['id']}/plan")
    assert r.status_code == 201, r.text
    plan = (await http.get(f"/api/ics/{r.json()['document']['id']}")).json()
    assert plan["kind"] == "plan" and plan["derived_from_id"] == doc["id"]
    goals = plan["content"]["goals"]
    assert [(g["need_id"], g["need"]) for g in goals] == list(zip(need_ids, needs, strict=True))
    assert all(g["id"] and g["goal"] == "" for g in goals)
    assert [n["text"] for n in plan["source_needs"]] == needs
    assert [m["id"] for m in plan["measures"]] == [indsats_id]
    assert [d["rule_id"] for d in plan["deadlines"]] == ["barnets-plan-32"]
    open_plan = await http.post(f"/api/ics/{doc['id']}/plan")
    assert open_plan.status_code == 409 and open_plan.json()["extra"]["document_id"] == plan["id"]

    c = plan["content"]
    for i, g in enumerate(c["goals"]):
        g["goal"] = f"Mål {i}"
        g["measurable"] = "Fremmøde over 95 % i tre måneder"
        g["measures"] = [{"text": "Kontaktperson to timer om ugen", "indsats_id": indsats_id}]
        g["responsible"] = "Kontaktpersonen"
    c["goals"][0]["responsible"] = "  "
    c["child_view"] = "Barnet vil gerne have en kontaktperson."
    c["parents_view"] = "Mor er enig."
    foreign = copy.deepcopy(c)
    foreign["goals"][1]["measures"] = [{"text": "", "indsats_id": doc["id"]}]  # not a measure
    r = await http.put(
        f"/api/ics/{plan['id']}/draft", json={"rev": plan["rev"], "content": foreign}
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "content.goals.1.measures.0.indsats_id"
    rev = await _save(http, plan, c)
    refused = await http.post(f"/api/ics/{plan['id']}/submit", json={"rev": rev})
    assert refused.status_code == 400
    (item,) = refused.json()["extra"]
    assert item["key"] == "goals.0.responsible" and "ansvarlig" in item["message"]
    c["goals"][0]["responsible"] = "Sagsbehandleren"
    rev = await _save(http, {**plan, "rev": rev}, c)
    rev = (await http.post(f"/api/ics/{plan['id']}/submit", json={"rev": rev})).json()["document"][
        "rev"
    ]
    boss = await _client(http, "leder")
    try:
        ok = await boss.post(f"/api/ics/{plan['id']}/approve", json={"rev": rev})
        assert ok.status_code == 200, ok.text
        assert ok.json()["completed"] == [
            "Tag stilling til barnets plan, og udarbejd den i givet fald"
        ]
        case = (await http.get(f"/api/cases/{case_id}")).json()
        plan_activity = next(a for a in case["activities"] if a["rule_id"] == "barnets-plan-32")
        assert plan_activity["status"] == "done"
        assert "plan" in {s["kind"] for s in case["steps"]}

        # The follow-up: one entry per goal, the only running measure preselected.
        r = await http.post(f"/api/ics/{plan['id']}/opfoelgning")
        assert r.status_code == 201, r.text
        fu = (await http.get(f"/api/ics/{r.json()['document']['id']}")).json()
        assert fu["content"]["indsats_id"] == indsats_id
        assert fu["content"]["happened_on"] == today_dk().isoformat()
        assert [g["goal_id"] for g in fu["content"]["goals"]] == [g["id"] for g in c["goals"]]
        assert [g["goal"] for g in fu["plan_goals"]] == ["Mål 0", "Mål 1"]
        assert [d["rule_id"] for d in fu["deadlines"]] == ["foerste-opfoelgning"]
        refused = await http.post(f"/api/ics/{fu['id']}/submit", json={"rev": fu["rev"]})
        assert {e["key"] for e in refused.json()["extra"]} == {
            "goals.0.status",
            "goals.0.evidence",
            "goals.1.status",
            "goals.1.evidence",
            "next_due",
            "next_reason",
        }
        f = fu["content"]
        f["goals"][0].update(status="opfyldt", evidence="Fremmøde 97 %")
        f["goals"][1].update(status="delvist", evidence="Færre konflikter")
        nxt = today_dk() + timedelta(days=90)
        f.update(
            next_due=nxt.isoformat(),
            next_reason="Stabil udvikling; opfølgning om tre måneder",
            new_plan_version=True,
        )
        rev = await _save(http, fu, f)
        rev = (await http.post(f"/api/ics/{fu['id']}/submit", json={"rev": rev})).json()[
            "document"
        ]["rev"]
        done = await boss.post(f"/api/ics/{fu['id']}/approve", json={"rev": rev})
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["completed"] == ["Første opfølgning på indsatsen"]
        assert body["created_activities"] == ["Opfølgning på indsatsen"]
        assert body["new_plan_version"]["version_no"] == 2
        assert body["new_plan_version"]["status"] == "kladde"
    finally:
        await boss.aclose()
    case = (await http.get(f"/api/cases/{case_id}")).json()
    nxt_activity = next(
        a
        for a in case["activities"]
        if a["rule_id"] == "naeste-opfoelgning" and a["status"] == "open"
    )
    assert _day(nxt_activity["due_at"]) == next_working_day(nxt)
    assert nxt_activity["due_reason"] == "Stabil udvikling; opfølgning om tre måneder"
    assert nxt_activity["concerns_id"] == indsats_id
    step = next(s for s in case["steps"] if s["kind"] == "opfoelgning")
    assert "Opfyldt: Fremmøde 97 %" in step["note"]

    # The plan renders to a PDF, journalised, with no CPR number in its name.
    pdf = await http.get(f"/api/ics/{plan['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    disposition = pdf.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "barnets-plan-version-1" in disposition
    assert not re.search(r"\d{6}-?\d{4}", disposition)
    assert "PDF dannet: Barnets plan, version 1 (godkendt)" in await _journal(http, case_id)
    series = (await http.get(f"/api/cases/{case_id}/ics")).json()
    assert [
        (s["kind"], s["latest"]["version_no"], s["latest"]["status"]) for s in series["series"]
    ] == [
        ("undersoegelse", 1, "indsendt"),
        ("plan", 2, "kladde"),
        ("opfoelgning", 1, "godkendt"),
    ]


def test_the_printed_document_names_the_kommune_and_child_but_no_cpr():
    from backend.ics import render
    from backend.ics.method import view
    from backend.ics.schemas import InvestigationContent, Statement
    from backend.ics.service import empty_investigation

    content: InvestigationContent = empty_investigation(view())
    content.dimensions["sundhedsforhold"].concerns.append(
        Statement(text="Tandpine <b>ubehandlet</b>", source="laege")
    )
    row = {
        "kind": "undersoegelse",
        "version_no": 3,
        "status": "kladde",
        "submitted_at": None,
        "submitted_by": None,
        "approved_at": None,
        "approved_by": None,
    }
    page = render.pdf_html(
        kommune="Testby Kommune",
        child_name="Ida Testesen",
        birth_date=date(2016, 5, 4),
        row=row,
        rendered=render.fields("undersoegelse", content, view(), render.Context({}, {})),
        method_name=view().method.name,
        printed_by="Sara Sagsbehandler",
    )
    assert "Testby Kommune" in page and "Ida Testesen, født 04.05.2016" in page
    assert "Version</td><td>3 – kladde" in page and "ikke godkendt" in page
    assert "<h3>Sundhedsforhold</h3><h4>Bekymringer</h4>" in page
    assert "<h3>Udvikling og adfærd</h3><p class='empty'>Intet skrevet.</p>" in page
    assert "Tandpine &lt;b&gt;ubehandlet&lt;/b&gt; (Kilde: Læge)" in page  # escaped
    assert render.render_pdf(page).startswith(b"%PDF")


async def test_documents_are_closed_to_others_and_every_read_is_audited(http, seeded, settings):
    await _caseworker(http)
    case_id = await _case(http, 8505)
    doc = await _start(http, case_id)
    kollega = await _client(http, "kollega")
    revisor = await _client(http, "revisor")
    try:
        for method_, url in (
            ("GET", f"/api/ics/{doc['id']}"),
            ("GET", f"/api/ics/{doc['id']}/pdf"),
            ("GET", f"/api/cases/{case_id}/ics"),
            ("GET", f"/api/ics/series/{doc['series_id']}/diff"),
            ("POST", f"/api/ics/{doc['id']}/new-version"),
            ("POST", f"/api/ics/{doc['id']}/submit"),
        ):
            r = await kollega.request(method_, url, json={"rev": doc["rev"]})
            assert r.status_code == 404, (url, r.status_code)
        saving = await kollega.put(
            f"/api/ics/{doc['id']}/draft", json={"rev": doc["rev"], "content": doc["content"]}
        )
        assert saving.status_code == 404
        unknown = await http.get("/api/ics/00000000-0000-0000-0000-000000000000")
        assert unknown.status_code == 404
        assert (
            unknown.json()["detail"]
            == (await kollega.get(f"/api/ics/{doc['id']}")).json()["detail"]
        )
        # Read-only users read (kommune-wide), but cannot write.
        assert (await revisor.get(f"/api/ics/{doc['id']}")).status_code == 200
        r = await revisor.put(
            f"/api/ics/{doc['id']}/draft", json={"rev": doc["rev"], "content": doc["content"]}
        )
        assert r.status_code == 403
    finally:
        await kollega.aclose()
        await revisor.aclose()
    from tests.backend.test_outbox import _drain

    await _drain(settings)
    async with tenant_transaction(DB, A) as scope:
        readers = {
            r["actor"]
            for r in await scope.connection.fetch(
                "SELECT actor FROM audit_event WHERE action = 'case.read' AND subject = $1 "
                "AND detail->>'view' = 'ics.document' AND detail->>'document' = $2",
                case_id,
                doc["id"],
            )
        }
    # The caseworker's read is the one in _start; the colleague's refused reads are not.
    assert readers == {username("sagsbehandler", A), username("revisor", A)}


async def test_the_method_is_data(http, seeded):
    await _caseworker(http)
    m = (await http.get("/api/ics/method")).json()
    assert [s["label"] for s in m["method"]["sides"]] == [
        "Barnets udvikling",
        "Forældrekompetencer",
        "Familie og netværk",
    ]
    assert [len(s["dimensions"]) for s in m["method"]["sides"]] == [4, 3, 3]
    assert {s["key"] for s in m["method"]["sources"]} >= {"barnet", "mor", "far", "skole", "andet"}
    assert [k["key"] for k in m["kinds"]] == ["undersoegelse", "plan", "opfoelgning"]
    assert (await http.get("/api/ics/method?id=ics-1999")).status_code == 404


async def _approved_plan(http: httpx.AsyncClient, case_id: str, indsats_id: str) -> dict[str, Any]:
    """Investigation submitted, plan written, submitted by the caseworker, approved by a
    manager. Returns the approval's answer."""
    doc = await _start(http, case_id)
    saved = await http.put(
        f"/api/ics/{doc['id']}/draft",
        json={"rev": doc["rev"], "content": _complete(doc["content"], ["Ro i hjemmet"])},
    )
    await http.post(f"/api/ics/{doc['id']}/submit", json={"rev": saved.json()["rev"]})
    r = await http.post(f"/api/ics/{doc['id']}/plan")
    assert r.status_code == 201, r.text
    plan = (await http.get(f"/api/ics/{r.json()['document']['id']}")).json()
    c = plan["content"]
    for g in c["goals"]:
        g["goal"] = "Ro om sengetid"
        g["measurable"] = "Sover før kl. 21 fem dage om ugen"
        g["measures"] = [{"text": "Familiebehandling", "indsats_id": indsats_id}]
        g["responsible"] = "Sagsbehandleren"
    c["child_view"] = "Barnet vil gerne."
    c["parents_view"] = "Forældrene er enige."
    rev = await _save(http, plan, c)
    rev = (await http.post(f"/api/ics/{plan['id']}/submit", json={"rev": rev})).json()["document"][
        "rev"
    ]
    boss = await _client(http, "leder")
    try:
        ok = await boss.post(f"/api/ics/{plan['id']}/approve", json={"rev": rev})
        assert ok.status_code == 200, ok.text
        body: dict[str, Any] = ok.json()
        return body
    finally:
        await boss.aclose()


async def test_after_an_approved_plan_the_step_is_the_authors_and_no_new_plan_deadline(
    http, seeded
):
    """Issue 12 item 8: the step "Barnets plan udarbejdet" is credited to the caseworker who
    wrote and submitted the plan, not the approving manager; a later decision on the case
    does not ask again to "Tag stilling til barnets plan"."""
    me = (await _caseworker(http))["username"]
    case_id = await _case(http, 8599)
    indsats_id = await _measure(http, case_id, today_dk() - timedelta(days=40))
    approved = await _approved_plan(http, case_id, indsats_id)
    assert approved["completed"] == ["Tag stilling til barnets plan, og udarbejd den i givet fald"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    (step,) = [s for s in case["steps"] if s["kind"] == "plan"]
    assert step["created_by"] == me
    assert step["happened_on"] == today_dk().isoformat()  # the day it was submitted
    plan_activity = next(a for a in case["activities"] if a["rule_id"] == "barnets-plan-32")
    assert plan_activity["completed_by"] == me

    made = await http.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Kontaktperson bevilges også.",
            "measure": "kontaktperson",
            "starts_on": today_dk().isoformat(),
            "exceptions": {"boernesamtale": "Holdt for nylig", "partshoering": "Medhold"},
        },
    )
    assert made.status_code == 201, made.text
    assert "barnets-plan-32" not in {a["rule_id"] for a in made.json()["activities"]}
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert [a["status"] for a in case["activities"] if a["rule_id"] == "barnets-plan-32"] == [
        "done"
    ]
    assert any(
        t.startswith("Barnets plan foreligger allerede") for t in await _journal(http, case_id)
    )
