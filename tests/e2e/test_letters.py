"""Letters in the browser (issue 15 item 3-4): the demo caseworker registers a school's
notification, writes the receipt from its template (chosen for them), sends it, and sees
the receipt activity done and the letter filed as a document; the administrator edits a
template with the merge fields and is told in Danish when a field is unknown. axe on every
screen; screenshots at 1366x768 and 768x1024 without sideways scrolling."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from playwright.async_api import expect

from backend.db import DB
from backend.outbox.service import enqueue
from backend.post.senders import SmtpSender, message_id
from backend.post.service import DELIVER_JOB
from tenancy.context import run_after_commit, tenant_transaction
from tests import conftest
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.test_offline import CODE, KOMMUNE, api_as
from tests.factories import unique_cpr

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "letters"


async def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
        sideways = await page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth"
        )
        assert not sideways, f"{name} {w}x{h} scrolls sideways"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_caseworker_sends_the_receipt_from_its_template(page, app):
    async with api_as(app) as c:
        r = await c.post(
            "/api/children",
            json={
                "cpr": unique_cpr(),
                "first_name": "Bo",
                "last_name": "Brevsen",
                "address": "Vej 1",
            },
        )
        assert r.status_code == 201, r.text
        case_id = r.json()["hovedsag_id"]
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{case_id}")
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Underretterens navn").fill("Lærer Lone")
    await page.get_by_label("Kontaktoplysninger").fill("lone@skole.dk")
    await page.get_by_label("Hvad handler underretningen om").fill("Bo kommer sulten i skole.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()

    await page.get_by_role("link", name="Skriv kvittering").first.click()
    await expect(page.get_by_role("heading", name="Skriv brev")).to_be_visible()
    template = page.get_by_role("radio", name="Kvittering for modtaget underretning")
    await expect(template).to_be_checked()
    lone = page.get_by_role("checkbox", name=re.compile("Lærer Lone"))
    await expect(lone).to_be_checked()
    await expect(page.get_by_text("Sendes med E-mail")).to_be_visible()
    await check_axe(page, "skriv brev")
    await _shots(page, "skriv-brev")
    await page.get_by_role("button", name="Skriv brevet").click()

    editor = page.get_by_role("textbox", name="Brevets tekst")
    await expect(editor).to_contain_text("Kære Lærer Lone")
    await expect(editor).to_contain_text("Tak for din underretning om Bo Brevsen")
    await expect(page.get_by_role("toolbar", name="Formatering af brevets tekst")).to_be_visible()
    await editor.click()
    await page.keyboard.press("Control+End")
    await page.keyboard.type("Vi ringer til dig i næste uge.")
    await expect(page.get_by_text("Kladden er gemt")).to_be_visible()
    await check_axe(page, "brev kladde")
    await _shots(page, "brev-kladde")

    opener = page.get_by_role("button", name="Send brevet")
    await opener.click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Lærer Lone (Fagperson) – E-mail")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    await opener.click()
    await dialog.get_by_role("button", name="Send brevet").click()
    # The PDF/A, its text extraction and the deliveries take a moment on a busy machine.
    await expect(page.get_by_text("Brevet er sendt")).to_be_visible(timeout=20_000)
    await expect(
        page.get_by_text(
            "Udført: Send kvittering for modtagelsen til den fagperson, der har underrettet"
        )
    ).to_be_visible()
    table = page.get_by_role("table")
    await expect(table).to_contain_text("Lærer Lone")
    await expect(table).to_contain_text("E-mail")
    # The worker delivers it to the development mail server; the page asks until it has.
    await expect(table.get_by_role("cell", name=re.compile("^Sendt"))).to_be_visible(timeout=30_000)
    await check_axe(page, "brev sendt")
    await _shots(page, "brev-sendt")
    letter_url = page.url

    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Overblik").click()
    await expect(page.get_by_role("link", name="Skriv kvittering")).to_have_count(0)
    async with api_as(app) as c:
        case = (await c.get(f"/api/cases/{case_id}")).json()
        receipt = next(a for a in case["activities"] if a["rule_id"] == "kvittering-fagperson")
        assert receipt["status"] == "done"
        docs = (await c.get(f"/api/cases/{case_id}/documents")).json()["items"]
        assert [(d["title"], d["source"]) for d in docs] == [
            ("Kvittering for modtaget underretning", "brev")
        ]
        journal = [
            e["title"] for e in (await c.get(f"/api/cases/{case_id}/journal")).json()["items"]
        ]
        assert "Brev sendt: Kvittering for modtaget underretning" in journal
        [sent] = (await c.get(f"/api/cases/{case_id}/deliveries")).json()["items"]

    # The state a worker leaves that died between the SMTP send and its commit (the crash
    # itself is simulated in tests/post): the attempt started, no outcome, the job to run
    # again. The worker's run does not send it again; the letter says so and offers "Send
    # igen", which sends the same e-mail (the same Message-ID) on purpose.
    async with tenant_transaction(DB, CODE) as scope:
        await scope.connection.execute(
            "UPDATE delivery SET status = 'afventer', sent_at = NULL, attempts = 0, "
            "attempt_started_at = clock_timestamp() WHERE id = $1",
            uuid.UUID(sent["id"]),
        )
        await enqueue(DELIVER_JOB, {"delivery_id": sent["id"]})
    await run_after_commit(scope)
    await page.goto(letter_url)
    await expect(
        table.get_by_role("cell", name=re.compile("^Afsendelse uafklaret"))
    ).to_contain_text("kontrollér om modtageren har fået e-mailen", timeout=30_000)
    await check_axe(page, "brev afsendelse uafklaret")
    await _shots(page, "brev-uafklaret")
    await page.get_by_role("button", name="Send igen til Lærer Lone").click()
    await expect(table.get_by_role("cell", name=re.compile("^Sendt"))).to_be_visible(timeout=30_000)
    mails = httpx.get(f"{conftest.SMTP.url}/api/mails").json()  # type: ignore[attr-defined]
    assert [m["message_id"] for m in mails if sent["id"] in m["message_id"]] == [
        message_id(uuid.UUID(sent["id"]), SmtpSender.from_env().sender)
    ] * 2


async def test_the_administrator_edits_a_template_with_merge_fields(page):
    await log_in(page, KOMMUNE, username("admin", CODE))
    await page.goto("/administration")
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Brevskabeloner")
        .click()
    )
    await expect(page.get_by_role("heading", name="Brevskabeloner")).to_be_visible()
    await check_axe(page, "brevskabeloner")
    await _shots(page, "brevskabeloner")
    await page.get_by_role("link", name="Indkaldelse til børnesamtale").click()
    editor = page.get_by_role("textbox", name="Tekst")
    await expect(editor).to_contain_text("{{ barn.navn }}")
    await editor.click()
    await page.keyboard.press("Control+End")
    await page.keyboard.type(" Sagsnummer: ")
    await page.get_by_role("button", name="Sagsnummer").click()
    await expect(editor).to_contain_text("Sagsnummer: {{ sag.nummer }}")
    await page.keyboard.type(" {{ barn.__class__ }}")
    await page.get_by_role("button", name="Gem ny version").click()
    await expect(page.locator("#body-error")).to_contain_text("Kun flettefelter")
    await check_axe(page, "brevskabelon med fejl")
    await editor.click()
    await page.keyboard.press("Control+End")
    for _ in range(len(" {{ barn.__class__ }}")):
        await page.keyboard.press("Backspace")
    await page.get_by_role("button", name="Gem ny version").click()
    await expect(page.get_by_text(re.compile(r"Gemt som version \d+"))).to_be_visible()
    await _shots(page, "brevskabelon")
