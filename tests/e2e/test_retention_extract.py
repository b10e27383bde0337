"""Issue 18 items 4 and 5 in the browser: the administrator finds a closed case past its
retention period under Administration › Sletning, approves its deletion in a DKFDS
confirmation dialog, sees the job finish and the case gone; then under Dataudtræk makes
an extract and sees its files to download. axe on the screens and the dialog; screenshots
at 1366×768 and 768×1024 under test-results/."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg
from playwright.async_api import expect

from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.test_post_print import shots
from tests.factories import child as new_child

A = "0101"


async def test_the_administrator_deletes_a_case_past_its_period_and_gets_the_raw_data(
    page, as_user: AsUser, registry
) -> None:  # type: ignore[no-untyped-def]
    made = await new_child(await as_user(A, "sagsbehandler"), first_name="Sletta")
    owner = await asyncpg.connect(registry.dsn)
    try:
        number = await owner.fetchval(
            f"UPDATE k{A}.hovedsag SET opened_at = $2, closed_at = $3, stage = 'afsluttet' "
            "WHERE id = $1 RETURNING case_number",
            uuid.UUID(made.case_id),
            date(2014, 1, 6),
            date(2015, 2, 3),
        )
        await log_in(page, "København", username("admin", A))
        await (
            page.get_by_role("navigation", name="Hovedmenu")
            .get_by_role("link", name="Administration")
            .click()
        )
        tabs = page.get_by_role("navigation", name="Administration")
        await tabs.get_by_role("link", name="Sletning").click()
        section = page.get_by_role("region", name="Sager, hvis opbevaringsperiode er udløbet")
        row = section.get_by_role("row").filter(has_text=number)
        await expect(row).to_contain_text("03.02.2015")
        await expect(row).to_contain_text("Slettes")
        await check_axe(page, "administration: sletning")
        await shots(page, "administration-sletning")
        # The rules: a dialog with Danish validation next to the field; Escape closes it.
        await page.get_by_role("button", name="Ret regler").click()
        rules = page.get_by_role("dialog", name="Regler for opbevaring")
        await expect(rules).to_be_visible()
        await rules.get_by_label("Afsluttede sager opbevares (år)").fill("0")
        await rules.get_by_role("button", name="Gem regler").click()
        await expect(rules.get_by_text("Angiv et antal år mellem 1 og 100").first).to_be_visible()
        await check_axe(page, "administration: sletning, regler")
        await page.keyboard.press("Escape")
        await expect(rules).to_be_hidden()
        await expect(page.get_by_role("button", name="Ret regler")).to_be_focused()
        await row.get_by_role("checkbox").check()
        await section.get_by_role("button", name="Godkend sletning (1)").click()
        dialog = page.get_by_role("dialog", name="Slet 1 sag?")
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_role("button", name="Fortryd")).to_be_focused()
        await check_axe(page, "administration: sletning, bekræft")
        await dialog.get_by_role("button", name="Slet 1 sag").click()
        await expect(page.get_by_text("Sletningen er færdig: 1 sag slettet")).to_be_visible(
            timeout=30_000
        )
        await expect(section.get_by_role("row").filter(has_text=number)).to_have_count(0)
        assert (
            await owner.fetchval(
                f"SELECT count(*) FROM k{A}.hovedsag WHERE id = $1", uuid.UUID(made.case_id)
            )
            == 0
        )

        await tabs.get_by_role("link", name="Dataudtræk").click()
        await page.get_by_role("button", name="Dan udtræk nu").click()
        await expect(page.get_by_text("Udtrækket er sat i gang")).to_be_visible()
        table = page.get_by_role("table", name="Udtræk")
        newest = table.get_by_role("row").nth(1)
        link = newest.get_by_role("link", name="Sager", exact=False).first
        await expect(link).to_be_visible(timeout=30_000)
        assert "/api/admin/extracts/" in (await link.get_attribute("href") or "")
        async with page.expect_download() as info:
            await link.click()
        download = await info.value
        assert download.suggested_filename.endswith(".parquet")
        await check_axe(page, "administration: dataudtræk")
        await shots(page, "administration-dataudtraek")
    finally:
        await owner.close()
