"""Issue 6's path in the browser: a København caseworker sends a case to Testby with the
required summary (a missing summary is refused with a Danish message at the field); a
Testby caseworker finds it in "Overførsler" with the prior-case check and the package
summary, accepts it, waits for the import and opens the new case with its history. A
rejection with a reason returns the case to the sender, who sees the reason. Registering a
child whose CPR number has a case in another kommune shows the prior-case notice, from
which the caseworker asks for the case; the other kommune declines the request. The birth
of an unborn child re-keys the case and shows the notice too. axe on every screen."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import date, timedelta

from playwright.async_api import expect

from backend.cli import _index_demo
from backend.crosskommune.keys import cpr_hmac
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out
from tests.e2e.test_money_path import shoot

KBH = "København"
TESTBY = "Testby"
KBH_WORKER = username("sagsbehandler", "0101")
TESTBY_WORKER = username("sagsbehandler", "0202")


async def _register_child(page, cpr: str, first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    # The names first: a child the CPR register knows then keeps the names typed here.
    await page.get_by_label("Fornavn").fill(first)
    await page.get_by_label("Efternavn").fill(last)
    await page.get_by_label("CPR-nummer").fill(cpr)
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name=f"{first} {last}")).to_be_visible()


async def _indexed(code: str, cpr: str) -> None:
    """Wait until the outbox job has put the case in the cross-kommune index. In a full test
    run the browser tests' worker first works off the jobs the in-process tests left in the
    queue, so this can take longer than the assertions' timeout."""
    for _ in range(240):
        async with tenant_transaction(DB, code) as scope:
            found = await scope.connection.fetchval(
                "SELECT count(*) FROM shared.cpr_own_cases($1)", cpr_hmac(cpr)
            )
        if found:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"the case in {code} was not indexed within a minute")


async def _send_case(page, summary: str) -> None:  # type: ignore[no-untyped-def]
    """On the case page: "Overfør sagen" to Testby with ``summary``."""
    await page.get_by_role("button", name="Overfør sagen").click()
    section = page.get_by_role("region", name="Overfør sagen")
    await section.get_by_label("Modtagende kommune").select_option(label=TESTBY)
    await section.get_by_label("Sammenfatning af vurderingerne").fill(summary)
    await section.get_by_role("button", name="Send sagen").click()
    dialog = page.get_by_role("dialog", name="Send sagen til en anden kommune?")
    await expect(dialog.get_by_text(TESTBY, exact=True)).to_be_visible()
    await dialog.get_by_role("button", name="Send sagen").click()
    await expect(
        page.get_by_role("status").filter(has_text=f"Sagen er under overførsel til {TESTBY}")
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Overfør sagen")).to_have_count(0)


async def _open_inbox_item(page, name: str) -> None:  # type: ignore[no-untyped-def]
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Overførsler")
        .click()
    )
    await expect(page.get_by_role("heading", level=1, name="Overførsler")).to_be_visible()
    inbox = page.get_by_role("region", name="Indbakke: sager sendt til jer")
    row = inbox.get_by_role("row").filter(has_text=name)
    await expect(row.get_by_text("Afventer jeres svar")).to_be_visible()
    await check_axe(page, "overførsler (indbakke)")
    await row.get_by_role("link", name=name).click()
    await expect(page.get_by_role("heading", level=1, name=f"Overførsel af {name}")).to_be_visible()


