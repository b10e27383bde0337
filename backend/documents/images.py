"""Scanned letters (TIFF, every page) as a PDF and phone photos (HEIC) as a JPEG, so the
browser can show them: Pillow, with ``pillow-heif`` for HEIC. Used by the conversion job
(``tasks.py``), in a thread, on a spooled copy of the file.

Bounded, because the file comes from outside: at most ``MAX_PIXELS`` per page (checked
from the header before a pixel is decoded, and Pillow's own decompression-bomb warning made
an error), ``MAX_PAGES`` pages and ``MAX_TOTAL_PIXELS`` in all. A
refused or unreadable file raises :class:`ImageRefused` with the Danish reason shown on the
document; its original stays downloadable. Pages are written one at a time (each its own
PDF page, joined by pypdf), so memory holds one page, never the whole scan.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

MAX_PIXELS = 50_000_000  # one page: an A4 page scanned at 600 dpi is 35 million
MAX_PAGES = 200
MAX_TOTAL_PIXELS = 1_000_000_000
JPEG_QUALITY = 85
PDF_DPI = 200.0  # a page's size in the PDF when the scan does not say its resolution

_UNREADABLE = "Billedet kunne ikke læses, så det kan ikke vises her. Hent filen i stedet"


class ImageRefused(ValueError):
    """Not converted; ``str(exc)`` is the Danish reason for the person who opens it."""


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _check_size(frame: Image.Image, page: int | None = None) -> int:
    width, height = frame.size
    pixels = width * height
    if pixels > MAX_PIXELS:
        where = f"Side {page} er for stor" if page is not None else "Billedet er for stort"
        raise ImageRefused(
            f"{where} til at blive vist ({_number(width)} × {_number(height)} "
            f"punkter, højst {_number(MAX_PIXELS)}). Hent filen i stedet"
        )
    return pixels


def _open(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(
            f"Billedet er for stort til at blive vist (højst {_number(MAX_PIXELS)} "
            "punkter). Hent filen i stedet"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageRefused(_UNREADABLE) from exc


def _printable(frame: Image.Image) -> Image.Image:
    """A page in a mode Pillow writes to PDF as it is (bilevel and grey scans stay small)."""
    if frame.mode in ("1", "L", "RGB", "CMYK"):
        return frame
    return frame.convert("RGB")


def tiff_to_pdf(source: Path, target: Path) -> int:
    """Every page of the TIFF ``source`` as one PDF at ``target``; the page count."""
    from pypdf import PdfReader, PdfWriter

    image = _open(source)
    writer = PdfWriter()
    total = 0
    pages = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_PAGES:
                raise ImageRefused(
                    f"TIFF-filen har {frames} sider; her vises højst {MAX_PAGES}. "
                    "Hent filen i stedet"
                )
            for frame in ImageSequence.Iterator(image):
                pages += 1
                total += _check_size(frame, pages if frames > 1 else None)
                if total > MAX_TOTAL_PIXELS:
                    raise ImageRefused(
                        "TIFF-filens sider er tilsammen for store til at blive vist. "
                        "Hent filen i stedet"
                    )
                page = _printable(frame)
                dpi = frame.info.get("dpi") or (PDF_DPI, PDF_DPI)
                resolution = float(dpi[0]) if dpi and float(dpi[0]) >= 50 else PDF_DPI
                one = io.BytesIO()
                page.save(one, "PDF", resolution=resolution)
                writer.append(PdfReader(io.BytesIO(one.getvalue())))
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(
            f"En side er for stor til at blive vist (højst {_number(MAX_PIXELS)} "
            "punkter). Hent filen i stedet"
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageRefused(_UNREADABLE) from exc
    finally:
        image.close()
    if pages == 0:
        raise ImageRefused(_UNREADABLE)
    with target.open("wb") as f:
        writer.write(f)
    return pages


def heic_to_jpeg(source: Path, target: Path) -> None:
    """The HEIC photo ``source`` (its primary image, turned as the phone held it) as a
    JPEG at ``target``."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    image = _open(source)
    try:
        _check_size(image)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upright = ImageOps.exif_transpose(image)
            upright.convert("RGB").save(target, "JPEG", quality=JPEG_QUALITY)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(
            f"Billedet er for stort til at blive vist (højst {_number(MAX_PIXELS)} "
            "punkter). Hent filen i stedet"
        ) from exc
    except (OSError, ValueError, SyntaxError, RuntimeError) as exc:
        raise ImageRefused(_UNREADABLE) from exc
    finally:
        image.close()
