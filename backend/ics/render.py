"""One flat, labelled view of a document's content, used for both the side-by-side
comparison of two versions and the printed PDF, so they always show the same thing.

A field is (key, group, label, lines). Keys are stable across versions (dimension keys,
goal ids), so two versions are compared field by field.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.core.danish import DK
from backend.ics.method import KINDS, STATUSES, View
from backend.ics.schemas import (
    FollowUpContent,
    IcsContent,
    InvestigationContent,
    PlanContent,
)


@dataclass
class Rendered:
    key: str
    group: str
    label: str
    lines: list[str]
    # Printed under one heading with its siblings (a dimension's observations, resources
    # and concerns): the heading and this field's own short label.
    heading: str | None = None
    sublabel: str | None = None


@dataclass
class Context:
    """What the content refers to outside itself."""

    measures: dict[Any, str]  # indsats id -> label
    plan_goals: dict[str, str]  # follow-up: goal id -> goal text


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.strip().splitlines() if p.strip()]


def _day(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def fields(kind: str, content: IcsContent, v: View, ctx: Context) -> list[Rendered]:
    out: list[Rendered] = []

    def section(key: str, group: str) -> None:
        out.append(
            Rendered(key, group, v.section_label(kind, key), _paragraphs(getattr(content, key)))
        )

    if isinstance(content, InvestigationContent):
        for side in v.method.sides:
            for dim in side.dimensions:
                entries = content.dimensions.get(dim.key)
                for entry, entry_label in v.entry_kinds.items():
                    lines = []
                    for s in getattr(entries, entry) if entries else []:
                        if not s.text.strip() and not s.source:
                            continue
                        source = v.source_label(s.source) if s.source else "kilde mangler"
                        if s.source_note.strip():
                            source += f", {s.source_note.strip()}"
                        lines.append(f"{s.text.strip()} (Kilde: {source})")
                    out.append(
                        Rendered(
                            f"dimensions.{dim.key}.{entry}",
                            side.label,
                            f"{dim.label} – {entry_label}",
                            lines,
                            heading=dim.label,
                            sublabel=entry_label,
                        )
                    )
        for key in ("child_view", "parents_view", "analysis", "conclusion"):
            section(key, "Synspunkter, analyse og konklusion")
        needs = []
        for n in content.unmet_needs:
            if n.text.strip():
                where = v.dimensions.get(n.dimension or "")
                needs.append(n.text.strip() + (f" ({where[1].label})" if where else ""))
        out.append(
            Rendered("unmet_needs", "Udækkede behov", v.section_label(kind, "unmet_needs"), needs)
        )
    elif isinstance(content, PlanContent):
        for i, g in enumerate(content.goals):
            measures = [
                ctx.measures.get(m.indsats_id, "Bevilget indsats")
                + (f": {m.text.strip()}" if m.text.strip() else "")
                if m.indsats_id
                else m.text.strip()
                for m in g.measures
                if m.indsats_id or m.text.strip()
            ]
            lines = [f"{v.goal_label('goal')}: {g.goal.strip()}"]
            lines.append(f"{v.goal_label('measurable')}: {g.measurable.strip()}")
            lines.append(f"{v.goal_label('measures')}: {'; '.join(measures)}")
            lines.append(f"{v.goal_label('responsible')}: {g.responsible.strip()}")
            if g.due:
                lines.append(f"{v.goal_label('due')}: {_day(g.due)}")
            if g.need.strip():
                lines.append(f"Udækket behov: {g.need.strip()}")
            out.append(Rendered(f"goals.{g.id}", "Mål", f"Mål {i + 1}", lines))
        for key in ("child_view", "parents_view"):
            section(key, "Synspunkter")
    else:
        assert isinstance(content, FollowUpContent)
        general = "Opfølgning"
        measure = ctx.measures.get(content.indsats_id, "") if content.indsats_id else ""
        out.append(Rendered("indsats_id", general, v.section_label(kind, "indsats_id"), [measure]))
        out.append(
            Rendered(
                "happened_on",
                general,
                v.section_label(kind, "happened_on"),
                [_day(content.happened_on)],
            )
        )
        for fu in content.goals:
            goal = ctx.plan_goals.get(fu.goal_id, fu.goal_id)
            lines = [v.statuses.get(fu.status, "Ikke vurderet"), *_paragraphs(fu.evidence)]
            out.append(Rendered(f"goals.{fu.goal_id}", "Målopfyldelse", f"Mål: {goal}", lines))
        for key in ("summary", "child_view", "parents_view"):
            section(key, "Vurdering og synspunkter")
        out.append(
            Rendered(
                "next_due",
                "Næste opfølgning",
                v.section_label(kind, "next_due"),
                [_day(content.next_due)] if content.next_due else [],
            )
        )
        section("next_reason", "Næste opfølgning")
        out.append(
            Rendered(
                "new_plan_version",
                "Næste opfølgning",
                "Ny version af barnets plan",
                ["Ja" if content.new_plan_version else "Nej"],
            )
        )
    return out


def diff(
    a: list[Rendered], b: list[Rendered]
) -> list[tuple[str, str, str, list[str], list[str], bool]]:
    """Field by field, in the newer version's order, then fields only the older has."""
    old = {f.key: f for f in a}
    new_keys = {f.key for f in b}
    rows = []
    for f in b:
        before = old[f.key].lines if f.key in old else []
        rows.append((f.key, f.group, f.label, before, f.lines, before != f.lines))
    for f in a:
        if f.key not in new_keys:
            rows.append((f.key, f.group, f.label, f.lines, [], bool(f.lines)))
    return rows


