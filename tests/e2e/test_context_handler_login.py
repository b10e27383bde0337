"""Issue 20 item 1 in the browser: an Aarhus caseworker logs in through Fælleskommunal
Adgangsstyring (the development Context Handler) and sees her worklist; a login Trekant
refuses (a privilege for a role Trekant does not know) lands on the Danish explanation;
"Log ud" logs out at the Context Handler too and lands on "Du er logget ud"; the caseworker
sees her own roles and data restrictions under her name ("Din adgang"), an unrestricted
user nothing extra.
axe on Trekant's screens; screenshots at 1366×768 and 768×1024."""

from __future__ import annotations

from playwright.async_api import expect

from tests.conftest import ROOT, use_context_handler
from tests.e2e.conftest import check_axe, provider_form


async def _pick_aarhus(page) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await page.get_by_label("Kommune").fill("Aarhus")
    await page.get_by_role("button", name="Log ind").click()
    await expect(
        page.get_by_role("heading", name="Log ind – Fælleskommunal Adgangsstyring")
    ).to_be_visible()


async def test_aarhus_caseworker_logs_in_through_the_context_handler(page, registry):  # type: ignore[no-untyped-def]
    await use_context_handler(registry)
    shots = ROOT / "test-results"
    shots.mkdir(exist_ok=True)
    # Refused: only a privilege for a role Trekant does not know.
    await _pick_aarhus(page)
    await provider_form(page, "ukendt.rolle@aarhus.dk")
    alert = page.get_by_text("rollen er ikke en af Trekants brugersystemroller")
    await expect(alert).to_be_visible()
    await check_axe(page, "log ind afvist af Fælleskommunal Adgangsstyring")
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(shots / f"fk-afvist-{width}.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})
    # Accepted: the caseworker with the sagsbehandler privilege lands on her front page.
    await _pick_aarhus(page)
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(shots / f"fk-log-ind-{width}.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})
    await provider_form(page, "sagsbehandler@aarhus.dk")
    await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()
    await expect(page.get_by_text("Sara Sagsbehandler").first).to_be_visible()
    await check_axe(page, "forside efter log ind via Fælleskommunal Adgangsstyring")
    await page.screenshot(path=str(shots / "fk-forside-1366.png"))
    # Her own roles and data restrictions under her name ("Din adgang"), without codes.
    header = page.get_by_role("banner")
    access = header.get_by_role("button", name="Din adgang")
    await expect(access).to_have_attribute("aria-expanded", "false")
    await access.click()
    own = header.get_by_role("list", name="Dine roller og dataafgrænsninger")
    await expect(own).to_have_text("Sagsbehandler: KLE 27.*, Organisationsenhed: Familieteam Nord")
    await expect(header).not_to_contain_text("sts.kombit.dk")
    await check_axe(page, "egen adgang med dataafgrænsninger")
    console_shots = ROOT / "test-results" / "console"
    console_shots.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(console_shots / f"din-adgang-{width}x{height}.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})
    await page.keyboard.press("Escape")
    await expect(own).to_be_hidden()
    await expect(access).to_be_focused()
    # "Log ud" logs out at the Context Handler too (single logout) and says so.
    await page.get_by_role("button", name="Log ud").click()
    await expect(
        page.get_by_role("status").filter(
            has_text="Du er logget ud af Trekant og af Fælleskommunal Adgangsstyring"
        )
    ).to_be_visible()
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await check_axe(page, "logget ud via Fælleskommunal Adgangsstyring")
    # The administrator sees Sara's role with the data restrictions her assertion carried,
    # read-only, the organisation unit by the name of the team mapped to it.
    await _pick_aarhus(page)
    await provider_form(page, "admin@aarhus.dk")
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Administration")
        .click()
    )
    # An unrestricted user (the administrator) gets nothing extra in the header.
    await expect(page.get_by_role("button", name="Din adgang")).to_have_count(0)
    await page.get_by_role("link", name="Ret Sara Sagsbehandler").click()
    restrictions = page.get_by_role("list", name="Dataafgrænsninger")
    await expect(restrictions).to_have_text(
        "Sagsbehandler: KLE 27.*, Organisationsenhed: Familieteam Nord"
    )
    await check_axe(page, "bruger med dataafgrænsninger fra Fælleskommunal Adgangsstyring")
    await restrictions.scroll_into_view_if_needed()
    await page.screenshot(path=str(shots / "fk-dataafgraensninger-1366.png"))
