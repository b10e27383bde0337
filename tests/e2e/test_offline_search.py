"""The offline worklist can be searched by the child's name (issue 16 item 7): offline,
unlocked, over the decrypted cases in memory; the search itself is written nowhere on the
device (not in IndexedDB, not in the URL)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.test_offline import (
    CODE,
    KOMMUNE,
    child_with_case,
    controlled_by_worker,
    idb_dump,
    save_for_home_visits,
    unlock,
)


async def test_the_offline_worklist_is_searched_by_the_childs_name(page: Any, app: Any) -> None:
    first = await child_with_case(app, 9201, "Søgrid", "Hjemmesøgsen")
    second = await child_with_case(app, 9202, "Åge", "Hjemmesøgsen")
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await save_for_home_visits(page)
    await controlled_by_worker(page)
    await page.context.set_offline(True)
    await page.reload()
    await unlock(page)
    await expect(page.get_by_role("heading", level=1, name="Hjemmebesøg")).to_be_visible()

    search = page.get_by_label("Søg efter barnets navn")
    table = page.get_by_role("table", name="Sager til hjemmebesøg")
    await expect(table.locator("tbody tr").nth(1)).to_be_visible()  # rendered before counted
    total = await table.locator("tbody tr").count()
    assert total >= 2

    await search.fill("hjemmesøgsen")
    await expect(table.locator("tbody tr")).to_have_count(2)
    await expect(table.get_by_role("link", name=first["name"])).to_be_visible()
    await expect(table.get_by_role("link", name=second["name"])).to_be_visible()
    await expect(page.get_by_role("status").filter(has_text="passer")).to_have_text(
        f"2 af {total} sager passer til søgningen"
    )

    # Case and accents do not matter; every word must occur.
    await search.fill("AGE hjemmesog")
    await expect(table.locator("tbody tr")).to_have_count(1)
    await expect(table.get_by_role("link", name=second["name"])).to_be_visible()
    await check_axe(page, "offline arbejdsliste med søgning")

    await search.fill("Søgrid Xylofon")
    await expect(page.get_by_text("Ingen gemte sager har et barn")).to_be_visible()
    await expect(table).to_have_count(0)
    await check_axe(page, "offline arbejdsliste uden fund")

    # Nothing of the search reached the device: not the URL, not IndexedDB.
    assert "Xylofon" not in page.url
    assert "Xylofon" not in str(await idb_dump(page))

    await search.fill("")
    await expect(table.locator("tbody tr")).to_have_count(total)
    await search.fill("søgrid")
    await table.get_by_role("link", name=first["name"]).click()
    await expect(page.get_by_role("heading", level=1, name=first["name"])).to_be_visible()
