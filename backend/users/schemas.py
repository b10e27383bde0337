"""What the administrator's screens send and receive: users, roles, teams and the kommune's
login settings."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from backend.auth.vocab import BoundClaim, Role
from backend.core.scope import RoleRestriction


class RoleRead(msgspec.Struct):
    role: Role
    label: str


class TeamRead(msgspec.Struct):
    id: uuid.UUID
    name: str
    members: int
    open_cases: int = 0
    closed_at: datetime | None = None
    version: int = 1


class TeamCreate(msgspec.Struct):
    name: str


class TeamUpdate(msgspec.Struct):
    """Rename a team; ``version`` is the one the administrator saw (409 if changed since)."""

    version: int
    name: str


class TeamClose(msgspec.Struct):
    version: int


class TeamMemberRead(msgspec.Struct):
    id: uuid.UUID
    display_name: str
    username: str
    active: bool
    roles: list[Role]


class TeamDetail(msgspec.Struct):
    """A team as the administrator inspects it: its members and its open cases."""

    id: uuid.UUID
    name: str
    version: int
    closed_at: datetime | None
    open_cases: int
    members: list[TeamMemberRead]


class UserRead(msgspec.Struct):
    id: uuid.UUID
    username: str
    display_name: str
    email: str | None
    active: bool
    roles: list[Role]
    team_ids: list[uuid.UUID]
    created_at: datetime
    last_login_at: datetime | None
    bound: bool  # has logged in at least once (issuer + subject known)
    version: int
    # When the account was bound to the person's identity at the provider, and by which claim
    # (upn, preferred_username or email); None for accounts bound before this was recorded.
    bound_at: datetime | None = None
    bound_claim: BoundClaim | None = None
    # From FK Organisation (issue 20): name, e-mail, job and team follow it; roles are Trekant's.
    from_fkorg: bool = False
    job_title: str | None = None
    # Each role's data restrictions from Fælleskommunal Adgangsstyring (KLE, organisation
    # unit with its name where known): shown read-only, like the roles.
    restrictions: list[RoleRestriction] = msgspec.field(default_factory=list)


class UserPage(msgspec.Struct):
    """One page of the user search, ``total`` matching in all."""

    items: list[UserRead]
    total: int
    page: int
    page_size: int


class UserCreate(msgspec.Struct):
    username: str
    display_name: str
    email: str | None = None
    roles: list[str] = msgspec.field(default_factory=list)
    team_ids: list[uuid.UUID] = msgspec.field(default_factory=list)


class UserUpdate(msgspec.Struct):
    version: int
    display_name: str | msgspec.UnsetType = msgspec.UNSET
    roles: list[str] | msgspec.UnsetType = msgspec.UNSET
    team_ids: list[uuid.UUID] | msgspec.UnsetType = msgspec.UNSET


class SettingsRead(msgspec.Struct):
    jit_provisioning: bool
    jit_default_role: str
    # The kommune's own processing deadline for an ansøgning (retssikkerhedsloven § 3).
    application_days: int = 28
