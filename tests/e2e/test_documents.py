"""Documents on a case in the browser (issue 15 items 1, 2 and 6): the place "Dokumenter og
breve", upload of several real files at once (a PDF made with weasyprint, a PNG, a Word-less
"PDF" whose bytes are text, an .exe and an empty file) with progress and Danish errors next to
each file, search in the case by a word of the PDF's text, the viewer (PDF inline, "Hent"
downloads the original), editing the metadata, search across the kommune, and "Indgået post"
on the front page and the case until it is marked handled; a scanned TIFF and a HEIC photo
shown once converted, a broken photo with the reason. axe on every screen; screenshots at
1366×768 and 768×1024 without sideways scrolling."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "documents"
KOMMUNE = "Testby"
REALM = "0202"


def _pdf(title: str, text: str) -> bytes:
    import weasyprint

    html = f"<h1>{title}</h1><p>{text}</p>"
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def _png(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG (a blue rectangle), written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x20\x60\xc0" * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _file(name: str, mime: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


async def _shots(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.evaluate("() => window.scrollTo(0, 0)")
        # Generous: the PDF viewer's plugin renders slowly on a loaded 2-core machine.
        await page.screenshot(
            path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True, timeout=120_000
        )
        overflow = await page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, f"{name} at {w}px scrolls sideways by {overflow}px"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def _new_case(page: Any, first: str, last: str, seed: int) -> str:
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(seed, years=9))
    await page.get_by_label("Fornavn").fill(first)
    await page.get_by_label("Efternavn").fill(last)
    await page.get_by_label("Adresse").fill("Skolevej 12, 4000 Roskilde")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name=f"{first} {last}")).to_be_visible()
    return re.sub(r"\?.*$", "", page.url)


async def _record_progress(page: Any) -> None:
    """Keep every upload status text the page shows (read back after the uploads)."""
    await page.evaluate(
        """() => {
          window.__uploadTexts = [];
          const seen = () => document.querySelectorAll('.upload-progress').forEach(
            (el) => window.__uploadTexts.push(el.textContent));
          new MutationObserver(seen).observe(
            document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )


async def test_a_caseworker_adds_finds_views_and_handles_documents(page):  # type: ignore[no-untyped-def]
    await log_in(page, KOMMUNE, username("sagsbehandler", REALM))
    case_url = await _new_case(page, "Dorthe", "Dokumentsen", 7311)
    tabs = page.get_by_role("navigation", name="Sagen")
    await tabs.get_by_role("link", name="Dokumenter og breve").click()
    await expect(page).to_have_url(f"{case_url}/dokumenter")
    await expect(page.get_by_role("heading", level=2, name="Dokumenter og breve")).to_be_visible()
    await expect(page.get_by_text("Sagen har ingen dokumenter endnu")).to_be_visible()
    await expect(page.get_by_role("link", name="Skriv brev")).to_have_attribute(
        "href", re.compile(r"/sager/[0-9a-f-]{36}/breve/ny$")
    )
    await check_axe(page, "dokumenter og breve, tom")

    # Five files at once through "Vælg filer" (the keyboard's way): two are refused at once.
    statement = _pdf("Udtalelse fra skolen", "Dorthes fravær i skolen er steget siden efteråret.")
    letter = _pdf("Brev fra mor", "Jeg vil gerne have et møde om Dorthe.")
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Vælg filer").click()
    await (await chooser.value).set_files(
        [
            _file("Udtalelse fra skolen.pdf", "application/pdf", statement),
            _file("Tegning.png", "image/png", _png()),
            _file("Brev fra mor.pdf", "application/pdf", letter),
            _file("program.exe", "application/x-msdownload", b"MZ\x90\x00" + b"\x00" * 100),
            _file("tom.pdf", "application/pdf", b""),
        ]
    )
    rows = page.locator(".upload-item")
    await expect(rows).to_have_count(5)
    exe = rows.filter(has_text="program.exe")
    await expect(exe.get_by_text("Filtypen .exe kan ikke tilføjes")).to_be_visible()
    await expect(rows.filter(has_text="tom.pdf").get_by_text("Filen er tom.")).to_be_visible()
    statement_row = rows.filter(has_text="Udtalelse fra skolen.pdf")
    await expect(statement_row.get_by_label("Titel")).to_have_value("Udtalelse fra skolen")
    await expect(statement_row.get_by_label("Type")).to_have_value("udtalelse")
    # The refused ones are removed; the others keep what was typed.
    await exe.get_by_role("button", name="Fjern program.exe").click()
    await rows.filter(has_text="tom.pdf").get_by_role("button", name="Fjern tom.pdf").click()
    await expect(rows).to_have_count(3)
    drawing = rows.filter(has_text="Tegning.png")
    # Without a kind the row says so next to the field, and nothing is sent.
    await page.get_by_role("button", name="Tilføj 3 filer").click()
    await expect(drawing.get_by_text("Vælg dokumentets type")).to_be_visible()
    await drawing.get_by_label("Type").select_option(label="Andet")
    mother = rows.filter(has_text="Brev fra mor.pdf")
    await mother.get_by_label("Type").select_option(label="Korrespondance")
    await mother.get_by_label("Indgået post").check()
    await _shots(page, "upload-rows")
    await check_axe(page, "filer, der skal tilføjes")

    await _record_progress(page)
    await page.get_by_role("button", name="Tilføj 3 filer").click()
    await expect(
        page.get_by_role("status").filter(has_text="3 dokumenter tilføjet sagen").first
    ).to_be_visible()
    await expect(rows).to_have_count(0)
    texts = await page.evaluate("() => window.__uploadTexts")
    assert any(t.startswith("Uploader 1 af 3") for t in texts), texts
    assert any(t.startswith("Uploader 3 af 3") for t in texts), texts

    table = page.locator("table.docs-table")
    await expect(table.locator("tbody tr")).to_have_count(3)
    statement_line = table.locator("tr", has_text="Udtalelse fra skolen")
    await expect(statement_line.locator("td[data-title='Type']")).to_have_text("Udtalelse")
    await expect(statement_line.locator("td[data-title='Størrelse']")).to_have_text(
        re.compile(r"^\d+ kB$")
    )
    await expect(statement_line.locator("td[data-title='Tilføjet af']")).to_have_text(
        "Sara Sagsbehandler"
    )
    await expect(
        table.locator("tr", has_text="Brev fra mor").get_by_text("Indgået post")
    ).to_be_visible()
    await check_axe(page, "dokumenter og breve med dokumenter")
    await _shots(page, "dokumenter")

    # Drag and drop: a file dropped on the place gets a row like a picked one.
    await page.evaluate(
        """() => {
          const dt = new DataTransfer();
          dt.items.add(new File(['MZ'], 'droppet.exe', {type: 'application/x-msdownload'}));
          const area = document.querySelector('.upload-area');
          for (const type of ['dragenter', 'dragover', 'drop'])
            area.dispatchEvent(
              new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
        }"""
    )
    await expect(
        rows.filter(has_text="droppet.exe").get_by_text("Filtypen .exe kan ikke tilføjes")
    ).to_be_visible()
    await rows.get_by_role("button", name="Fjern droppet.exe").click()

    # A file whose bytes are not what its name says: the API refuses it, the row says so and
    # offers "Prøv igen"; nothing is listed.
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Vælg filer").click()
    await (await chooser.value).set_files(
        [_file("Falsk.pdf", "application/pdf", b"Dette er ikke en PDF, men ren tekst.\n" * 20)]
    )
    fake = rows.filter(has_text="Falsk.pdf")
    await fake.get_by_label("Type").select_option(label="Andet")
    await page.get_by_role("button", name="Tilføj", exact=True).click()
    await expect(fake.locator(".upload-problem")).to_be_visible()
    await expect(fake.get_by_role("button", name="Prøv igen med Falsk.pdf")).to_be_visible()
    await expect(table.locator("tbody tr")).to_have_count(3)
    await fake.get_by_role("button", name="Fjern Falsk.pdf").click()
    await expect(rows).to_have_count(0)

    # Search in the case by a word of the PDF's text (Danish stemming: "fraværet" finds "fravær").
    await page.get_by_label("Søg i dokumenternes tekst").fill("fraværet")
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(
        page.get_by_role("status").filter(has_text="1 dokument indeholder „fraværet“")
    ).to_be_visible()
    await expect(table.locator("tbody tr")).to_have_count(1)
    await expect(table.locator("mark").first).to_have_text(re.compile("fravær", re.I))
    await page.get_by_role("button", name="Vis alle dokumenter").click()
    await expect(table.locator("tbody tr")).to_have_count(3)
    await page.get_by_label("Type", exact=True).select_option(label="Korrespondance")
    await expect(table.locator("tbody tr")).to_have_count(1)
    await page.get_by_role("button", name="Vis alle dokumenter").click()

    # The viewer: the PDF inline, "Hent" downloads the original.
    await table.get_by_role("link", name="Udtalelse fra skolen").click()
    await expect(page).to_have_url(
        re.compile(rf"{re.escape(case_url)}/dokumenter/[0-9a-f-]{{36}}$")
    )
    await expect(page.get_by_role("heading", level=2, name="Udtalelse fra skolen")).to_be_visible()
    await expect(tabs.get_by_role("link", name="Dokumenter og breve")).to_have_attribute(
        "aria-current", "page"
    )
    shown = page.locator("object.doc-frame")
    await expect(shown).to_have_attribute("type", "application/pdf")
    src = await shown.get_attribute("data")
    assert src is not None
    view = await page.request.get(src.split("#")[0])
    assert view.status == 200
    assert view.headers["content-type"] == "application/pdf"
    assert view.headers["x-frame-options"] == "SAMEORIGIN"
    assert "sandbox" in view.headers["content-security-policy"]
    async with page.expect_download() as download:
        await page.get_by_role("link", name=re.compile("^Hent")).click()
    saved = await download.value
    assert saved.suggested_filename == "Udtalelse fra skolen.pdf"
    assert Path(await saved.path()).read_bytes() == statement
    await check_axe(page, "dokumentet")
    await _shots(page, "dokument")

    # Editing the metadata in a dialog: Escape closes it, saving changes the heading.
    opener = page.get_by_role("button", name="Ret oplysninger")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Ret oplysninger")
    await expect(dialog.get_by_label("Titel")).to_be_focused()
    await check_axe(page, "ret oplysninger")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    await opener.click()
    await dialog.get_by_label("Titel").fill("")
    await dialog.get_by_role("button", name="Gem").click()
    await expect(dialog.get_by_text("Skriv en titel").first).to_be_visible()
    await dialog.get_by_label("Titel").fill("Udtalelse fra Skovbo Skole")
    await dialog.get_by_label("Type").select_option(label="Statusudtalelse")
    await dialog.get_by_role("button", name="Gem").click()
    await expect(dialog).to_have_count(0)
    await expect(
        page.get_by_role("heading", level=2, name="Udtalelse fra Skovbo Skole")
    ).to_be_visible()
    await expect(page.locator(".doc-facts").get_by_text("Statusudtalelse")).to_be_visible()

    # The image is shown as an image.
    await page.get_by_role("link", name="Alle sagens dokumenter").click()
    await table.get_by_role("link", name="Tegning").click()
    image = page.get_by_role("img", name="Tegning")
    await expect(image).to_be_visible()
    assert await image.evaluate("(img) => img.naturalWidth") == 40

    # Search across the kommune: the hit names the child and the case, and opens the document.
    await page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Søg").click()
    await page.get_by_role("link", name="Søg i dokumenter").click()
    await expect(page.get_by_role("heading", level=1, name="Søg i dokumenter")).to_be_visible()
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(
        page.get_by_text("Skriv et eller flere ord, der står i dokumentet")
    ).to_be_visible()
    await page.get_by_label("Ord i dokumentet").fill("fravær efteråret")
    await page.get_by_role("button", name="Søg", exact=True).click()
    hit = page.locator(".docsearch-hit", has_text="Udtalelse fra Skovbo Skole")
    await expect(hit).to_have_count(1)
    await expect(hit).to_contain_text("Dorthe Dokumentsen")
    await expect(hit).to_contain_text(re.compile(r"Sag 20\d\d-\d{5}"))
    await expect(hit.locator("mark").first).to_be_visible()
    await check_axe(page, "søg i dokumenter")
    await _shots(page, "soeg-dokumenter")
    await hit.get_by_role("link", name="Udtalelse fra Skovbo Skole").click()
    await expect(
        page.get_by_role("heading", level=2, name="Udtalelse fra Skovbo Skole")
    ).to_be_visible()

    # "Indgået post": on the case's Overblik and on the front page until marked handled.
    await tabs.get_by_role("link", name="Overblik").click()
    case_post = page.get_by_role("region", name="Indgået post")
    await expect(case_post.get_by_role("link", name="Brev fra mor")).to_be_visible()
    await check_axe(page, "overblik med indgået post")
    await _shots(page, "overblik-indgaaet-post")
    await (
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Forside").click()
    )
    post = page.get_by_role("region", name="Indgået post")
    item = post.locator(".incoming-item", has_text="Brev fra mor")
    await expect(item).to_contain_text("Dorthe Dokumentsen")
    await check_axe(page, "forsiden med indgået post")
    await _shots(page, "forside-indgaaet-post")
    await item.get_by_role("button", name="Markér som behandlet: Brev fra mor").click()
    await expect(item).to_have_count(0)
    await page.goto(case_url)
    await expect(page.get_by_role("heading", name="Det skal gøres")).to_be_visible()
    await expect(page.get_by_role("region", name="Indgået post")).to_have_count(0)
    await page.goto(f"{case_url}/dokumenter")
    await expect(
        table.locator("tr", has_text="Brev fra mor").get_by_text("Indgået post, behandlet")
    ).to_be_visible()


async def test_a_word_document_is_shown_once_converted_and_not_to_a_colleague(page):  # type: ignore[no-untyped-def]
    from tests.documents.conftest import docx_with

    await log_in(page, KOMMUNE, username("sagsbehandler", REALM))
    case_url = await _new_case(page, "Wilma", "Wordsen", 7312)
    # An investigation gives the case an enkeltsag a document can belong to.
    await page.get_by_role("button", name="Start børnefaglig undersøgelse").click()
    dialog = page.get_by_role("dialog", name="Start børnefaglig undersøgelse")
    await dialog.get_by_role("button", name="Start børnefaglig undersøgelse").click()
    await expect(
        page.get_by_role("status").filter(has_text="Den børnefaglige undersøgelse er startet")
    ).to_be_visible()
    await page.goto(f"{case_url}/dokumenter")
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Vælg filer").click()
    await (await chooser.value).set_files(
        [
            _file(
                "Referat af netværksmøde.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx_with("Netværksmødet aftalte lektiehjælp to gange om ugen."),
            ),
            _file("Noter.txt", "text/plain", b"Ring til skolen mandag."),
        ]
    )
    rows = page.locator(".upload-item")
    await expect(
        rows.filter(has_text="Referat af netværksmøde.docx").get_by_label("Type")
    ).to_have_value("referat")
    word = rows.filter(has_text="Referat af netværksmøde.docx")
    investigation = await (
        word.get_by_label("Enkeltsag")
        .locator("option", has_text="Undersøgelse")
        .get_attribute("value")
    )
    assert investigation
    await word.get_by_label("Enkeltsag").select_option(investigation)
    await rows.filter(has_text="Noter.txt").get_by_label("Type").select_option(label="Andet")
    await page.get_by_role("button", name="Tilføj 2 filer").click()
    await expect(
        page.get_by_role("status").filter(has_text="2 dokumenter tilføjet sagen").first
    ).to_be_visible()

    table = page.locator("table.docs-table")
    line = table.locator("tr", has_text="Referat af netværksmøde")
    await expect(line.locator("td[data-title='Enkeltsag']")).to_have_text(
        re.compile("^Undersøgelse")
    )
    await expect(
        table.locator("tr", has_text="Noter").locator("td[data-title='Enkeltsag']")
    ).to_have_text("Hele sagen")
    # Filtered by the enkeltsag: only the document that belongs to it.
    await page.locator("#docs-enkeltsag").select_option(investigation)
    await expect(table.locator("tbody tr")).to_have_count(1)
    await expect(
        page.get_by_role("status").filter(has_text="1 dokument passer til filtrene")
    ).to_be_visible()
    await page.get_by_role("button", name="Vis alle dokumenter").click()
    await expect(table.locator("tbody tr")).to_have_count(2)

    # A text file cannot be shown in the browser: it says so, and "Hent" is there.
    await table.get_by_role("link", name="Noter").click()
    await expect(page.get_by_text("Filen kan ikke vises i browseren")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile("^Hent"))).to_be_visible()

    # The Word file: "bliver konverteret" while LibreOffice works (asked again), then the PDF.
    await page.get_by_role("link", name="Alle sagens dokumenter").click()
    await table.get_by_role("link", name="Referat af netværksmøde").click()
    shown = page.locator("object.doc-frame")
    await expect(shown).to_have_attribute("type", "application/pdf", timeout=120_000)
    src = await shown.get_attribute("data")
    assert src is not None
    view = await page.request.get(src.split("#")[0])
    assert view.status == 200
    assert view.headers["content-type"] == "application/pdf"
    assert (await view.body()).startswith(b"%PDF")
    await check_axe(page, "et konverteret Word-dokument")
    doc_url = page.url

    # A colleague who is not on the case: the same answer as for a case that does not exist.
    await log_out(page)
    await log_in(page, KOMMUNE, username("kollega", REALM))
    await page.goto(doc_url)
    await expect(page.get_by_role("heading", level=1, name="Sagen kan ikke vises")).to_be_visible()
    await expect(page.get_by_text("Netværksmødet")).to_have_count(0)
    denied = await page.request.get(src.split("#")[0])
    assert denied.status == 404


