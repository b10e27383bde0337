"""Letter templates in a sandbox, the editor's HTML made safe, and the letter as PDF/A.

A template is HTML (what the editor writes) with merge fields in Jinja syntax. It is
checked when it is saved (:func:`check_template`): only the fields of
``backend.letters.fields`` and ``{% if %}``/``{% for %}`` over the listed lists; no calls, no
item access, no attribute outside the vocabulary (so no ``__class__``), no import, include,
macro or assignment; a syntax error names its line. It is rendered in Jinja's
``ImmutableSandboxedEnvironment`` with ``StrictUndefined`` and autoescaping, with no filters
but a Danish date and kroner, in a worker thread with a time limit.

The HTML the editor sends is cleaned with an allowlist (``nh3``) before it is stored or
rendered; the PDF is made by weasyprint as PDF/A-2b (archivable: fonts embedded, no active
content).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

import anyio
import nh3
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from backend.core.danish import DK, kroner
from backend.core.errors import FieldError
from backend.letters.fields import FIELDS, GROUPS, LISTS

RENDER_SECONDS = 2.0
PDF_VARIANT = "pdf/a-2b"

# What the editor may produce (TipTap's StarterKit without code blocks and links).
TAGS = {"p", "br", "strong", "em", "u", "s", "h2", "h3", "ul", "ol", "li", "blockquote", "hr"}

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def long_date(day: date | datetime | None) -> str:
    """``6. december 2026``: how a Danish letter writes a date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(DK).date()
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _dato(value: Any) -> str:
    if isinstance(value, date | datetime):
        return long_date(value)
    return str(value)


def _kroner(value: Any) -> str:
    try:
        return kroner(round(float(value) * 100))
    except (TypeError, ValueError):
        return str(value)


def _env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters = {"dato": _dato, "kroner": _kroner}
    env.tests = {}
    env.globals = {}
    return env


ENV = _env()
STATEMENT_WORDS = {
    "Assign": "set",
    "AssignBlock": "set",
    "FromImport": "from … import",
    "CallBlock": "call",
    "FilterBlock": "filter",
    "ScopedEvalContextModifier": "autoescape",
    "EvalContextModifier": "autoescape",
}
STATEMENTS = "Kun flettefelter som {{ barn.navn }}, {% if %} og {% for %} er tilladt"