async def test_a_case_is_sent_accepted_and_opened_with_its_history(page):
    await log_in(page, KBH, KBH_WORKER)
    await _register_child(page, new_cpr(6601), "Viggo", "Flyttesen")
    await _indexed("0101", new_cpr(6601))
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Hvad handler underretningen om").fill(
        "Viggo er flyttet og mangler skole."
    )
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()
    case_url = page.url
    # A scanned file of 1.5 MB goes with the case (every file travels whole).
    await (
        page.get_by_role("navigation", name="Sagen")
        .get_by_role("link", name="Dokumenter og breve")
        .click()
    )
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Vælg filer").click()
    scan = b"\x89PNG\r\n\x1a\n" + os.urandom(3 * 512 * 1024 - 8)
    await (await chooser.value).set_files(
        [{"name": "Skanning.png", "mimeType": "image/png", "buffer": scan}]
    )
    await page.locator(".upload-item").get_by_label("Type").select_option(label="Andet")
    await page.get_by_role("button", name="Tilføj", exact=True).click()
    await expect(
        page.get_by_role("status").filter(has_text="1 dokument tilføjet sagen").first
    ).to_be_visible()
    await page.goto(case_url)

    # Bad input: no summary -> the Danish message at the field, nothing sent.
    await page.get_by_role("button", name="Overfør sagen").click()
    section = page.get_by_role("region", name="Overfør sagen")
    await section.get_by_label("Modtagende kommune").select_option(label=TESTBY)
    await check_axe(page, "overfør sagen (formular)")
    await section.get_by_role("button", name="Send sagen").click()
    summary = section.get_by_label("Sammenfatning af vurderingerne")
    await expect(summary).to_have_attribute("aria-invalid", "true")
    await expect(section.locator(".form-error-message")).to_contain_text(
        "Skriv en sammenfatning af vurderingerne"
    )
    await expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await check_axe(page, "overfør sagen uden sammenfatning")
    # A complete form asks first, saying to whom and what; cancelling sends nothing.
    await summary.fill("Udkast til sammenfatning.")
    await section.get_by_role("button", name="Send sagen").click()
    dialog = page.get_by_role("dialog", name="Send sagen til en anden kommune?")
    await expect(dialog).to_contain_text("Viggo Flyttesen")
    await expect(dialog.get_by_text(TESTBY, exact=True)).to_be_visible()
    await expect(dialog.get_by_role("button", name="Fortryd")).to_be_focused()
    await check_axe(page, "bekræft overførsel af sagen")
    await shoot(page, "dialog-send-sagen")
    await dialog.get_by_role("button", name="Fortryd").click()
    await expect(dialog).to_have_count(0)
    await expect(section.get_by_role("button", name="Send sagen")).to_be_focused()
    assert await page.get_by_text("Sagen er under overførsel").count() == 0
    await section.get_by_role("button", name="Fortryd").click()
    await expect(page.get_by_role("button", name="Overfør sagen")).to_be_focused()

    await _send_case(
        page, "Familien er flyttet til Testby. Skolen er bekymret; undersøgelsen er ikke startet."
    )
    await expect(
        page.get_by_role("status").filter(has_text=f"Sagen er under overførsel til {TESTBY}")
    ).to_contain_text("Med sagen: 1 dokument med fil, i alt 1,5 MB.")
    await check_axe(page, "sag under overførsel")
    await shoot(page, "sag-under-overfoersel")
    await log_out(page)

    # Testby: the inbox, the package, the prior-case check, accept, wait for the import.
    await log_in(page, TESTBY, TESTBY_WORKER)
    await _open_inbox_item(page, "Viggo Flyttesen")
    await expect(page.get_by_text("Familien er flyttet til Testby.")).to_be_visible()
    notice = page.get_by_role("region", name="Barnet har haft sager i andre kommuner")
    await expect(notice.get_by_role("row").filter(has_text=KBH)).to_contain_text("Åben")
    await expect(page.get_by_text(re.compile(r"^\d+ journalnotat(er)?$"))).to_be_visible()
    await expect(page.locator(".transfer-files")).to_have_text(
        "1 dokument med fil, i alt 1,5 MB – alle filer følger med hele"
    )
    await check_axe(page, "overførsel (før beslutning)")
    await shoot(page, "overfoersel-modtaget")
    # While the import runs the page asks for the status only (unaudited); the whole
    # transfer (an audited read) is fetched again once per change, not once a second.
    whole: list[str] = []
    whole_read = re.compile(r"/api/transfers/[0-9a-f-]{36}$")
    page.on(
        "request",
        lambda r: whole.append(r.url) if r.method == "GET" and whole_read.search(r.url) else None,
    )
    await page.get_by_role("button", name="Acceptér overførslen").click()
    await expect(page.get_by_role("status").filter(has_text="Sagen er overtaget")).to_be_visible(
        timeout=30_000
    )
    await page.wait_for_timeout(2500)  # what a poll every second would have asked meanwhile
    assert 1 <= len(whole) <= 2, whole
    await check_axe(page, "overførsel (overtaget)")
    await page.get_by_role("link", name="Åbn sagen").click()
    await expect(page.get_by_role("heading", level=1, name="Viggo Flyttesen")).to_be_visible()
    # The same case page as from the search: the child's facts, also after a reload.
    for reloaded in (False, True):
        if reloaded:
            await page.reload()
        for fact in ("Født", "Adresse"):
            await expect(page.locator("dl.case-facts dt", has_text=fact)).to_have_count(1)
    await expect(page.get_by_text(f"Sagen er modtaget fra {KBH}", exact=True)).to_be_visible()
    await expect(page.get_by_text("Læs og overtag sagen fra").first).to_be_visible()
    await check_axe(page, "den modtagne sag")
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Journal").click()
    await expect(page.get_by_text(f"Sagens historik er indlæst fra {KBH}").first).to_be_visible()
    await expect(page.get_by_text(f"Overført fra {KBH}").first).to_be_visible()
    await log_out(page)

    # København: the transfer is done, the case is closed there.
    await log_in(page, KBH, KBH_WORKER)
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Overførsler")
        .click()
    )
    outbox = page.get_by_role("region", name="Sendte overførsler")
    await expect(outbox.get_by_role("row").filter(has_text="Viggo Flyttesen")).to_contain_text(
        "Overtaget"
    )
    await check_axe(page, "overførsler (sendte)")
    await page.goto(case_url)
    await expect(
        page.get_by_role("status").filter(has_text=f"Sagen er overført til {TESTBY}")
    ).to_be_visible(timeout=15_000)
    await expect(page.get_by_role("button", name="Overfør sagen")).to_have_count(0)
    # The transferred case is closed here (by the sender's job): nothing new is offered on it.
    case_path = case_url.split("?")[0]
    await page.goto(f"{case_path}/forloeb")
    for _ in range(30):
        if await page.get_by_role("note").filter(has_text="Sagen er lukket").count():
            break
        await asyncio.sleep(1)
        await page.reload()
    await expect(page.get_by_role("note").filter(has_text="Sagen er lukket")).to_be_visible()
    await page.goto(case_path)
    await expect(page.get_by_role("heading", name="Det skal gøres")).to_be_visible()
    for action in ("Registrér underretning", "Start børnefaglig undersøgelse"):
        await expect(page.get_by_role("button", name=action)).to_have_count(0)
    await page.goto(f"{case_path}/netvaerk")
    await expect(page.get_by_role("heading", level=2, name="Netværk")).to_be_visible()
    await expect(page.get_by_role("button", name="Tilføj person")).to_have_count(0)


