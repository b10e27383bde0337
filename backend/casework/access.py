"""Which user may open which case: what the database cannot see.

The kommune boundary is the database's (schema and role). Inside a kommune, a case is
open to its responsible caseworker, the caseworkers added to it, the members of its team,
and the roles that oversee the whole kommune (manager, finance, read-only audit). Any
other caseworker steps in with a reason: that is audited, journalled and lasts a working
day. Everyone else gets the same 404 as for a case that does not exist.

``access_case`` is the only producer of :data:`AccessibleCase`; routes that touch a case
take one, so the check cannot be forgotten.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, NewType

from litestar.exceptions import NotFoundException

from backend.auth.principal import Principal
from backend.casework.service import CaseError, lock_case, stamp
from tenancy.context import current_scope

AccessibleCase = NewType("AccessibleCase", uuid.UUID)

# Roles that see every case of the kommune (every read is audited all the same).
KOMMUNE_WIDE = frozenset({"leder", "oekonomi", "laeser"})
STEP_IN_HOURS = 12

# A SQL predicate on ``h`` (hovedsag) for user ``$2``: is the case theirs to open?
ON_CASE = (
    "(h.caseworker_id = $2 "
    "OR EXISTS (SELECT 1 FROM hovedsag_worker w WHERE w.hovedsag_id = h.id AND w.user_id = $2) "
    "OR EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = h.team_id AND m.user_id = $2) "
    "OR EXISTS (SELECT 1 FROM case_access a WHERE a.hovedsag_id = h.id AND a.user_id = $2 "
    "AND a.expires_at > now()))"
)


def _conn() -> Any:
    return current_scope().connection


def kommune_wide(me: Principal) -> bool:
    return bool(KOMMUNE_WIDE.intersection(me.roles))


async def access_case(me: Principal, case_id: uuid.UUID) -> AccessibleCase:
    """The case, if ``me`` may open it; otherwise 404, the same as for no such case."""
    found = await _conn().fetchval(
        f"SELECT h.id FROM hovedsag h WHERE h.id = $1 AND ($3 OR {ON_CASE})",
        case_id,
        me.user_id,
        kommune_wide(me),
    )
    if found is None:
        raise NotFoundException("Sagen findes ikke, eller du er ikke på sagen")
    return AccessibleCase(found)


async def access_activity(me: Principal, activity_id: uuid.UUID) -> AccessibleCase:
    case_id = await _conn().fetchval("SELECT hovedsag_id FROM activity WHERE id = $1", activity_id)
    if case_id is None:
        raise NotFoundException("Aktiviteten findes ikke")
    try:
        return await access_case(me, case_id)
    except NotFoundException as exc:
        raise NotFoundException("Aktiviteten findes ikke") from exc


async def access_child(me: Principal, child_id: uuid.UUID) -> uuid.UUID:
    """The child, if ``me`` may open one of the child's cases (or the child has none)."""
    row = await _conn().fetchrow(
        "SELECT c.id, EXISTS (SELECT 1 FROM hovedsag h WHERE h.child_id = c.id) AS has_case, "
        f"EXISTS (SELECT 1 FROM hovedsag h WHERE h.child_id = c.id AND ($3 OR {ON_CASE})) "
        "AS mine FROM child c WHERE c.id = $1",
        child_id,
        me.user_id,
        kommune_wide(me),
    )
    if row is None or (row["has_case"] and not row["mine"]):
        raise NotFoundException("Barnet findes ikke, eller du er ikke på barnets sag")
    child: uuid.UUID = row["id"]
    return child


async def may_open(me: Principal, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``case_ids`` ``me`` may open without stepping in."""
    if kommune_wide(me):
        return set(case_ids)
    rows = await _conn().fetch(
        f"SELECT h.id FROM hovedsag h WHERE h.id = ANY($1::uuid[]) AND {ON_CASE}",
        case_ids,
        me.user_id,
    )
    return {r["id"] for r in rows}


async def do_step_in(me: Principal, case_id: uuid.UUID, reason: str) -> AccessibleCase:
    """A colleague opens a case they are not on, to step in: with a reason, journalled,
    for ``STEP_IN_HOURS``. The caller audits it."""
    if not reason.strip():
        raise CaseError("reason", "Skriv hvorfor du træder til i sagen")
    conn = _conn()
    if not await conn.fetchval("SELECT 1 FROM hovedsag WHERE id = $1", case_id):
        raise NotFoundException("Sagen findes ikke")
    await conn.execute(
        "INSERT INTO case_access (hovedsag_id, user_id, reason, expires_at) "
        "VALUES ($1, $2, $3, now() + $4::interval)",
        case_id,
        me.user_id,
        reason.strip(),
        timedelta(hours=STEP_IN_HOURS),
    )
    await stamp(
        case_id,
        me.actor,
        "sag.traadt_til",
        f"{me.display_name} har åbnet sagen for at træde til",
        reason.strip(),
    )
    return AccessibleCase(case_id)


async def do_add_worker(
    actor: str, case_id: AccessibleCase, version: int, user_id: uuid.UUID
) -> None:
    """Put another caseworker on the case (besides the responsible one)."""
    case = await lock_case(case_id, version)
    conn = _conn()
    name = await conn.fetchval(
        "SELECT u.display_name FROM app_user u WHERE u.id = $1 AND u.active AND EXISTS "
        "(SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role IN "
        "('sagsbehandler', 'leder'))",
        user_id,
    )
    if name is None:
        raise CaseError("user_id", "Vælg en aktiv sagsbehandler eller leder")
    if user_id == case["caseworker_id"]:
        raise CaseError("user_id", "Personen er allerede sagsansvarlig")
    added = await conn.fetchval(
        "INSERT INTO hovedsag_worker (hovedsag_id, user_id, added_by) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING user_id",
        case_id,
        user_id,
        actor,
    )
    if added is None:
        raise CaseError("user_id", "Personen er allerede på sagen")
    await conn.execute(
        "UPDATE hovedsag SET version = version + 1, changed_by = $2, changed_at = now() "
        "WHERE id = $1",
        case_id,
        actor,
    )
    await stamp(case_id, actor, "sag.medbehandler", f"{name} er sat på sagen som medbehandler")


async def do_remove_worker(
    actor: str, case_id: AccessibleCase, version: int, user_id: uuid.UUID
) -> None:
    await lock_case(case_id, version)
    conn = _conn()
    name = await conn.fetchval(
        "DELETE FROM hovedsag_worker w USING app_user u WHERE w.hovedsag_id = $1 "
        "AND w.user_id = $2 AND u.id = w.user_id RETURNING u.display_name",
        case_id,
        user_id,
    )
    if name is None:
        raise CaseError("user_id", "Personen er ikke medbehandler på sagen")
    await conn.execute(
        "UPDATE hovedsag SET version = version + 1, changed_by = $2, changed_at = now() "
        "WHERE id = $1",
        case_id,
        actor,
    )
    await stamp(case_id, actor, "sag.medbehandler", f"{name} er taget af sagen som medbehandler")
