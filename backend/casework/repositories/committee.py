"""Queries for the indstilling to børne- og ungeudvalget (placement without consent,
§ 47): the indstilling, the offers of free legal counsel and access to the file, and the
counts management information shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn


class IndstillingRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID
    measure: str
    reasons: str
    meeting_on: date
    state: str
    provisional_on: date | None
    provisional_reasons: str | None
    provisional_afgoerelse_id: uuid.UUID | None
    decided_on: date | None
    outcome: str | None
    decision_reasons: str | None
    review_months: int | None
    afgoerelse_id: uuid.UUID | None
    version: int
    created_by: str
    created_at: datetime
    changed_by: str
    changed_at: datetime


class OfferRow(msgspec.Struct, frozen=True):
    indstilling_id: uuid.UUID
    party: str
    offered_on: date
    accepted: bool
    lawyer: str | None
    created_by: str
    created_at: datetime


_COLS = (
    "id, hovedsag_id, enkeltsag_id, measure, reasons, meeting_on, state, provisional_on, "
    "provisional_reasons, provisional_afgoerelse_id, decided_on, outcome, decision_reasons, "
    "review_months, afgoerelse_id, version, created_by, created_at, changed_by, changed_at"
)


def _row(r: Any) -> IndstillingRow:
    return IndstillingRow(**dict(r))


async def list_of_case(hovedsag_id: uuid.UUID) -> list[IndstillingRow]:
    """The case's indstillinger, the open one first, then newest first."""
    rows = await conn().fetch(
        f"SELECT {_COLS} FROM indstilling WHERE hovedsag_id = $1 "
        "ORDER BY state IN ('afgjort', 'bortfaldet'), created_at DESC",
        hovedsag_id,
    )
    return [_row(r) for r in rows]


async def offers_of(ids: list[uuid.UUID]) -> list[OfferRow]:
    rows = await conn().fetch(
        "SELECT indstilling_id, party, offered_on, accepted, lawyer, created_by, created_at "
        "FROM indstilling_tilbud WHERE indstilling_id = ANY($1::uuid[]) ORDER BY party DESC",
        ids,
    )
    return [OfferRow(**dict(r)) for r in rows]


async def open_of_case(hovedsag_id: uuid.UUID) -> IndstillingRow | None:
    row = await conn().fetchrow(
        f"SELECT {_COLS} FROM indstilling WHERE hovedsag_id = $1 "
        "AND state IN ('forberedes', 'formand') ORDER BY created_at DESC LIMIT 1",
        hovedsag_id,
    )
    return _row(row) if row else None


async def lock(indstilling_id: uuid.UUID) -> IndstillingRow | None:
    row = await conn().fetchrow(
        f"SELECT {_COLS} FROM indstilling WHERE id = $1 FOR UPDATE", indstilling_id
    )
    return _row(row) if row else None


async def case_of(indstilling_id: uuid.UUID) -> uuid.UUID | None:
    value: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM indstilling WHERE id = $1", indstilling_id
    )
    return value


async def insert(
    *,
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID,
    measure: str,
    reasons: str,
    meeting_on: date,
    actor: str,
) -> uuid.UUID:
    found: uuid.UUID = await conn().fetchval(
        "INSERT INTO indstilling (hovedsag_id, enkeltsag_id, measure, reasons, meeting_on, "
        "created_by, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        hovedsag_id,
        enkeltsag_id,
        measure,
        reasons,
        meeting_on,
        actor,
    )
    return found


async def update(indstilling_id: uuid.UUID, actor: str, **values: Any) -> None:
    """Set ``values`` (column names of ours, never a caller's input), bump the version."""
    cols = list(values)
    sets = ", ".join(f"{c} = ${n + 3}" for n, c in enumerate(cols))
    await conn().execute(
        f"UPDATE indstilling SET {sets}, changed_by = $2, changed_at = now(), "
        "version = version + 1 WHERE id = $1",
        indstilling_id,
        actor,
        *[values[c] for c in cols],
    )