async def test_a_rejection_with_a_reason_returns_the_case(page):
    await log_in(page, KBH, KBH_WORKER)
    await _register_child(page, new_cpr(6602), "Rasmus", "Afvisesen")
    await _indexed("0101", new_cpr(6602))
    case_url = page.url
    await _send_case(page, "Familien siger, de flytter til Testby.")
    await log_out(page)

    await log_in(page, TESTBY, TESTBY_WORKER)
    await _open_inbox_item(page, "Rasmus Afvisesen")
    await page.get_by_role("button", name="Afvis overførslen").click()
    form = page.get_by_role("form", name="Afvis overførslen")
    await form.get_by_role("button", name="Afvis overførslen").click()
    reason = form.get_by_label("Begrundelse")
    await expect(reason).to_have_attribute("aria-invalid", "true")
    await expect(form.locator(".form-error-message")).to_contain_text(
        "Skriv hvorfor overførslen afvises"
    )
    await check_axe(page, "afvis uden begrundelse")
    await reason.fill("Familien er ikke tilmeldt adressen i Testby.")
    await form.get_by_role("button", name="Afvis overførslen").click()
    await expect(
        page.get_by_role("status").filter(has_text="Overførslen er afvist")
    ).to_be_visible()
    await expect(
        page.get_by_text("Familien er ikke tilmeldt adressen i Testby.").first
    ).to_be_visible()
    await check_axe(page, "overførsel afvist")
    await log_out(page)

    await log_in(page, KBH, KBH_WORKER)
    await page.goto(case_url)
    await expect(
        page.get_by_role("status").filter(has_text=f"{TESTBY} har afvist overførslen")
    ).to_be_visible(timeout=15_000)
    await expect(
        page.get_by_text("Familien er ikke tilmeldt adressen i Testby.", exact=True)
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Overfør sagen")).to_be_visible()
    await check_axe(page, "sag med afvist overførsel")


async def test_registering_a_child_known_elsewhere_shows_the_notice_and_asks_for_the_case(page):
    # The seeded cases are written by SQL: index them as the demo start does (`just run`).
    assert await _index_demo(["0101", "0202"])
    async with tenant_transaction(DB, "0202") as scope:
        known = {r["cpr"] for r in await scope.connection.fetch("SELECT cpr FROM child")}
    async with tenant_transaction(DB, "0101") as scope:
        rows = await scope.connection.fetch(
            "SELECT c.cpr FROM hovedsag h JOIN child c ON c.id = h.child_id WHERE "
            "h.closed_at IS NULL AND h.transferred_to IS NULL AND c.cpr IS NOT NULL ORDER BY c.cpr"
        )
    cpr = next(r["cpr"] for r in rows if r["cpr"] not in known)
    await log_in(page, TESTBY, TESTBY_WORKER)
    await _register_child(page, cpr, "Sofie", "Tilflyttersen")
    notice = page.get_by_role("region", name="Barnet har haft sager i andre kommuner")
    row = notice.get_by_role("row").filter(has_text=KBH)
    await expect(row).to_contain_text("Åben")
    await check_axe(page, "sag med tidligere sager")

    await row.get_by_role("button", name=f"Bed {KBH} om sagen").click()
    form = page.get_by_role("form", name=f"Bed {KBH} om sagen")
    await form.get_by_role("button", name="Send anmodning").click()
    await expect(form.get_by_label("Besked til kommunen")).to_have_attribute("aria-invalid", "true")
    await check_axe(page, "anmodning uden besked")
    await form.get_by_label("Besked til kommunen").fill("Familien er flyttet til Testby.")
    await form.get_by_role("button", name="Send anmodning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Anmodningen om sagen er sendt")
    ).to_be_visible()
    await log_out(page)

    # København declines the request with a reason.
    await log_in(page, KBH, KBH_WORKER)
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Overførsler")
        .click()
    )
    requests = page.get_by_role("region", name="Anmodninger om sager fra andre kommuner")
    await expect(requests.get_by_text("Familien er flyttet til Testby.")).to_be_visible()
    await requests.get_by_role("button", name="Besvar anmodningen om").first.click()
    await requests.get_by_role("radio", name="Afvis anmodningen").check()
    await requests.get_by_role("button", name="Send svar").click()
    await expect(requests.get_by_label("Begrundelse")).to_have_attribute("aria-invalid", "true")
    await check_axe(page, "besvar anmodning uden begrundelse")
    await requests.get_by_label("Begrundelse").fill("Sagen afsluttes her først.")
    await requests.get_by_role("button", name="Send svar").click()
    await expect(
        page.get_by_role("status").filter(has_text=f"Anmodningen fra {TESTBY} er besvaret")
    ).to_be_visible()


