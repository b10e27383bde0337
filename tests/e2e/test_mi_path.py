"""Issue 8's screens: the manager's management information (compliance numbers, the
notifications pie chart with its table), a standard search exported to an Excel file that
opens with proper cell types, and finance registering a payment (a period error at the
field, then a valid one), exporting to the finance file and seeing spending. axe on every
screen."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.async_api import expect

from backend.core.danish import today_dk
from backend.db import DB
from backend.money import catalogue, payments
from tenancy.context import tenant_transaction
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.test_deadlines_path import SHOTS, shots
from tests.e2e.test_money_path import shoot
from tests.money.conftest import cvr, fetch, measures, new_cpr

B = "0202"


SUPPLIER = "MI Testleverandør"


@pytest.fixture
async def mi_data(seeded):  # type: ignore[no-untyped-def]
    """Testby's fixture data has no notifications, bevillinger or payments: add a few (once),
    outside the manager's teams so other screens of Testby are unchanged."""
    today = today_dk()
    start = today - timedelta(days=60)
    async with tenant_transaction(DB, B) as scope:
        c = scope.connection
        if await c.fetchval("SELECT count(*) FROM supplier WHERE name = $1", SUPPLIER):
            return
        child = await c.fetchval(
            "INSERT INTO child (cpr, first_name, last_name, birth_date) "
            "VALUES ($1, 'Mille', 'Måltal', $2) RETURNING id",
            new_cpr(880_001),
            today - timedelta(days=10 * 366),
        )
        case = await c.fetchval(
            "INSERT INTO hovedsag (child_id, opened_at, stage) VALUES ($1, $2, 'afklaring') "
            "RETURNING id",
            child,
            today - timedelta(days=20),
        )
        es = await c.fetchval(
            "INSERT INTO enkeltsag (hovedsag_id, kind) VALUES ($1, 'afklaring') RETURNING id", case
        )
        for days, source in ((12, "skole"), (11, "skole"), (10, "politi")):
            await c.execute(
                "INSERT INTO underretning (enkeltsag_id, received_at, notifier_kind, source, "
                "concerns, created_by) VALUES ($1, now() - make_interval(days => $2), "
                "'fagperson', $3, 'x', 'test')",
                es,
                days,
                source,
            )
        sid = await catalogue.do_create_supplier(
            "test", name=SUPPLIER, kind="privat_leverandoer", cvr=cvr(),
            tilbudsportalen_id=None, address="",
        )  # fmt: skip
        oid = await catalogue.do_create_offer(
            "test", sid, name="Familiebehandling", measure_kind="familiebehandling",
            unit="month", tilbudsportalen_id=None,
            first_price=(today.replace(year=today.year - 1, day=1), None, 1500000),
        )  # fmt: skip
    (bid,) = await measures(B, str(oid), 1, start)
    async with tenant_transaction(DB, B):
        await payments.do_register(
            "test", bevilling_id=bid, period_from=start, period_to=start + timedelta(days=9),
            amount_oere=500000, invoice_ref="MI-SEED", note="",
        )  # fmt: skip


def _sheet(path: Path):  # type: ignore[no-untyped-def]
    """The first sheet of a downloaded .xlsx (Playwright's file has no extension)."""
    return openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes())).active


def figure(page, title: str):  # type: ignore[no-untyped-def]
    """A dashboard section (chart, table, export) by its heading."""
    return page.locator("section.mi-figure").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


