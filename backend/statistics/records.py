"""The DST records made from the case data, checked by DST's rules, and the delivery's XML.

Pure functions (no database): ``measure_record``/``notification_record`` map a row to a
record with its elements in the schema's order and the reasons (Danish) it would be
rejected; ``delivery_xml`` writes the delivery (``dst.xsd``, namespace ``NS``). A record's
``content_hash`` covers exactly what is sent of it, so a later change of the case data that
changes what DST would receive makes it due again as a correction (``rettelse``).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from backend.core.cpr import check_cpr
from backend.core.danish import DK
from backend.core.errors import FieldError
from backend.core.measures import MEASURES, YOUTH_MEASURES, YOUTH_PARAGRAPH
from backend.statistics import codes
from backend.statistics.repository import MeasureRow, NotificationRow

NS = "urn:trekant:dst:udsatte-boern-unge:1"
Kind = Literal["foranstaltning", "underretning"]
Action = Literal["ny", "rettelse", "sletning"]
DEADLINE_DAYS = 28  # placements are reported within four weeks (docs/reporting.md)


@dataclass
class Record:
    key: str
    kind: Kind
    hovedsag_id: uuid.UUID | None
    elements: list[tuple[str, str]]
    errors: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        text = self.kind + "\n" + "\n".join(f"{k}={v}" for k, v in self.elements)
        return hashlib.sha256(text.encode()).hexdigest()


def period_of(day: date) -> str:
    return f"{day.year}K{(day.month - 1) // 3 + 1}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a quarter ``2026K4``."""
    year, quarter = int(period[:4]), int(period[5])
    first = date(year, 3 * quarter - 2, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, nxt - timedelta(days=1)


def deadline_of(period: str) -> date:
    """The quarter's records are due at DST four weeks after it ends."""
    return period_bounds(period)[1] + timedelta(days=DEADLINE_DAYS)


def _cpr_error(value: str | None) -> str | None:
    if not value:
        return "Barnet har intet CPR-nummer"
    return _cpr_problem(value)


@lru_cache(maxsize=200_000)
def _cpr_problem(value: str) -> str | None:
    """Cached per number: a child's measures and notifications share it (python-stdnum's
    cleaning is most of the time of a year's records otherwise)."""
    try:
        check_cpr(value)
    except FieldError:
        return "CPR-nummeret er ikke gyldigt"
    return None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _d(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def measure_record(m: MeasureRow) -> Record:
    paragraph = codes.PARAGRAPHS.get(m.paragraph)
    kind = codes.MEASURE_TYPES.get(m.kind)
    place = codes.PLACES.get(m.kind) if m.placement else None
    elements = [
        ("CPR", m.cpr or ""),
        ("Paragraf", paragraph or ""),
        ("Foranstaltning", kind or ""),
    ]
    if place:
        elements.append(("Anbringelsessted", place))
    elements.append(("Startdato", m.starts_on.isoformat()))
    if m.ends_on is not None:
        elements.append(("Slutdato", m.ends_on.isoformat()))
    rec = Record(f"F-{m.id}", "foranstaltning", m.hovedsag_id, elements)
    if (problem := _cpr_error(m.cpr)) is not None:
        rec.errors.append(problem)
    if paragraph is None:
        rec.errors.append("Lovgrundlaget kendes ikke af Danmarks Statistik")
    if kind is None:
        rec.errors.append(
            f"Indsatsen »{MEASURES.get(m.kind, (m.kind, False))[0]}« har ingen "
            "foranstaltningstype hos Danmarks Statistik"
        )
    if m.placement and place is None:
        rec.errors.append("Anbringelsesstedet mangler")
    if m.placement and m.paragraph not in ("46", "47"):
        rec.errors.append("En anbringelse skal være efter § 46 eller § 47")
    if not m.placement and m.paragraph in ("46", "47"):
        rec.errors.append("Kun en anbringelse kan være efter § 46 eller § 47")
    if (m.paragraph == YOUTH_PARAGRAPH) != (m.kind in YOUTH_MEASURES):
        rec.errors.append("Ungestøtte efter det 18. år skal være efter § 114")
    if m.ends_on is not None and m.ends_on < m.starts_on:
        rec.errors.append("Slutdatoen ligger før startdatoen")
    if m.birth_date is not None:
        if m.starts_on < m.birth_date:
            rec.errors.append(
                f"Indsatsen starter {_d(m.starts_on)}, før barnets fødselsdato {_d(m.birth_date)}"
            )
        elif m.paragraph in ("32", "46", "47") and m.starts_on >= _add_years(m.birth_date, 18):
            rec.errors.append("Barnet var fyldt 18 år, da indsatsen startede")
        elif m.paragraph == YOUTH_PARAGRAPH and m.starts_on >= _add_years(m.birth_date, 23):
            rec.errors.append("Den unge var fyldt 23 år, da ungestøtten startede")
    return rec


def notification_record(n: NotificationRow) -> Record:
    received = n.received_at.astimezone(DK).date()
    unborn = not n.cpr
    elements = [("CPR", (n.mother_cpr if unborn else n.cpr) or "")]
    if unborn:
        elements.append(("Ufoedt", "true"))
    notifier = codes.NOTIFIERS.get(n.source)
    elements += [("Modtaget", received.isoformat()), ("Underretter", notifier or "")]
    causes = [codes.CAUSES.get(c, "") for c in n.causes]
    if not causes:  # registered before the cause was recorded
        causes = [codes.CAUSE_ABUSE if n.suspected_abuse else codes.CAUSE_UNSTATED]
    elements += [("Aarsag", c) for c in causes]
    rec = Record(f"U-{n.id}", "underretning", n.hovedsag_id, elements)
    if (problem := _cpr_error(n.mother_cpr if unborn else n.cpr)) is not None:
        rec.errors.append(("Den vordende mor har intet gyldigt CPR-nummer") if unborn else problem)
    if notifier is None:
        rec.errors.append("Underretteren kendes ikke af Danmarks Statistik")
    if "" in causes:
        rec.errors.append("En årsag til underretningen kendes ikke af Danmarks Statistik")
    if not unborn and n.birth_date is not None:
        if received < n.birth_date:
            rec.errors.append("Underretningen er modtaget før barnets fødselsdato")
        elif received >= _add_years(n.birth_date, 18):
            rec.errors.append("Barnet var fyldt 18 år, da underretningen blev modtaget")
    return rec


def delivery_xml(
    delivery_id: uuid.UUID,
    kommune: str,
    period: str,
    items: list[tuple[Action, Record]],
    deletions: list[tuple[str, str]],
    made_at: datetime | None = None,
) -> bytes:
    """The delivery: the records (new or corrected) and the deletions (key, kind)."""
    stamp = (made_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    total = len(items) + len(deletions)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<Indberetning xmlns="{NS}" leveranceId="{delivery_id}" kommunekode="{kommune}" '
        f'periode="{period}" dannet="{stamp}" antal="{total}">\n',
    ]
    for action, rec in items:
        tag = "Foranstaltning" if rec.kind == "foranstaltning" else "Underretning"
        inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in rec.elements)
        out.append(f'  <{tag} noegle={quoteattr(rec.key)} handling="{action}">{inner}</{tag}>\n')
    for key, kind in deletions:
        out.append(f'  <Sletning noegle={quoteattr(key)} art="{kind}"/>\n')
    out.append("</Indberetning>\n")
    return "".join(out).encode()