async def test_the_birth_of_an_unborn_child_shows_the_notice(page):
    cpr = new_cpr(6603, years=0)
    await log_in(page, KBH, KBH_WORKER)
    await _register_child(page, cpr, "Lille", "Fødesen")
    await _indexed("0101", cpr)
    await log_out(page)

    await log_in(page, TESTBY, TESTBY_WORKER)
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Registrér barn")
        .click()
    )
    await page.get_by_label("Ufødt barn").check()
    await page.get_by_label("Morens CPR-nummer").fill(new_cpr(6604, years=30))
    await page.get_by_label("Forventet termin").fill(
        (date.today() + timedelta(days=20)).isoformat()
    )
    await page.get_by_label("Fornavn").fill("Ufødt")
    await page.get_by_label("Efternavn").fill("Fødesen")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Ufødt Fødesen")).to_be_visible()
    await expect(
        page.get_by_role("region", name="Barnet har haft sager i andre kommuner")
    ).to_have_count(0)

    await page.get_by_role("button", name="Registrér fødsel").click()
    birth = page.get_by_role("dialog", name="Registrér fødsel")
    await birth.get_by_label("Barnets CPR-nummer").fill(cpr)
    await birth.get_by_label("Barnets fornavn").fill("Lille")
    await birth.get_by_label("Barnets efternavn").fill("Fødesen")
    await birth.get_by_role("button", name="Registrér fødsel").click()
    notice = page.get_by_role("region", name="Barnet har haft sager i andre kommuner")
    await expect(notice.get_by_role("row").filter(has_text=KBH)).to_contain_text("Åben")
    await check_axe(page, "fødsel med tidligere sag")
