"""Money in the browser (issue 8): finance builds a supplier with two offers in the catalogue
(with Danish errors by the fields), a caseworker composes two measures for a child and sees
the expected yearly cost change as they add and remove them, the manager approves from the
front page's list by opening the case's approval and confirming in a dialog (cancel does
nothing; "Træk tilbage" is gone afterwards), the decision grants them with their bevilling
(the same pr. måned / pr. år / hele perioden as the visitation), and finance raises the
supplier's price from next month (preview, apply, progress, revert after a confirmation).
Kommune Testby (0202); axe on every screen and dialog."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.money.demo import demo_cvr
from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out

KOMMUNE = "Testby"
SUPPLIER = "Familiecentret Browserby"
CHILD = ("Bodil", "Budgetsen")


SHOTS = Path(__file__).resolve().parents[2] / "test-results"


async def shoot(page: Any, name: str, target: Any = None) -> None:
    """Screenshots of the current screen at 1366×768 and 768×1024 (test-results/, to look
    at), scrolled to ``target`` if given; the viewport is set back afterwards."""
    SHOTS.mkdir(exist_ok=True)
    before = page.viewport_size
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        if target is not None:
            await target.evaluate("e => e.scrollIntoView({block: 'start'})")
        await page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"))
    await page.set_viewport_size(before)


def _cvr(seed: int) -> str:
    rnd = random.Random(seed)
    while True:
        try:
            return demo_cvr(str(rnd.randint(1_000_000, 9_999_999)))
        except ValueError:
            continue


def _kr(text: str) -> float:
    """ "12.345,67 kr." -> 12345.67"""
    m = re.search(r"(-?[\d.]+,\d{2})", text.replace("\xa0", " "))
    assert m, text
    return float(m.group(1).replace(".", "").replace(",", "."))


async def _select(select: Any, pattern: str) -> None:
    """Choose the option whose text matches ``pattern`` (a regular expression)."""
    await expect(select).to_be_visible()
    await expect(select.locator("option").filter(has_text=re.compile(pattern))).to_have_count(1)
    texts = await select.locator("option").all_inner_texts()
    await select.select_option(label=next(t for t in texts if re.search(pattern, t)))


def _next_month(today: date) -> date:
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


async def _finance_builds_the_catalogue(page: Any) -> None:
    await log_in(page, KOMMUNE, username("oekonomi", "0202"))
    await (
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Økonomi").click()
    )
    await expect(page.get_by_role("heading", level=1, name="Økonomi")).to_be_visible()
    await expect(page.get_by_role("heading", level=2, name="Leverandører")).to_be_visible()
    # The section (other tests may have left suppliers, whose table is a region of its own).
    await expect(
        page.locator("section[aria-labelledby='suppliers-heading']")
    ).not_to_have_attribute("aria-busy", "true")
    await check_axe(page, "økonomi: leverandører")

    # A CVR number with a wrong check digit: the API's Danish message stands by the field.
    form = page.get_by_role("form", name="Opret leverandør")
    await form.get_by_label("Navn").fill(SUPPLIER)
    await form.get_by_label("Type").select_option(label="Privat leverandør")
    good = _cvr(2202)
    bad = good[:7] + str((int(good[7]) + 1) % 10)
    await form.get_by_label("CVR-nummer").fill(bad)
    await form.get_by_label("Tilbudsportalen").fill("TP-4711")
    await form.get_by_role("button", name="Opret leverandør").click()
    cvr_error = page.locator("#sup-cvr-error")
    await expect(cvr_error).to_contain_text("CVR")
    await expect(form.get_by_label("CVR-nummer")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    await check_axe(page, "leverandør med forkert CVR-nummer")
    await form.get_by_label("CVR-nummer").fill(good)
    await form.get_by_role("button", name="Opret leverandør").click()
    await expect(page.get_by_role("heading", level=1, name=SUPPLIER)).to_be_visible()

    # Two offers priced per hour from 1 January.
    jan = date(date.today().year, 1, 1).isoformat()
    for name, measure, price in (
        ("Familiebehandling", "Familiebehandling", "900,00"),
        ("Kontaktperson", "Fast kontaktperson", "500,00"),
    ):
        offer = page.get_by_role("form", name="Opret tilbud")
        await offer.get_by_label("Tilbuddets navn").fill(name)
        await _select(offer.get_by_label("Indsatstype"), f"^{measure} – ")
        await offer.get_by_label("Prisenhed").select_option(label="Pr. time")
        await offer.get_by_label("Pris i kroner").fill(price)
        await offer.get_by_label("Prisen gælder fra").fill(jan)
        await offer.get_by_role("button", name="Opret tilbud").click()
        await expect(page.get_by_role("region", name=name, exact=True)).to_be_visible()
    family = page.get_by_role("region", name="Familiebehandling", exact=True)
    await expect(family.get_by_role("table", name="Priser på Familiebehandling")).to_contain_text(
        "900,00"
    )

    # A negative price and an overlapping validity: Danish errors next to the fields.
    price = family.get_by_role("form", name="Ny pris på Familiebehandling")
    await price.get_by_label("Ny pris i kroner").fill("-10")
    await price.get_by_label("Gælder fra").fill(jan)
    await price.get_by_role("button", name="Tilføj pris").click()
    await expect(price.locator(".form-error-message").first).to_contain_text("negativ")
    await price.get_by_label("Ny pris i kroner").fill("950,00")
    await price.get_by_label("Afslut den gældende pris dagen før").uncheck()
    await price.get_by_role("button", name="Tilføj pris").click()
    await expect(price.locator('[id$="-from-error"]')).to_be_visible()
    await check_axe(page, "leverandør med tilbud og prisfejl")

    await (
        page.get_by_role("navigation", name="Økonomi")
        .get_by_role("link", name="Katalogets journal")
        .click()
    )
    journal = page.get_by_role("table", name=re.compile("Ændringer i kataloget"))
    await expect(journal).to_contain_text(SUPPLIER)
    await check_axe(page, "katalogets journal")
    await log_out(page)


async def _totals(section: Any) -> tuple[float, float]:
    totals = section.get_by_label("Forventede udgifter i alt")
    month = await totals.locator("div", has_text="Pr. måned").locator("dd").inner_text()
    year = await totals.locator("div", has_text="Pr. år").locator("dd").inner_text()
    return _kr(month), _kr(year)


async def _add_line(
    section: Any, measure: str, offer: str, quantity: str, ends_on: str = ""
) -> None:
    form = section.get_by_role("form", name="Tilføj indsats")
    await _select(form.get_by_label("Indsatstype"), f"^{measure} \\(")
    await _select(form.get_by_label("Leverandør og tilbud"), f"^{SUPPLIER} – {offer} ")
    await form.get_by_label("Antal").fill(quantity)
    if ends_on:
        await form.get_by_label("Planlagt slut").fill(ends_on)
    await form.get_by_role("button", name="Tilføj indsats").click()


async def test_visitation_costs_approval_decision_and_price_update(page: Any) -> None:
    await _finance_builds_the_catalogue(page)

    # The caseworker registers a child and composes two measures.
    await log_in(page, KOMMUNE, username("sagsbehandler", "0202"))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Registrér barn")
        .click()
    )
    await page.get_by_label("CPR-nummer").fill(new_cpr(8202))
    await page.get_by_label("Fornavn").fill(CHILD[0])
    await page.get_by_label("Efternavn").fill(CHILD[1])
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name=" ".join(CHILD))).to_be_visible()
    tabs = page.get_by_role("navigation", name="Sagen")
    await tabs.get_by_role("link", name="Økonomi").click()
    case_url = page.url
    money = page.get_by_role("region", name="Bevillinger og udgifter")
    await expect(money.get_by_text("Sagen har ingen bevillinger")).to_be_visible()
    await money.get_by_label("Indsatserne bevilges efter").select_option("32")
    await money.get_by_role("button", name="Start visitation").click()
    await expect(money.get_by_text("Visitationen har endnu ingen indsatser")).to_be_visible()
    await check_axe(page, "visitation uden indsatser")

    status = money.get_by_role("status").first
    planned_end = date.today() + timedelta(days=180)
    await _add_line(money, "Familiebehandling", "Familiebehandling", "3", planned_end.isoformat())
    first = money.get_by_role("table", name="Indsatser i visitationen").get_by_role("row").nth(1)
    await expect(first).to_contain_text("Familiebehandling")
    await expect(first).to_contain_text(f"– {planned_end.strftime('%d.%m.%Y')}")
    await expect(first.get_by_role("cell").nth(4)).to_contain_text("kr.")  # until the planned end
    await expect(status).to_contain_text("Ændring pr. år: +")
    one_month, one_year = await _totals(money)
    assert one_year > 0 and one_month > 0
    await _add_line(money, "Fast kontaktperson", "Kontaktperson", "2")
    lines = money.get_by_role("table", name="Indsatser i visitationen")
    await expect(lines.get_by_role("row")).to_have_count(3)
    _, two_year = await _totals(money)
    assert two_year > one_year
    change = _kr(await status.inner_text())
    assert abs(change - (two_year - one_year)) < 0.01
    await money.get_by_text("Udgift måned for måned").click()
    await expect(money.get_by_role("table", name=re.compile("^Forventet udgift"))).to_be_visible()
    await check_axe(page, "visitation med to indsatser")

    # Removing the contact person takes the yearly cost back; adding it again raises it.
    await lines.get_by_role("button", name="Fjern Fast kontaktperson").click()
    await expect(lines.get_by_role("row")).to_have_count(2)
    await expect(status).to_contain_text("Fast kontaktperson er fjernet")
    assert (await _totals(money))[1] == one_year
    await _add_line(money, "Fast kontaktperson", "Kontaktperson", "2")
    await expect(lines.get_by_role("row")).to_have_count(3)
    assert (await _totals(money))[1] == two_year

    await money.get_by_role("button", name="Send til godkendelse").click()
    await expect(money.get_by_text("Afventer leders godkendelse")).to_be_visible()
    await expect(money.get_by_role("button", name="Træk tilbage")).to_be_visible()
    await check_axe(page, "visitation indsendt")
    totals = money.get_by_role("group", name="Forventede udgifter i alt")
    for label in ("Pr. måned", "Pr. år", "Hele perioden"):
        await expect(totals.get_by_text(label, exact=True)).to_be_visible()
    draft_month, draft_year = await _totals(money)
    await log_out(page)

    # The manager finds it on the front page; approving there means opening the case's
    # approval (no one-click approval of a bevilling from a list).
    await log_in(page, KOMMUNE, username("leder", "0202"))
    approvals = page.get_by_role("table", name="Bevillinger til godkendelse")
    row = approvals.get_by_role("row").filter(has_text=" ".join(CHILD))
    await expect(row).to_be_visible()
    await expect(row.get_by_role("button")).to_have_count(0)
    await check_axe(page, "forside for leder med bevillinger til godkendelse")
    await shoot(
        page,
        "forside-bevillinger-til-godkendelse",
        page.get_by_role("heading", name="Bevillinger til godkendelse"),
    )
    await row.get_by_role("link", name=f"Se og godkend bevillingen til {' '.join(CHILD)}").click()
    await expect(page.get_by_role("heading", level=1, name=" ".join(CHILD))).to_be_visible()
    assert page.url.endswith("#godkend-bevilling")
    money = page.get_by_role("region", name="Bevillinger og udgifter")
    approve_heading = money.get_by_role("heading", name="Godkend bevillingen")
    await expect(approve_heading).to_be_focused()
    await money.get_by_role("button", name="Godkend bevillingen").click()
    dialog = page.get_by_role("dialog", name="Godkend bevillingen?")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text(" ".join(CHILD))
    await expect(dialog).to_contain_text("(ingen planlagt slut)")  # the contact person
    await expect(dialog.get_by_text("Pr. år", exact=True)).to_be_visible()
    assert _kr(await dialog.locator("dd").nth(4).inner_text()) == draft_year
    await expect(dialog.get_by_role("button", name="Fortryd")).to_be_focused()
    await check_axe(page, "bekræft godkendelse af bevilling")
    await shoot(page, "dialog-godkend-bevilling")
    # Cancel does nothing: the draft still waits.
    await dialog.get_by_role("button", name="Fortryd").click()
    await expect(dialog).to_have_count(0)
    await expect(money.get_by_text("Afventer leders godkendelse")).to_be_visible()
    await expect(money.get_by_role("button", name="Godkend bevillingen")).to_be_focused()
    await money.get_by_role("button", name="Godkend bevillingen").click()
    await dialog.get_by_role("button", name="Godkend bevillingen").click()
    await expect(dialog).to_have_count(0)
    await expect(money.get_by_text("Bevillingen er godkendt", exact=True)).to_be_visible()
    await check_axe(page, "visitation godkendt")
    await page.goto("/")
    await expect(
        page.get_by_role("table", name="Bevillinger til godkendelse")
        .get_by_role("row")
        .filter(has_text=" ".join(CHILD))
    ).to_have_count(0)
    await log_out(page)

    # The caseworker decides with the approved visitation: the measures get their bevilling.
    await log_in(page, KOMMUNE, username("sagsbehandler", "0202"))
    await page.goto(case_url)
    money = page.get_by_role("region", name="Bevillinger og udgifter")
    await expect(money.get_by_text("Bevillingen er godkendt")).to_be_visible()
    # A button that no longer applies is gone (the server refuses it too: 409).
    await expect(money.get_by_role("button", name="Træk tilbage")).to_have_count(0)
    await shoot(page, "visitation-godkendt-sagsbehandler", money)
    # Cancelling an approved visitation asks first; "Behold visitationen" keeps it.
    await money.get_by_role("button", name="Annullér visitationen").click()
    dialog = page.get_by_role("dialog", name="Annullér den godkendte visitation?")
    await expect(dialog).to_contain_text(" ".join(CHILD))
    await check_axe(page, "bekræft annullering af godkendt visitation")
    await dialog.get_by_role("button", name="Behold visitationen").click()
    await expect(dialog).to_have_count(0)
    await expect(money.get_by_text("Bevillingen er godkendt", exact=True)).to_be_visible()
    await tabs.get_by_role("link", name="Forløb").click()
    forloeb = page.get_by_role("region", name="Forløb", exact=True)
    await forloeb.get_by_role("button", name="Træf afgørelse").click()
    decision = page.get_by_role("form", name="Træf afgørelse")
    await decision.get_by_role("radio", name=re.compile(r"^§ 32")).check()
    await decision.get_by_role("radio", name="Bevilget").check()
    choice = decision.get_by_label("Bevilg den godkendte visitation efter § 32")
    await expect(choice).to_be_checked()
    await expect(decision.get_by_label("Indsats", exact=True)).to_have_count(0)
    await decision.get_by_label("Afgørelsens indhold og begrundelse").fill(
        "Familiebehandling og kontaktperson bevilges efter visitationen."
    )
    await check_axe(page, "afgørelse med godkendt visitation")
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    reasons = decision.get_by_label(re.compile("^Begrundelse for at træffe afgørelsen uden"))
    done = forloeb.get_by_role("status").first
    await expect(done.or_(reasons.first)).to_be_visible()
    if await reasons.count() > 0 and not await done.is_visible():
        for i in range(await reasons.count()):
            await reasons.nth(i).fill("Ikke muligt før afgørelsen; gennemføres ved opstart.")
        await decision.get_by_role("button", name="Gem afgørelsen").click()
    await expect(done).to_contain_text("Afgørelsen er truffet")
    await expect(done).to_contain_text("Indsats med bevilling: Fast kontaktperson")
    await tabs.get_by_role("link", name="Økonomi").click()
    money = page.get_by_role("region", name="Bevillinger og udgifter")
    granted = money.get_by_role("table", name="Bevillinger", exact=True)
    await expect(granted.get_by_role("row")).to_have_count(3)
    await expect(granted).to_contain_text("Godkendt af Lene Leder")  # a name, not a username
    # One cost model: the case's running cost is what the visitation showed.
    running = await money.get_by_text("Sagens løbende udgift").inner_text()
    amounts = [_kr(a) for a in re.findall(r"[\d.]+,\d{2}", running)]
    assert amounts == [draft_month, draft_year]
    await expect(granted.get_by_role("columnheader", name="Hele perioden")).to_be_visible()
    await check_axe(page, "sag med bevillinger")
    await shoot(page, "sag-med-bevillinger", money)
    await log_out(page)

    # Finance raises the supplier's prices 5 % from next month: preview, apply, progress.
    await log_in(page, KOMMUNE, username("oekonomi", "0202"))
    await (
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Økonomi").click()
    )
    await (
        page.get_by_role("navigation", name="Økonomi")
        .get_by_role("link", name="Prisopdatering")
        .click()
    )
    await expect(page.get_by_role("heading", level=1, name="Prisopdatering")).to_be_visible()
    effective = _next_month(date.today())
    form = page.get_by_role("form", name="Ny prisopdatering")
    await expect(form.get_by_label("Gælder fra")).to_have_value(effective.isoformat())
    await form.get_by_label("Vis tilbud fra leverandør").select_option(label=SUPPLIER)
    await form.get_by_role("button", name="Vælg alle viste tilbud").click()
    await form.get_by_label("Procent", exact=True).fill("0")
    await form.get_by_role("button", name="Vis ændringerne").click()
    await expect(page.locator("#pu-percent-error")).to_be_visible()
    await check_axe(page, "prisopdatering med fejl")
    await form.get_by_label("Procent", exact=True).fill("5")
    await form.get_by_role("button", name="Vis ændringerne").click()
    offers = page.get_by_role("table", name=re.compile("^Tilbud fra"))
    family = offers.get_by_role("row").filter(has_text="Familiebehandling")
    await expect(family).to_contain_text("900,00")
    await expect(family).to_contain_text("945,00")
    await expect(family).to_contain_text("+45,00")
    await expect(offers.get_by_role("row").filter(has_text="Kontaktperson")).to_contain_text(
        "525,00"
    )
    sample = page.get_by_role("table", name=re.compile("bevillinger der ændres mest"))
    await expect(sample.get_by_role("row").filter(has_text=" ".join(CHILD))).to_have_count(2)
    await check_axe(page, "prisopdatering: forhåndsvisning")

    await page.get_by_role("button", name="Gennemfør prisopdateringen").click()
    current = page.get_by_role("region", name="Status for prisopdateringen")
    await expect(
        current.get_by_role("progressbar").or_(
            current.get_by_text("Prisopdateringen er gennemført")
        )
    ).to_be_visible()
    await check_axe(page, "prisopdatering i gang")
    await expect(current.get_by_text("Prisopdateringen er gennemført")).to_be_visible(
        timeout=30_000
    )
    await expect(current).to_contain_text("2 bevillinger")
    await expect(page.get_by_role("table", name=re.compile("^Prisopdateringer"))).to_contain_text(
        "Gennemført"
    )
    await check_axe(page, "prisopdatering gennemført")

    # ... and reverts it, after saying yes to what the revert does.
    await current.get_by_role("button", name="Tilbagefør prisopdateringen").click()
    dialog = page.get_by_role("dialog", name="Tilbagefør prisopdateringen?")
    await expect(dialog).to_contain_text("2 bevillinger")
    await check_axe(page, "bekræft tilbageførsel af prisopdatering")
    await shoot(page, "dialog-tilbagefoer-prisopdatering")
    await dialog.get_by_role("button", name="Fortryd").click()
    await expect(dialog).to_have_count(0)
    await expect(current.get_by_text("Prisopdateringen er gennemført")).to_be_visible()
    await current.get_by_role("button", name="Tilbagefør prisopdateringen").click()
    await dialog.get_by_role("button", name="Tilbagefør prisopdateringen").click()
    await expect(current.get_by_text("Prisopdateringen er tilbageført")).to_be_visible(
        timeout=30_000
    )
    await check_axe(page, "prisopdatering tilbageført")
