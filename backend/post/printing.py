"""Fjernprint: one PDF per print batch, each letter after an address page (window
envelope: the recipient's name and address where a C5 window shows it)."""

from __future__ import annotations

import asyncio
import html
import io

from pypdf import PdfReader, PdfWriter

from backend.post.repository import BatchItem

_PAGE = """<!doctype html><html lang="da"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 11pt; margin: 0; }}
.window {{ position: absolute; top: 50mm; left: 20mm; width: 90mm; }}
.sender {{ font-size: 7pt; border-bottom: 0.3pt solid #000; margin-bottom: 2mm; }}
.note {{ position: absolute; top: 120mm; left: 20mm; width: 170mm; font-size: 9pt; }}
</style></head><body>
<div class="window"><div class="sender">{kommune}</div>
<div>{name}</div>{address}</div>
<div class="note">Forsendelse: {title}</div>
</body></html>"""


def _address_page(item: BatchItem, kommune: str) -> bytes:
    from weasyprint import HTML

    lines = "".join(
        f"<div>{html.escape(line.strip())}</div>"
        for line in item.recipient_address.replace(",", "\n").splitlines()
        if line.strip()
    )
    doc = _PAGE.format(
        kommune=html.escape(kommune),
        name=html.escape(item.recipient_name),
        address=lines,
        title=html.escape(item.title),
    )
    out: bytes = HTML(string=doc).write_pdf()
    return out


def _build(items: list[BatchItem], kommune: str) -> bytes:
    writer = PdfWriter()
    for item in items:
        for part in (_address_page(item, kommune), item.pdf):
            reader = PdfReader(io.BytesIO(part))
            for page in reader.pages:
                writer.add_page(page)
            # An odd page count: a blank page, so the next address page starts a new sheet
            # when printed on both sides.
        if len(writer.pages) % 2:
            writer.add_blank_page()
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


async def batch_document(items: list[BatchItem], kommune: str = "Kommunen") -> bytes:
    return await asyncio.to_thread(_build, items, kommune)
