"""Issue 15's "Done when", end to end in the browser, as the demo caseworker in København: a
child registered from the CPR register (the mother on Digital Post, the father exempt); a
school's notification with the teacher's e-mail; the receipt written from its template and
captured by the development mail server, the receipt activity done; the school's statement
uploaded on "Dokumenter og breve" and found by a word in its text; a § 32 decision prepared
and made, and the afgørelse (with begrundelse and klagevejledning) sent to both parents: one
by Digital Post (in the development mailbox), one waiting for print (Administration ›
Udskrivning); the mother answers from the mailbox ("Send svar") and her reply stands under
"Indgået post" on the caseworker's front page. axe on every screen the path shows."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from playwright.async_api import expect

from backend.db import DB
from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out
from tests.post.conftest import A, dp_url, mail_url

KOMMUNE, CODE = "København", "0101"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "issue15"


def _statement() -> bytes:
    import weasyprint

    html = (
        "<h1>Udtalelse fra Skovbo Skole</h1><p>Emil møder uregelmæssigt og virker "
        "søvnløs; klasselæreren beskriver en tydelig mistrivsel i frikvartererne.</p>"
    )
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]


async def _shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
        overflow = await page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, f"{name} at {w}px scrolls sideways by {overflow}px"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def _place(page, name: str) -> None:  # type: ignore[no-untyped-def]
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name=name).click()


async def test_a_newcomer_walks_issue_15_from_notification_to_the_parents_reply(page):  # type: ignore[no-untyped-def]
    child, mother, father = new_cpr(9151, years=9), new_cpr(9152, years=35), new_cpr(9153, 40)
    add_to_demo_file(
        demo_file(),
        {
            child: CprRelations(
                child=CprPerson(child, "Emil Postsen", "Lindevej 4, 2500 Valby"),
                parents=[
                    CprPerson(mother, "Hanne Postsen", "Lindevej 4, 2500 Valby"),
                    CprPerson(
                        father,
                        "Ole Postsen",
                        "Havnegade 9, 8000 Aarhus C",
                        digital_post_exempt=True,
                    ),
                ],
                custody=[mother, father],
            )
        },
    )
    # The mail capture keeps what earlier runs sent: this run's teacher has her own address.
    teacher = f"lone.{uuid.uuid4().hex[:8]}@skovboskole.dk"
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Registrér barn")
        .click()
    )
    await page.get_by_label("CPR-nummer").fill(child)
    await expect(page.get_by_role("region", name="Fra CPR-registret")).to_contain_text(
        "Emil Postsen"
    )
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Emil Postsen")).to_be_visible()
    case_id = re.sub(r"\?.*$", "", page.url).rsplit("/", 1)[1]

    # 1. The school's notification, with the teacher's e-mail.
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Underretterens navn").fill("Lone Lærer")
    await page.get_by_label("Kontaktoplysninger").fill(teacher)
    await page.get_by_label("Hvad handler underretningen om").fill("Emil er træt og trist.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()

    # 2. The receipt from its template, by e-mail; the activity is done.
    await page.get_by_role("link", name="Skriv kvittering").first.click()
    await expect(
        page.get_by_role("radio", name="Kvittering for modtaget underretning")
    ).to_be_checked()
    await expect(page.get_by_role("checkbox", name=re.compile("Lone Lærer"))).to_be_checked()
    await page.get_by_role("button", name="Skriv brevet").click()
    await expect(page.get_by_role("textbox", name="Brevets tekst")).to_contain_text(
        "Kære Lone Lærer"
    )
    await page.get_by_role("button", name="Send brevet").click()
    await page.get_by_role("dialog").get_by_role("button", name="Send brevet").click()
    await expect(page.get_by_text("Brevet er sendt")).to_be_visible(timeout=30_000)
    await expect(
        page.get_by_text(
            "Udført: Send kvittering for modtagelsen til den fagperson, der har underrettet"
        )
    ).to_be_visible()
    table = page.get_by_role("table")
    await expect(table.get_by_role("cell", name=re.compile("^Sendt"))).to_be_visible(timeout=30_000)
    mails = [m for m in httpx.get(f"{mail_url()}/api/mails").json() if teacher in m["to"]]
    assert [m["subject"] for m in mails] == ["Kvittering for modtaget underretning"]
    assert [a["pdf"] for a in mails[0]["attachments"]] == [True]

    # 3. The school's statement on "Dokumenter og breve", found by a word in its text.
    await _place(page, "Dokumenter og breve")
    await expect(page.get_by_role("heading", level=2, name="Dokumenter og breve")).to_be_visible()
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Vælg filer").click()
    await (await chooser.value).set_files(
        [
            {
                "name": "Udtalelse fra Skovbo Skole.pdf",
                "mimeType": "application/pdf",
                "buffer": _statement(),
            }
        ]
    )
    row = page.locator(".upload-item").filter(has_text="Udtalelse fra Skovbo Skole.pdf")
    await expect(row.get_by_label("Type")).to_have_value("udtalelse")
    await page.get_by_role("button", name="Tilføj", exact=True).click()
    await expect(
        page.get_by_role("status").filter(has_text="1 dokument tilføjet sagen").first
    ).to_be_visible()
    await page.get_by_label("Søg i dokumenternes tekst").fill("mistrivsel")
    await page.get_by_role("button", name="Søg", exact=True).click()
    docs = page.locator("table.docs-table")
    await expect(docs.locator("tbody tr")).to_have_count(1)
    await expect(docs.locator("tbody tr")).to_contain_text("Udtalelse fra Skovbo Skole")
    await expect(docs.locator("mark").first).to_have_text(re.compile("mistrivsel", re.I))
    await check_axe(page, "dokumenter og breve, søgt")
    await _shots(page, "dokumenter-soegt")

    # 4. Prepare and make a § 32 decision.
    await _place(page, "Forløb")
    forloeb = page.get_by_role("region", name="Forløb", exact=True)
    await forloeb.get_by_role("button", name="Forbered afgørelse").click()
    prepare = page.get_by_role("form", name="Forbered afgørelse")
    await prepare.get_by_role("radio", name=re.compile(r"^§ 32")).check()
    await prepare.get_by_role("button", name="Start forberedelsen").click()
    done = forloeb.get_by_role("status").first
    await expect(done).to_contain_text("Afgørelsen efter § 32 forberedes")
    await forloeb.get_by_role("button", name="Træf afgørelse").click()
    decision = page.get_by_role("form", name="Træf afgørelse")
    await decision.get_by_role("radio", name="Bevilget").check()
    await decision.get_by_label("Afgørelsens indhold og begrundelse").fill(
        "Familiebehandling bevilges, fordi skolen beskriver mistrivsel og forældrene ønsker hjælp."
    )
    await decision.get_by_label("Indsats", exact=True).select_option(label="Familiebehandling")
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    reasons = decision.get_by_label(re.compile("^Begrundelse for at træffe afgørelsen uden"))
    await expect(reasons.first).to_be_visible()
    for i in range(await reasons.count()):
        await reasons.nth(i).fill("Forældrene har selv bedt om støtten og er enige.")
    await decision.get_by_role("button", name="Gem afgørelsen").click()
    await expect(done).to_contain_text("Afgørelsen er truffet")

    # 5. The afgørelse to both parents: the template and the parents are chosen already.
    await _place(page, "Dokumenter og breve")
    await page.get_by_role("link", name="Skriv brev").click()
    await expect(page.get_by_role("heading", name="Skriv brev")).to_be_visible()
    await expect(page.get_by_text("Afgørelsen er ikke sendt til forældrene endnu")).to_be_visible()
    await expect(page.get_by_role("radio", name="Afgørelse om støtte (foreslået)")).to_be_checked()
    await expect(page.get_by_role("checkbox", name=re.compile("Hanne Postsen"))).to_be_checked()
    await expect(page.get_by_role("checkbox", name=re.compile("Ole Postsen"))).to_be_checked()
    await expect(page.locator(".form-group-checkbox", has_text="Hanne Postsen")).to_contain_text(
        "Sendes med Digital Post"
    )
    await expect(page.locator(".form-group-checkbox", has_text="Ole Postsen")).to_contain_text(
        "Sendes som fysisk brev (fritaget for Digital Post)"
    )
    await check_axe(page, "skriv afgørelsesbrev")
    await _shots(page, "skriv-afgoerelse")
    await page.get_by_role("button", name="Skriv brevet").click()
    editor = page.get_by_role("textbox", name="Brevets tekst")
    await expect(editor).to_contain_text("Begrundelse")
    await expect(editor).to_contain_text("Klagevejledning")
    await expect(editor).to_contain_text("mistrivsel")
    await page.get_by_role("button", name="Send brevet").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text(
        "Hanne Postsen (Forælder med forældremyndighed) – Digital Post"
    )
    await expect(dialog).to_contain_text(
        "Ole Postsen (Forælder med forældremyndighed) – Fysisk post"
    )
    await check_axe(page, "send afgørelsen")
    await dialog.get_by_role("button", name="Send brevet").click()
    await expect(page.get_by_text("Brevet er sendt")).to_be_visible(timeout=30_000)
    sent = page.get_by_role("table")
    hanne = sent.get_by_role("row").filter(has_text="Hanne Postsen")
    ole = sent.get_by_role("row").filter(has_text="Ole Postsen")
    await expect(hanne).to_contain_text("Digital Post")
    await expect(ole).to_contain_text("Fysisk post")
    await expect(hanne.get_by_role("cell", name=re.compile("^Sendt"))).to_be_visible(timeout=30_000)
    # Digital Post's receipt, in its words, under the status
    await expect(hanne).to_contain_text(
        "Digital Post: Meddelelsen er modtaget og lagt i modtagerens digitale postkasse"
    )
    await check_axe(page, "afgørelsen er sendt")
    await _shots(page, "afgoerelse-sendt")

    # 6. The mother reads it in the development mailbox and answers.
    await page.goto(dp_url() + "/")
    await page.get_by_role("link", name="Hanne Postsen").first.click()
    await page.get_by_role("link", name=re.compile("Afgørelse")).first.click()
    await page.get_by_label("Dit svar til afsenderen").fill(
        "Tak. Vi vil gerne begynde efter efterårsferien."
    )
    await page.get_by_role("button", name="Send svar").click()
    await expect(page.get_by_role("status")).to_have_text("Dit svar er sendt.")

    # 7. The reply under "Indgået post" on the caseworker's front page.
    await page.goto("/")
    post = page.get_by_role("region", name="Indgået post")
    item = post.locator(".incoming-item", has_text="Svar fra Hanne Postsen")
    await expect(item).to_contain_text("Emil Postsen")
    await check_axe(page, "forsiden med svaret")
    await _shots(page, "forside-svar")

    # 8. The father's letter waits in the print batch for the administrator.
    await log_out(page)
    await log_in(page, KOMMUNE, username("admin", CODE))
    await page.goto("/administration")
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Udskrivning")
        .click()
    )
    section = page.get_by_role("region", name="Udskrivning (fjernprint)")
    await expect(
        section.get_by_role("row").filter(has_text="Venter på udskrivning")
    ).not_to_have_count(0)
    async with tenant_transaction(DB, A) as scope:
        rows = await scope.connection.fetch(
            "SELECT d.recipient_name, d.channel, d.status, d.print_batch_id IS NOT NULL AS queued "
            "FROM delivery d JOIN post_letter l ON l.id = d.post_letter_id "
            "WHERE d.hovedsag_id = $1 AND l.title LIKE 'Afgørelse%' ORDER BY d.recipient_name",
            case_id,
        )
    assert [tuple(r) for r in rows] == [
        ("Hanne Postsen", "digital_post", "sendt", False),
        ("Ole Postsen", "print", "afventer", True),
    ]