async def upsert_offer(
    hovedsag_id: uuid.UUID,
    indstilling_id: uuid.UUID,
    party: str,
    offered_on: date,
    accepted: bool,
    lawyer: str | None,
    actor: str,
) -> None:
    await conn().execute(
        "INSERT INTO indstilling_tilbud (hovedsag_id, indstilling_id, party, offered_on, "
        "accepted, lawyer, created_by) VALUES ($7, $1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (indstilling_id, party) DO UPDATE SET offered_on = EXCLUDED.offered_on, "
        "accepted = EXCLUDED.accepted, lawyer = EXCLUDED.lawyer, "
        "created_by = EXCLUDED.created_by, created_at = now()",
        indstilling_id,
        party,
        offered_on,
        accepted,
        lawyer,
        actor,
        hovedsag_id,
    )


async def by_committee(afgoerelse_id: uuid.UUID) -> bool:
    """Whether the decision was made by børne- og ungeudvalget or its chair."""
    return bool(
        await conn().fetchval(
            "SELECT EXISTS (SELECT 1 FROM indstilling WHERE afgoerelse_id = $1 "
            "OR provisional_afgoerelse_id = $1)",
            afgoerelse_id,
        )
    )


async def of_decision(afgoerelse_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """The indstillinger (id, enkeltsag) a decision was made on (the committee's or the
    chair's)."""
    rows = await conn().fetch(
        "SELECT id, enkeltsag_id FROM indstilling WHERE afgoerelse_id = $1 "
        "OR provisional_afgoerelse_id = $1",
        afgoerelse_id,
    )
    return [(r["id"], r["enkeltsag_id"]) for r in rows]


async def measure_of_decision(afgoerelse_id: uuid.UUID) -> tuple[uuid.UUID, int] | None:
    """The running measure a decision started (id, version), if any."""
    row = await conn().fetchrow(
        "SELECT id, version FROM indsats WHERE afgoerelse_id = $1 AND ends_on IS NULL "
        "ORDER BY starts_on LIMIT 1",
        afgoerelse_id,
    )
    return (row["id"], row["version"]) if row else None


class CommitteeCounts(msgspec.Struct, frozen=True):
    awaiting_committee: int  # indstillinger prepared, the committee has not decided
    awaiting_confirmation: int  # the chair's provisional decisions not yet confirmed


async def counts() -> CommitteeCounts:
    row = await conn().fetchrow(
        "SELECT count(*) FILTER (WHERE state = 'forberedes') AS awaiting_committee, "
        "count(*) FILTER (WHERE state = 'formand') AS awaiting_confirmation "
        "FROM indstilling i JOIN hovedsag h ON h.id = i.hovedsag_id "
        "WHERE state IN ('forberedes', 'formand') AND h.closed_at IS NULL"
    )
    return CommitteeCounts(row["awaiting_committee"], row["awaiting_confirmation"])


async def get_birth_date(hovedsag_id: uuid.UUID) -> date | None:
    """The child's birth date (the expected date for an unborn child)."""
    value: date | None = await conn().fetchval(
        "SELECT c.birth_date FROM hovedsag h JOIN child c ON c.id = h.child_id WHERE h.id = $1",
        hovedsag_id,
    )
    return value


async def measure_start(indsats_id: uuid.UUID) -> date | None:
    value: date | None = await conn().fetchval(
        "SELECT starts_on FROM indsats WHERE id = $1", indsats_id
    )
    return value


async def set_visitation_paragraph(enkeltsag_id: uuid.UUID, paragraph: str) -> None:
    """A visitation prepared under another paragraph becomes one under ``paragraph``."""
    await conn().execute(
        "UPDATE enkeltsag SET paragraph = $2 WHERE id = $1 AND kind = 'afgoerelse'",
        enkeltsag_id,
        paragraph,
    )
