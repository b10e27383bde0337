"""Which user may open which case: what the database cannot see.

The kommune boundary is the database's (schema and role). Inside a kommune, a case is
open to its responsible caseworker, the caseworkers added to it, the members of its team,
and the roles that oversee the whole kommune (manager, finance, read-only audit). Any
other caseworker steps in with a reason: that is audited, journalled and lasts a working
day. Everyone else gets the same 404 as for a case that does not exist.

``access_case`` (and ``do_step_in``) are the only producers of :class:`AccessibleCase`
for a user; the service functions that act on a case require one, so strict mypy refuses a
bare id and the check cannot be forgotten. Code that acts as the kommune itself, with no
user behind it (jobs, the demo seed, cross-kommune imports), asks :func:`system_case` for
one, saying why; no route module may import it (``tests/casework/test_accessible_case.py``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Final

from backend.casework import repository as repo
from backend.casework.repository import ON_CASE as ON_CASE
from backend.casework.service import CaseError, lock_case
from backend.core.errors import NotFound
from backend.core.journal import stamp
from backend.core.principal import Principal

_MINT: Final = object()  # only this module holds it, so only this module makes one


class AccessibleCase(uuid.UUID):
    """The id of a main case the current user may open, as :func:`access_case` found it.

    A ``uuid.UUID`` (so it goes wherever a case id goes: SQL, responses), but a distinct
    type: a function that takes an ``AccessibleCase`` refuses a bare ``uuid.UUID`` under
    mypy, and the constructor refuses anyone without this module's private token."""

    __slots__ = ()

    def __init__(self, case_id: uuid.UUID, mint: object) -> None:
        if mint is not _MINT:
            raise TypeError(
                "an AccessibleCase comes from backend.casework.access "
                "(access_case, or system_case for the kommune itself)"
            )
        super().__init__(int=case_id.int)


# Roles that see every case of the kommune (every read is audited all the same).
KOMMUNE_WIDE = frozenset({"leder", "oekonomi", "laeser"})
STEP_IN_HOURS = 12


def kommune_wide(me: Principal) -> bool:
    return bool(KOMMUNE_WIDE.intersection(me.roles))


async def access_case(me: Principal, case_id: uuid.UUID) -> AccessibleCase:
    """The case, if ``me`` may open it; otherwise 404, the same as for no such case."""
    found = await repo.get_openable_case(case_id, me.user_id, kommune_wide(me))
    if found is None:
        raise NotFound("Sagen findes ikke, eller du er ikke på sagen")
    return AccessibleCase(found, _MINT)


async def system_case(case_id: uuid.UUID, why: str) -> AccessibleCase:
    """The case, for code acting as the kommune itself with no user behind it: background
    jobs, the demo seed, cross-kommune imports. Never reachable from a user's request (no
    ``routes.py`` imports it); ``why`` says who acts and why, so each use reads (and greps)
    as a deliberate exception to the access check. 404 if there is no such case."""
    if not why.strip():
        raise ValueError("system_case needs a reason")
    if not await repo.case_exists(case_id):
        raise NotFound("Sagen findes ikke")
    return AccessibleCase(case_id, _MINT)


async def access_activity(me: Principal, activity_id: uuid.UUID) -> AccessibleCase:
    case_id = await repo.get_case_of_activity(activity_id)
    if case_id is None:
        raise NotFound("Aktiviteten findes ikke")
    try:
        return await access_case(me, case_id)
    except NotFound as exc:
        raise NotFound("Aktiviteten findes ikke") from exc


async def access_child(me: Principal, child_id: uuid.UUID) -> uuid.UUID:
    """The child, if ``me`` may open one of the child's cases (or the child has none)."""
    row = await repo.get_child_access(child_id, me.user_id, kommune_wide(me))
    if row is None or (row.has_case and not row.mine):
        raise NotFound("Barnet findes ikke, eller du er ikke på barnets sag")
    return row.id


async def may_open(me: Principal, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``case_ids`` ``me`` may open without stepping in."""
    if kommune_wide(me):
        return set(case_ids)
    return await repo.list_openable_cases(case_ids, me.user_id)


async def do_step_in(me: Principal, case_id: uuid.UUID, reason: str) -> AccessibleCase:
    """A colleague opens a case they are not on, to step in: with a reason, journalled,
    for ``STEP_IN_HOURS``. The caller audits it."""
    if not reason.strip():
        raise CaseError("reason", "Skriv hvorfor du træder til i sagen")
    if not await repo.case_exists(case_id):
        raise NotFound("Sagen findes ikke")
    await repo.insert_case_access(
        case_id, me.user_id, reason.strip(), timedelta(hours=STEP_IN_HOURS)
    )
    await stamp(
        case_id,
        me.actor,
        "sag.traadt_til",
        f"{me.display_name} har åbnet sagen for at træde til",
        reason.strip(),
    )
    return AccessibleCase(case_id, _MINT)


async def do_add_worker(
    actor: str, case_id: AccessibleCase, version: int, user_id: uuid.UUID
) -> None:
    """Put another caseworker on the case (besides the responsible one)."""
    case = await lock_case(case_id, version)
    name = await repo.get_assignable_name(user_id)
    if name is None:
        raise CaseError("user_id", "Vælg en aktiv sagsbehandler eller leder")
    if user_id == case.caseworker_id:
        raise CaseError("user_id", "Personen er allerede sagsansvarlig")
    if not await repo.insert_worker(case_id, user_id, actor):
        raise CaseError("user_id", "Personen er allerede på sagen")
    await repo.touch_case(case_id, actor)
    await stamp(case_id, actor, "sag.medbehandler", f"{name} er sat på sagen som medbehandler")


async def do_remove_worker(
    actor: str, case_id: AccessibleCase, version: int, user_id: uuid.UUID
) -> None:
    await lock_case(case_id, version)
    name = await repo.delete_worker(case_id, user_id)
    if name is None:
        raise CaseError("user_id", "Personen er ikke medbehandler på sagen")
    await repo.touch_case(case_id, actor)
    await stamp(case_id, actor, "sag.medbehandler", f"{name} er taget af sagen som medbehandler")
