"""Queries for the front of the process (issue 17 item 1): who may re-assess a case under
§ 137, stk. 1 (someone not previously on it), whether a notification calls for that
re-assessment, the notification an activity is about, and the preliminary assessment that
completes an investigation's 4-month activity (§ 20, stk. 3)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import msgspec

from backend.core.db import conn


class Reassessor(msgspec.Struct, frozen=True):
    name: str
    eligible: bool  # an active caseworker or manager of the kommune
    involved: bool  # is or was on the case (holder, co-worker, activity owner, author)


async def get_reassessor(hovedsag_id: uuid.UUID, user_id: uuid.UUID) -> Reassessor | None:
    """The user and whether they have taken part in the case: its caseworker now, a
    co-worker, the owner of any of its activities (open or done: a former caseworker's
    completed activities keep their owner), or the author of any of its journal entries."""
    row = await conn().fetchrow(
        "SELECT u.display_name AS name, "
        "u.active AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id "
        "AND r.role IN ('sagsbehandler', 'leder')) AS eligible, "
        "(EXISTS (SELECT 1 FROM hovedsag h WHERE h.id = $1 AND h.caseworker_id = u.id) "
        "OR EXISTS (SELECT 1 FROM hovedsag_worker w WHERE w.hovedsag_id = $1 AND w.user_id = u.id) "
        "OR EXISTS (SELECT 1 FROM activity a WHERE a.hovedsag_id = $1 AND a.owner_id = u.id) "
        "OR EXISTS (SELECT 1 FROM journal_entry j WHERE j.hovedsag_id = $1 "
        "AND j.author = u.username)) AS involved "
        "FROM app_user u WHERE u.id = $2",
        hovedsag_id,
        user_id,
    )
    return None if row is None else Reassessor(row["name"], row["eligible"], row["involved"])


async def has_running_measure_under(hovedsag_id: uuid.UUID, paragraphs: tuple[str, ...]) -> bool:
    """Whether the case has a measure under one of ``paragraphs`` that has started and not
    ended (today, Danish time)."""
    found: bool = await conn().fetchval(
        "SELECT EXISTS (SELECT 1 FROM indsats WHERE hovedsag_id = $1 "
        "AND paragraph = ANY($2::text[]) "
        "AND starts_on <= (now() AT TIME ZONE 'Europe/Copenhagen')::date "
        "AND (ends_on IS NULL OR ends_on >= (now() AT TIME ZONE 'Europe/Copenhagen')::date))",
        hovedsag_id,
        list(paragraphs),
    )
    return found


async def get_activity_underretning(activity_id: uuid.UUID) -> datetime | None:
    """When the notification the activity is about was received."""
    received: datetime | None = await conn().fetchval(
        "SELECT u.received_at FROM activity a JOIN underretning u ON u.id = a.concerns_id "
        "WHERE a.id = $1 AND a.concerns = 'underretning'",
        activity_id,
    )
    return received


class CompletedFourMonths(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str


async def complete_four_months(
    enkeltsag_id: uuid.UUID, actor: str, record: dict[str, str]
) -> CompletedFourMonths | None:
    """Complete the investigation's open 4-month activity with the preliminary assessment
    as its record."""
    row = await conn().fetchrow(
        "UPDATE activity SET status = 'done', completed_at = now(), completed_by = $2, "
        "changed_by = $2, changed_at = now(), version = version + 1, record = $3::jsonb "
        "WHERE enkeltsag_id = $1 AND rule_id = 'undersoegelse-4-maaneder' AND status = 'open' "
        "RETURNING id, title",
        enkeltsag_id,
        actor,
        json.dumps(record, ensure_ascii=False),
    )
    return None if row is None else CompletedFourMonths(row["id"], row["title"])


async def has_open_rule(enkeltsag_id: uuid.UUID, rule_id: str) -> bool:
    found: bool = await conn().fetchval(
        "SELECT EXISTS (SELECT 1 FROM activity WHERE enkeltsag_id = $1 AND rule_id = $2 "
        "AND status = 'open')",
        enkeltsag_id,
        rule_id,
    )
    return found
