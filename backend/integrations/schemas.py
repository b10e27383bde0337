"""The national services' API shapes (operator console and the administrator's screens)."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec


class ServiceRead(msgspec.Struct):
    """One service of a kommune as the operator sees it: settings, certificate (subject and
    expiry; whether a private key is held, never the key) and health."""

    kind: str
    label: str  # Danish
    configured: bool
    endpoint: str | None = None
    service_agreement_uuid: uuid.UUID | None = None
    user_system_uuid: uuid.UUID | None = None
    cvr: str | None = None
    enabled: bool = False
    cert_subject: str | None = None
    cert_not_after: datetime | None = None
    # mangler, udloebet, udloeber_snart (under 30 days), gyldigt
    cert_state: str = "mangler"
    cert_days_left: int | None = None
    key_set: bool = False
    # tls (the certificate in the TLS handshake) or token (a token from the STS, OIO IDWS)
    auth: str = "tls"
    updated_at: datetime | None = None
    updated_by: str | None = None
    last_call_at: datetime | None = None
    last_ok_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    # ok, fejl, ukendt (no call yet), slaaet_fra
    health: str = "ukendt"


class ServiceWrite(msgspec.Struct):
    """Settings of one service. ``cert_pem`` and ``private_key_pem`` are given together
    (the first time, and to replace the certificate); left empty they keep what is held.
    The private key is sealed at once and never shown again."""

    endpoint: str
    service_agreement_uuid: str
    user_system_uuid: str
    cvr: str
    enabled: bool = True
    cert_pem: str = ""
    private_key_pem: str = ""
    # How Trekant authenticates: "tls" (mutual TLS with the system certificate) or "token"
    # (a SAML token from the Serviceplatform's STS in the call's WS-Security header).
    auth: str = "tls"


class ConnectionTest(msgspec.Struct):
    """The result of "Test forbindelsen": one harmless real call (see
    ``backend/integrations/probe.py``); ``message`` is Danish for the operator."""

    kind: str
    label: str
    ok: bool
    message: str
    at: datetime
    service: ServiceRead  # with the health the call just recorded


class UnitRead(msgspec.Struct):
    unit_uuid: uuid.UUID
    name: str
    parent_uuid: uuid.UUID | None
    depth: int
    users: int
    team_id: uuid.UUID | None = None  # the team mapped to it
    team_name: str | None = None


class MappedTeamRead(msgspec.Struct):
    id: uuid.UUID
    name: str
    unit_uuid: uuid.UUID
    unit_name: str | None


class ImportRead(msgspec.Struct):
    id: uuid.UUID
    status: str  # koerer, faerdig, fejlet
    status_label: str  # Danish
    requested_by: str
    started_at: datetime
    finished_at: datetime | None
    units: int
    created: int
    updated: int
    deactivated: int
    error: str | None


class FkorgOverview(msgspec.Struct):
    configured: bool
    teams: list[MappedTeamRead]
    latest_import: ImportRead | None


class TeamMapping(msgspec.Struct):
    """``unit_uuid`` to map the team to, or null to unmap it."""

    unit_uuid: str | None


class TeamFromUnit(msgspec.Struct):
    unit_uuid: str