# --- PDF ---------------------------------------------------------------------------------------

CSS = """
@page {
  size: A4; margin: 22mm 20mm 22mm 20mm;
  @top-left { content: string(kommune); font: 8.5pt "DejaVu Sans", sans-serif; color: #555; }
  @top-right { content: string(doc); font: 8.5pt "DejaVu Sans", sans-serif; color: #555; }
  @bottom-right { content: "Side " counter(page) " af " counter(pages);
                  font: 8.5pt "DejaVu Sans", sans-serif; color: #555; }
}
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10pt;
       line-height: 1.45; color: #1a1a1a; }
.kommune { string-set: kommune content(); font-size: 11pt; font-weight: bold; color: #004993; }
h1 { string-set: doc content(); font-size: 18pt; margin: 4mm 0 1mm 0; }
.basis { color: #555; margin: 0 0 5mm 0; }
table.meta { border-collapse: collapse; margin-bottom: 6mm; }
table.meta td { padding: 1mm 6mm 1mm 0; vertical-align: top; }
table.meta td:first-child { color: #555; }
.draft { border: 2px solid #b00; color: #b00; padding: 2mm 4mm; margin-bottom: 5mm;
         font-weight: bold; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; padding-bottom: 1mm; margin-top: 7mm;
     break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm 0; break-after: avoid; }
h4 { font-size: 9.5pt; font-weight: normal; font-style: italic; color: #444;
     margin: 1.5mm 0 0.5mm 0; break-after: avoid; }
p { margin: 0 0 1.5mm 0; }
ul { margin: 0 0 2mm 0; padding-left: 5mm; }
li { margin-bottom: 1mm; }
.empty { color: #777; font-style: italic; }
"""


def _when(value: datetime | None) -> str:
    return value.astimezone(DK).strftime("%d.%m.%Y") if value else ""


def pdf_html(
    *,
    kommune: str,
    child_name: str,
    birth_date: date,
    row: Any,
    rendered: list[Rendered],
    method_name: str,
    printed_by: str,
) -> str:
    """The document as HTML for weasyprint: readable for the family, in Danish, with the
    kommune's name, the child's name and birth date (never the CPR number), the version
    and its status."""
    e = html.escape
    kind = KINDS[row["kind"]]
    meta = [
        ("Barn", f"{child_name}, født {_day(birth_date)}"),
        ("Version", f"{row['version_no']} – {STATUSES[row['status']].lower()}"),
    ]
    if row["submitted_at"]:
        meta.append(("Indsendt", f"{_when(row['submitted_at'])} af {row['submitted_by']}"))
    if row["approved_at"]:
        meta.append(("Godkendt", f"{_when(row['approved_at'])} af {row['approved_by']}"))
    if row["kind"] == "undersoegelse":
        meta.append(("Metode", method_name))
    meta.append(("Udskrevet", f"{datetime.now(DK).strftime('%d.%m.%Y')} af {printed_by}"))
    parts = [
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>",
        f"<title>{e(kind.label)}</title><style>{CSS}</style></head><body>",
        f"<div class='kommune'>{e(kommune)}</div>",
        f"<h1>{e(kind.label)}</h1><p class='basis'>{e(kind.basis)}</p>",
        "<table class='meta'>",
        *(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in meta),
        "</table>",
    ]
    if row["status"] != "godkendt":
        parts.append(
            "<div class='draft'>Udkast – denne version er ikke godkendt endnu.</div>"
            if row["status"] == "kladde"
            else "<div class='draft'>Indsendt – afventer godkendelse.</div>"
        )
    group = heading = None
    for i, f in enumerate(rendered):
        if f.group != group:
            group = f.group
            parts.append(f"<h2>{e(group)}</h2>")
        lines = [line for line in f.lines if line.strip()]
        if f.heading is None:
            parts.append(f"<h3>{e(f.label)}</h3>")
            if not lines:
                parts.append("<p class='empty'>Intet skrevet.</p>")
        else:
            if f.heading != heading:
                heading = f.heading
                parts.append(f"<h3>{e(heading)}</h3>")
                siblings = [g for g in rendered[i:] if g.heading == heading]
                if not any(line.strip() for g in siblings for line in g.lines):
                    parts.append("<p class='empty'>Intet skrevet.</p>")
            if lines:
                parts.append(f"<h4>{e(f.sublabel or '')}</h4>")
        if len(lines) == 1:
            parts.append(f"<p>{e(lines[0])}</p>")
        elif lines:
            parts.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in lines) + "</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def render_pdf(document_html: str) -> bytes:
    """Blocking (CPU): call it in a worker thread."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=document_html).write_pdf()
    return pdf
