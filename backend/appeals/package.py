"""The package to Ankestyrelsen: one PDF with a cover page (the case, the decision, the
complaint, the reconsideration's reasons, the list of enclosures) made by weasyprint like
the letters, followed by the enclosed documents' pages, merged with pypdf. Built in a
worker thread (CPU); nothing is fetched from anywhere while rendering."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import date

import anyio

from backend.letters.render import render_pdf


@dataclass(frozen=True)
class Enclosure:
    title: str
    kind_label: str
    dated: date
    content: bytes  # a PDF


@dataclass(frozen=True)
class Cover:
    kommune: str
    child_name: str
    case_number: str | None
    decision: str
    decision_summary: str
    notified_on: date | None
    complainant: str
    received_on: date
    complaint_deadline: date | None
    about: str
    reconsidered_on: date
    reconsider_by: date
    reasons: str
    sent_on: date
    caseworker: str


class BadEnclosure(Exception):
    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


CSS = """
@page { size: A4; margin: 20mm 20mm 22mm 20mm;
  @bottom-right { content: "Forside, side " counter(page); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10.5pt;
  line-height: 1.4; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; }
.kommune { font-weight: bold; font-size: 12pt; margin-bottom: 6mm; }
dl { margin: 0; } dt { font-weight: bold; float: left; width: 48mm; clear: left; }
dd { margin: 0 0 1.5mm 50mm; }
.text { white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid #999; text-align: left; padding: 1.5mm 2mm 1.5mm 0;
  vertical-align: top; }
.note { font-size: 9pt; color: #333; margin-top: 6mm; }
"""


def _d(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def cover_html(c: Cover, enclosures: list[Enclosure]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{n}</td><td>{e(x.title)}</td><td>{e(x.kind_label)}</td><td>{_d(x.dated)}</td></tr>"
        for n, x in enumerate(enclosures, start=1)
    )
    late = ""
    if c.complaint_deadline and c.received_on > c.complaint_deadline:
        days = (c.received_on - c.complaint_deadline).days
        late = f" – modtaget {days} {'dag' if days == 1 else 'dage'} efter klagefristen"

    def dl(items: list[tuple[str, str]]) -> str:
        return "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items) + "</dl>"

    return "".join(
        [
            "<!doctype html><html lang='da'><head><meta charset='utf-8'>",
            f"<title>Klagesag til Ankestyrelsen</title><style>{CSS}</style></head><body>",
            f"<div class='kommune'>{e(c.kommune)}</div>",
            "<h1>Klagesag til Ankestyrelsen</h1>",
            dl(
                [
                    ("Barn", c.child_name),
                    ("Sagsnummer", c.case_number or "–"),
                    ("Sendt", _d(c.sent_on)),
                    ("Sagsbehandler", c.caseworker),
                ]
            ),
            "<h2>Afgørelsen, der klages over</h2>",
            dl([("Afgørelse", c.decision), ("Meddelt", _d(c.notified_on))]),
            f"<p class='text'>{e(c.decision_summary)}</p>" if c.decision_summary else "",
            "<h2>Klagen</h2>",
            dl(
                [
                    ("Klager", c.complainant),
                    ("Modtaget", _d(c.received_on) + late),
                    ("Klagefrist", _d(c.complaint_deadline)),
                ]
            ),
            f"<p class='text'>{e(c.about)}</p>",
            "<h2>Kommunens genvurdering</h2>",
            dl(
                [
                    ("Genvurderet", _d(c.reconsidered_on)),
                    ("Frist for genvurdering", _d(c.reconsider_by)),
                    ("Resultat", "Afgørelsen fastholdes"),
                ]
            ),
            f"<p class='text'>{e(c.reasons)}</p>",
            "<h2>Bilag</h2>",
            "<table><thead><tr><th>Nr.</th><th>Dokument</th><th>Type</th><th>Dato</th></tr></thead>",
            f"<tbody>{rows}</tbody></table>",
            "<p class='note'>Bilagene følger efter denne forside i den viste rækkefølge.</p>",
            "</body></html>",
        ]
    )


def merge(cover: bytes, enclosures: list[Enclosure]) -> bytes:
    """Blocking (CPU): the cover's pages, then each enclosure's."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for x in enclosures:
        try:
            reader = PdfReader(io.BytesIO(x.content))
            if reader.is_encrypted:
                raise BadEnclosure(x.title)
            writer.append(reader, outline_item=x.title)
        except (PyPdfError, ValueError, KeyError) as err:
            raise BadEnclosure(x.title) from err
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_sync(c: Cover, enclosures: list[Enclosure]) -> bytes:
    return merge(render_pdf(cover_html(c, enclosures), archive=False), enclosures)


async def build(c: Cover, enclosures: list[Enclosure]) -> bytes:
    result: bytes = await anyio.to_thread.run_sync(build_sync, c, enclosures)
    return result
