"""The front of the process (issue 17 item 1), in the browser: a notification with
suspected abuse → "Tag stilling til børnefaglig undersøgelse (§ 20)" (refused empty, then
"Ja" starts the investigation) → the conversation with the child → on Forløb a preliminary
assessment plans "Afslut den børnefaglige undersøgelse"; and on another child "Start
afdækning" → "Registrér afdækning" concluded with a børnefaglig undersøgelse. axe on the
screens and dialogs; screenshots at 1366×768 and 768×1024, no sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from backend.core.workdays import next_working_day
from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "front"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_abuse_to_investigation_and_an_afdaekning(page, as_user: AsUser):
    c = await as_user(B, "sagsbehandler")
    abused = await factories.child(c, first_name="Asta", last_name="Overgaard")
    supported = await factories.child(c, first_name="Carl", last_name="Genvurdersen")
    clarify = await factories.child(c, first_name="Bo", last_name="Afdækningsen")
    today = today_dk()

    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.goto(f"/sager/{abused.case_id}")
    await page.get_by_role("button", name="Registrér underretning").click()
    dialog = page.get_by_role("dialog", name="Registrér underretning, henvendelse eller ansøgning")
    await dialog.get_by_role("radio", name="Fagperson").check()
    await dialog.get_by_label("Kilde").select_option(label="Skole")
    await dialog.get_by_label("Hvad handler underretningen om").fill("Asta har blå mærker.")
    await dialog.get_by_label("Mistanke om overgreb").check()
    await dialog.get_by_role("button", name="Registrér underretning").click()
    await expect(dialog).to_have_count(0)
    due = page.get_by_role("list", name="Det skal gøres")
    decision_title = "Tag stilling til børnefaglig undersøgelse (§ 20)"
    await expect(due.get_by_text(decision_title)).to_be_visible()
    await expect(due.get_by_text("Hold samtale med barnet (mistanke om overgreb)")).to_be_visible()
    await check_axe(page, "overblik med mistanke om overgreb")
    await _shots(page, "overblik-overgreb")

    # The § 20 decision: refused empty at the fields, then "Ja" starts the investigation.
    opener = due.get_by_role("button", name=f"Tag stilling: {decision_title}")
    await opener.click()
    decide = page.get_by_role("dialog", name="Stillingtagen til børnefaglig undersøgelse")
    await expect(decide).to_be_visible()
    await decide.get_by_role("button", name="Gem og markér som udført").click()
    await expect(decide.get_by_text("Fejl: Begrund beslutningen")).to_be_visible()
    await check_axe(page, "stillingtagen med fejl")
    question = "Skal der gennemføres en børnefaglig undersøgelse (§ 20)?"
    await decide.get_by_role("group", name=question).get_by_label("Ja").check()
    await decide.get_by_label("Begrundelse").fill("Mistanke om vold fra en forælder.")
    await _shots(page, "stillingtagen-dialog")
    await decide.get_by_role("button", name="Gem og markér som udført").click()
    await expect(decide).to_have_count(0)
    await expect(
        due.get_by_text("Afslut den børnefaglige undersøgelse (ellers en foreløbig vurdering)")
    ).to_be_visible()
    await expect(due.get_by_text(decision_title)).to_have_count(0)

    # The conversation with the child, held alone.
    await due.get_by_role(
        "button", name=re.compile(r"^Registrér samtale: Hold samtale med barnet")
    ).click()
    talk = page.get_by_role("dialog", name="Samtale med barnet ved mistanke om overgreb")
    await talk.get_by_role("group", name="Er samtalen med barnet holdt?").get_by_label("Ja").check()
    await expect(talk.get_by_label("Dato for samtalen")).to_have_value(today.isoformat())
    await (
        talk.get_by_role("group", name="Blev samtalen holdt uden forældremyndighedsindehaveren?")
        .get_by_label("Ja")
        .check()
    )
    await talk.get_by_label("Hvad fortalte barnet?").fill("Asta fortalte om slag.")
    await check_axe(page, "samtale med barnet")
    await talk.get_by_role("button", name="Gem og markér som udført").click()
    await expect(talk).to_have_count(0)

    # Forløb: the preliminary assessment (§ 20, stk. 3) plans the end of the investigation.
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Forløb").click()
    await page.get_by_role("button", name="Foreløbig vurdering", exact=True).click()
    form = page.get_by_role("form", name="Foreløbig vurdering (§ 20, stk. 3)")
    await form.get_by_role("button", name="Gem foreløbig vurdering").click()
    await expect(form.get_by_text("Fejl: Skriv den foreløbige vurdering")).to_be_visible()
    expected = today + timedelta(days=30)
    await form.get_by_label("Foreløbig vurdering").fill("Lægens udtalelse mangler endnu.")
    await form.get_by_label("Undersøgelsen forventes afsluttet").fill(expected.isoformat())
    await check_axe(page, "foreløbig vurdering")
    await _shots(page, "foreloebig-vurdering")
    await form.get_by_role("button", name="Gem foreløbig vurdering").click()
    await expect(page.get_by_text("Den foreløbige vurdering er registreret")).to_be_visible()
    planned = (
        page.get_by_role("list", name="Åbne aktiviteter")
        .locator("li")
        .filter(has_text="Afslut den børnefaglige undersøgelse")
    )
    await expect(planned).to_contain_text(f"{next_working_day(expected):%d.%m.%Y}")
    await expect(page.get_by_role("button", name="Foreløbig vurdering", exact=True)).to_have_count(
        0
    )

    # Another child: an afdækning concluded with a børnefaglig undersøgelse.
    await page.goto(f"/sager/{clarify.case_id}")
    start = page.get_by_role("button", name="Start afdækning")
    await start.click()
    begin = page.get_by_role("dialog", name="Start afdækning")
    await expect(begin).to_be_visible()
    await check_axe(page, "start afdækning")
    await page.keyboard.press("Escape")
    await expect(begin).to_have_count(0)
    await expect(start).to_be_focused()
    await start.click()
    await begin.get_by_label("Hvad skal afdækkes? (valgfri)").fill("Fravær fra skolen.")
    await begin.get_by_role("button", name="Start afdækning").click()
    await expect(begin).to_have_count(0)
    await expect(page.get_by_text("Afdækningen er startet")).to_be_visible()
    await expect(page.get_by_role("button", name="Start afdækning")).to_have_count(0)
    await due.get_by_role(
        "button", name=re.compile(r"^Registrér afdækning: Afslut afdækningen")
    ).click()
    record = page.get_by_role("dialog", name="Afdækning afsluttet")
    await record.get_by_label("Hvad er afdækket?").fill("Talt med skolen og mor.")
    await record.get_by_label("Konklusion").fill("Fraværet skyldes mistrivsel derhjemme.")
    await (
        record.get_by_role("group", name="Hvad sker der nu?")
        .get_by_label("Børnefaglig undersøgelse (§ 20)")
        .check()
    )
    aware = record.get_by_label("Hvornår blev kommunen opmærksom på barnets forhold?")
    await aware.fill((today - timedelta(days=7)).isoformat())
    await check_axe(page, "registrér afdækning")
    await _shots(page, "afdaekning-dialog")
    await record.get_by_role("button", name="Gem og markér som udført").click()
    await expect(record).to_have_count(0)
    await expect(
        due.get_by_text("Afslut den børnefaglige undersøgelse (ellers en foreløbig vurdering)")
    ).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Forløb").click()
    timeline = page.get_by_role("list", name="Enkeltsager")
    await expect(timeline.locator("li").filter(has_text="Afdækning")).to_contain_text(
        "Børnefaglig undersøgelse (§ 20)"
    )
    await expect(
        timeline.locator("li.process-open").filter(has_text="Børnefaglig undersøgelse")
    ).to_have_count(1)
    await check_axe(page, "forløb efter afdækning")
    await _shots(page, "forloeb-efter-afdaekning")

    # A notification on a child with a running § 32 measure: the § 137 re-assessment, by
    # someone who has not taken part in the case (the case's own caseworker is refused).
    starts = today - timedelta(days=30)
    r = await c.post(
        f"/api/cases/{supported.case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": starts.isoformat(),
            "summary": "Kontaktperson bevilges.",
            "measure": "kontaktperson",
            "starts_on": starts.isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text
    await factories.underretning(c, supported.case_id, notifier_kind="privat", source="nabo")
    await page.goto(f"/sager/{supported.case_id}/forloeb")  # no deadline: listed on Forløb
    await (
        page.get_by_role("list", name="Åbne aktiviteter")
        .get_by_role("button", name=re.compile(r"^Registrér genvurdering: "))
        .click()
    )
    again = page.get_by_role("dialog", name="Genvurdering af sagen")
    who = again.get_by_label("Hvem har foretaget genvurderingen?")
    sara = await who.locator("option", has_text="Sara Sagsbehandler").first.inner_text()
    await who.select_option(label=sara)
    await again.get_by_label("Konklusion").fill("Indsatsen fortsætter.")
    await again.get_by_role("button", name="Gem og markér som udført").click()
    await expect(again.get_by_text("har deltaget i behandlingen af sagen").first).to_be_visible()
    await check_axe(page, "genvurdering med fejl")
    await _shots(page, "genvurdering-dialog")
    karl = await who.locator("option", has_text="Karl Kollega").first.inner_text()
    await who.select_option(label=karl)
    await again.get_by_role("button", name="Gem og markér som udført").click()
    await expect(again).to_have_count(0)
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Journal").click()
    await expect(
        page.get_by_text("Hvem har foretaget genvurderingen? Karl Kollega")
    ).to_be_visible()
