"""The signed-in kommune user of a request, and ``me``, the dependency that hands it to a route.

``TenantMiddleware`` reads the user and their current roles in the request's tenant
transaction and leaves a :class:`Principal` in the scope; a route handler that declares
``me: Me`` gets it (``backend.app`` provides ``me`` application-wide), and a request
without one is answered 401 before the handler runs.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypeAlias

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Dependency
from litestar.exceptions import NotAuthorizedException

from backend.core.permissions import Perm
from backend.core.scope import CaseScope, Restriction, case_scope


class Principal(msgspec.Struct, frozen=True):
    user_id: uuid.UUID
    username: str
    display_name: str
    kommune_code: str
    roles: tuple[str, ...]
    permissions: frozenset[Perm]
    # The data restrictions of the roles that carry any (Fælleskommunal Adgangsstyring),
    # as (role, KLE numbers, organisation unit UUIDs); backend/core/scope.py.
    restrictions: tuple[Restriction, ...] = ()

    @property
    def case_scope(self) -> CaseScope | None:
        """The cases this user's roles reach, or None when nothing is restricted."""
        return case_scope(self.roles, self.restrictions)

    @property
    def actor(self) -> str:
        """How the audit names this user."""
        return self.username


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The request's user; 401 without one."""
    principal = connection.scope.get("state", {}).get("principal")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("Log ind for at fortsætte")
    return principal


def provide_me(request: Request[Any, Any, Any]) -> Principal:
    """The ``me`` dependency: ``async def handler(self, me: Me)``."""
    return current_principal(request)


# ``async def handler(self, me: Me)``: the signed-in user, injected by name (Litestar 3 asks
# for named dependencies to be marked; to mypy it is a Principal).
Me: TypeAlias = Annotated[Principal, Dependency(kind="named")]
