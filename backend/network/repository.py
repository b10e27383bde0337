"""The network's queries: members of a child's network, the child's latest case, siblings
found by a shared parent, and the contact corrections (``FOR UPDATE`` where a change
follows a read)."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from backend.core.db import conn
from backend.network.schemas import MemberRead, OfflineMember


class ChildCase(msgspec.Struct, frozen=True):
    """A child's CPR number (None when unborn) and its latest case (open ones first)."""

    cpr: str | None
    case_id: uuid.UUID | None


class ParentRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    custody: bool
    address_protected: bool = False


class SiblingRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str


class MemberLock(msgspec.Struct, frozen=True):
    child_id: uuid.UUID
    name: str
    version: int


class ContactRow(msgspec.Struct, frozen=True):
    """A member's contact details as they stand, with who changed them last."""

    id: uuid.UUID
    child_id: uuid.UUID
    name: str
    phone: str | None
    email: str | None
    organisation: str | None
    note: str | None
    version: int
    changed_by: str | None
    changed_by_name: str | None
    changed_at: datetime | None
    protected: bool = False  # a parent from the register with address protection


async def get_child_case(child_id: uuid.UUID) -> ChildCase | None:
    row = await conn().fetchrow(
        "SELECT c.cpr, (SELECT h.id FROM hovedsag h WHERE h.child_id = c.id "
        "ORDER BY h.closed_at NULLS FIRST, h.opened_at DESC LIMIT 1) AS case_id "
        "FROM child c WHERE c.id = $1",
        child_id,
    )
    return None if row is None else ChildCase(cpr=row["cpr"], case_id=row["case_id"])


async def has_open_case(child_id: uuid.UUID) -> bool:
    """True when the child has no case yet or one that is open."""
    return bool(
        await conn().fetchval(
            "SELECT NOT EXISTS (SELECT 1 FROM hovedsag WHERE child_id = $1) OR EXISTS "
            "(SELECT 1 FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL)",
            child_id,
        )
    )


async def list_members(child_id: uuid.UUID) -> list[MemberRead]:
    """The child's network, by circle, custody first, then by name."""
    rows = await conn().fetch(
        "SELECT n.id, n.relation, n.circle, n.name, n.custody, n.organisation, n.phone, "
        "n.email, n.note, n.source, n.sibling_child_id, n.version, n.address_protected, "
        "(SELECT h.id FROM hovedsag h WHERE h.child_id = n.sibling_child_id "
        "ORDER BY h.closed_at NULLS FIRST, h.opened_at DESC LIMIT 1) AS sibling_case_id "
        "FROM network_member n WHERE n.child_id = $1 AND n.removed_at IS NULL "
        "ORDER BY array_position(ARRAY['forældre','primært','sekundært','professionelt'], "
        "n.circle), n.custody DESC, n.name",
        child_id,
    )
    return [MemberRead(**dict(r)) for r in rows]


async def has_sibling(child_id: uuid.UUID, sibling_id: uuid.UUID) -> bool:
    return bool(
        await conn().fetchval(
            "SELECT 1 FROM network_member WHERE child_id = $1 AND sibling_child_id = $2 "
            "AND removed_at IS NULL",
            child_id,
            sibling_id,
        )
    )


async def insert_sibling(
    child_id: uuid.UUID, name: str, source: str, sibling_id: uuid.UUID
) -> None:
    await conn().execute(
        "INSERT INTO network_member (child_id, relation, circle, name, source, "
        "sibling_child_id) VALUES ($1, 'søskende', 'primært', $2, $3, $4)",
        child_id,
        name,
        source,
        sibling_id,
    )


async def get_parent(child_id: uuid.UUID, cpr: str) -> ParentRow | None:
    row = await conn().fetchrow(
        "SELECT id, name, custody, address_protected FROM network_member "
        "WHERE child_id = $1 AND cpr = $2 "
        "AND removed_at IS NULL",
        child_id,
        cpr,
    )
    return None if row is None else ParentRow(**dict(row))


async def insert_parent(
    child_id: uuid.UUID, name: str, cpr: str, custody: bool, note: str | None, protected: bool
) -> None:
    """A parent from the register; ``note`` holds the register's address (never for a
    protected parent: the database refuses it)."""
    await conn().execute(
        "INSERT INTO network_member (child_id, relation, circle, name, cpr, custody, "
        "note, source, address_protected) "
        "VALUES ($1, 'forælder', 'forældre', $2, $3, $4, $5, 'cpr', $6)",
        child_id,
        name,
        cpr,
        custody,
        None if protected else note,
        protected,
    )


async def update_parent(member_id: uuid.UUID, name: str, custody: bool, protected: bool) -> None:
    """The register's name, custody and address protection; a parent who now has address
    protection loses the address held in ``note``."""
    await conn().execute(
        "UPDATE network_member SET name = $2, custody = $3, address_protected = $4, "
        "note = CASE WHEN $4 THEN NULL ELSE note END, version = version + 1 WHERE id = $1",
        member_id,
        name,
        custody,
        protected,
    )


