"""Danmarks Statistik in the browser (issue 18 item 1): the administrator opens
Administration › Statistik, runs "Kontrollér", sends the delivery (a DKFDS confirm dialog),
the worker sends it to the development receiver, and the history shows it received with a
record rejected by DST (a child placed twice at once), whose row leads to its case. axe on
the screen and the dialog; screenshots at 1366×768 and 768×1024, no sideways scrolling."""

from __future__ import annotations

import random
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from backend.demo import synthetic_cpr
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in

OUT = Path(__file__).resolve().parents[2] / "test-results" / "statistik"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_administrator_checks_and_sends_and_follows_a_rejection(
    page: Any, as_user: AsUser
) -> None:
    c = await as_user("0101", "sagsbehandler")
    today = today_dk()
    rng = random.Random(uuid.uuid4().int)
    family = "Dalsgaard" + uuid.uuid4().hex[:4]
    r = await c.post(
        "/api/children",
        json={
            "cpr": synthetic_cpr(rng, today - timedelta(days=9 * 365 + 40)),
            "first_name": "Ellen",
            "last_name": family,
        },
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["hovedsag_id"]
    for measure, days in (("plejefamilie", 90), ("doegninstitution", 20)):
        made = await c.post(
            f"/api/cases/{case_id}/afgoerelser",
            json={
                "paragraph": "46",
                "outcome": "bevilget",
                "decided_on": (today - timedelta(days)).isoformat(),
                "summary": "Anbringelse bevilges.",
                "measure": measure,
                "starts_on": (today - timedelta(days)).isoformat(),
                "exceptions": {"boernesamtale": "Holdt", "partshoering": "Samtykke"},
            },
        )
        assert made.status_code == 201, made.text
    case_number = (await c.get(f"/api/cases/{case_id}")).json()["case_number"]
    # A measure recorded as starting before the child was born: named by Kontrollér, not sent.
    r = await c.post(
        "/api/children",
        json={
            "cpr": synthetic_cpr(rng, today - timedelta(days=400)),
            "first_name": "Frode",
            "last_name": family,
        },
    )
    assert r.status_code == 201, r.text
    wrong_id = r.json()["hovedsag_id"]
    made = await c.post(
        f"/api/cases/{wrong_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": (today - timedelta(days=700)).isoformat(),
            "summary": "Familiebehandling bevilges.",
            "measure": "familiebehandling",
            "starts_on": (today - timedelta(days=700)).isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Medhold"},
        },
    )
    assert made.status_code == 201, made.text
    wrong_number = (await c.get(f"/api/cases/{wrong_id}")).json()["case_number"]

    await log_in(page, "København", username("admin", "0101"))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Administration")
        .click()
    )
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Statistik")
        .click()
    )
    section = page.get_by_role("region", name="Danmarks Statistik")
    await expect(section.get_by_text(re.compile(r"Indberetning for \d\. kvartal"))).to_be_visible()

    await section.get_by_role("button", name="Kontrollér").click()
    result = section.get_by_role("region", name="Kontrol af indberetningen")
    await expect(result.get_by_text(re.compile(r"\d+ nye? post"))).to_be_visible()
    issue = result.get_by_role("table", name="Poster der ikke kan sendes").get_by_role("row")
    issue = issue.filter(has_text=f"Sag {wrong_number}")
    await expect(issue).to_contain_text("før barnets fødselsdato")
    await expect(issue).to_contain_text("F.D., 1 år")
    await check_axe(page, "administration: statistik, kontrol")
    await _shots(page, "administration-statistik-kontrol")

    await section.get_by_role("button", name="Send til Danmarks Statistik").click()
    dialog = page.get_by_role("dialog", name="Send til Danmarks Statistik?")
    await expect(dialog).to_be_visible()
    await check_axe(page, "administration: statistik, send")
    await dialog.get_by_role("button", name="Send til Danmarks Statistik").click()
    await expect(dialog).to_be_hidden()

    done = section.get_by_role("status").filter(has_text="Indberetningen er modtaget")
    await expect(done).to_be_visible(timeout=30_000)
    history = section.get_by_role("table", name="Indberetninger")
    await expect(history.get_by_role("row").nth(1)).to_contain_text("nogle poster afvist")
    rejected = section.get_by_role("table", name=re.compile("Afvist af Danmarks Statistik"))
    row = rejected.get_by_role("row").filter(has_text=f"Sag {case_number}")
    await expect(row).to_contain_text("Barnet er allerede registreret anbragt i perioden")
    await expect(row).to_contain_text("E.D.")
    await check_axe(page, "administration: statistik, afvist")
    await _shots(page, "administration-statistik")

    # The XML as it was sent, under a Danish file name.
    async with page.expect_download() as got:
        await history.get_by_role("row").nth(1).get_by_role("link", name="Hent XML").click()
    download = await got.value
    assert re.fullmatch(r"dst-levering-0101-\d{4}-\d{2}-\d{2}\.xml", download.suggested_filename)
    assert b"<Indberetning" in Path(await download.path()).read_bytes()
    # Send automatically every night: on, then off again (the kommune's other tests).
    auto = section.get_by_role("checkbox", name="Send automatisk hver nat")
    await expect(auto).not_to_be_checked()
    await auto.check()
    await expect(section.get_by_text(re.compile("Sidst ændret"))).to_be_visible()
    await expect(auto).to_be_checked()
    await _shots(page, "administration-statistik-automatisk")
    await auto.uncheck()
    await expect(auto).not_to_be_checked()

    await row.get_by_role("link", name=re.compile(f"Sag {case_number}")).click()
    await expect(page).to_have_url(re.compile(f"/sager/{case_id}$"))
