"""The manager's team overview pages through the API (GET /api/team/overview with
offset/limit and the totals): ten overdue activities a page, "Side 1 af N", "Næste" asks the
server for the next ten. Screenshots at 1366×768 and 768×1024, no sideways scrolling."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "team"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_team_overview_pages_through_the_api(page, as_user: AsUser):
    # The manager shares the demo caseworker's team; the caseworker has overdue activities.
    await factories.manager_joins_caseworkers_team(B)
    c = await as_user(B, "sagsbehandler")
    for i in range(6):  # each: an overdue 24-hour assessment and receipt
        made = await factories.child(c, first_name="Tove", last_name=f"Teamsen{i}")
        received = datetime.now(UTC) - timedelta(days=12 + i)
        await factories.underretning(c, made.case_id, received_at=received.isoformat())
    leder = await as_user(B, "leder")
    total = (await leder.get("/api/team/overview")).json()["overdue_total"]
    assert total >= 12
    pages = -(-total // 10)

    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(r.url) if "/api/team/overview" in r.url else None,
    )
    await log_in(page, "Testby", username("leder", B))
    region = page.get_by_role("region", name="Overskredne frister i mine teams")
    rows = region.locator("tbody > tr")
    await expect(rows).to_have_count(10)
    pager = page.get_by_role("navigation", name="Sider med overskredne frister")
    await expect(pager).to_contain_text(f"Side 1 af {pages}")
    first = await rows.all_inner_texts()
    await check_axe(page, "lederens overblik")
    await _shots(page, "team-overblik")
    await pager.get_by_role("button", name="Næste").click()
    await expect(pager).to_contain_text(f"Side 2 af {pages}")
    await expect(rows).to_have_count(min(10, total - 10))
    second = await rows.all_inner_texts()
    # Another page of rows (two activities can read the same, e.g. two receipts for one child,
    # so the pages are told apart as lists; the requests below show the offsets).
    assert second != first
    await check_axe(page, "lederens overblik side 2")
    # Each page is the server's: asked with its offset and limit, never the whole list.
    assert any(re.search(r"offset=0&limit=10", u) for u in asked), asked
    assert any(re.search(r"offset=10&limit=10", u) for u in asked), asked
