"""Appeals (issue 17 item 3) in the browser: on the case's Forløb the caseworker registers
the mother's complaint against the decision (errors at the fields first), upholds the
decision in the genvurdering (the reasons are required), sends the package to Ankestyrelsen
(the decision's PDF chosen by default), records Ankestyrelsen's answer "hjemvist", and finds
"Behandl sagen igen" on the worklist. axe on each dialog; screenshots at 1366×768 and
768×1024, no sideways scrolling."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from tests import factories
from tests.conftest import AsUser, username
from tests.documents.conftest import pdf_with, upload
from tests.e2e.conftest import check_axe, log_in

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "appeals"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_complaint_upheld_sent_and_sent_back(page, as_user: AsUser):
    c = await as_user(B, "sagsbehandler")
    made = await factories.child(c, first_name="Klara", last_name="Klagesen")
    await factories.network_member(c, made.child_id, relation="mor", name="Mette Klagesen")
    today = today_dk()
    r = await c.post(f"/api/cases/{made.case_id}/visitation", json={"paragraph": "32"})
    assert r.status_code == 201, r.text
    r = await c.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "afslag",
            "decided_on": today.isoformat(),
            "summary": "Behovet dækkes af almene tilbud.",
            "exceptions": {
                "boernesamtale": "Barnet ønsker ikke at tale med forvaltningen",
                "partshoering": "Oplysningerne kommer fra forældrene selv",
            },
        },
    )
    assert r.status_code == 201, r.text
    await upload(
        c,
        made.case_id,
        "afgoerelse.pdf",
        pdf_with("Afslag"),
        title="Afgørelse om afslag",
        kind="afgoerelse",
    )

    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.goto(f"/sager/{made.case_id}/forloeb")
    klager = page.locator(".process-part").filter(has=page.get_by_role("heading", name="Klager"))
    await expect(klager.get_by_text("Ingen klager over sagens afgørelser.")).to_be_visible()

    # 1. Register: the missing fields are named first.
    opener = page.get_by_role("button", name="Registrér klage")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Registrér klage")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Registrér klage").click()
    await expect(dialog.locator("#kl-complainant-error")).to_have_text("Fejl: Vælg hvem der klager")
    await expect(dialog.locator("#kl-about-error")).to_have_text(
        "Fejl: Skriv hvad klagen handler om"
    )
    await check_axe(page, "registrér klage med fejl")
    await dialog.get_by_label("Hvem klager").select_option(label="Mette Klagesen (mor)")
    await dialog.get_by_label("Hvad klagen handler om").fill("Mor ønsker familiebehandling.")
    await _shots(page, "registrer-klage")
    await dialog.get_by_role("button", name="Registrér klage").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text("Klagen fra Mette Klagesen (mor) er registreret")).to_be_visible()
    item = klager.get_by_role("listitem").filter(has_text="Klage fra Mette Klagesen (mor)")
    await expect(item).to_contain_text("Modtaget – genvurderes")
    await expect(item).to_contain_text("Genvurderes senest")
    await expect(page.get_by_text(re.compile(r"^Genvurdér afgørelsen \(Mette"))).to_be_visible()

    # 2. Genvurdering: upholding needs the reasons.
    await item.get_by_role("button", name="Genvurdér").click()
    dialog = page.get_by_role("dialog", name="Genvurdér afgørelsen")
    await dialog.get_by_label("Afgørelsen fastholdes (klagen sendes til Ankestyrelsen)").check()
    await dialog.get_by_role("button", name="Gem genvurdering").click()
    await expect(dialog.locator("#kg-reasons-error")).to_contain_text(
        "Skriv hvorfor afgørelsen fastholdes"
    )
    await check_axe(page, "genvurdering med fejl")
    await dialog.get_by_label("Begrundelse for at fastholde afgørelsen").fill(
        "Almene tilbud dækker familiens behov."
    )
    await dialog.get_by_role("button", name="Gem genvurdering").click()
    await expect(dialog).to_have_count(0)
    await expect(item).to_contain_text("Fastholdt – sendes til Ankestyrelsen")

    # 3. The package: the decision is chosen by default.
    opener = item.get_by_role("button", name="Send til Ankestyrelsen")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Send klagen til Ankestyrelsen")
    box = dialog.get_by_label(re.compile("^Afgørelse om afslag"))
    await expect(box).to_be_checked()
    await check_axe(page, "send til ankestyrelsen")
    await _shots(page, "send-til-ankestyrelsen")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    await opener.click()
    await expect(box).to_be_checked()
    await dialog.get_by_role("button", name="Dan pakken og registrér som sendt").click()
    # the package is rendered and merged on the server: give a busy machine time
    await expect(dialog).to_have_count(0, timeout=30_000)
    await expect(item).to_contain_text("Sendt til Ankestyrelsen")
    await expect(item.get_by_role("link", name="Pakken til Ankestyrelsen")).to_be_visible()

    # 4. Ankestyrelsen sends the case back.
    await item.get_by_role("button", name="Registrér Ankestyrelsens afgørelse").click()
    dialog = page.get_by_role("dialog", name="Registrér Ankestyrelsens afgørelse")
    await dialog.get_by_label("Hjemvist (kommunen skal behandle sagen igen)").check()
    await check_axe(page, "ankestyrelsens afgørelse")
    await _shots(page, "ankestyrelsens-afgoerelse")
    await dialog.get_by_role("button", name="Registrér afgørelsen").click()
    await expect(dialog).to_have_count(0)
    await expect(item).to_contain_text("Afgjort af Ankestyrelsen: hjemvist")
    await check_axe(page, "forløb med klage")
    await _shots(page, "forloeb-klage")

    # 5. The consequence is on the worklist.
    await page.goto(f"/?sag={made.case_id}&type=klage-hjemvist")
    later = page.get_by_role("button", name=re.compile("^Senere"))
    if await later.get_attribute("aria-expanded") == "false":
        await later.click()
    await expect(
        page.get_by_role("cell", name=re.compile("Behandl sagen igen og træf ny afgørelse"))
    ).to_be_visible()
    await _shots(page, "forside-hjemvist")
    journal = [
        e["title"] for e in (await c.get(f"/api/cases/{made.case_id}/journal")).json()["items"]
    ]
    assert journal[0] == "Ankestyrelsen har afgjort klagen: hjemvist"
    assert "Klagen er sendt til Ankestyrelsen" in journal