async def test_the_manager_sees_the_dashboard_and_downloads_excel(mi_data, page):
    await log_in(page, "Testby", username("leder", B))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Ledelsesinformation")
        .click()
    )
    await expect(page.get_by_role("heading", level=1, name="Ledelsesinformation")).to_be_visible()

    # The compliance numbers on the Børnesagsbarometer measures, as the API computes them.
    compliance = page.get_by_role("table", name=re.compile("Børnesagsbarometerets målepunkter"))
    await expect(compliance).to_be_visible(timeout=15_000)
    board = await (await page.request.get("/api/mi/dashboard?scope=teams&months=12")).json()
    cols = [c["key"] for c in board["compliance"]["columns"]]
    assert [r[1] for r in board["compliance"]["rows"]] == [
        "Vurdering af underretning inden 24 timer",
        "Stillingtagen til undersøgelse ved mistanke om overgreb",
        "Børnefaglig undersøgelse inden 4 måneder",
        "Børnesamtale før afgørelsen",
        "Barnets plan til tiden",
        "Første opfølgning til tiden",
    ]
    for row in board["compliance"]["rows"]:
        line = compliance.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row[1]))
        # Each measure's definition stands next to its numbers (issue 12 item 10).
        await expect(line.get_by_role("rowheader")).to_contain_text(row[cols.index("definition")])
        await expect(line.get_by_role("cell").nth(0)).to_have_text(str(row[cols.index("counted")]))
        rate = row[cols.index("rate")]
        await expect(line.get_by_role("cell").last).to_have_text(
            "–" if rate is None else f"{rate:.1f} %".replace(".", ",")
        )
    await check_axe(page, "ledelsesinformation: børnesagsbarometer")
    await compliance.scroll_into_view_if_needed()
    await shots(page, "ledelsesinformation-barometer")
    # "Frister" at 768 px: the measures' table is DKFDS's stacked table (a card per measure,
    # its definition across the width, then "label … number" lines): it does not scroll
    # sideways, nor does the page.
    frister = page.locator("section[aria-labelledby=mi-frister]")
    await page.set_viewport_size({"width": 768, "height": 1024})
    await frister.screenshot(path=str(SHOTS / "ledelsesinformation-frister-768.png"))
    region = frister.locator(".table--responsive-scroll").filter(has=compliance)
    assert await region.evaluate("(e) => e.scrollWidth - e.clientWidth") <= 0
    await expect(compliance.locator("thead")).to_be_hidden()
    first = compliance.locator("tbody tr").first.get_by_role("cell").first
    assert await first.evaluate("(e) => getComputedStyle(e, '::before').content") == '"Antal"'
    wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
    assert not wide
    await page.set_viewport_size({"width": 1366, "height": 768})

    # The kommune's numbers: the notifications pie chart, an image with a text alternative,
    # and its numbers as a table.
    await page.get_by_label("Vis", exact=True).select_option(label="Hele kommunen")
    await expect(page.get_by_text("Hele kommunen ·")).to_be_visible()
    board = await (await page.request.get("/api/mi/dashboard?scope=kommune&months=12")).json()
    assert sum(r[2] for r in board["notifications_by_source"]["rows"]) > 0
    pie = figure(page, "Underretninger efter kilde")
    await expect(
        pie.get_by_role("img", name=re.compile("^Diagram: Underretninger efter kilde"))
    ).to_be_visible()
    table = pie.get_by_role("table", name="Underretninger efter kilde")
    await expect(table).to_be_hidden()
    await pie.get_by_text("Vis tal som tabel").click()
    await expect(table).to_be_visible()
    top = board["notifications_by_source"]["rows"][0]
    await expect(
        table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=top[1]))
    ).to_contain_text(str(top[2]))
    await expect(table.get_by_role("columnheader", name="Andel")).to_be_visible()
    await check_axe(page, "ledelsesinformation med cirkeldiagram og tabel")

    # A dashboard table to Excel: the month is a date, the counts are numbers.
    months = figure(page, "Underretninger pr. måned efter kilde")
    async with page.expect_download() as info:
        await months.get_by_role("button", name=re.compile("Eksportér til Excel")).click()
    download = await info.value
    assert download.suggested_filename.endswith(".xlsx")
    ws = _sheet(await download.path())
    header = [c.value for c in ws[1]]
    first = next(iter(ws.iter_rows(min_row=2, max_row=2)))
    assert first[header.index("Måned")].is_date
    assert isinstance(first[header.index("I alt")].value, int | float)
    await expect(months.get_by_role("status")).to_contain_text("er hentet")

    # A standard search (payments) with paging and its Excel export.
    await (
        page.get_by_role("navigation", name="Ledelsesinformation")
        .get_by_role("link", name="Standardsøgninger")
        .click()
    )
    await expect(page.get_by_role("heading", level=1, name="Standardsøgninger")).to_be_visible()
    await page.get_by_label("Standardsøgning", exact=True).select_option(label="Betalinger")
    await page.get_by_role("button", name="Vis resultat").click()
    result = page.get_by_role("table", name=re.compile("^Betalinger: side 1 af"))
    await expect(result).to_be_visible()
    await expect(result.get_by_role("columnheader", name="Beløb")).to_be_visible()
    await check_axe(page, "standardsøgning med resultat")
    async with page.expect_download() as info:
        await page.get_by_role("button", name=re.compile("Eksportér til Excel")).click()
    download = await info.value
    ws = _sheet(await download.path())
    header = [c.value for c in ws[1]]
    assert header[:7] == ["Barn", "Leverandør", "CVR", "Indsatstype", "Periode fra",
                          "Periode til", "Beløb"]  # fmt: skip
    row = next(iter(ws.iter_rows(min_row=2, max_row=2)))
    assert row[4].is_date and isinstance(row[4].value, datetime)
    assert row[4].number_format == "dd-mm-yyyy"
    assert isinstance(row[6].value, int | float) and row[6].number_format == "#,##0.00"

    # Payments and spending as the manager.
    await (
        page.get_by_role("navigation", name="Ledelsesinformation")
        .get_by_role("link", name="Betalinger og forbrug")
        .click()
    )
    await expect(page.get_by_role("table", name=re.compile("^Betalinger, side 1"))).to_be_visible()
    await expect(
        page.get_by_role("table", name=re.compile("^Forbrug efter indsatstype"))
    ).to_be_visible()
    await check_axe(page, "betalinger og forbrug (leder)")


