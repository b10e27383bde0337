"""Queries of the placement place: decisions on contact (``contact_decision``, this
package's table) and the people of the child's network they may concern."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from backend.core.db import conn


class ContactRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    network_member_id: uuid.UUID | None
    person_name: str
    person_relation: str
    form: str
    frequency: str
    restrictions: str | None
    decided_on: date
    review_on: date
    replaces_id: uuid.UUID | None
    replaced_at: datetime | None
    replaced_by: str | None
    created_by: str


class PersonRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    relation: str


_COLS = (
    "id, hovedsag_id, network_member_id, person_name, person_relation, form, frequency, "
    "restrictions, decided_on, review_on, replaces_id, replaced_at, replaced_by, created_by"
)
# Whom a child may have contact with: parents and the private network (§ 103, stk. 1), not
# the professionals.
_PRIVATE = "('forældre', 'primært', 'sekundært')"


async def list_decisions(hovedsag_id: uuid.UUID) -> list[ContactRow]:
    """The case's decisions on contact: in force first (by person), then replaced ones
    newest first."""
    rows = await conn().fetch(
        f"SELECT {_COLS} FROM contact_decision WHERE hovedsag_id = $1 "
        "ORDER BY replaced_at IS NOT NULL, replaced_at DESC, person_name, decided_on DESC",
        hovedsag_id,
    )
    return [ContactRow(**dict(r)) for r in rows]


async def lock_decision(decision_id: uuid.UUID, hovedsag_id: uuid.UUID) -> ContactRow | None:
    row = await conn().fetchrow(
        f"SELECT {_COLS} FROM contact_decision WHERE id = $1 AND hovedsag_id = $2 FOR UPDATE",
        decision_id,
        hovedsag_id,
    )
    return None if row is None else ContactRow(**dict(row))


async def list_people(child_id: uuid.UUID) -> list[PersonRow]:
    """The child's parents and private network (current members), parents first."""
    rows = await conn().fetch(
        "SELECT id, name, relation FROM network_member WHERE child_id = $1 "
        f"AND removed_at IS NULL AND circle IN {_PRIVATE} "
        "ORDER BY circle <> 'forældre', name",
        child_id,
    )
    return [PersonRow(**dict(r)) for r in rows]


async def get_person(child_id: uuid.UUID, member_id: uuid.UUID) -> PersonRow | None:
    row = await conn().fetchrow(
        "SELECT id, name, relation FROM network_member WHERE id = $1 AND child_id = $2 "
        f"AND removed_at IS NULL AND circle IN {_PRIVATE}",
        member_id,
        child_id,
    )
    return None if row is None else PersonRow(**dict(row))


async def insert_decision(
    hovedsag_id: uuid.UUID,
    person: PersonRow,
    relation_label: str,
    form: str,
    frequency: str,
    restrictions: str | None,
    decided_on: date,
    review_on: date,
    replaces_id: uuid.UUID | None,
    actor: str,
) -> uuid.UUID:
    value: uuid.UUID = await conn().fetchval(
        "INSERT INTO contact_decision (hovedsag_id, network_member_id, person_name, "
        "person_relation, form, frequency, restrictions, decided_on, review_on, replaces_id, "
        "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        hovedsag_id,
        person.id,
        person.name,
        relation_label,
        form,
        frequency,
        restrictions,
        decided_on,
        review_on,
        replaces_id,
        actor,
    )
    return value


async def update_replaced(decision_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE contact_decision SET replaced_at = now(), replaced_by = $2 WHERE id = $1",
        decision_id,
        actor,
    )


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's contact decisions (inside the case's deletion)."""
    return {
        "contact_decision": _deleted(
            await conn().execute("DELETE FROM contact_decision WHERE hovedsag_id = $1", hovedsag_id)
        )
    }
