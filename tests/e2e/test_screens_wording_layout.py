"""Issue 12 items 16-18 in the browser: a suspended kommune is in the picker and says so;
the journal, audit log and transfer screens show no internal codes or English; the
front page's "Nye underretninger" and Søg fit a tablet held upright (768 px).
Screenshots at 1366x768 and 768x1024 go to test-results/ (look at them)."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import ROOT, new_kommune, username
from tests.e2e.conftest import check_axe, log_in, log_out

DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


async def _screenshots(page: Any, name: str) -> None:
    """The current screen at desktop and tablet width (the viewport is left at tablet)."""
    (ROOT / "test-results").mkdir(exist_ok=True)
    for label, size in (("1366", DESKTOP), ("768", TABLET)):
        await page.set_viewport_size(size)
        await page.screenshot(
            path=str(ROOT / "test-results" / f"{name}-{label}.png"), full_page=True
        )


async def _no_sideways_scroll(page: Any) -> None:
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


async def _fully_in_view_horizontally(page: Any, locator: Any) -> None:
    """The element is visible and not cut off at either side of the viewport or its
    scroll container (a cell inside an overflowing table region would be)."""
    await expect(locator).to_be_visible()
    clipped = await locator.evaluate(
        """el => {
            const r = el.getBoundingClientRect();
            if (r.left < 0 || r.right > document.documentElement.clientWidth) return true;
            for (let p = el.parentElement; p; p = p.parentElement) {
                const s = getComputedStyle(p);
                if (s.overflowX !== 'visible') {
                    const b = p.getBoundingClientRect();
                    if (r.left < b.left - 1 || r.right > b.right + 1) return true;
                    if (p.scrollWidth > p.clientWidth + 1) return true;
                }
            }
            return false;
        }"""
    )
    assert not clipped, "the element is cut off or its table scrolls sideways"


async def test_a_suspended_kommune_is_in_the_picker_and_says_it_is_closed(
    page, registry, fresh_code
):
    await new_kommune(registry, fresh_code, "Pausekommune")
    await registry.set_status(fresh_code, "suspended", "Kontrakten er udløbet")
    try:
        await page.goto("/")
        await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
        await page.get_by_label("Kommune").fill("Pause")
        option = page.get_by_role("option", name=re.compile("Pausekommune"))
        await expect(option).to_contain_text("Midlertidigt lukket")
        await expect(page.get_by_text("Ingen kommuner passer til søgningen")).to_have_count(0)
        await check_axe(page, "kommunevælger med lukket kommune")
        (ROOT / "test-results").mkdir(exist_ok=True)
        await page.screenshot(path=str(ROOT / "test-results" / "kommunevaelger-lukket.png"))
        await option.click()
        await expect(
            page.get_by_role("status").filter(has_text="midlertidigt lukket")
        ).to_be_visible()
        # The reason the operator gave is nobody else's business.
        await expect(page.locator("body")).not_to_contain_text("Kontrakten er udløbet")
        await page.get_by_role("button", name="Log ind").click()
        error = page.locator(".kommune-picker .form-error-message")
        await expect(error).to_contain_text("Pausekommune er midlertidigt lukket i Trekant")
        await expect(error).to_contain_text("Kontakt din kommunes it-afdeling")
        assert "/api/auth/login" not in page.url
        await check_axe(page, "log ind i lukket kommune")
        await _screenshots(page, "log-ind-lukket-kommune")
    finally:
        await registry.set_status(fresh_code, "active")


async def test_new_notifications_and_search_fit_a_tablet_held_upright(page):
    await page.set_viewport_size(TABLET)
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(7681))
    await page.get_by_label("Fornavn").fill("Tina")
    await page.get_by_label("Efternavn").fill("Tabletsen")
    await page.get_by_role("button", name="Registrér barn").click()
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Hvad handler underretningen om").fill("Bekymring for trivsel.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()

    await menu.get_by_role("link", name="Forside").click()
    await page.get_by_role("tab", name=re.compile("^Nye underretninger")).click()
    news = page.get_by_role("region", name="Nye underretninger")
    row = news.get_by_role("row").filter(has_text="Tina Tabletsen")
    await _fully_in_view_horizontally(page, row.get_by_text("Ikke vurderet"))
    await _no_sideways_scroll(page)
    await check_axe(page, "forside på tablet")
    await _screenshots(page, "forside-nye-underretninger")
    await log_out(page)

    # Karl is on none of Testby's cases: every row offers "Træd til".
    await log_in(page, "Testby", username("kollega", "0202"))
    await menu.get_by_role("link", name="Søg").click()
    await page.get_by_label("Navn eller CPR-nummer").fill("Tabletsen")
    await page.get_by_role("button", name="Søg", exact=True).click()
    step_in = page.get_by_role("button", name="Træd til i sagen om Tina Tabletsen")
    await _fully_in_view_horizontally(page, step_in)
    await _no_sideways_scroll(page)
    await check_axe(page, "søg på tablet")
    await _screenshots(page, "sog-traed-til")
    await page.set_viewport_size(TABLET)
    await step_in.click()
    await expect(page.get_by_role("button", name="Træd til og åbn sagen")).to_be_visible()
    await _no_sideways_scroll(page)
    await check_axe(page, "søg på tablet med træd til")


# Words and patterns that must not reach a person on the journal, audit log and transfer
# screens: internal codes (snake_case, dotted event names), English, entry numbers, e-mail
# addresses (people are named), raw table counts.
CODES = [
    re.compile(r"\b[a-z]+_[a-z_]+\b"),
    re.compile(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b"),  # money.price_update.reverted
    re.compile(r"\b(payment|report|read|failed|onboard|case_step|journal_entry)\b", re.I),
    re.compile(r"bevilling: \d"),
    re.compile(r"#\d+"),
    re.compile(r"skal verificeres"),
    re.compile(r"(?<![\d.])1 (afgørelser|indsatser|aktiviteter|betalinger|journalnotater)\b"),
]
NO_EMAIL = re.compile(r"@")


async def _scan(page: Any, screen: str, *, emails_allowed: bool = False) -> None:
    text = await page.locator("main").inner_text()
    found = [m.group(0) for p in CODES for m in p.finditer(text)]
    if not emails_allowed:
        found += [line for line in text.splitlines() if NO_EMAIL.search(line)]
    assert found == [], f"{screen} shows internal words: {found}"


async def test_journal_audit_log_and_transfer_screens_show_no_internal_words(page):
    await log_in(page, "København", username("sagsbehandler", "0101"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(7691))
    await page.get_by_label("Fornavn").fill("Ole")
    await page.get_by_label("Efternavn").fill("Ordensen")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Ole Ordensen")).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Journal").click()
    await page.get_by_role("button", name="Skriv notat").click()
    note = page.get_by_role("dialog", name="Skriv notat")
    await note.get_by_label("Overskrift").fill("Hjemmebesøg")
    await note.get_by_label("Notat", exact=True).fill("Mor var hjemme.")
    await note.get_by_role("button", name="Gem notat").click()
    await expect(note).to_have_count(0)
    entry = page.locator(".journal-notat").filter(has_text="Hjemmebesøg")
    await entry.get_by_role("button", name="Ret").click()
    correct = page.get_by_role("dialog", name="Ret notat")
    await expect(correct.get_by_text("Du retter notatet „Hjemmebesøg“")).to_be_visible()
    await correct.get_by_label("Notat", exact=True).fill("Far var der også.")
    await correct.get_by_role("button", name="Gem notat").click()
    await expect(correct).to_have_count(0)
    await expect(page.get_by_text("Retter notatet „Hjemmebesøg“ fra")).to_be_visible()
    await expect(entry).to_contain_text("Sara Sagsbehandler")
    await expect(entry).to_contain_text("Rettet ")
    await _scan(page, "journal")
    await check_axe(page, "journal med rettelse")
    await _screenshots(page, "journal")
    await page.set_viewport_size(DESKTOP)

    await page.get_by_role("button", name="Overfør sagen").click()
    section = page.get_by_role("region", name="Overfør sagen")
    await section.get_by_label("Modtagende kommune").select_option(label="Testby")
    await section.get_by_label("Sammenfatning af vurderingerne").fill("Familien er flyttet.")
    await section.get_by_role("button", name="Send sagen").click()
    dialog = page.get_by_role("dialog", name="Send sagen til en anden kommune?")
    await dialog.get_by_role("button", name="Send sagen").click()
    await expect(
        page.get_by_role("status").filter(has_text="Sagen er under overførsel til Testby")
    ).to_be_visible()
    await log_out(page)

    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    await menu.get_by_role("link", name="Overførsler").click()
    inbox = page.get_by_role("region", name="Indbakke: sager sendt til jer")
    await (
        inbox.get_by_role("row")
        .filter(has_text="Ole Ordensen")
        .get_by_role("link", name="Ole Ordensen")
        .click()
    )
    await expect(
        page.get_by_role("heading", level=1, name="Overførsel af Ole Ordensen")
    ).to_be_visible()
    await expect(page.get_by_text(re.compile(r"^\d+ journalnotater$"))).to_be_visible()
    await _scan(page, "overførsel")
    await _screenshots(page, "overfoersel")
    await page.set_viewport_size(DESKTOP)
    await page.get_by_role("button", name="Acceptér overførslen").click()
    await expect(page.get_by_role("status").filter(has_text="Sagen er overtaget")).to_be_visible(
        timeout=60_000
    )
    await _scan(page, "overførsel (overtaget)")
    await page.get_by_role("link", name="Åbn sagen").click()
    await expect(page.get_by_role("heading", level=1, name="Ole Ordensen")).to_be_visible()
    await expect(page.get_by_text("Sagens historik er indlæst fra København").first).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Journal").click()
    # The sender's entries keep their author's name.
    await expect(
        page.locator(".journal-entry").filter(has_text="Hjemmebesøg").first
    ).to_contain_text("Sara Sagsbehandler")
    received = page.locator(".journal-entry").filter(has_text="Sagen er modtaget fra København")
    await expect(received).to_contain_text("Sara Sagsbehandler")
    await expect(page.locator("main")).not_to_contain_text("Overført fra 0101")
    await _scan(page, "modtaget journal")
    await _screenshots(page, "modtaget-journal")
    await page.set_viewport_size(DESKTOP)
    await log_out(page)

    await log_in(page, "Testby", username("admin", "0202"))
    await menu.get_by_role("link", name="Revisionslog").click()
    table = page.get_by_role("table")
    # The newest page may be all reads of the received transfer, so the log ins are found
    # with the filter.
    await expect(table).to_contain_text("Overførsel")
    # The log names the user; the username stays beside it (the filter works on it).
    await _scan(page, "revisionslog", emails_allowed=True)
    await page.get_by_label("Handling").select_option(label="Log ind")
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(table).to_contain_text("Log ind")
    await page.get_by_label("Handling").select_option(label="Overførsel accepteret")
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(table).to_contain_text("Overførsel accepteret")
    await check_axe(page, "revisionslog filtreret")
    await _screenshots(page, "revisionslog")