async def test_finance_registers_a_payment_within_the_bevilling_period(mi_data, page):
    rows = await fetch(
        B,
        "SELECT b.id, b.period_from, s.id AS supplier_id FROM bevilling b "
        "JOIN supplier s ON s.id = b.supplier_id WHERE s.name = $1",
        SUPPLIER,
    )
    assert rows, "the demo data of 0202 has a running bevilling"
    bev = rows[0]
    await log_in(page, "Testby", username("oekonomi", B))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Ledelsesinformation")
        .click()
    )
    await (
        page.get_by_role("navigation", name="Ledelsesinformation")
        .get_by_role("link", name="Betalinger og forbrug")
        .click()
    )
    form = page.get_by_role("form", name="Registrér betaling")
    await expect(form.get_by_label("Leverandør")).to_be_enabled()
    await expect(
        form.get_by_label("Leverandør").locator(f'option[value="{bev["supplier_id"]}"]')
    ).to_have_count(1)
    await form.get_by_label("Leverandør").select_option(str(bev["supplier_id"]))
    await expect(
        form.get_by_label("Bevilling").locator(f'option[value="{bev["id"]}"]')
    ).to_have_count(1)
    await form.get_by_label("Bevilling").select_option(str(bev["id"]))
    start = bev["period_from"]
    await form.get_by_label("Periode fra").fill((start - timedelta(days=5)).isoformat())
    await form.get_by_label("Periode til").fill((start + timedelta(days=4)).isoformat())
    await form.get_by_label("Beløb (kr.)").fill("1.234,50")
    await form.get_by_label("Fakturanummer").fill("E2E-MI-1")
    await form.get_by_role("button", name="Registrér betaling").click()

    # The period error is at the field (and in the summary), in Danish.
    field = form.get_by_label("Periode fra")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#pay-from-error")).to_contain_text(
        f"Betalingen ligger før bevillingens start ({start.strftime('%d.%m.%Y')})"
    )
    await expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    await check_axe(page, "betaling med periodefejl")

    await field.fill(start.isoformat())
    await form.get_by_role("button", name="Registrér betaling").click()
    await expect(
        page.get_by_role("status").filter(has_text="Betalingen er registreret")
    ).to_contain_text("1.234,50 kr.")
    await expect(field).not_to_have_attribute("aria-invalid", "true")
    listing = page.get_by_role("table", name=re.compile("^Betalinger, side 1"))
    await expect(listing.get_by_role("row").filter(has_text="E2E-MI-1")).to_contain_text(
        "1.234,50 kr."
    )

    # Approved payments to the finance system's file, after a confirmation saying how many
    # and how much; cancelling exports nothing.
    exports_before = await page.get_by_role("table", name="Eksportfiler").get_by_role("row").count()
    await page.get_by_role("button", name="Eksportér godkendte betalinger").click()
    dialog = page.get_by_role("dialog", name="Eksportér godkendte betalinger?")
    await expect(dialog).to_contain_text(re.compile(r"\d+ betaling"))
    await expect(dialog).to_contain_text(" kr.")
    await expect(dialog.get_by_role("button", name="Fortryd")).to_be_focused()
    await check_axe(page, "bekræft eksport af betalinger")
    await shoot(page, "dialog-eksporter-betalinger")
    await dialog.get_by_role("button", name="Fortryd").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_role("status").filter(has_text="Eksporten er dannet")).to_have_count(0)
    assert (
        await page.get_by_role("table", name="Eksportfiler").get_by_role("row").count()
        == exports_before
    )
    await page.get_by_role("button", name="Eksportér godkendte betalinger").click()
    await dialog.get_by_role("button", name="Eksportér godkendte betalinger").click()
    await expect(page.get_by_role("status").filter(has_text="Eksporten er dannet")).to_be_visible()
    exports = page.get_by_role("table", name="Eksportfiler")
    async with page.expect_download() as info:
        await exports.get_by_role("link", name=re.compile("^Hent ")).first.click()
    csv = Path(await (await info.value).path()).read_bytes().decode("utf-8")
    assert csv.startswith("eksport_id;betaling_id;bevilling_id;sag_id;")
    assert "1234,50" in csv and "E2E-MI-1" in csv
    await expect(
        page.get_by_role("table", name=re.compile("^Forbrug efter indsatstype"))
    ).to_be_visible()
    await check_axe(page, "betalinger, eksport og forbrug (økonomi)")


