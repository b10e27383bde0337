"""The report to Ankestyrelsen after a placement (issue 18 item 2), in the browser: the
caseworker opens the placement's activity "Indberet anbringelsen til Ankestyrelsen" on the
case → the dialog shows what the case already says → sending without the child's experience
is refused at the field → filled in and sent, it says so with Ankestyrelsen's receipt → the
journal names the report → the placement ends (hjemgivelse) → its end report (skema 2) is a new
activity: the dialog shows when it ended, refuses a send without the cause at the field, and
sends once with "Hjemgivelse" → under Forløb, "Registrér afgørelse efter § 139" opens its dialog
→ the administrator sees both reports sent, each with its kind, under Administration ›
Ankestyrelsen. axe on the dialogs and the overview; screenshots at 1366×768 and 768×1024, no
sideways scrolling."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in, log_out

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "ankestyrelsen"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_caseworker_reports_a_placement_and_it_is_journalised(
    page, as_user: AsUser
) -> None:
    c = await as_user(B, "sagsbehandler")
    made = await factories.child(c, first_name="Asta", last_name="Ankersen")
    decided = today_dk() - timedelta(days=2)
    r = await c.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": decided.isoformat(),
            "summary": "Anbringelse med samtykke i plejefamilie.",
            "measure": "plejefamilie",
            "starts_on": today_dk().isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text

    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.goto(f"/sager/{made.case_id}")
    opener = page.get_by_role("button", name="Indberet: Indberet anbringelsen til Ankestyrelsen")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Indberetning til Ankestyrelsen")
    await expect(dialog).to_be_visible()
    facts = dialog.locator(".anke-facts")
    await expect(facts).to_contain_text("Asta Ankersen")
    await expect(facts).to_contain_text("§ 46 (anbringelse med samtykke)")
    await expect(facts).to_contain_text(f"truffet {decided:%d.%m.%Y}")
    await expect(facts).to_contain_text("Anbringelse i plejefamilie")
    await check_axe(page, "indberetning til ankestyrelsen")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()

    await opener.click()
    await (
        dialog.get_by_role("group", name="Årsager til anbringelsen")
        .get_by_label("Omsorgssvigt")
        .check()
    )
    informed = dialog.get_by_role("group", name="Er barnet orienteret om indberetningen?")
    await informed.get_by_label("Ja").check()
    await dialog.get_by_role("button", name="Send til Ankestyrelsen").click()
    await expect(dialog.locator("#anke-experience-error")).to_have_text(
        "Fejl: Skriv barnets egen oplevelse af situationen – den skal indgå i indberetningen"
    )
    await check_axe(page, "indberetning med fejl")
    await dialog.get_by_label("Barnets egen oplevelse af situationen").fill(
        "Asta siger, at hun er tryg hos plejefamilien og glæder sig til at se sin mor."
    )
    await _shots(page, "indberetning-dialog")
    await dialog.get_by_role("button", name="Send til Ankestyrelsen").click()
    await expect(dialog.get_by_text("Indberetningen er sendt til Ankestyrelsen")).to_be_visible()
    await expect(dialog).to_contain_text("Kvittering: AST-")
    await expect(dialog.locator(".anke-sent")).to_be_focused()
    await dialog.get_by_role("button", name="Luk", exact=True).first.click()
    await expect(dialog).to_have_count(0)
    await expect(opener).to_have_count(0)

    await page.goto(f"/sager/{made.case_id}/journal")
    entry = page.get_by_text(
        "Indberetning til Ankestyrelsen sendt: anbringelse i plejefamilie efter § 46"
    ).first
    await expect(entry).to_be_visible()

    # The placement ends: its end is reported too (skema 2), from a new activity.
    case = (await c.get(f"/api/cases/{made.case_id}")).json()
    measure = case["indsatser"][0]
    r = await c.post(
        f"/api/indsatser/{measure['id']}/ophoer",
        json={"version": measure["version"], "ends_on": today_dk().isoformat(), "reason": "Hjem"},
    )
    assert r.status_code == 200, r.text
    await page.goto(f"/sager/{made.case_id}")
    ended = page.get_by_role(
        "button", name="Indberet: Indberet anbringelsens ophør til Ankestyrelsen"
    )
    await ended.click()
    await expect(dialog).to_be_visible()
    await expect(dialog.locator(".anke-facts")).to_contain_text("Ophør af anbringelse (skema 2)")
    await expect(dialog.locator(".anke-facts")).to_contain_text(f"Ophørt{today_dk():%d.%m.%Y}")
    await dialog.get_by_role("button", name="Send til Ankestyrelsen").click()
    await expect(dialog.locator("#anke-cause-error")).to_have_text(
        "Fejl: Vælg hvorfor anbringelsen ophørte"
    )
    await check_axe(page, "indberetning af ophør med fejl")
    await (
        dialog.get_by_role("group", name="Hvorfor ophørte anbringelsen?")
        .get_by_label("Hjemgivelse")
        .check()
    )
    await _shots(page, "indberetning-ophoer")
    await dialog.get_by_role("button", name="Send til Ankestyrelsen").click()
    await expect(dialog.get_by_text("Indberetningen er sendt til Ankestyrelsen")).to_be_visible()
    await expect(dialog).to_contain_text("Årsag: Hjemgivelse.")
    await dialog.get_by_role("button", name="Luk", exact=True).first.click()
    await expect(ended).to_have_count(0)

    # § 139: the dialog that records such a decision (its report is tested in the API).
    await page.goto(f"/sager/{made.case_id}/forloeb")
    await page.get_by_role("button", name="Registrér afgørelse efter § 139").click()
    record = page.get_by_role("dialog", name="Afgørelse efter § 139")
    await expect(record).to_be_visible()
    await record.get_by_role("button", name="Registrér afgørelsen").click()
    await expect(record.locator("#indgreb-police-error")).to_have_text(
        "Fejl: Svar på, om politiet ydede bistand"
    )
    await check_axe(page, "afgørelse efter § 139")
    await _shots(page, "indgreb-139")
    await record.get_by_role("button", name="Fortryd").click()
    await expect(record).to_have_count(0)

    # The kommune's administrator sees it sent, with the case's number and the caseworker.
    await log_out(page)
    await log_in(page, "Testby", username("admin", B))
    await page.goto("/administration/ankestyrelsen")
    await expect(
        page.get_by_role("heading", name="Indberetninger til Ankestyrelsen", level=2)
    ).to_be_visible()
    rows = page.locator("tr", has_text="A.A.")
    await expect(rows.filter(has_text="Anbringelse (skema 1)")).to_contain_text("kvittering AST-")
    await expect(rows.filter(has_text="Ophør af anbringelse (skema 2)")).to_contain_text(
        "kvittering AST-"
    )
    await check_axe(page, "administration ankestyrelsen")
    await _shots(page, "administration-ankestyrelsen")
