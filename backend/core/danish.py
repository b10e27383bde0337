"""Danish wording shared by every package: plurals, kroner, Danish time in file names.

A leaf: it imports nothing of ours, so any package may use it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DK = ZoneInfo("Europe/Copenhagen")


def today_dk() -> date:
    """Today in Denmark: the date every deadline, form and check is about."""
    return datetime.now(DK).date()


def plural(n: int, one: str, other: str) -> str:
    """``plural(1, "afgørelse", "afgørelser")`` -> "1 afgørelse"; 0 and 2+ take the plural
    (Danish has two forms: one for exactly 1, one for everything else)."""
    return f"{format_int(n)} {one if n == 1 else other}"


def format_int(n: int) -> str:
    """12345 -> "12.345" (Danish thousands separator)."""
    return f"{n:,}".replace(",", ".")


def kroner(oere: int) -> str:
    """178641361 øre -> "1.786.413,61 kr." """
    sign = "-" if oere < 0 else ""
    whole, cents = divmod(abs(int(oere)), 100)
    return f"{sign}{format_int(whole)},{cents:02d} kr."


_TRANSLIT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})


def file_slug(title: str) -> str:
    """A Danish title as a file name part: "Unge der fylder 18" -> "unge-der-fylder-18"."""
    text = title.lower().translate(_TRANSLIT)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "udtraek"


def file_stamp(now: datetime | None = None) -> str:
    """The moment in Danish time for a file name: "2026-12-06-kl-0315"."""
    moment = (now or datetime.now(UTC)).astimezone(DK)
    return moment.strftime("%Y-%m-%d-kl-%H%M")


def fmt_due(value: datetime | None) -> str:
    """A deadline or a moment, in Danish time: "12.04.2027" for a whole day (23.59),
    "12.04.2027 kl. 10.30" otherwise; "ingen frist" for none."""
    if value is None:
        return "ingen frist"
    local = value.astimezone(DK)
    if local.hour == 23 and local.minute == 59:
        return local.strftime("%d.%m.%Y")
    return local.strftime("%d.%m.%Y kl. %H.%M")
