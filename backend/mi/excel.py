"""Excel files (.xlsx, xlsxwriter) with proper cell types: dates as dates, amounts as
numbers in kroner, percentages as fractions (see ``backend.mi.tables`` for the mapping).

Written in xlsxwriter's constant-memory mode (rows are streamed to a temporary file, so a
large export does not hold every cell in memory). Synchronous: callers run it in a thread.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any

import xlsxwriter

from backend.core.danish import DK
from backend.mi.tables import Column

WIDTHS = {
    "text": 24,
    "int": 10,
    "money": 14,
    "percent": 10,
    "date": 12,
    "datetime": 17,
    "bool": 8,
}
FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "dd-mm-yyyy",
    "datetime": "dd-mm-yyyy hh:mm",
}
MAX_ROWS = 1_048_575  # Excel's limit below the header


def is_internal(column: Column) -> bool:
    """Keys the PWA needs to draw and link (``key``, ``measure_key``, ...) are codes, not
    something a person reads: they stay out of the file (as out of the screen's tables)."""
    return column.key == "key" or column.key.endswith("_key")


def sheet_name(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Data"
    return cleaned[:31]


def write_xlsx(
    title: str,
    columns: list[Column],
    rows: Iterable[list[Any]],
    *,
    on_row: Callable[[int], None] | None = None,
    subtitle: str | None = None,
) -> bytes:
    """The workbook as bytes: one sheet, a bold header row (frozen, with a filter), one
    row per result. ``on_row`` is called every 1,000 rows with the count so far."""
    shown = [i for i, c in enumerate(columns) if not is_internal(c)]
    if len(shown) < len(columns):
        columns = [columns[i] for i in shown]
        rows = ([row[i] for i in shown] for row in rows)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True})
    wb.set_properties({"title": title, "author": "Trekant", "comments": subtitle or ""})
    ws = wb.add_worksheet(sheet_name(title))
    header = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "bottom": 1})
    fmts = {k: wb.add_format({"num_format": v}) for k, v in FORMATS.items()}
    for i, c in enumerate(columns):
        ws.set_column(i, i, max(WIDTHS.get(c.type, 16), min(40, len(c.label) + 2)))
    for i, c in enumerate(columns):
        ws.write_string(0, i, c.label, header)
    ws.freeze_panes(1, 0)
    writers = [_writer(ws, c.type, fmts) for c in columns]
    n = 0
    for n, row in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise ValueError("Udtrækket er for stort til ét Excel-ark")
        for i, value in enumerate(row):
            if value is not None:
                writers[i](n, i, value)
        if on_row is not None and n % 1000 == 0:
            on_row(n)
    if columns:
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    wb.close()
    return buf.getvalue()


def _writer(ws: Any, kind: str, fmts: dict[str, Any]) -> Callable[[int, int, Any], None]:
    if kind == "int":
        return lambda r, c, v: ws.write_number(r, c, v, fmts["int"])
    if kind == "money":
        return lambda r, c, v: ws.write_number(r, c, v / 100, fmts["money"])
    if kind == "percent":
        return lambda r, c, v: ws.write_number(r, c, v / 100, fmts["percent"])
    if kind == "date":

        def write_date(r: int, c: int, v: Any) -> None:
            day = v if isinstance(v, date) else date.fromisoformat(str(v))
            ws.write_datetime(r, c, datetime.combine(day, time()), fmts["date"])

        return write_date
    if kind == "datetime":

        def write_datetime(r: int, c: int, v: Any) -> None:
            at = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
            if at.tzinfo is not None:
                at = at.astimezone(DK).replace(tzinfo=None)
            ws.write_datetime(r, c, at, fmts["datetime"])

        return write_datetime
    if kind == "bool":
        return lambda r, c, v: ws.write_boolean(r, c, bool(v))
    return lambda r, c, v: ws.write_string(r, c, str(v))
