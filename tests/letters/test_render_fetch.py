"""A letter's PDF loads nothing: not a file on the server, not a host (weasyprint's fetcher
allows no protocol). The cleaned editor HTML has no attributes, so this guards the day one
slips through."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from backend.letters.render import render_pdf


def _png(path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_letter_does_not_load_a_file_from_the_server(tmp_path: Path) -> None:
    image = tmp_path / "hemmelig.png"
    _png(image)
    html = f"<html><body><p>Brev</p><img src='{image.as_uri()}'></body></html>"
    from weasyprint import HTML

    # The same HTML with weasyprint's default fetcher embeds the file: the check can fail.
    assert b"/Subtype /Image" in HTML(string=html).write_pdf()
    pdf = render_pdf(html, archive=False)
    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf
