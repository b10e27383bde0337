"""The automatic journal: every event on a case writes an entry in the same transaction,
so the event and its journal entry commit or vanish together."""

from __future__ import annotations

import uuid

from backend.core.db import conn
from backend.core.errors import Stale


async def stamp(
    hovedsag_id: uuid.UUID,
    author: str,
    event: str,
    title: str,
    body: str = "",
    enkeltsag_id: uuid.UUID | None = None,
) -> int:
    """Write an automatic journal entry (an event, not a note). ``event`` is an audit/journal
    action with a Danish label in ``backend.audit.labels``."""
    entry_id: int = await conn().fetchval(
        "INSERT INTO journal_entry (hovedsag_id, enkeltsag_id, author, kind, event, title, body) "
        "VALUES ($1, $2, $3, 'haendelse', $4, $5, $6) RETURNING id",
        hovedsag_id,
        enkeltsag_id,
        author,
        event,
        title,
        body,
    )
    return entry_id


async def named(exc: Stale) -> Stale:
    """``exc`` with the display name of whoever changed the record (people read names, not
    usernames); None when that is not a user of this kommune."""
    if exc.changed_by:
        exc.changed_by_name = await conn().fetchval(
            "SELECT display_name FROM app_user WHERE username = $1", exc.changed_by
        )
    return exc
