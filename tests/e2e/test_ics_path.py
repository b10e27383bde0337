"""Issue 5's path in the browser: a caseworker writes the børnefaglig undersøgelse on the
ICS form (the 4-month deadline in view, autosave, submit naming every missing part), makes
barnets plan from it (the unmet needs arrive as goals) and submits; the manager finds both
under "Til godkendelse" and approves; the caseworker starts a new version from the approved
text, compares the versions and downloads the PDF. Then: a stale save shown side by side
(keep mine / take theirs), and the four-eyes rule and a return to draft. axe on every
screen."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, timedelta

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect

from backend.core.workdays import add_months, next_working_day
from backend.ics.method import method
from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out
from tests.ics.test_ics import _complete

KOMMUNE = "Testby"
CASEWORKER = username("sagsbehandler", "0202")
MANAGER = username("leder", "0202")
DIMENSIONS = [(d.key, d.label) for side in method().sides for d in side.dimensions]


async def _register_child(page, seed: int, first: str, last: str) -> str:
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(seed))
    await page.get_by_label("Fornavn").fill(first)
    await page.get_by_label("Efternavn").fill(last)
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name=f"{first} {last}")).to_be_visible()
    # The ICS documents have their own place on the case page: its address is returned.
    tabs = page.get_by_role("navigation", name="Sagen")
    await tabs.get_by_role("link", name="Undersøgelse og plan").click()
    await expect(page).to_have_url(re.compile(r"/sager/[0-9a-f-]{36}/undersoegelse$"))
    return str(page.url)


async def _start_investigation(page, aware: date) -> None:
    """From the case page: start the investigation and its ICS document in one go."""
    ics = page.get_by_role("region", name="Undersøgelse og plan (ICS)")
    await expect(ics.get_by_text("Der er ikke skrevet nogen undersøgelse")).to_be_visible()
    await ics.get_by_role("button", name="Påbegynd ny børnefaglig undersøgelse efter ICS").click()
    form = page.get_by_role("form", name="Påbegynd ny børnefaglig undersøgelse efter ICS")
    await form.get_by_label("Kommunen kendte til barnets forhold fra").fill(aware.isoformat())
    await check_axe(page, "påbegynd undersøgelse efter ICS")
    await form.get_by_role("button", name="Påbegynd og skriv undersøgelsen").click()


async def _saved(page) -> None:
    """Autosave has stored what was typed."""
    bar = page.get_by_role("region", name="Frist, gemning og indsendelse")
    await expect(bar.get_by_text("Ændringer gemmes automatisk om lidt")).to_have_count(0)
    await expect(bar.get_by_role("status")).to_contain_text("Gemt kl.")


async def test_investigation_plan_approval_new_version_and_pdf(page):
    today = date.today()
    aware = today - timedelta(days=30)
    due = next_working_day(add_months(aware, 4))
    await log_in(page, KOMMUNE, CASEWORKER)
    case_url = await _register_child(page, 6101, "Ines", "Icsen")
    await _start_investigation(page, aware)

    # The investigation form, generated from the method, with its deadline in view.
    await expect(
        page.get_by_role("heading", level=1, name="Børnefaglig undersøgelse – Ines Icsen")
    ).to_be_visible()
    await expect(page.get_by_text("Den børnefaglige undersøgelse er startet")).to_be_visible()
    bar = page.get_by_role("region", name="Frist, gemning og indsendelse")
    await expect(bar).to_contain_text(f"frist {due.strftime('%d.%m.%Y')}")
    await expect(bar).to_contain_text(f"{(due - today).days} dage tilbage")
    for side in ("Barnets udvikling", "Forældrekompetencer", "Familie og netværk"):
        await expect(page.get_by_role("heading", level=2, name=side)).to_be_visible()
    for _, label in DIMENSIONS:
        await expect(page.get_by_role("region", name=label, exact=True)).to_be_visible()
    health = page.get_by_role("region", name="Sundhedsforhold", exact=True)
    sources = (
        await health.get_by_label("Kilde til observation 1").locator("option").all_inner_texts()
    )
    assert sources == ["Vælg kilde", *[s.label for s in method().sources]]
    await check_axe(page, "børnefaglig undersøgelse, kladde")

    # Typing saves by itself; a statement without a source is not enough to submit.
    await health.get_by_label("Observation 1", exact=True).fill("Hyppigt fravær pga. sygdom")
    await expect(health.get_by_label("Observation 2", exact=True)).to_be_visible()
    await _saved(page)
    await bar.get_by_role("button", name="Indsend til godkendelse").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("kan ikke indsendes endnu")
    await expect(summary).to_contain_text(
        "Sundhedsforhold › Observationer 1: angiv hvem oplysningen kommer fra (kilde)"
    )
    await expect(summary).to_contain_text(
        "Barnets udvikling › Udvikling og adfærd: skriv mindst én observation"
    )
    await expect(summary).to_contain_text("Konklusion: skal udfyldes")
    source = health.get_by_label("Kilde til observation 1")
    await expect(source).to_have_attribute("aria-invalid", "true")
    await check_axe(page, "undersøgelse med manglende dele")
    await summary.get_by_role("link", name=re.compile("Sundhedsforhold › Observationer 1")).click()
    await expect(source).to_be_focused()
    await source.select_option(label="Skole")
    await expect(summary).not_to_contain_text("Sundhedsforhold › Observationer 1")

    # Every dimension, the views, analysis, conclusion and two unmet needs.
    for _key, label in DIMENSIONS[1:]:
        dim = page.get_by_role("region", name=label, exact=True)
        await dim.get_by_label("Observation 1", exact=True).fill(f"Observation om {label}")
        await dim.get_by_label("Kilde til observation 1").select_option(label="Mor")
    await page.get_by_label("Barnets egne synspunkter (børnesamtalen)").fill(
        "Ines vil gerne have ro om morgenen."
    )
    await page.get_by_label("Forældrenes synspunkter").fill("Mor ønsker hjælp.")
    await page.get_by_label("Analyse", exact=True).fill("Ines trives i skolen, men ikke hjemme.")
    await page.get_by_label("Konklusion", exact=True).fill("Ines har behov for støtte.")
    await page.get_by_label("Udækket behov 1", exact=True).fill("Stabilt fremmøde i skolen")
    await page.get_by_label("Udækket behov 2", exact=True).fill("Ro om morgenen")
    await _saved(page)
    await bar.get_by_role("button", name="Indsend til godkendelse").click()
    outcome = page.get_by_role("status").filter(has_text="er indsendt til godkendelse")
    await expect(outcome).to_contain_text("Børnefaglig undersøgelse, version 1")
    await expect(page.get_by_text("indsendt til godkendelse og kan ikke ændres")).to_be_visible()
    await expect(page.get_by_text("Hyppigt fravær pga. sygdom (Kilde: Skole)")).to_be_visible()
    await check_axe(page, "undersøgelse indsendt")

    # Barnets plan from the investigation: the unmet needs arrive as proposed goals.
    await page.get_by_role("button", name="Lav barnets plan ud fra undersøgelsen").click()
    await expect(
        page.get_by_role("heading", level=1, name="Barnets plan – Ines Icsen")
    ).to_be_visible()
    await expect(
        page.get_by_text("udækkede behov er ført over som forslag til mål")
    ).to_be_visible()
    goal1 = page.get_by_role("region", name="Mål 1", exact=True)
    goal2 = page.get_by_role("region", name="Mål 2", exact=True)
    await expect(goal1).to_contain_text(
        "Udækket behov fra undersøgelsen: Stabilt fremmøde i skolen"
    )
    await expect(goal2).to_contain_text("Udækket behov fra undersøgelsen: Ro om morgenen")
    await check_axe(page, "barnets plan, kladde")
    for goal, what in ((goal1, "Ines møder i skole hver dag"), (goal2, "Rolige morgener")):
        await goal.get_by_label("Mål", exact=True).fill(what)
        await goal.get_by_label("Sådan ved vi, at målet er nået").fill("Fremmøde over 95 %")
        await goal.get_by_label("Indsats 1", exact=True).fill("Familiebehandling")
        await goal.get_by_label("Ansvarlig").fill("Sagsbehandler og familiebehandler")
    await page.get_by_label("Barnets synspunkter").fill("Ines er enig i målene.")
    await page.get_by_label("Forældrenes synspunkter").fill("Mor er enig.")
    await _saved(page)
    await page.get_by_role("button", name="Indsend til godkendelse").click()
    await expect(
        page.get_by_role("status").filter(has_text="Barnets plan, version 1 er indsendt")
    ).to_be_visible()
    await log_out(page)

    # The manager finds both under "Til godkendelse" and approves them.
    await log_in(page, KOMMUNE, MANAGER)
    waiting = page.get_by_role("region", name="Til godkendelse", exact=True)
    rows = waiting.get_by_role("row").filter(has_text="Ines Icsen")
    await expect(rows).to_have_count(2)
    await expect(rows.filter(has_text="Børnefaglig undersøgelse, version 1")).to_contain_text(
        due.strftime("%d.%m.%Y")
    )
    await check_axe(page, "forside for leder med dokumenter til godkendelse")
    for title in ("Børnefaglig undersøgelse, version 1", "Barnets plan, version 1"):
        await rows.get_by_role("link", name=title).click()
        await expect(page.get_by_role("heading", level=2, name="Handlinger")).to_be_visible()
        await check_axe(page, f"{title} til godkendelse")
        await page.get_by_label("Bemærkning til godkendelsen (valgfri)").fill("Godkendt.")
        await page.get_by_role("button", name="Godkend version 1").click()
        approved = page.get_by_role("status").filter(has_text="er godkendt og låst")
        await expect(approved).to_contain_text(title)
        if title.startswith("Børnefaglig"):  # the 4-month deadline is met by the approval
            await expect(approved).to_contain_text("Udført: Afslut den børnefaglige undersøgelse")
        await expect(page.get_by_text("Versionen er godkendt og låst")).to_be_visible()
        await (
            page.get_by_role("navigation", name="Hovedmenu")
            .get_by_role("link", name="Forside")
            .click()
        )
        # The list fetches again: the approved document leaves it before the next click
        # (a click on the stale list's link could land on a row being replaced).
        await expect(rows.filter(has_text=title)).to_have_count(0)
    await expect(rows).to_have_count(0)
    await log_out(page)

    # The caseworker starts a new version from the approved text.
    await log_in(page, KOMMUNE, CASEWORKER)
    await page.goto(case_url)
    ics = page.get_by_role("region", name="Undersøgelse og plan (ICS)")
    await expect(ics.get_by_role("listitem").filter(has_text="Barnets plan")).to_contain_text(
        "Godkendt"
    )
    await ics.get_by_role("link", name="Barnets plan, version 1").click()
    await expect(page.get_by_role("button", name="Ny version")).to_be_visible()
    await check_axe(page, "godkendt plan")
    await page.get_by_role("button", name="Ny version").click()
    await expect(page.get_by_text("Version 2 er oprettet som kopi af version 1")).to_be_visible()
    goal1 = page.get_by_role("region", name="Mål 1", exact=True)
    await expect(goal1.get_by_label("Mål", exact=True)).to_have_value("Ines møder i skole hver dag")
    await goal1.get_by_label("Mål", exact=True).fill("Ines møder i skole hver dag til tiden")
    await _saved(page)

    # Compare version 1 and 2: the changed goal is marked in words, not colour alone.
    versions = page.get_by_role("region", name="Versioner")
    await expect(versions.get_by_role("link", name="Læs version 1")).to_be_visible()
    await versions.get_by_label("Fra version").select_option("1")
    await versions.get_by_label("Til version").select_option("2")
    await versions.get_by_role("button", name="Sammenlign").click()
    await expect(
        page.get_by_role("heading", level=1, name=re.compile("Sammenlign versioner"))
    ).to_be_visible()
    await expect(page.get_by_text("1 felt er ændret fra version 1 til 2")).to_be_visible()
    changed = page.get_by_role("row").filter(has_text="Ændret")
    await expect(changed).to_have_count(1)
    await expect(changed.locator("th")).to_contain_text("Mål 1")
    await expect(changed.locator("del")).to_contain_text(
        "Fjernet: Mål: Ines møder i skole hver dag"
    )
    await expect(changed.locator("ins")).to_contain_text(
        "Tilføjet: Mål: Ines møder i skole hver dag til tiden"
    )
    await check_axe(page, "sammenligning af versioner")

    # The PDF of the version.
    await page.get_by_role("link", name="Til version 2").click()
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Hent PDF").click()
    download = await info.value
    assert download.suggested_filename.startswith("barnets-plan-version-2-")
    assert download.suggested_filename.endswith(".pdf")


async def _api(page, method_: str, url: str, body: object | None = None):  # type: ignore[no-untyped-def]
    session = await (await page.request.get("/api/session")).json()
    r = await page.request.fetch(
        url,
        method=method_,
        headers={"X-CSRF-Token": session["csrf_token"], "Content-Type": "application/json"},
        data=json.dumps(body) if body is not None else None,
    )
    assert r.ok, await r.text()
    return await r.json()


async def test_stale_save_side_by_side_then_four_eyes_and_return(page):
    await log_in(page, KOMMUNE, CASEWORKER)
    await _register_child(page, 6102, "Konrad", "Konfliktsen")
    await _start_investigation(page, date.today() - timedelta(days=5))
    await expect(
        page.get_by_role("heading", level=1, name=re.compile("Børnefaglig undersøgelse"))
    ).to_be_visible()

    # The same draft open twice: the second save on an old revision is refused, not merged.
    other = await page.context.new_page()
    await other.goto(page.url)
    await expect(other.get_by_label("Analyse", exact=True)).to_be_visible()
    await page.get_by_label("Analyse", exact=True).fill("Tekst fra første faneblad")
    await _saved(page)
    await other.get_by_label("Analyse", exact=True).fill("Tekst fra andet faneblad")
    conflict = other.locator("section.ics-conflict")
    await expect(conflict).to_be_focused()
    await expect(conflict).to_contain_text("Dokumentet er gemt af en anden, mens du skrev")
    row = conflict.get_by_role("row").filter(has_text="Analyse")
    await expect(row.locator("td").nth(0)).to_contain_text("Tekst fra andet faneblad")
    await expect(row.locator("td").nth(1)).to_contain_text("Tekst fra første faneblad")
    # Named, not by username (issue 12 item 17).
    await expect(conflict.get_by_role("columnheader").nth(2)).to_contain_text(
        "Gemt af Sara Sagsbehandler"
    )
    await expect(other.get_by_role("status").filter(has_text="Ikke gemt")).to_be_visible()
    await check_axe(other, "gemt af en anden (409)")
    await conflict.get_by_role("button", name="Behold min tekst").click()
    await expect(conflict).to_have_count(0)
    await _saved(other)

    # The first tab is now behind: it takes the stored text instead.
    await page.get_by_label("Analyse", exact=True).fill("Tekst fra første faneblad, igen")
    conflict = page.locator("section.ics-conflict")
    await expect(conflict).to_contain_text("Tekst fra andet faneblad")
    await conflict.get_by_role("button", name="Brug den gemte tekst").click()
    await expect(page.get_by_label("Analyse", exact=True)).to_have_value("Tekst fra andet faneblad")
    await expect(conflict).to_have_count(0)
    await other.close()

    # Without a connection the text stays on screen and is saved when it is back.
    bar = page.get_by_role("region", name="Frist, gemning og indsendelse")
    await page.context.set_offline(True)
    await page.get_by_label("Konklusion", exact=True).fill("Skrevet uden forbindelse")
    await expect(bar.get_by_role("status")).to_have_text("Ikke gemt – prøver igen")
    await check_axe(page, "ikke gemt, prøver igen")
    await page.context.set_offline(False)
    # "Prøv nu" saves at once; the backed-off automatic retry may get there first and
    # remove the button, which is just as good.
    with contextlib.suppress(PlaywrightError):
        await bar.get_by_role("button", name="Prøv nu").click(timeout=3_000)
    await _saved(page)

    # Leaving with unsaved text asks first (the page's beforeunload handler says so).
    leave = (
        "() => { const e = new Event('beforeunload', {cancelable: true}); "
        "window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    await page.get_by_label("Konklusion", exact=True).fill("Ikke gemt endnu")
    assert await page.evaluate(leave) is True
    # Once autosave has stored it, leaving no longer asks. (The status may still show the
    # last save's "Gemt kl." for a moment after typing, so wait on the handler itself.)
    await page.wait_for_function(f"() => !({leave})()")
    await _saved(page)
    await log_out(page)

    # A manager who submits a version cannot approve it (four eyes), but can return it.
    await log_in(page, KOMMUNE, MANAGER)
    await _register_child(page, 6103, "Frede", "Fireøjne")
    await _start_investigation(page, date.today() - timedelta(days=5))
    await expect(
        page.get_by_role("heading", level=1, name=re.compile("Børnefaglig undersøgelse"))
    ).to_be_visible()
    doc_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    doc = await _api(page, "GET", f"/api/ics/{doc_id}")
    await _api(
        page,
        "PUT",
        f"/api/ics/{doc_id}/draft",
        {"rev": doc["rev"], "content": _complete(doc["content"], ["Ro i hjemmet"])},
    )
    await page.reload()
    await expect(page.get_by_label("Udækket behov 1", exact=True)).to_have_value("Ro i hjemmet")
    await page.get_by_role("button", name="Indsend til godkendelse").click()
    await expect(page.get_by_role("status").filter(has_text="er indsendt")).to_be_visible()
    four_eyes = page.get_by_role("note").filter(has_text="Du har selv indsendt denne version")
    await expect(four_eyes).to_contain_text("en anden leder godkender den")
    await expect(page.get_by_role("button", name=re.compile("^Godkend"))).to_have_count(0)
    await check_axe(page, "egen indsendelse (fire øjne)")

    await (
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Forside").click()
    )
    waiting = page.get_by_role("region", name="Til godkendelse", exact=True)
    own = waiting.get_by_role("row").filter(has_text="Frede Fireøjne")
    await expect(own).to_contain_text("Indsendt af dig – en anden leder skal godkende")
    await own.get_by_role("link", name="Børnefaglig undersøgelse, version 1").click()

    await page.get_by_role("button", name="Send tilbage til kladde").click()
    back = page.get_by_role("form", name="Send tilbage til kladde")
    await back.get_by_role("button", name="Send tilbage").click()
    await expect(back.get_by_text("Skriv hvorfor versionen sendes tilbage").first).to_be_visible()
    await check_axe(page, "send tilbage uden begrundelse")
    await back.get_by_label("Begrundelse").fill("Analysen skal uddybes.")
    await back.get_by_role("button", name="Send tilbage").click()
    await expect(
        page.get_by_role("status").filter(has_text="sendt tilbage til kladde")
    ).to_be_visible()
    returned = page.get_by_role("note").filter(has_text="Sendt tilbage til kladde")
    await expect(returned).to_contain_text("Begrundelse: Analysen skal uddybes.")
    await expect(page.get_by_label("Analyse", exact=True)).to_be_editable()
    await check_axe(page, "sendt tilbage til kladde")


async def test_follow_up_per_goal_schedules_the_next_and_a_new_plan_version(page):
    """The § 95 follow-up on an approved plan, written in the browser (setup through the API)."""
    await log_in(page, KOMMUNE, CASEWORKER)
    case_url = await _register_child(page, 6104, "Otto", "Opfølgsen")
    case_id = case_url.split("/sager/")[1].split("/")[0]
    start = date.today() - timedelta(days=40)
    made = await _api(
        page,
        "POST",
        f"/api/cases/{case_id}/afgoerelser",
        {
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": (start - timedelta(days=1)).isoformat(),
            "summary": "Kontaktperson bevilges.",
            "measure": "kontaktperson",
            "starts_on": start.isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Medhold"},
        },
    )
    indsats_id = made["indsats_id"]
    created = await _api(
        page,
        "POST",
        f"/api/cases/{case_id}/ics/undersoegelser",
        {"aware_since": (date.today() - timedelta(days=60)).isoformat()},
    )
    inv = await _api(page, "GET", f"/api/ics/{created['document']['id']}")
    saved = await _api(
        page,
        "PUT",
        f"/api/ics/{inv['id']}/draft",
        {"rev": inv["rev"], "content": _complete(inv["content"], ["Fremmøde", "Venner"])},
    )
    await _api(page, "POST", f"/api/ics/{inv['id']}/submit", {"rev": saved["rev"]})
    plan_id = (await _api(page, "POST", f"/api/ics/{inv['id']}/plan"))["document"]["id"]
    plan = await _api(page, "GET", f"/api/ics/{plan_id}")
    content = plan["content"]
    for i, g in enumerate(content["goals"]):
        g.update(
            goal=f"Delmål {i + 1}",
            measurable="Det kan ses i skolen",
            measures=[{"text": "To timer om ugen", "indsats_id": indsats_id}],
            responsible="Kontaktpersonen",
        )
    content.update(child_view="Enig.", parents_view="Enige.")
    saved = await _api(
        page, "PUT", f"/api/ics/{plan_id}/draft", {"rev": plan["rev"], "content": content}
    )
    await _api(page, "POST", f"/api/ics/{plan_id}/submit", {"rev": saved["rev"]})
    await log_out(page)
    await log_in(page, KOMMUNE, MANAGER)
    plan = await _api(page, "GET", f"/api/ics/{plan_id}")
    await _api(page, "POST", f"/api/ics/{plan_id}/approve", {"rev": plan["rev"]})
    await log_out(page)

    await log_in(page, KOMMUNE, CASEWORKER)
    await page.goto(f"/ics/{plan_id}")
    await expect(page.get_by_text("Delmål 1").first).to_be_visible()
    await page.get_by_role("button", name="Start opfølgning på planen").click()
    await expect(
        page.get_by_role("heading", level=1, name="Opfølgning – Otto Opfølgsen")
    ).to_be_visible()
    await expect(page.get_by_label("Indsats", exact=True)).to_have_value(indsats_id)
    await expect(page.get_by_label("Dato for opfølgningen")).to_have_value(date.today().isoformat())
    bar = page.get_by_role("region", name="Frist, gemning og indsendelse")
    await expect(bar).to_contain_text("Første opfølgning på indsatsen")
    await check_axe(page, "opfølgning, kladde")
    await bar.get_by_role("button", name="Indsend til godkendelse").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("Mål 1 (Delmål 1): vælg om målet er opfyldt")
    await expect(summary).to_contain_text("Næste opfølgning: mangler")
    await check_axe(page, "opfølgning med manglende dele")

    goal1 = page.get_by_role("region", name="Mål 1: Delmål 1")
    goal2 = page.get_by_role("region", name="Mål 2: Delmål 2")
    await goal1.get_by_role("radio", name="Opfyldt", exact=True).check()
    await goal1.get_by_label("Hvad viser det?").fill("Fremmøde 97 %")
    await goal2.get_by_role("radio", name="Delvist opfyldt").check()
    await goal2.get_by_label("Hvad viser det?").fill("Én ny ven")
    next_due = date.today() + timedelta(days=90)
    await page.get_by_label("Næste opfølgning", exact=True).fill(next_due.isoformat())
    await page.get_by_label("Begrundelse for tidspunktet").fill("Stabil udvikling")
    await page.get_by_label("Start en ny version af barnets plan").check()
    await _saved(page)
    await bar.get_by_role("button", name="Indsend til godkendelse").click()
    await expect(
        page.get_by_role("status").filter(has_text="Opfølgning, version 1 er indsendt")
    ).to_be_visible()
    await expect(page.get_by_text("Fremmøde 97 %")).to_be_visible()
    fu_url = page.url
    await log_out(page)

    await log_in(page, KOMMUNE, MANAGER)
    await page.goto(fu_url)
    await page.get_by_role("button", name="Godkend version 1").click()
    approved = page.get_by_role("status").filter(has_text="er godkendt og låst")
    await expect(approved).to_contain_text("Udført: Første opfølgning på indsatsen")
    await expect(approved).to_contain_text("Ny aktivitet: Opfølgning på indsatsen")
    await expect(approved).to_contain_text("Barnets plan, version 2 er startet som kopi")
    await check_axe(page, "opfølgning godkendt")
