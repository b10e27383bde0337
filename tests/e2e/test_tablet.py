"""Every main screen on a tablet (issue 16 item 6): each role logs in on a touch device and
visits its screens at 768×1024 (upright) and 1024×768 (on its side).

What is checked, on every screen and at both sizes:

* the page does not scroll sideways: ``document.documentElement.scrollWidth`` is at most
  the window's width (a wide table may scroll inside its own labelled region instead);
* every visible button in the main content - ``<button>``, ``a.button``, ``[role=button]``,
  ``input[type=submit|button]`` - is at least 44 CSS px tall and 44 px wide (WCAG 2.5.5's
  target size; the primary actions are buttons). Exempt, as 2.5.5 allows: text links in a
  sentence or a table cell (inline targets), and checkboxes and radio buttons, whose label is
  part of the target.

Screenshots go to ``test-results/tablet/``. The screens other branches rebuild in issue 16
(the front page, the case page, registration, search) pass here too, so none is marked
``xfail``.

Each role logs in once (through the provider, as a person does) and keeps its tab for all
its screens, and the case page's child is registered once: logging in anew per screen and a
child per case screen were most of this file's 213 s."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import expect

from tests.conftest import KOMMUNE_A, logged_in, username
from tests.e2e.conftest import check_axe, provider_form
from tests.factories import child

CODE, KOMMUNE = KOMMUNE_A
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "tablet"
SIZES = ((768, 1024), (1024, 768))
MIN = 44

# The visible buttons in <main> smaller than 44×44 px, as "text (w×h)".
SMALL_TARGETS = """(MIN) => {
  const main = document.querySelector('main');
  if (!main) return ['no <main>'];
  const sel = 'button, a.button, [role=button], input[type=submit], input[type=button]';
  const out = [];
  for (const el of main.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('[inert], [aria-hidden=true]')) continue;
    if (r.height < MIN || r.width < MIN) {
      const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim();
      out.push(`${text.slice(0, 40)} (${Math.round(r.width)}×${Math.round(r.height)})`);
    }
  }
  return out;
}"""

# A case page: a child registered for the test by the caseworker.
CASE = "case"

# (role, screen name, how to get there: a path, a (path, link-selector) to follow, or CASE)
SCREENS: list[tuple[str, str, Any]] = [
    ("sagsbehandler", "forside", "/"),
    ("sagsbehandler", "sag", CASE),
    ("sagsbehandler", "sog", "/sog"),
    ("sagsbehandler", "registrer-barn", "/born/ny"),
    ("sagsbehandler", "overfoersler", "/overfoersler"),
    ("leder", "forside", "/"),
    ("leder", "ledelsesinformation", "/ledelsesinformation"),
    ("leder", "standardsoegninger", "/ledelsesinformation/standardsoegninger"),
    ("leder", "betalinger", "/ledelsesinformation/betalinger"),
    ("leder", "overfoersler", "/overfoersler"),
    ("oekonomi", "forside", "/"),
    ("oekonomi", "okonomi", "/okonomi"),
    ("oekonomi", "prisopdatering", "/okonomi/prisopdatering"),
    ("oekonomi", "katalogets-journal", "/okonomi/journal"),
    ("admin", "forside", "/"),
    ("admin", "brugere", "/administration"),
    ("admin", "bruger", ("/administration", "main a[href^='/administration/brugere/']")),
    ("admin", "teams", "/administration/teams"),
    ("admin", "team", ("/administration/teams", "main a[href^='/administration/teams/']")),
    ("admin", "indstillinger", "/administration/indstillinger"),
    ("admin", "revisionslog", "/revisionslog"),
    ("revisor", "forside", "/"),
    ("revisor", "sog", "/sog"),
    ("revisor", "sag", CASE),
]


async def _log_in(page: Any, role: str) -> None:
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await page.get_by_label("Kommune").fill(KOMMUNE)
    await page.get_by_role("button", name="Log ind").tap()
    await provider_form(page, username(role, CODE))
    await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()


async def _settled(page: Any) -> None:
    """The screen has its heading and has stopped loading."""
    await expect(page.locator("main h1").first).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("main [aria-busy=true]")).to_have_count(0)


@pytest.fixture(scope="module")
async def tablets(browser, server) -> Any:  # type: ignore[no-untyped-def]
    """``await tablets(role)``: the role's tab on a touch device, logged in the first time it
    is asked for, and the list its JavaScript errors go to. A role's screens follow one
    another in SCREENS, so a role's tab is closed when the next role's opens."""
    opened: dict[str, tuple[Any, Any, list[str]]] = {}

    async def tab(role: str) -> tuple[Any, list[str]]:
        if role not in opened:
            for other, (context, _, _) in list(opened.items()):
                await context.close()
                del opened[other]
            context = await browser.new_context(
                base_url=server,
                locale="da-DK",
                has_touch=True,
                is_mobile=False,
                viewport={"width": SIZES[0][0], "height": SIZES[0][1]},
            )
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            try:
                await _log_in(page, role)
            except BaseException:
                await context.close()  # the role's next screen tries the login again
                raise
            opened[role] = (context, page, errors)
        _, page, errors = opened[role]
        return page, errors

    yield tab
    for context, _, _ in opened.values():
        await context.close()


@pytest.fixture(scope="module")
async def case_path(app: Any) -> str:
    """A case page: a child registered for these tests by the caseworker."""
    async with await logged_in(app, CODE, "sagsbehandler") as c:
        return f"/sager/{(await child(c, first_name='Tabita', last_name='Tablet')).case_id}"


@pytest.mark.parametrize(
    ("role", "name", "target"),
    [pytest.param(role, name, target, id=f"{role}-{name}") for role, name, target in SCREENS],
)
async def test_screen_fits_a_tablet(
    tablets: Any, case_path: str, role: str, name: str, target: Any
) -> None:
    page, errors = await tablets(role)
    errors.clear()
    if target == CASE:
        target = case_path
    # The role's previous screen ended on its side.
    await page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    if isinstance(target, tuple):
        path, link = target
        await page.goto(path)
        await _settled(page)
        first = page.locator(link).first
        await expect(first).to_be_visible()
        await first.tap()
    elif urlsplit(page.url).path != target:  # (a role's first screen: the login ends there)
        await page.goto(target)
    await _settled(page)

    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for width, height in SIZES:
        await page.set_viewport_size({"width": width, "height": height})
        # Two frames: the layout has followed the new size.
        await page.evaluate(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        scroll = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            problems.append(f"{width}×{height}: the page is {scroll[0]} px wide in {scroll[1]} px")
        small = await page.evaluate(SMALL_TARGETS, MIN)
        if small:
            problems.append(f"{width}×{height}: buttons under {MIN} px: {', '.join(small)}")
        await page.screenshot(
            path=str(SHOTS / f"{role}-{name}-{width}x{height}.png"), full_page=True
        )
    await check_axe(page, f"{role}: {name} på tablet")
    assert not problems, f"{role}: {name}: " + "; ".join(problems)
    assert not errors, f"JavaScript errors on the page: {errors}"