async def test_a_large_export_shows_its_progress_and_a_download_link(mi_data, page):
    """Above 5,000 rows the API answers 202 with a job: the screen polls it with a progress
    bar and then links to the file. (The job's answers are played here: a real one needs
    5,001 rows; the API's own job is tested in tests/money/test_exports.py.)"""
    job_id = "11111111-2222-4333-8444-555555555555"
    job = {
        "id": job_id, "source": "betalinger", "status": "venter", "total_rows": 50000,
        "filename": None, "error": None, "created_at": "2026-12-01T10:00:00+00:00",
        "finished_at": None, "expires_at": "2026-12-02T10:00:00+00:00", "percent": 40,
        "message": "Skriver rækker", "download_url": None,
    }  # fmt: skip
    polls = {"n": 0}

    async def start(route):  # type: ignore[no-untyped-def]
        await route.fulfill(status=202, json=job)

    async def status(route):  # type: ignore[no-untyped-def]
        polls["n"] += 1
        if polls["n"] >= 2:
            ready = dict(job, status="klar", percent=100, filename="betalinger.xlsx",
                         download_url=f"/api/exports/{job_id}/file")  # fmt: skip
            await route.fulfill(json=ready)
        else:
            await route.fulfill(json=job)

    await page.route("**/api/exports", start)
    await page.route(f"**/api/exports/{job_id}", status)
    await log_in(page, "Testby", username("leder", B))
    await page.goto("/ledelsesinformation/standardsoegninger")
    await page.get_by_label("Standardsøgning", exact=True).select_option(label="Betalinger")
    await page.get_by_role("button", name="Vis resultat").click()
    await page.get_by_role("button", name=re.compile("Eksportér til Excel")).click()
    bar = page.get_by_role("progressbar", name=re.compile("Stort udtræk"))
    await expect(bar).to_have_attribute("value", "40")
    await expect(page.get_by_text("Skriver rækker – 40 %")).to_be_visible()
    await check_axe(page, "stort udtræk med fremdrift")
    link = page.get_by_role("link", name="Hent betalinger.xlsx")
    await expect(link).to_be_visible(timeout=10_000)
    await expect(bar).to_be_hidden()
    # The link is the API's download address (the file itself: test_exports.py).
    await expect(link).to_have_attribute("href", f"/api/exports/{job_id}/file")
    await expect(link).to_have_attribute("download", "betalinger.xlsx")


async def test_the_manager_approves_a_payment_waiting_for_approval(mi_data, page):
    """Where the kommune requires it, a payment waits for a manager (not the registrant)."""
    (bid,) = [r["id"] for r in await fetch(
        B, "SELECT b.id FROM bevilling b JOIN supplier s ON s.id = b.supplier_id "
        "WHERE s.name = $1", SUPPLIER,
    )]  # fmt: skip
    start = (await fetch(B, "SELECT period_from FROM bevilling WHERE id = $1", bid))[0][0]
    async with tenant_transaction(DB, B) as scope:
        # The rule only for this registration (the same transaction): Testby keeps its own.
        await scope.connection.execute("UPDATE kommune_settings SET payment_approval = true")
        await payments.do_register(
            "oekonomi-test", bevilling_id=bid, period_from=start + timedelta(days=10),
            period_to=start + timedelta(days=19), amount_oere=77700, invoice_ref="MI-GODKEND",
            note="",
        )  # fmt: skip
        await scope.connection.execute("UPDATE kommune_settings SET payment_approval = false")
    await log_in(page, "Testby", username("leder", B))
    await page.goto("/ledelsesinformation/betalinger")
    await expect(page.get_by_role("heading", level=1, name="Betalinger og forbrug")).to_be_visible()
    await expect(page.get_by_role("form", name="Registrér betaling")).to_have_count(0)
    await page.get_by_label("Status", exact=True).select_option(label="Afventer godkendelse")
    row = (
        page.get_by_role("table", name=re.compile("^Betalinger, side 1"))
        .get_by_role("row")
        .filter(has_text="MI-GODKEND")
    )
    await expect(row).to_contain_text("Registreret – afventer godkendelse")
    await check_axe(page, "betalinger til godkendelse (leder)")
    await row.get_by_role("button", name=re.compile("^Godkend")).click()
    # Approved, it leaves the list of payments waiting (before the filter changes: a list
    # asked for while the approval is under way would still show it waiting).
    await expect(row).to_have_count(0, timeout=15_000)
    await page.get_by_label("Status", exact=True).select_option(label="Alle")
    await expect(page.get_by_role("row").filter(has_text="MI-GODKEND")).to_contain_text(
        "Godkendt – klar til eksport"
    )