async def test_a_scanned_tiff_and_a_phone_photo_are_shown_and_a_broken_photo_says_why(page):  # type: ignore[no-untyped-def]
    import io

    from PIL import Image, ImageDraw
    from pillow_heif import register_heif_opener

    register_heif_opener()
    pages = []
    for n in range(3):
        scan = Image.new("L", (620, 877), 255)
        ImageDraw.Draw(scan).text((60, 60), f"Brev fra skolen, side {n + 1}", fill=0)
        pages.append(scan)
    tiff = io.BytesIO()
    pages[0].save(tiff, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    photo = io.BytesIO()
    Image.new("RGB", (480, 360), (40, 110, 170)).save(photo, "HEIF", quality=60)

    await log_in(page, KOMMUNE, username("sagsbehandler", REALM))
    case_url = await _new_case(page, "Tove", "Tiffsen", 7313)
    await page.goto(f"{case_url}/dokumenter")
    async with page.expect_file_chooser() as chooser:
        await page.get_by_role("button", name="Vælg filer").click()
    await (await chooser.value).set_files(
        [
            _file("Scannet brev.tif", "image/tiff", tiff.getvalue()),
            _file("Foto af opslag.heic", "image/heic", photo.getvalue()),
            # the right first bytes, then nothing a decoder can read
            _file("Ødelagt foto.heic", "image/heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200),
        ]
    )
    rows = page.locator(".upload-item")
    await expect(rows).to_have_count(3)
    for name in ("Scannet brev.tif", "Foto af opslag.heic", "Ødelagt foto.heic"):
        await rows.filter(has_text=name).get_by_label("Type").select_option(label="Andet")
    await page.get_by_role("button", name="Tilføj 3 filer").click()
    await expect(
        page.get_by_role("status").filter(has_text="3 dokumenter tilføjet sagen").first
    ).to_be_visible()
    table = page.locator("table.docs-table")

    # The scan: every page, as a PDF in the viewer, once the worker has converted it.
    await table.get_by_role("link", name="Scannet brev").click()
    shown = page.locator("object.doc-frame")
    await expect(shown).to_have_attribute("type", "application/pdf", timeout=120_000)
    src = await shown.get_attribute("data")
    assert src is not None
    view = await page.request.get(src.split("#")[0])
    assert view.status == 200
    assert view.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(await view.body())).pages) == 3
    await check_axe(page, "en scannet TIFF som PDF")
    await _shots(page, "tiff-som-pdf")

    # The phone photo: a JPEG in the page.
    await page.get_by_role("link", name="Alle sagens dokumenter").click()
    await table.get_by_role("link", name="Foto af opslag").click()
    image = page.get_by_role("img", name="Foto af opslag")
    await expect(image).to_be_visible(timeout=120_000)
    await expect(image).to_have_js_property("naturalWidth", 480)
    await check_axe(page, "et HEIC-foto som JPEG")
    await _shots(page, "heic-som-jpeg")

    # The broken photo: the Danish reason instead of the viewer; the file can still be fetched.
    await page.get_by_role("link", name="Alle sagens dokumenter").click()
    await table.get_by_role("link", name="Ødelagt foto").click()
    await expect(
        page.get_by_text(
            "Billedet kunne ikke læses, så det kan ikke vises her. Hent filen i stedet"
        )
    ).to_be_visible(timeout=120_000)
    await expect(page.get_by_role("link", name=re.compile("^Hent"))).to_be_visible()
    await check_axe(page, "et foto der ikke kan vises")
    await _shots(page, "heic-fejlet")
