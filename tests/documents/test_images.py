"""Scanned letters (multi-page TIFF) and phone photos (HEIC) become viewable: the
conversion job makes a PDF of every TIFF page and a JPEG of a HEIC photo; a file too large
to decode safely is refused with a Danish reason on the document, its original kept."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from backend.documents import images
from tests.conftest import KOMMUNE_A, AsUser
from tests.documents.conftest import run_document_jobs, upload
from tests.factories import child

A = KOMMUNE_A[0]


def _tiff(pages: int, size: tuple[int, int] = (400, 560)) -> bytes:
    frames = []
    for n in range(pages):
        page = Image.new("L", size, 255)
        ImageDraw.Draw(page).text((40, 40), f"Side {n + 1}", fill=0)
        frames.append(page)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    return out.getvalue()


def _heic(size: tuple[int, int] = (320, 240)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 30)).save(out, "HEIF", quality=60)
    return out.getvalue()


async def test_a_three_page_tiff_is_viewed_as_a_pdf_of_three_pages(as_user: AsUser) -> None:
    from pypdf import PdfReader

    c = await as_user(A)
    case = (await child(c)).case_id
    content = _tiff(3)
    doc = await upload(c, case, "scanning.tif", content, kind="korrespondance", title="Brev")
    assert doc["view"] == "konverterer"
    assert await run_document_jobs(A, doc["id"]) == ["documents.convert"]
    r = await c.get(f"/api/documents/{doc['id']}")
    assert r.json()["view"] == "pdf"
    assert r.json()["view_note"] is None
    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == (
        "inline; filename=\"scanning.pdf\"; filename*=UTF-8''scanning.pdf"
    )
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 3
    r = await c.get(f"/api/documents/{doc['id']}/content")
    assert r.content == content  # the original is kept as it was


async def test_a_heic_photo_is_viewed_as_a_jpeg(as_user: AsUser) -> None:
    c = await as_user(A)
    case = (await child(c)).case_id
    doc = await upload(c, case, "IMG_0042.HEIC", _heic(), kind="andet", title="Foto af brev")
    assert doc["view"] == "konverterer"
    assert await run_document_jobs(A, doc["id"]) == ["documents.convert"]
    r = await c.get(f"/api/documents/{doc['id']}")
    assert r.json()["view"] == "image"
    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/jpeg"
    assert r.headers["content-disposition"] == (
        "inline; filename=\"IMG_0042.jpg\"; filename*=UTF-8''IMG_0042.jpg"
    )
    photo = Image.open(io.BytesIO(r.content))
    assert (photo.format, photo.size) == ("JPEG", (320, 240))


async def test_a_too_large_image_is_refused_with_a_danish_reason(
    as_user: AsUser, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # a real 2-page TIFF whose second page is over the (lowered) pixel limit: the bomb
    # guard reads the size from the header and refuses before decoding it
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000_000)
    c = await as_user(A)
    case = (await child(c)).case_id
    big = io.BytesIO()
    first = Image.new("1", (200, 200), 1)
    first.save(
        big, "TIFF", save_all=True, append_images=[Image.new("1", (1100, 1000), 1)],
        compression="group4",
    )  # fmt: skip
    content = big.getvalue()
    doc = await upload(c, case, "stor.tiff", content, kind="andet", title="Stor scanning")
    assert await run_document_jobs(A, doc["id"]) == ["documents.convert"]
    r = await c.get(f"/api/documents/{doc['id']}")
    assert r.json()["view"] == "ingen"
    assert r.json()["view_note"] == (
        "Side 2 er for stor til at blive vist (1.100 × 1.000 punkter, højst 1.000.000). "
        "Hent filen i stedet"
    )
    r = await c.get(f"/api/documents/{doc['id']}/view")
    assert r.status_code == 409
    r = await c.get(f"/api/documents/{doc['id']}/content")
    assert r.status_code == 200
    assert r.content == content


def test_page_count_and_unreadable_files_are_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(images, "MAX_PAGES", 2)
    source = tmp_path / "s.tif"
    source.write_bytes(_tiff(3, size=(50, 50)))
    try:
        images.tiff_to_pdf(source, tmp_path / "s.pdf")
        raise AssertionError("a TIFF over the page limit was converted")
    except images.ImageRefused as exc:
        assert str(exc) == "TIFF-filen har 3 sider; her vises højst 2. Hent filen i stedet"
    broken = tmp_path / "b.heic"
    broken.write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    try:
        images.heic_to_jpeg(broken, tmp_path / "b.jpg")
        raise AssertionError("a broken HEIC was converted")
    except images.ImageRefused as exc:
        assert str(exc) == (
            "Billedet kunne ikke læses, så det kan ikke vises her. Hent filen i stedet"
        )
