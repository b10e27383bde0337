"""Data restrictions (dataafgrænsninger): which cases a user's roles reach, as the database
enforces it.

With Fælleskommunal Adgangsstyring each of a user's roles may carry restrictions from
Fælleskommunalt Administrationsmodul (``user_role.constraints``, e.g.
``{"kle": ["27.*"], "orgenhed": ["<uuid>"]}``). A role grants its case access only:

- **KLE**: when one of its KLE numbers covers the case's. Every Trekant case is a børnesag,
  KLE ``27.24.00`` (:data:`CASE_KLE`; the number the Sags- og dokumentindeks gets), so a
  role restricted to ``27.*``, ``27.24.*``, ``27.24`` or ``27.24.00`` grants as before, and
  one restricted to ``25.*`` grants nothing.
- **Organisationsenhed**: to cases whose team is mapped to one of its FK Organisation units
  (``team.fkorg_unit_uuid``); for the kommune-wide roles (leder, økonomi, læser) that is all
  of those teams' cases, for a caseworker her own cases among them.

A user's reach is the union of what her roles grant. :func:`case_scope` reduces it to a
:class:`CaseScope` (None when nothing is restricted: every such request behaves exactly as
before); the tenant middleware hands it to the transaction (``backend.auth.repository.
set_case_scope``) and a row-level security policy on ``hovedsag`` (tenant migration 0048)
hides every case outside it from every query of the request, so no read path can forget it.
The administrator's routes (users, audit, reporting) are the administrator role's, which
reads no case: they run without the scope (``ADMIN_PERMS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import msgspec

from backend.core.permissions import GRANTS, Perm

CASE_KLE = "27.24.00"  # KLE 27.24.00: særlig støtte til børn og unge (docs/integrations.md)
KOMMUNE_WIDE_ROLES = frozenset({"leder", "oekonomi", "laeser"})
# What only the administrator role grants: its routes run without the case scope.
ADMIN_PERMS = frozenset({Perm.USERS_MANAGE, Perm.AUDIT_READ, Perm.REPORTING})

# A role's restrictions as the principal carries them: (role, KLE numbers, unit UUIDs),
# only for roles with any restriction.
Restriction = tuple[str, tuple[str, ...], tuple[str, ...]]


class UnitRef(msgspec.Struct, frozen=True):
    """An organisation unit a restriction names: its UUID, and its name where a team is
    mapped to it (``team.fkorg_unit_name``, else the team's name); None when unknown."""

    uuid: str
    name: str | None = None


class RoleRestriction(msgspec.Struct, frozen=True):
    """A role's data restrictions as the screens show them (read-only: they are assigned in
    Fælleskommunalt Administrationsmodul)."""

    role: str
    kle: list[str] = msgspec.field(default_factory=list)
    units: list[UnitRef] = msgspec.field(default_factory=list)


def decode_restrictions(text: str | None) -> list[RoleRestriction]:
    """The JSON the repositories' ``RESTRICTIONS_SQL`` builds."""
    return msgspec.json.decode(text or "[]", type=list[RoleRestriction])


class CaseScope(msgspec.Struct, frozen=True):
    """The cases a restricted user may reach: all cases of the teams mapped to
    ``wide_units``, and her own cases (responsible, added, team member, stepped in) of the
    teams mapped to ``own_units``, or anywhere when ``own_anywhere``."""

    wide_units: tuple[str, ...]
    own_units: tuple[str, ...]
    own_anywhere: bool


def kle_covers(pattern: str, kle: str = CASE_KLE) -> bool:
    """Whether the KLE restriction ``pattern`` (``27``, ``27.*``, ``27.24.*``, ``27.24``,
    ``27.24.00``) covers the KLE number ``kle``: a main group or group covers its subjects."""
    prefix = pattern.strip().removesuffix(".*")
    return bool(prefix) and (kle == prefix or kle.startswith(prefix + "."))


def restrictions_of(
    constraints: Mapping[str, Mapping[str, Sequence[str]]],
) -> tuple[Restriction, ...]:
    """``{"role": {"kle": [...], "orgenhed": [...]}}`` as the principal keeps it (roles
    without restrictions left out), sorted."""
    found: list[Restriction] = []
    for role, c in sorted(constraints.items()):
        kle = tuple(str(k) for k in c.get("kle", ()) or ())
        units = tuple(str(u).lower() for u in c.get("orgenhed", ()) or ())
        if kle or units:
            found.append((role, kle, units))
    return tuple(found)


def case_scope(roles: Iterable[str], restrictions: Sequence[Restriction]) -> CaseScope | None:
    """What ``roles`` with ``restrictions`` reach; None when that is what they reach
    unrestricted (then nothing is set and nothing filtered)."""
    by_role = {role: (kle, units) for role, kle, units in restrictions}
    case_roles = [r for r in roles if Perm.CASE_READ in GRANTS.get(r, frozenset())]
    if not case_roles or not by_role.keys() & set(case_roles):
        return None
    wide: set[str] = set()
    own: set[str] = set()
    own_anywhere = False
    for role in case_roles:
        kle, units = by_role.get(role, ((), ()))
        if kle and not any(kle_covers(k) for k in kle):
            continue  # restricted to other subjects: this role grants no case
        if role in KOMMUNE_WIDE_ROLES and not units:
            return None  # the whole kommune, as before
        if role in KOMMUNE_WIDE_ROLES:
            wide.update(units)
        if units:
            own.update(units)
        else:
            own_anywhere = True
    if own_anywhere and not KOMMUNE_WIDE_ROLES.intersection(case_roles):
        return None  # a caseworker's own cases wherever they are: as before
    return CaseScope(tuple(sorted(wide)), tuple(sorted(own)), own_anywhere)
