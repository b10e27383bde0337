"""Roles and what they may do: the one place in code.

The kommune's administrator assigns roles; every endpoint declares the permission it
needs with ``guards=[requires(Perm.X)]`` and the guard checks the user's current roles
(read from the kommune's database on every request).
"""

from __future__ import annotations

from enum import StrEnum


class Perm(StrEnum):
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"
    CASE_APPROVE = "case.approve"  # manager: approve decisions, plans, payments
    CASE_TRANSFER = "case.transfer"  # send a case to another kommune, accept or reject one
    TEAM_OVERVIEW = "team.overview"  # manager: caseload and deadlines of own teams
    FINANCE = "finance.manage"  # catalogue, prices, payments
    MI_READ = "mi.read"  # management information, dashboards and their exports
    USERS_MANAGE = "users.manage"  # provision users, roles, teams, deactivate
    AUDIT_READ = "audit.read"
    # statutory reporting (Danmarks Statistik, Ankestyrelsen), archival (Rigsarkivet),
    # retention and deletion, and the daily raw-data extract: the kommune's administrator
    REPORTING = "reporting.manage"


ROLES: dict[str, str] = {
    "sagsbehandler": "Sagsbehandler",
    "leder": "Leder",
    "oekonomi": "Økonomimedarbejder",
    "administrator": "Administrator",
    "laeser": "Læseadgang (fx revision)",
}

GRANTS: dict[str, frozenset[Perm]] = {
    "sagsbehandler": frozenset({Perm.CASE_READ, Perm.CASE_WRITE, Perm.CASE_TRANSFER}),
    "leder": frozenset(
        {
            Perm.CASE_READ,
            Perm.CASE_WRITE,
            Perm.CASE_APPROVE,
            Perm.TEAM_OVERVIEW,
            Perm.CASE_TRANSFER,
            Perm.MI_READ,
        }
    ),
    "oekonomi": frozenset({Perm.CASE_READ, Perm.FINANCE, Perm.MI_READ}),
    "administrator": frozenset({Perm.USERS_MANAGE, Perm.AUDIT_READ, Perm.REPORTING}),
    "laeser": frozenset({Perm.CASE_READ}),
}


def permissions_for(roles: list[str] | tuple[str, ...] | set[str]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        granted |= GRANTS.get(role, frozenset())
    return frozenset(granted)


class UnknownRole(ValueError):
    pass


def check_roles(roles: list[str]) -> list[str]:
    """Return the roles de-duplicated and sorted; raise naming any unknown role."""
    unknown = sorted(set(roles) - ROLES.keys())
    if unknown:
        raise UnknownRole(f"Ukendt rolle: {', '.join(unknown)}. Gyldige roller: {', '.join(ROLES)}")
    return sorted(set(roles))
