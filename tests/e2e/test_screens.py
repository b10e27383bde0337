"""Issue 12 items 11-15 in the browser: every case screen has its own address and shows
the same after a reload; a closed case offers nothing new; the intake form shows only the
fields of its kind; a reassigned case shows its new team; messages go when their cause
does. axe on every screen; screenshots at 1366x768 and 768x1024 in test-results/."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import Any

import httpx
from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import logged_in, username
from tests.e2e.conftest import ROOT, check_axe, log_in

KOMMUNE = "København"
CODE = "0101"
SIZES = ((1366, 768), (768, 1024))


@asynccontextmanager
async def _api(app: Any, role: str = "sagsbehandler"):  # type: ignore[no-untyped-def]
    async with await logged_in(app, CODE, role) as c:
        yield c


async def _child(c: httpx.AsyncClient, seed: int, first: str, last: str) -> dict[str, str]:
    r = await c.post(
        "/api/children",
        json={"cpr": new_cpr(seed), "first_name": first, "last_name": last, "address": "Vej 7"},
    )
    assert r.status_code == 201, r.text
    return {"cpr": new_cpr(seed), **r.json()}


async def shots(page: Any, name: str) -> None:
    out = ROOT / "test-results" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
    await page.set_viewport_size({"width": 1366, "height": 768})


def _fact(page: Any, name: str) -> Any:
    facts = page.locator("dl.case-facts > div")
    return facts.filter(has=page.locator("dt", has_text=name)).locator("dd")


async def _same_case_after_reload(page: Any, name: str) -> None:
    url = page.url
    await page.reload()
    assert page.url == url
    await expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    await expect(_fact(page, "Født")).to_be_visible()
    await expect(_fact(page, "Adresse")).to_have_text("Vej 7")


async def test_each_case_screen_has_its_address_and_survives_a_reload(page, app):
    async with _api(app) as c:
        known = await _child(c, 1201, "Rune", "Genkendt")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))

    # Registering a child the kommune already knows leads to its case, at the case's address.
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(known["cpr"])
    await page.get_by_label("Fornavn").fill("Rune")
    await page.get_by_label("Efternavn").fill("Genkendt")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_text("Barnet findes allerede")).to_be_visible()
    assert page.url.endswith(f"/sager/{known['hovedsag_id']}?barn={known['child_id']}"), page.url
    await expect(_fact(page, "Født")).to_be_visible()
    await _same_case_after_reload(page, "Rune Genkendt")

    # The case's address alone (as a transfer's "Åbn sagen" links it) shows the same page.
    await page.goto(f"/sager/{known['hovedsag_id']}")
    await expect(page.get_by_role("heading", level=1, name="Rune Genkendt")).to_be_visible()
    await expect(_fact(page, "Født")).to_be_visible()
    await expect(_fact(page, "Adresse")).to_have_text("Vej 7")
    tabs = page.get_by_role("navigation", name="Sagen")
    await expect(tabs.get_by_role("link", name="Overblik")).to_have_attribute(
        "aria-current", "page"
    )
    await check_axe(page, "sagen uden ?barn=")
    await shots(page, "sag-uden-barn")
    await _same_case_after_reload(page, "Rune Genkendt")

    # Back and forward go through the same addresses.
    await page.go_back()
    assert re.search(r"/sager/[0-9a-f-]{36}\?barn=", page.url), page.url
    await expect(page.get_by_role("heading", level=1, name="Rune Genkendt")).to_be_visible()


async def test_a_closed_case_offers_no_new_intake_investigation_or_person(page, app):
    async with _api(app) as c:
        open_ = await _child(c, 1202, "Otto", "Åbensen")
        closed = await _child(c, 1203, "Lukas", "Lukkesen")
        case = (await c.get(f"/api/cases/{closed['hovedsag_id']}")).json()
        r = await c.post(
            f"/api/cases/{closed['hovedsag_id']}/close",
            json={"version": case["version"], "reason": "Familien klarer sig selv"},
        )
        assert r.status_code == 200, r.text
    actions = ("Registrér underretning", "Start børnefaglig undersøgelse", "Tilføj person")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{open_['hovedsag_id']}?barn={open_['child_id']}")
    await expect(page.get_by_role("heading", level=1, name="Otto Åbensen")).to_be_visible()
    for name in actions[:2]:
        await expect(page.get_by_role("button", name=name)).to_have_count(1)
    await page.goto(f"/sager/{open_['hovedsag_id']}/netvaerk")
    await expect(page.get_by_role("button", name=actions[2])).to_have_count(1)

    await page.goto(f"/sager/{closed['hovedsag_id']}?barn={closed['child_id']}")
    await expect(page.get_by_role("heading", level=1, name="Lukas Lukkesen")).to_be_visible()
    await expect(_fact(page, "Lukket")).to_be_visible()
    await expect(page.get_by_role("heading", name="Det skal gøres")).to_be_visible()
    for name in actions[:2]:
        await expect(page.get_by_role("button", name=name)).to_have_count(0)
    await check_axe(page, "lukket sag")
    await shots(page, "lukket-sag")
    await page.goto(f"/sager/{closed['hovedsag_id']}/forloeb")
    await expect(page.get_by_role("note").filter(has_text="Sagen er lukket")).to_be_visible()
    await page.goto(f"/sager/{closed['hovedsag_id']}/journal")
    await expect(page.get_by_role("heading", name=re.compile("^Sagen er lukket"))).to_be_visible()
    await page.goto(f"/sager/{closed['hovedsag_id']}/netvaerk")
    await expect(page.get_by_role("heading", level=2, name="Netværk")).to_be_visible()
    for name in (actions[2], "Hent forældre fra CPR"):
        await expect(page.get_by_role("button", name=name)).to_have_count(0)


async def test_the_intake_form_shows_only_the_fields_of_its_kind(page, app):
    async with _api(app) as c:
        child = await _child(c, 1204, "Asta", "Ansøgersen")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{child['hovedsag_id']}?barn={child['child_id']}")
    await page.get_by_role("button", name="Registrér underretning").click()
    form = page.get_by_role("dialog", name="Registrér underretning, henvendelse eller ansøgning")
    await expect(form.get_by_label("Underretterens navn")).to_be_visible()
    await form.get_by_role("radio", name="Anonym").check()
    await form.get_by_label("Mistanke om overgreb").check()

    await form.get_by_role("radio", name="Ansøgning").check()
    await expect(form.get_by_label("Underretterens navn")).to_have_count(0)
    await expect(form.get_by_label("Ansøgerens navn")).to_be_visible()
    await expect(form.get_by_role("radio", name="Anonym")).to_have_count(0)
    await expect(form.get_by_label("Mistanke om overgreb")).to_have_count(0)
    await expect(form.get_by_label("Kilde").locator("option", has_text="Anonym")).to_have_count(0)
    await check_axe(page, "ansøgning")
    await shots(page, "ansoegning")

    await form.get_by_role("radio", name="Henvendelse").check()
    await expect(form.get_by_role("radio", name="Anonym")).to_be_visible()
    await expect(form.get_by_label("Mistanke om overgreb")).to_have_count(0)

    # An application from the mother: registered without the underretning's fields.
    await form.get_by_role("radio", name="Ansøgning").check()
    await form.get_by_role("radio", name="Privatperson").check()
    await form.get_by_label("Kilde").select_option(label="Familie")
    await form.get_by_label("Ansøgerens navn").fill("Mette Ansøgersen")
    await form.get_by_label("Hvad handler ansøgningen om").fill("Aflastning i weekender")
    await form.get_by_role("button", name="Registrér ansøgning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Ansøgningen er registreret")
    ).to_be_visible()


async def test_a_reassigned_case_shows_the_new_caseworkers_team(page, app):
    async with _api(app) as c:
        child = await _child(c, 1205, "Frede", "Fordelsen")
    await log_in(page, KOMMUNE, username("leder", CODE))
    await page.goto(f"/sager/{child['hovedsag_id']}?barn={child['child_id']}")
    await expect(_fact(page, "Team")).to_have_text("Familieteam Nord")
    opener = page.get_by_role("button", name="Fordel sagen")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Fordel sagen")
    picker = dialog.get_by_label("Ny sagsbehandler")
    await expect(picker.locator("option", has_text="Rikke Revisor")).to_have_count(0)
    await picker.select_option(label="Karl Kollega (Modtagelsen)")
    await dialog.get_by_role("button", name="Fordel sagen").click()
    await expect(dialog).to_have_count(0)
    await expect(
        page.get_by_text("Sagen er fordelt til Karl Kollega (Modtagelsen)", exact=True)
    ).to_be_visible()
    await expect(_fact(page, "Sagsbehandler")).to_have_text("Karl Kollega")
    await expect(_fact(page, "Team")).to_have_text("Modtagelsen")
    await check_axe(page, "sagen fordelt")
    await shots(page, "fordel-sagen")


async def test_the_cpr_error_goes_when_a_person_is_added(page, app):
    async with _api(app) as c:
        # An unborn child has no CPR number: "Hent forældre fra CPR" fails.
        r = await c.post(
            "/api/children",
            json={"mother_cpr": new_cpr(1206, years=29), "expected_date": _in_days(40)},
        )
        assert r.status_code == 201, r.text
        unborn = r.json()
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{unborn['hovedsag_id']}/netvaerk?barn={unborn['child_id']}")
    network = page.get_by_role("region", name="Netværk")
    await network.get_by_role("button", name="Hent forældre fra CPR").click()
    failed = network.get_by_text("Forældrene kunne ikke hentes fra CPR")
    await expect(failed).to_be_visible()
    await network.get_by_role("button", name="Tilføj person").click()
    await network.get_by_label("Relation").select_option(label="Skole")
    await network.get_by_label("Personens navn").fill("Sundhedsplejerske Sif")
    await network.get_by_role("button", name="Tilføj til netværket").click()
    await expect(network.get_by_text("Sundhedsplejerske Sif er tilføjet netværket")).to_be_visible()
    await expect(failed).to_have_count(0)
    # Adding the next person: the "tilføjet" message has had its moment too.
    await network.get_by_role("button", name="Tilføj person").click()
    await network.get_by_label("Personens navn").fill("L")
    await expect(network.get_by_text("Sundhedsplejerske Sif er tilføjet netværket")).to_have_count(
        0
    )
    await check_axe(page, "netværk efter tilføjet person")
    await shots(page, "netvaerk")


def _in_days(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=days)).isoformat()
