"""Usability task (a), issue 16: from the login screen to the day's first overdue activity.

A kommune seeded like the demo (240 children; the demo caseworker holds about a third of
the open cases with their notifications, investigations and follow-ups, many overdue) is
made for the test; the caseworker chooses the kommune, logs in at the provider and lands
on the front page with the first overdue activity's row and its actions in view. Opening
its case is one click more. The front page must fit in two screens at 1366×768."""

from __future__ import annotations

import re
import time

from playwright.async_api import expect

from backend.demo import seed_casework, seed_kommune
from tests.conftest import SPARE_REALM, new_kommune, username
from tests.e2e.conftest import check_axe
from tests.e2e.usability import LAPTOP, Task

# The front page may be two screens of 768 px tall plus the site header (logo, kommune,
# menu) that sits above the first screen's content.
SCREENS = 2

# CompleteActivity's button in a row: a record's dialog, one click, or a report to Ankestyrelsen.
COMPLETE = re.compile(r"^(Registrér( \w+)?: .+|Markér .+ som udført|Indberet: .+)$")


async def test_a_from_login_to_the_first_overdue_activity(page, registry, fresh_code):
    # The demo's size (København: 240 children), with fixed seeds: the same data whatever
    # code the kommune gets.
    await new_kommune(registry, fresh_code, "Dagby")
    assert await seed_kommune(fresh_code, 240, seed=101) == 240
    assert await seed_casework(fresh_code, seed=108) > 0
    await page.set_viewport_size(LAPTOP)
    task = Task(page, "a", "Fra log-ind til dagens første overskredne aktivitet", budget=6)
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await task.fill(page.get_by_label("Kommune"), "Dagby")
    await task.click(page.get_by_role("button", name="Log ind"), "Log ind (Trekant)")
    await task.fill(page.get_by_label("Brugernavn"), username("sagsbehandler", SPARE_REALM))
    await task.fill(page.get_by_label("Adgangskode"), "demo")
    await task.click(page.get_by_role("button", name="Log ind"), "Log ind (udbyderen)")

    # The front page: the overdue group is open, its first row and its actions in view.
    overdue = page.locator("section.worklist-group").filter(
        has=page.get_by_role("button", name=re.compile("^Overskredet"))
    )
    await expect(overdue.get_by_role("button", name=re.compile("^Overskredet"))).to_have_attribute(
        "aria-expanded", "true"
    )
    first = overdue.get_by_role("row").nth(1)
    await expect(first).to_be_visible()
    seconds_to_row = round(time.monotonic() - task.started, 1)
    shots = await task.shot("forside", full_page=True)
    await task.shot("forside-skaerm")
    title = (await first.get_by_role("rowheader").inner_text()).split("\n")[0]
    # Its actions (CompleteActivity's for the activity's kind, and "Annullér"): one click
    # ("Udført"), the record's dialog ("Registrér vurdering: …") or the case's flow ("Udfør",
    # named "Udfør på sagen: …": Forløb with the flow's form open).
    complete = first.get_by_role("button", name=COMPLETE).or_(
        first.get_by_role("link", name=re.compile(r"^Udfør på sagen: "))
    )
    await expect(complete).to_have_count(1)
    await expect(complete).to_be_in_viewport()
    await expect(first.get_by_role("button", name=re.compile(r"^Annullér "))).to_be_in_viewport()
    clicks_to_row = task.clicks
    await check_axe(page, "forside med demo-data")

    # The page fits in two screens at 1366×768 (plus the header above the first screen).
    await page.set_viewport_size(LAPTOP)
    header = await page.locator("header").first.evaluate("e => e.getBoundingClientRect().height")
    bound = SCREENS * LAPTOP["height"] + header
    assert shots["1366x768"]["page_height"] <= bound, (shots, bound)

    # One click more: the activity's case.
    child = first.get_by_role("link").filter(has_not_text=re.compile(r"^Udfør$"))
    await task.click(child, "barnets navn i rækken (sagen)")
    await expect(page).to_have_url(re.compile(r"/sager/"))
    await expect(page.get_by_role("heading", level=1)).not_to_have_text("Forside")
    await task.shot("sagen")
    record = task.done()
    assert clicks_to_row == 5, record["steps"]
    print(f"forside: {shots}, grænse {bound} px, {seconds_to_row} s til rækken: {title}")
