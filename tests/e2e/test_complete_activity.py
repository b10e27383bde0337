"""Completing an activity records what was done (issue 16 item 2): the 24-hour assessment's
form in a dialog from the front page's worklist (axe, focus, Escape, errors next to the
fields, a field that appears with its answer), and the receipt's form from the case page's
Forløb."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.async_api import expect

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.records import ASSESSMENT, RECEIPT, fill_assessment, fill_receipt, record_dialog
from tests.e2e.test_offline import CODE, KOMMUNE, api_as, child_with_case, journal_titles
from tests.factories import completion_record

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "complete"


async def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"))
        sideways = await page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth"
        )
        assert not sideways, f"{name} {w}x{h} scrolls sideways"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_assessment_is_written_in_a_dialog_from_the_worklist(page, app):
    child = await child_with_case(app, 9201, "Vera", "Vurderingsen")
    assessment = next(a for a in child["activities"] if a["rule_id"] == "vurdering-24-timer")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    # The child's rows among the caseworker's many (other tests add to the same list).
    await page.get_by_label("Barn", exact=True).select_option(child["case_id"])
    row = page.get_by_role("row").filter(has_text=child["name"]).filter(has_text="Vurdér inden")
    opener = row.get_by_role("button", name=f"Registrér vurdering: {assessment['title']}")
    await opener.click()
    dialog = record_dialog(page)
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text(f"{child['name']}: {assessment['title']}")
    # Focus in the first field; Escape closes and gives focus back to the button.
    await expect(dialog.get_by_role("radio").first).to_be_focused()
    await check_axe(page, "vurdering inden 24 timer")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()

    await opener.click()
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    danger = dialog.get_by_role("group", name="Er barnets sundhed eller udvikling i fare?")
    await expect(danger).to_contain_text(
        "Fejl: Svar på, om barnets sundhed eller udvikling er i fare"
    )
    await expect(dialog.locator(f"#record-{assessment['id']}-vurdering-error")).to_have_text(
        "Fejl: Skriv din vurdering"
    )
    await check_axe(page, "vurdering med fejl")
    # "Ja" to acute measures asks which; "Andet" as the next step asks what.
    await danger.get_by_label("Ja").check()
    acute = dialog.get_by_role("group", name="Er der behov for akutte foranstaltninger?")
    await expect(dialog.get_by_label("Hvilke akutte foranstaltninger?")).to_have_count(0)
    await acute.get_by_label("Ja").check()
    await dialog.get_by_label("Hvilke akutte foranstaltninger?").fill("Anbragt hos mormor i nat.")
    await dialog.get_by_label("Vurdering", exact=True).fill("Vera fortæller om vold i hjemmet.")
    await dialog.get_by_role("group", name="Næste skridt").get_by_label("Andet").check()
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(dialog.get_by_text("Fejl: Beskriv det næste skridt")).to_be_visible()
    await dialog.get_by_label("Hvilket andet skridt?").fill("Møde med skolen i morgen.")
    await _shots(page, "vurdering-dialog")
    await dialog.get_by_role("button", name="Gem og markér som udført").click()

    await expect(dialog).to_have_count(0)
    await expect(
        page.get_by_text(f"{assessment['title']} ({child['name']}) er markeret")
    ).to_be_visible()
    await expect(row).to_have_count(0)
    assert (await journal_titles(child["case_id"])).count(ASSESSMENT) == 1
    async with api_as(app) as c:
        case = (await c.get(f"/api/cases/{child['case_id']}")).json()
        done = next(a for a in case["activities"] if a["id"] == assessment["id"])
        assert done["status"] == "done"
        assert done["record"] == {
            "fare": True,
            "akut": True,
            "akutte_foranstaltninger": "Anbragt hos mormor i nat.",
            "vurdering": "Vera fortæller om vold i hjemmet.",
            "naeste_skridt": "andet",
            "naeste_skridt_andet": "Møde med skolen i morgen.",
        }


async def test_the_receipt_is_registered_from_the_case_page(page, app):
    child = await child_with_case(app, 9202, "Kaj", "Kvitteringsen")
    receipt = next(a for a in child["activities"] if a["rule_id"] == "kvittering-fagperson")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{child['case_id']}?barn={child['child_id']}")
    await expect(page.get_by_role("heading", level=1, name=child["name"])).to_be_visible()
    # All the case's open activities are on its Forløb place (Overblik shows those with a
    # deadline).
    places = page.get_by_role("navigation", name="Sagen")
    await places.get_by_role("link", name="Forløb").click()
    activities = page.get_by_role("list", name="Åbne aktiviteter")
    await activities.get_by_role("button", name=f"Registrér kvittering: {receipt['title']}").click()
    dialog = record_dialog(page, RECEIPT)
    await expect(dialog.get_by_label("Dato for kvitteringen")).not_to_have_value("")
    await fill_receipt(dialog)
    await check_axe(page, "kvittering")
    await _shots(page, "kvittering-sagen")
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text(f"{receipt['title']} er markeret som udført")).to_be_visible()
    await expect(activities.get_by_text(receipt["title"])).to_have_count(0)
    await places.get_by_role("link", name="Journal").click()
    journal = page.get_by_role("region", name="Indlæg")
    await expect(journal.get_by_text(RECEIPT, exact=True)).to_have_count(1)
    await expect(journal.get_by_text("Sendt med: Digital Post")).to_be_visible()


async def _completed_elsewhere(app, case_id: str, activity_id: str) -> None:  # type: ignore[no-untyped-def]
    """The same caseworker on another device completes the activity first."""
    async with api_as(app) as other:
        case = (await other.get(f"/api/cases/{case_id}")).json()
        a = next(x for x in case["activities"] if x["id"] == activity_id)
        r = await other.post(
            f"/api/activities/{activity_id}/complete",
            json={"version": a["version"], "record": completion_record(a["rule_id"])},
        )
        assert r.status_code == 200, r.text


async def test_a_conflict_in_the_dialog_offers_hent_igen_on_the_worklist(page, app):
    child = await child_with_case(app, 9203, "Kornelius", "Konfliktsen")
    assessment = next(a for a in child["activities"] if a["rule_id"] == "vurdering-24-timer")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    # The child's rows among the caseworker's many (other tests add to the same list).
    await page.get_by_label("Barn", exact=True).select_option(child["case_id"])
    row = page.get_by_role("row").filter(has_text=child["name"]).filter(has_text="Vurdér inden")
    await row.get_by_role("button", name=f"Registrér vurdering: {assessment['title']}").click()
    dialog = record_dialog(page)
    await fill_assessment(dialog)
    await _completed_elsewhere(app, child["case_id"], assessment["id"])

    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    alert = dialog.get_by_role("alert").filter(has_text="Aktiviteten er ændret af en anden")
    await expect(alert).to_contain_text("efter du hentede siden. Nu: status: udført; frist: ")
    await check_axe(page, "vurdering ændret af en anden")
    await _shots(page, "vurdering-konflikt")
    await alert.get_by_role("button", name="Hent igen").click()
    await expect(dialog).to_have_count(0)
    status = page.locator(".worklist-status")
    await expect(status).to_contain_text("Listen er hentet igen")
    await expect(status).to_be_focused()
    await expect(row).to_have_count(0)
    # Written once: by the other device, not a second time from the dialog.
    assert (await journal_titles(child["case_id"])).count(ASSESSMENT) == 1


async def test_a_conflict_in_the_dialog_offers_hent_igen_on_the_case_page(page, app):
    child = await child_with_case(app, 9204, "Klara", "Konfliktsen")
    assessment = next(a for a in child["activities"] if a["rule_id"] == "vurdering-24-timer")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{child['case_id']}?barn={child['child_id']}")
    due = page.get_by_role("list", name="Det skal gøres")
    opener = due.get_by_role("button", name=f"Registrér vurdering: {assessment['title']}")
    await opener.click()
    dialog = record_dialog(page)
    await fill_assessment(dialog)
    await _completed_elsewhere(app, child["case_id"], assessment["id"])

    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    alert = dialog.get_by_role("alert").filter(has_text="Aktiviteten er ændret af en anden")
    await expect(alert.get_by_role("button", name="Hent igen")).to_be_visible()
    await alert.get_by_role("button", name="Hent igen").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text("Sagen er hentet igen")).to_be_visible()
    await expect(opener).to_have_count(0)
    assert (await journal_titles(child["case_id"])).count(ASSESSMENT) == 1


async def test_udfoer_on_a_step_activity_opens_the_step_form_with_its_kind_chosen(page, app):
    child = await child_with_case(app, 9205, "Sigurd", "Skridtsen")
    async with api_as(app) as c:
        r = await c.post(f"/api/cases/{child['case_id']}/visitation", json={"paragraph": "32"})
        assert r.status_code == 201, r.text
        made = {a["rule_id"]: a for a in r.json()["activities"]}
    assert made["boernesamtale"]["step_kind"] == "boernesamtale"
    assert made["partshoering"]["step_kind"] == "partshoering"
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))

    # On the case page's Forløb: the form opens with "Børnesamtale holdt" chosen and focused.
    await page.goto(f"/sager/{child['case_id']}?barn={child['child_id']}")
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Forløb").click()
    activities = page.get_by_role("list", name="Åbne aktiviteter")
    samtale = made["boernesamtale"]["title"]
    await activities.get_by_role("button", name=f"Udfør: {samtale}").click()
    step = page.get_by_role("form", name="Registrér gennemført skridt")
    chosen = step.get_by_role("radio", name="Børnesamtale holdt")
    await expect(chosen).to_be_checked()
    await expect(chosen).to_be_focused()
    await check_axe(page, "registrér skridt valgt fra aktiviteten")
    await _shots(page, "skridt-forvalgt")
    # The other activity's "Udfør" chooses its own kind in the open form.
    hoering = made["partshoering"]["title"]
    await activities.get_by_role("button", name=f"Udfør: {hoering}").click()
    await expect(step.get_by_role("radio", name="Partshøring gennemført")).to_be_checked()
    await expect(chosen).not_to_be_checked()
    # Saving it as chosen completes the activity it came from.
    await step.get_by_role("button", name="Gem skridt").click()
    await expect(page.get_by_text(f"Udført: {hoering}")).to_be_visible()

    # From elsewhere (a link to the case's Forløb), the same: the kind travels in the address.
    await page.goto(f"/sager/{child['case_id']}/forloeb?udfoer=skridt&skridt=boernesamtale")
    step = page.get_by_role("form", name="Registrér gennemført skridt")
    await expect(step.get_by_role("radio", name="Børnesamtale holdt")).to_be_checked()
    # An unknown kind in the address chooses nothing.
    await page.goto(f"/sager/{child['case_id']}/forloeb?udfoer=skridt&skridt=findes-ikke")
    step = page.get_by_role("form", name="Registrér gennemført skridt")
    await expect(step.get_by_role("radio", checked=True)).to_have_count(0)


async def test_a_conflict_on_a_one_click_udfoert_offers_hent_igen_on_the_case_page(page, app):
    child = await child_with_case(app, 9206, "Otto", "Ettklik")
    # An activity without a rule (as a transferred case may bring): "Udført" in one click.
    async with tenant_transaction(DB, CODE) as scope:
        activity_id = await scope.connection.fetchval(
            "INSERT INTO activity (hovedsag_id, rule_id, title, owner_id, due_at) "
            "SELECT h.id, NULL, 'Ring til skolen', h.caseworker_id, now() + interval '2 days' "
            "FROM hovedsag h WHERE h.id = $1 RETURNING id",
            uuid.UUID(child["case_id"]),
        )
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{child['case_id']}?barn={child['child_id']}")
    due = page.get_by_role("list", name="Det skal gøres")
    done = due.get_by_role("button", name="Markér Ring til skolen som udført")
    await expect(done).to_be_visible()
    await _completed_elsewhere(app, child["case_id"], str(activity_id))

    await done.click()
    alert = due.get_by_role("alert").filter(has_text="Aktiviteten er ændret af")
    await expect(alert).to_contain_text("Nu: status: udført")
    await check_axe(page, "udført ændret af en anden")
    await alert.get_by_role("button", name="Hent igen").click()
    await expect(page.get_by_text("Sagen er hentet igen")).to_be_visible()
    await expect(done).to_have_count(0)
