"""Alerts to the kommune's administrator."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec


class SecurityAlertRead(msgspec.Struct):
    id: uuid.UUID
    user_id: uuid.UUID
    username: str
    display_name: str
    day: date
    lookups: int
    registrations: int
    raised_at: datetime
    seen_at: datetime | None
    seen_by: str | None  # the username, as recorded
    title: str  # Danish, for the administrator
    text: str
    # Who marked it seen, by name (the username stays in ``seen_by``).
    seen_by_name: str | None = None