async def list_children_with_parents(cprs: list[str], except_child: uuid.UUID) -> list[SiblingRow]:
    """Other children in the kommune with one of these parents in their network."""
    rows = await conn().fetch(
        "SELECT DISTINCT c.id, c.first_name || ' ' || c.last_name AS name "
        "FROM network_member n JOIN child c ON c.id = n.child_id "
        "WHERE n.cpr = ANY($1::text[]) AND n.removed_at IS NULL AND n.child_id <> $2",
        cprs,
        except_child,
    )
    return [SiblingRow(id=r["id"], name=r["name"]) for r in rows]


async def get_child_name(child_id: uuid.UUID) -> str:
    name: str = await conn().fetchval(
        "SELECT first_name || ' ' || last_name FROM child WHERE id = $1", child_id
    )
    return name


async def get_child_id_by_cpr(cpr: str) -> uuid.UUID | None:
    child_id: uuid.UUID | None = await conn().fetchval("SELECT id FROM child WHERE cpr = $1", cpr)
    return child_id


async def child_exists(child_id: uuid.UUID) -> bool:
    return bool(await conn().fetchval("SELECT 1 FROM child WHERE id = $1", child_id))


async def insert_member(
    child_id: uuid.UUID,
    relation: str,
    circle: str,
    name: str,
    organisation: str | None,
    phone: str | None,
    email: str | None,
    note: str | None,
    sibling_id: uuid.UUID | None,
) -> uuid.UUID:
    member_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO network_member (child_id, relation, circle, name, organisation, phone, "
        "email, note, sibling_child_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING id",
        child_id,
        relation,
        circle,
        name,
        organisation,
        phone,
        email,
        note,
        sibling_id,
    )
    return member_id


async def lock_member(member_id: uuid.UUID) -> MemberLock | None:
    """The member (not removed), locked ``FOR UPDATE`` until the transaction ends."""
    row = await conn().fetchrow(
        "SELECT child_id, name, version FROM network_member WHERE id = $1 "
        "AND removed_at IS NULL FOR UPDATE",
        member_id,
    )
    return None if row is None else MemberLock(**dict(row))


async def update_removed(member_id: uuid.UUID, at: datetime) -> None:
    await conn().execute(
        "UPDATE network_member SET removed_at = $2, version = version + 1 WHERE id = $1",
        member_id,
        at,
    )


async def lock_contact(member_id: uuid.UUID) -> ContactRow | None:
    """The member's contact details (not removed), locked ``FOR UPDATE``."""
    row = await conn().fetchrow(
        "SELECT id, child_id, name, phone, email, organisation, note, version, changed_by, "
        "address_protected AND source = 'cpr' AS protected, "
        "(SELECT u.display_name FROM app_user u WHERE u.username = network_member.changed_by) "
        "AS changed_by_name, changed_at FROM network_member "
        "WHERE id = $1 AND removed_at IS NULL FOR UPDATE",
        member_id,
    )
    return None if row is None else ContactRow(**dict(row))


async def update_contact(member_id: uuid.UUID, changed: dict[str, str | None], actor: str) -> None:
    """Set the ``changed`` contact fields (keys among phone, email, organisation, note; the
    caller checks them) and stamp who changed them."""
    sets = ", ".join(f"{k} = ${i + 2}" for i, k in enumerate(changed))
    await conn().execute(
        f"UPDATE network_member SET {sets}, version = version + 1, "
        f"changed_by = ${len(changed) + 2}, changed_at = now() WHERE id = $1",
        member_id,
        *changed.values(),
        actor,
    )


async def get_latest_case_id(child_id: uuid.UUID) -> uuid.UUID | None:
    """The child's latest case, open ones first."""
    case_id: uuid.UUID | None = await conn().fetchval(
        "SELECT id FROM hovedsag WHERE child_id = $1 "
        "ORDER BY closed_at NULLS FIRST, opened_at DESC LIMIT 1",
        child_id,
    )
    return case_id


async def get_offline_member(member_id: uuid.UUID) -> OfflineMember:
    member = await conn().fetchrow(
        "SELECT id, relation, circle, name, custody, organisation, phone, email, note, source, "
        "version, changed_by, changed_at, address_protected FROM network_member WHERE id = $1",
        member_id,
    )
    return OfflineMember(**dict(member))


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_child_rows(child_id: uuid.UUID) -> dict[str, int]:
    """Retention: the child's whole case is deleted and the child has no other: delete the
    child's network, and empty other children's references to the child as a sibling.
    Inside the case's deletion."""
    c = conn()
    siblings = await c.execute(
        "UPDATE network_member SET sibling_child_id = NULL WHERE sibling_child_id = $1",
        child_id,
    )
    members = await c.execute("DELETE FROM network_member WHERE child_id = $1", child_id)
    return {"network_member": _deleted(members), "sibling_link": _deleted(siblings)}
