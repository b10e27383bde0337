"""All SQL of the complaints: the ``klage`` table, and the child's network as parties."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn


class KlageRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    afgoerelse_id: uuid.UUID
    received_on: date
    complainant: str
    about: str
    complaint_document_id: uuid.UUID | None
    complaint_deadline: date | None
    reconsider_by: date
    state: str
    reconsidered_on: date | None
    reconsider_reasons: str | None
    sent_on: date | None
    package_document_id: uuid.UUID | None
    answered_on: date | None
    answer_outcome: str | None
    answer_document_id: uuid.UUID | None
    answer_note: str | None
    created_by: str
    created_by_name: str
    created_at: datetime
    version: int


class Party(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    relation: str


_SELECT = (
    "SELECT k.id, k.hovedsag_id, k.afgoerelse_id, k.received_on, k.complainant, k.about, "
    "k.complaint_document_id, k.complaint_deadline, k.reconsider_by, k.state, "
    "k.reconsidered_on, k.reconsider_reasons, k.sent_on, k.package_document_id, "
    "k.answered_on, k.answer_outcome, k.answer_document_id, k.answer_note, k.created_by, "
    "coalesce(u.display_name, k.created_by) AS created_by_name, k.created_at, k.version "
    "FROM klage k LEFT JOIN app_user u ON u.username = k.created_by"
)


async def list_for_case(case_id: uuid.UUID) -> list[KlageRow]:
    rows = await conn().fetch(
        f"{_SELECT} WHERE k.hovedsag_id = $1 ORDER BY k.received_on DESC, k.created_at DESC",
        case_id,
    )
    return [KlageRow(**dict(r)) for r in rows]


async def get(klage_id: uuid.UUID, *, lock: bool = False) -> KlageRow | None:
    row = await conn().fetchrow(
        f"{_SELECT} WHERE k.id = $1" + (" FOR UPDATE OF k" if lock else ""), klage_id
    )
    return None if row is None else KlageRow(**dict(row))


async def case_of(klage_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn().fetchval(
        "SELECT hovedsag_id FROM klage WHERE id = $1", klage_id
    )
    return found


async def insert(
    *,
    case_id: uuid.UUID,
    afgoerelse_id: uuid.UUID,
    received_on: date,
    complainant: str,
    complainant_member_id: uuid.UUID | None,
    about: str,
    document_id: uuid.UUID | None,
    complaint_deadline: date | None,
    reconsider_by: date,
    actor: str,
) -> uuid.UUID:
    found: uuid.UUID = await conn().fetchval(
        "INSERT INTO klage (hovedsag_id, afgoerelse_id, received_on, complainant, "
        "complainant_member_id, about, complaint_document_id, complaint_deadline, "
        "reconsider_by, created_by, changed_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        case_id,
        afgoerelse_id,
        received_on,
        complainant,
        complainant_member_id,
        about,
        document_id,
        complaint_deadline,
        reconsider_by,
        actor,
    )
    return found


async def update(klage_id: uuid.UUID, actor: str, **values: Any) -> None:
    """Set ``values`` (column names of ours, never a caller's input), bump the version."""
    cols = list(values)
    sets = ", ".join(f"{c} = ${n + 3}" for n, c in enumerate(cols))
    await conn().execute(
        f"UPDATE klage SET {sets}, changed_by = $2, changed_at = now(), "
        "version = version + 1 WHERE id = $1",
        klage_id,
        actor,
        *values.values(),
    )


async def parties(child_id: uuid.UUID) -> list[Party]:
    """The people in the child's network who can be a party to a complaint (family and
    network; not the professionals), custody holders first."""
    rows = await conn().fetch(
        "SELECT id, name, relation FROM network_member WHERE child_id = $1 "
        "AND removed_at IS NULL AND circle <> 'professionelt' "
        "ORDER BY custody DESC, array_position(ARRAY['forældre','primært','sekundært'], circle), "
        "name",
        child_id,
    )
    return [Party(**dict(r)) for r in rows]


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's complaints (inside the case's deletion, see
    ``backend.retention``)."""
    return {
        "klage": _deleted(
            await conn().execute("DELETE FROM klage WHERE hovedsag_id = $1", hovedsag_id)
        )
    }


async def list_cases_with_open_klage(case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    rows = await conn().fetch(
        "SELECT DISTINCT hovedsag_id FROM klage WHERE hovedsag_id = ANY($1::uuid[]) "
        "AND state IN ('genvurderes', 'fastholdt', 'sendt')",
        case_ids,
    )
    return {r["hovedsag_id"] for r in rows}
