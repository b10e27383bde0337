"""The closed vocabularies of sign-in and access, as types for the API schemas (so the
generated client carries unions): the roles a kommune user can hold, the two realms, the
claim a kommune's provider names its users by, and a kommune's status.

Each mirrors a set kept elsewhere (``backend.core.permissions.ROLES``, the ``CHECK``s in
``tenancy/migrations/shared``, ``tenancy.registry.LOGIN_CLAIMS``); a test keeps them equal.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

Role: TypeAlias = Literal["sagsbehandler", "leder", "oekonomi", "administrator", "laeser"]
Realm: TypeAlias = Literal["kommune", "operator"]
LoginClaim: TypeAlias = Literal["upn", "preferred_username", "email"]
KommuneStatus: TypeAlias = Literal["active", "suspended"]
# How a kommune's staff log in (``tenancy.registry.LOGIN_KINDS``), and the NSIS levels of
# assurance (``tenancy.registry.NSIS_LEVELS``).
LoginKind: TypeAlias = Literal["oidc", "context-handler"]
NsisLevel: TypeAlias = Literal["Low", "Substantial", "High"]
# What bound an account to its identity: the kommune provider's claim, or the Context
# Handler's persistent NameID.
BoundClaim: TypeAlias = Literal["upn", "preferred_username", "email", "fk-adgangsstyring"]