class _Check:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.loop_vars: dict[str, str] = {}  # loop variable -> list name

    def fail(self, node: nodes.Node, message: str) -> None:
        line = f"Linje {node.lineno}: {message}"
        if line not in self.errors:
            self.errors.append(line)

    def field_name(self, node: nodes.Expr) -> str | None:
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
            return f"{node.node.name}.{node.attr}"
        if isinstance(node, nodes.Name):
            return node.name
        return None

    def expr(self, node: nodes.Expr) -> None:
        if isinstance(node, nodes.Const) and isinstance(node.value, str | int | bool):
            return
        if isinstance(node, nodes.Filter):
            if node.name not in ENV.filters or node.args or node.kwargs or node.node is None:
                self.fail(node, f"Filteret »{node.name}« er ikke tilladt (kun dato og kroner)")
                return
            self.expr(node.node)
            return
        if isinstance(node, nodes.Not):
            self.expr(node.node)
            return
        if isinstance(node, nodes.And | nodes.Or):
            self.expr(node.left)
            self.expr(node.right)
            return
        if isinstance(node, nodes.Compare):
            if any(op.op not in ("eq", "ne") for op in node.ops):
                self.fail(node, "Kun sammenligning med == og != er tilladt")
                return
            self.expr(node.expr)
            for op in node.ops:
                self.expr(op.expr)
            return
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
            name, attr = node.node.name, node.attr
            full = f"{name}.{attr}"
            if attr.startswith("_"):
                self.fail(node, f"{STATEMENTS} – ikke »{full}«")
            elif name in self.loop_vars:
                if attr not in LISTS[self.loop_vars[name]][1]:
                    self.fail(node, f"Ukendt flettefelt: {full}")
            elif full not in FIELDS:
                self.fail(node, f"Ukendt flettefelt: {full}")
            return
        if isinstance(node, nodes.Name):
            if node.name in FIELDS or node.name in LISTS:
                return
            if node.name in GROUPS or node.name in self.loop_vars:
                self.fail(
                    node, f"Ufuldstændigt flettefelt: {node.name} (skriv fx {node.name}.navn)"
                )
                return
            self.fail(node, f"Ukendt flettefelt: {node.name}")
            return
        self.fail(node, f"{STATEMENTS} – ikke kode")

    def body(self, items: Iterable[nodes.Node]) -> None:
        for node in items:
            self.stmt(node)

    def stmt(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    continue
                if isinstance(child, nodes.Expr):
                    self.expr(child)
                else:
                    self.stmt(child)
        elif isinstance(node, nodes.If):
            if isinstance(node.test, nodes.Expr):
                self.expr(node.test)
            else:
                self.fail(node, f"{STATEMENTS} – ikke kode")
            self.body(node.body)
            for elif_ in node.elif_:
                self.stmt(elif_)
            self.body(node.else_)
        elif isinstance(node, nodes.For):
            if (
                not isinstance(node.target, nodes.Name)
                or not isinstance(node.iter, nodes.Name)
                or node.iter.name not in LISTS
                or node.test is not None
                or node.recursive
            ):
                names = ", ".join(LISTS)
                self.fail(node, f"{{% for %}} kan kun gå gennem listerne {names}")
                return
            self.loop_vars[node.target.name] = node.iter.name
            self.body(node.body)
            self.body(node.else_)
            del self.loop_vars[node.target.name]
        else:
            word = STATEMENT_WORDS.get(type(node).__name__, type(node).__name__.lower())
            self.fail(node, f"{STATEMENTS} – ikke {{% {word} %}}")


def check_template(body: str, field: str = "body") -> None:
    """Refuse a template that is not plain fields, ifs and fors over the vocabulary: a
    400 on ``field`` naming each line and field at fault."""
    try:
        tree = ENV.parse(body)
    except TemplateSyntaxError as e:
        raise FieldError(
            field,
            f"Linje {e.lineno}: Skabelonen kan ikke læses – tjek at hvert {{{{ har sit }}}}, "
            "og at hvert {% if %} og {% for %} er afsluttet",
        ) from None
    check = _Check()
    check.body(tree.body)
    if check.errors:
        raise FieldError(field, "; ".join(check.errors[:5]))


def _render_sync(body: str, context: dict[str, object]) -> str:
    return ENV.from_string(body).render(context)


async def render_template(body: str, context: dict[str, object], field: str = "body") -> str:
    """The template merged with ``context`` (call :func:`check_template` first), in a worker
    thread, within :data:`RENDER_SECONDS`."""
    check_template(body, field)
    try:
        with anyio.fail_after(RENDER_SECONDS):
            text: str = await anyio.to_thread.run_sync(_render_sync, body, context)
    except TimeoutError:
        raise FieldError(field, "Skabelonen tog for lang tid at flette") from None
    except (UndefinedError, SecurityError) as e:  # a field the case has no value for
        raise FieldError(field, f"Skabelonen kan ikke flettes: {e}") from None
    return text


def clean_html(body: str) -> str:
    """The editor's HTML with only the allowed tags, no attributes, no comments."""
    cleaned: str = nh3.clean(body, tags=TAGS, attributes={}, strip_comments=True)
    return cleaned


class _Sections(HTMLParser):
    """Headings (h2/h3) with the text that follows each."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[tuple[str, str]] = [("", "")]
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3"):
            self.in_heading = True
            self.sections.append(("", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3"):
            self.in_heading = False

    def handle_data(self, data: str) -> None:
        heading, text = self.sections[-1]
        if self.in_heading:
            self.sections[-1] = (heading + data, text)
        else:
            self.sections[-1] = (heading, text + data)


def sections(body: str) -> dict[str, str]:
    """Heading (lower case, trimmed) → the text under it."""
    parser = _Sections()
    parser.feed(body)
    return {h.strip().lower(): t.strip() for h, t in parser.sections if h.strip()}


def plain_text(body: str) -> str:
    parser = _Sections()
    parser.feed(body)
    return " ".join(f"{h} {t}" for h, t in parser.sections)


PLACEHOLDER = re.compile(r"\[[^\]]{3,120}\]")
DECISION_SECTIONS = {
    "begrundelse": "Afgørelsen mangler en begrundelse: et afsnit med overskriften »Begrundelse« "
    "(forvaltningsloven §§ 22 og 24)",
    "klagevejledning": "Afgørelsen mangler klagevejledning: et afsnit med overskriften "
    "»Klagevejledning« (forvaltningsloven § 25)",
}


def check_sendable(body: str, decision: bool) -> None:
    """A letter still holding a ``[…]`` to fill in is not sent; a decision needs its
    begrundelse and klagevejledning sections, each with text."""
    left = PLACEHOLDER.search(plain_text(body))
    if left:
        raise FieldError("body", f"Brevet indeholder stadig en tekst, der skal udfyldes: {left[0]}")
    if decision:
        found = sections(body)
        for key, message in DECISION_SECTIONS.items():
            if not found.get(key):
                raise FieldError("body", message)
        if "4 uger" not in found["klagevejledning"]:
            raise FieldError("body", "Klagevejledningen skal nævne klagefristen på 4 uger")


CSS = """
@page { size: A4; margin: 22mm 20mm 24mm 22mm;
  @bottom-right { content: "Side " counter(page) " af " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45; }
.head { display: flex; justify-content: space-between; margin-bottom: 14mm; }
.kommune { font-weight: bold; font-size: 13pt; }
.afsender { font-size: 8.5pt; text-align: right; }
.modtagere { min-height: 28mm; }
.modtager { margin-bottom: 3mm; }
.meta { font-size: 9pt; margin-bottom: 8mm; text-align: right; }
h1 { font-size: 14pt; margin: 0 0 5mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; }
p { margin: 0 0 2.5mm; }
.udkast { color: #8a1c1c; font-weight: bold; border: 1px solid #8a1c1c; padding: 2mm;
  margin-bottom: 5mm; }
"""


def letter_html(
    *,
    kommune: str,
    sender_lines: list[str],
    recipients: list[tuple[str, str]],
    dated: date,
    case_number: str | None,
    title: str,
    body: str,
    draft: bool,
) -> str:
    """The letter as one HTML page for weasyprint: letterhead, the recipients' names and
    addresses, date and case number, title, the (cleaned) body."""
    e = html.escape
    meta = [long_date(dated)]
    if case_number:
        meta.append(f"Sagsnr. {case_number}")
    parts = [
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>",
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        "<div class='head'>",
        f"<div class='kommune'>{e(kommune)}</div>",
        "<div class='afsender'>" + "<br>".join(e(s) for s in sender_lines if s) + "</div>",
        "</div><div class='modtagere'>",
        *(
            f"<div class='modtager'>{e(name)}"
            + "".join(f"<br>{e(line.strip())}" for line in address.split(",") if line.strip())
            + "</div>"
            for name, address in recipients
        ),
        "</div>",
        "<div class='meta'>" + "<br>".join(e(m) for m in meta) + "</div>",
    ]
    if draft:
        parts.append("<div class='udkast'>Udkast – ikke sendt</div>")
    parts += [f"<h1>{e(title)}</h1>", clean_html(body), "</body></html>"]
    return "".join(parts)


_fonts = threading.local()


def _font_config() -> Any:
    """weasyprint's font configuration, one per worker thread and kept (building it is a
    third of a one-page letter's time; it is not shared between threads)."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def _no_fetch() -> Any:
    """weasyprint's URL fetcher allowing no protocol: a letter loads nothing from anywhere.
    The cleaned HTML has no attributes (so no src or href) and the style sheet is ours, but a
    letter must not reach a file or a host even if either ever let a URL through."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset())


def render_pdf(document_html: str, archive: bool = True) -> bytes:
    """Blocking (CPU): call it in a worker thread. ``archive``: PDF/A-2b."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=document_html, url_fetcher=_no_fetch()).write_pdf(
        pdf_variant=PDF_VARIANT if archive else None, font_config=_font_config()
    )
    return pdf


async def pdf(document_html: str, archive: bool = True) -> bytes:
    result: bytes = await anyio.to_thread.run_sync(render_pdf, document_html, archive)
    return result
