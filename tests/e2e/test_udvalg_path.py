"""Placement without consent (issue 17 item 2) in the browser: "Træf afgørelse" at § 47
leads to the indstilling to børne- og ungeudvalget (errors at the fields first); the parents
and the 13-year-old child are offered counsel; the committee's decision is refused while
barnets plan is missing (409 in Danish, nothing written); with the plan and the other steps
recorded, the committee's decision is recorded and the placement starts. axe on each dialog;
screenshots at 1366×768 and 768×1024, no sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "udvalg"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_indstilling_counsel_plan_and_the_committees_decision(page, as_user: AsUser):
    c = await as_user(B, "sagsbehandler")
    made = await factories.child(c, years=13, first_name="Ulla", last_name="Udvalgsen")
    meeting = today_dk() + timedelta(days=14)
    mother = await c.post(
        f"/api/children/{made.child_id}/network",
        json={"relation": "mor", "name": "Mona Udvalgsen", "email": "mona@example.dk"},
    )
    assert mother.status_code == 201, mother.text

    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.goto(f"/sager/{made.case_id}/forloeb")

    # 1. "Træf afgørelse" at § 47 leads to the indstilling.
    await page.get_by_role("button", name="Træf afgørelse").click()
    await page.get_by_label("§ 47 (anbringelse uden samtykke)").check()
    await expect(page.get_by_text("Børne- og ungeudvalget træffer afgørelsen")).to_be_visible()
    await expect(page.get_by_role("button", name="Gem afgørelsen")).to_have_count(0)
    opener = page.get_by_role("button", name="Skriv indstilling til børne- og ungeudvalget")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Skriv indstilling til børne- og ungeudvalget")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Gem indstillingen").click()
    await expect(dialog.locator("#ud-reasons-error")).to_have_text(
        "Fejl: Skriv indstillingens begrundelse"
    )
    await check_axe(page, "indstilling med fejl")
    await dialog.get_by_label("Anbringelse, der indstilles til").select_option(
        label="Anbringelse i plejefamilie"
    )
    await dialog.get_by_label("Begrundelse for indstillingen").fill(
        "Åbenbar risiko for alvorlig skade; forældrene samtykker ikke."
    )
    await dialog.get_by_label("Udvalgets møde").fill(meeting.isoformat())
    await _shots(page, "indstilling")
    await dialog.get_by_role("button", name="Gem indstillingen").click()
    await expect(dialog).to_have_count(0)
    await expect(
        page.get_by_text("Indstillingen til børne- og ungeudvalget er skrevet")
    ).to_be_visible()

    section = page.locator(".process-part").filter(
        has=page.get_by_role("heading", name="Børne- og ungeudvalget")
    )
    item = section.get_by_role("listitem").filter(
        has_text="Indstilling: Anbringelse i plejefamilie"
    )
    await expect(item).to_contain_text("Venter på udvalgets møde")
    await expect(item).to_contain_text("Barnet: ikke tilbudt endnu")
    await expect(
        page.get_by_text(
            "Tilbyd gratis advokatbistand og aktindsigt før udvalgets møde", exact=True
        )
    ).to_be_visible()

    # 2. Counsel offered to the parents (accepted) and to the child (declined).
    for party, answer in (("Forældremyndighedsindehaverne", "Ja"), ("Barnet", "Nej")):
        await item.get_by_role("button", name="Registrér tilbud").click()
        dialog = page.get_by_role("dialog", name="Registrér tilbud om advokatbistand og aktindsigt")
        await dialog.get_by_label(party).check()
        await dialog.get_by_label(answer, exact=True).check()
        if answer == "Ja":
            await dialog.get_by_label("Advokatens navn (valgfrit)").fill("Advokat Karen Holm")
            await check_axe(page, "tilbud om advokatbistand")
            await _shots(page, "tilbud")
        await dialog.get_by_role("button", name="Gem tilbuddet").click()
        await expect(dialog).to_have_count(0)
    await expect(item).to_contain_text("taget imod (advokat: Advokat Karen Holm)")
    await expect(item).to_contain_text("Barnet: tilbudt")
    # The meeting can move (its deadlines with it): the dialog, Escape, focus back.
    opener = item.get_by_role("button", name="Flyt mødet")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Flyt udvalgets møde")
    await expect(dialog.get_by_label("Ny mødedato")).to_have_value(meeting.isoformat())
    await check_axe(page, "flyt udvalgets møde")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()

    # 3. The committee's decision without barnets plan: refused, named, nothing written.
    await item.get_by_role("button", name="Registrér udvalgets afgørelse").click()
    dialog = page.get_by_role("dialog", name="Registrér udvalgets afgørelse")
    await expect(dialog.get_by_role("note")).to_contain_text("Udarbejd barnets plan")
    await dialog.get_by_label("Anbringelse uden samtykke").check()
    await dialog.get_by_label("Begrundelse").fill("Udvalget følger indstillingen.")
    await dialog.get_by_role("button", name="Gem afgørelsen").click()
    refused = dialog.get_by_role("alert").filter(has_text="Afgørelsen blev ikke registreret")
    await expect(refused).to_contain_text(
        "Udvalgets afgørelse kan ikke registreres, før dette er gjort: Udarbejd barnets plan"
    )
    await check_axe(page, "udvalgets afgørelse uden plan")
    await _shots(page, "udvalgets-afgoerelse-uden-plan")
    await expect(dialog).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)

    # 4. The plan approved and the steps held (recorded through the API), then the decision.
    for kind in ("boernesamtale", "partshoering", "plan"):
        r = await c.post(
            f"/api/cases/{made.case_id}/steps",
            json={"kind": kind, "happened_on": today_dk().isoformat(), "note": ""},
        )
        assert r.status_code == 201, r.text
    await page.reload()
    item = section.get_by_role("listitem").filter(
        has_text="Indstilling: Anbringelse i plejefamilie"
    )
    await item.get_by_role("button", name="Registrér udvalgets afgørelse").click()
    dialog = page.get_by_role("dialog", name="Registrér udvalgets afgørelse")
    await expect(dialog.get_by_role("note")).to_have_count(0)
    await dialog.get_by_label("Anbringelse uden samtykke").check()
    await dialog.get_by_label("Udvalgets møde").fill(today_dk().isoformat())
    await dialog.get_by_label("Begrundelse").fill(
        "Betingelserne i § 47, stk. 1, nr. 1, er opfyldt."
    )
    await expect(dialog.get_by_label("Inden 1 år (hovedreglen)")).to_be_checked()
    await check_axe(page, "udvalgets afgørelse")
    await _shots(page, "udvalgets-afgoerelse")
    await dialog.get_by_role("button", name="Gem afgørelsen").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text("Udvalgets afgørelse er registreret")).to_be_visible()
    await expect(item).to_contain_text("Afgjort af udvalget")
    await expect(item).to_contain_text("ny behandling i udvalget inden 1 år")
    await expect(
        page.get_by_text(
            "Send udvalgets afgørelse med klagevejledning (klage direkte til Ankestyrelsen)"
        )
    ).to_be_visible()
    await expect(page.get_by_text("Tilsynsbesøg hos det anbragte barn")).to_be_visible()
    await check_axe(page, "forløb efter udvalgets afgørelse")
    await _shots(page, "forloeb-udvalg")

    # 5. "Udfør" on the letter activity opens the letter writer with the committee's
    # template; sending the letter completes the activity.
    await page.get_by_role("link", name=re.compile("^Udfør: skriv brevet")).first.click()
    await expect(page.get_by_role("heading", name="Skriv brev")).to_be_visible()
    await expect(
        page.get_by_role("radio", name=re.compile("^Afgørelse fra børne- og ungeudvalget"))
    ).to_be_checked()
    await page.get_by_role("checkbox", name=re.compile("Mona Udvalgsen")).check()
    await page.get_by_role("button", name="Skriv brevet").click()
    editor = page.get_by_role("textbox", name="Brevets tekst")
    await expect(editor).to_contain_text("Børne- og ungeudvalget i Testby Kommune har på sit møde")
    await expect(editor).to_contain_text("behandler kommunen ikke afgørelsen igen")
    await check_axe(page, "udvalgets afgørelsesbrev")
    await _shots(page, "udvalgets-brev")
    await page.get_by_role("button", name="Send brevet").click()
    await page.get_by_role("dialog").get_by_role("button", name="Send brevet").click()
    await expect(page.get_by_text("Brevet er sendt")).to_be_visible(timeout=20_000)
    await expect(page.get_by_text("Afgørelsen er sendt med klagevejledning")).to_be_visible()
    await page.goto(f"/sager/{made.case_id}/forloeb")
    await expect(page.get_by_text("Tilsynsbesøg hos det anbragte barn")).to_be_visible()
    await expect(
        page.get_by_text(
            "Send udvalgets afgørelse med klagevejledning (klage direkte til Ankestyrelsen)"
        )
    ).to_have_count(0)
