"""Queries for placed children: the placements of a case and the supervision visits
(personrettet tilsyn, the activities of ``rules.SUPERVISION_RULES``) planned and held."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn


class Placement(msgspec.Struct, frozen=True):
    id: uuid.UUID
    kind: str
    paragraph: str
    starts_on: date
    ends_on: date | None


class SupervisionActivity(msgspec.Struct, frozen=True):
    id: uuid.UUID
    indsats_id: uuid.UUID | None
    status: str
    version: int
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None  # the name of who recorded it
    cancel_reason: str | None
    record: dict[str, Any] | None


async def get_activity_indsats(activity_id: uuid.UUID) -> uuid.UUID | None:
    """The measure an activity is about, if it is about one."""
    value: uuid.UUID | None = await conn().fetchval(
        "SELECT concerns_id FROM activity WHERE id = $1 AND concerns = 'indsats'", activity_id
    )
    return value


async def placement_running(indsats_id: uuid.UUID) -> bool:
    """Whether the measure is a placement that has not ended."""
    return bool(
        await conn().fetchval(
            "SELECT EXISTS (SELECT 1 FROM indsats WHERE id = $1 AND placement AND ends_on IS NULL)",
            indsats_id,
        )
    )


async def adjoining_placement(
    hovedsag_id: uuid.UUID, indsats_id: uuid.UUID, starts_on: date
) -> Placement | None:
    """Another placement of the case that the placement ``indsats_id`` (starting on
    ``starts_on``) continues: one still running, or one that ended no earlier than the day
    before. The latest such, or None (then it is a new placement)."""
    row = await conn().fetchrow(
        "SELECT id, kind, paragraph, starts_on, ends_on FROM indsats "
        "WHERE hovedsag_id = $1 AND placement AND id <> $2 AND starts_on <= $3 "
        "AND (ends_on IS NULL OR ends_on >= $3 - 1) "
        "ORDER BY ends_on IS NULL DESC, ends_on DESC, starts_on DESC LIMIT 1",
        hovedsag_id,
        indsats_id,
        starts_on,
    )
    return None if row is None else Placement(**dict(row))


async def other_placement_running(hovedsag_id: uuid.UUID, indsats_id: uuid.UUID) -> bool:
    """Whether a placement other than ``indsats_id`` runs on the case."""
    return bool(
        await conn().fetchval(
            "SELECT EXISTS (SELECT 1 FROM indsats WHERE hovedsag_id = $1 AND placement "
            "AND id <> $2 AND ends_on IS NULL)",
            hovedsag_id,
            indsats_id,
        )
    )


async def list_placements(hovedsag_id: uuid.UUID) -> list[Placement]:
    """The case's placement measures, running first, newest first."""
    rows = await conn().fetch(
        "SELECT id, kind, paragraph, starts_on, ends_on FROM indsats "
        "WHERE hovedsag_id = $1 AND placement "
        "ORDER BY ends_on IS NOT NULL, starts_on DESC",
        hovedsag_id,
    )
    return [Placement(**dict(r)) for r in rows]


async def list_supervision(
    hovedsag_id: uuid.UUID, rule_ids: list[str]
) -> list[SupervisionActivity]:
    """The case's supervision visits: open ones by due date, then held ones newest first."""
    rows = await conn().fetch(
        "SELECT a.id, CASE WHEN a.concerns = 'indsats' THEN a.concerns_id END AS indsats_id, "
        "a.status, a.version, a.due_at, a.completed_at, "
        "coalesce(u.display_name, a.completed_by) AS completed_by, a.cancel_reason, "
        "a.record::text AS record FROM activity a "
        "LEFT JOIN app_user u ON u.username = a.completed_by "
        "WHERE a.hovedsag_id = $1 AND a.rule_id = ANY($2::text[]) "
        "ORDER BY a.status <> 'open', coalesce(a.record->>'dato', '') DESC, a.due_at",
        hovedsag_id,
        rule_ids,
    )
    return [
        SupervisionActivity(
            **{**dict(r), "record": json.loads(r["record"]) if r["record"] else None}
        )
        for r in rows
    ]
