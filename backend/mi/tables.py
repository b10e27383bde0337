"""One shape for every chart and result list: typed columns and rows of values.

Column types (what the PWA renders and what the Excel file gets):

| type       | JSON value                    | Excel cell                                 |
|------------|-------------------------------|--------------------------------------------|
| ``text``   | string                        | text                                       |
| ``int``    | integer                       | number, ``0``                              |
| ``money``  | integer øre                   | number in kroner, ``#,##0.00``             |
| ``percent``| number 0-100, one decimal     | fraction, ``0.0%``                         |
| ``date``   | ISO date                      | date, ``dd-mm-yyyy``                       |
| ``datetime``| ISO timestamp with zone      | Danish local time, ``dd-mm-yyyy hh:mm``    |
| ``bool``   | boolean                       | TRUE/FALSE                                 |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

ColumnType = Literal["text", "int", "money", "percent", "date", "datetime", "bool"]
COLUMN_TYPES: tuple[ColumnType, ...] = (
    "text",
    "int",
    "money",
    "percent",
    "date",
    "datetime",
    "bool",
)
# How the PWA draws a table.
Chart = Literal["pie", "bar", "stacked_bar", "line", "table"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: ColumnType = "text"


@dataclass
class Table:
    key: str
    title: str
    chart: Chart
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


class ColumnRead(msgspec.Struct):
    key: str
    label: str
    type: ColumnType


class TableRead(msgspec.Struct):
    """A chart's numbers (or a result list): ``rows`` hold one value per column, in order."""

    key: str
    title: str
    chart: Chart
    columns: list[ColumnRead]
    rows: list[list[Any]]


def columns_read(columns: list[Column]) -> list[ColumnRead]:
    return [ColumnRead(c.key, c.label, c.type) for c in columns]


def table_read(t: Table) -> TableRead:
    return TableRead(t.key, t.title, t.chart, columns_read(t.columns), t.rows)


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
