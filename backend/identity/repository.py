"""The registry reads a kommune login needs, as the bare application role (no tenant)."""

from __future__ import annotations

import msgspec

from backend.db import fetch_as_app


class KommuneLogin(msgspec.Struct, frozen=True):
    """A kommune's status and identity-provider settings (``shared.tenant``), with its
    sealed client secret if it has one (``shared.idp_secret``)."""

    status: str
    idp_issuer: str | None
    idp_client_id: str | None
    idp_client_secret_ref: str | None
    login_claim: str
    sealed: bytes | None
    login_kind: str = "oidc"
    ch_metadata_url: str | None = None
    ch_entity_id: str | None = None
    ch_cvr: str | None = None
    ch_nsis_level: str = "Substantial"
    # The certificate that must sign the Context Handler's metadata (PEM), if set.
    ch_metadata_cert: str | None = None


async def get_kommune_login(code: str) -> KommuneLogin | None:
    """The kommune's login settings; None for an unknown kommune."""
    rows = await fetch_as_app(
        "SELECT t.status, t.idp_issuer, t.idp_client_id, t.idp_client_secret_ref, "
        "t.login_claim, s.sealed, t.login_kind, t.ch_metadata_url, t.ch_entity_id, "
        "t.ch_cvr, t.ch_nsis_level, t.ch_metadata_cert FROM shared.tenant t "
        "LEFT JOIN shared.idp_secret s ON s.code = t.code WHERE t.code = $1",
        code,
    )
    if not rows:
        return None
    row = rows[0]
    return KommuneLogin(
        status=row["status"],
        idp_issuer=row["idp_issuer"],
        idp_client_id=row["idp_client_id"],
        idp_client_secret_ref=row["idp_client_secret_ref"],
        login_claim=row["login_claim"],
        sealed=row["sealed"],
        login_kind=row["login_kind"],
        ch_metadata_url=row["ch_metadata_url"],
        ch_entity_id=row["ch_entity_id"],
        ch_cvr=row["ch_cvr"],
        ch_nsis_level=row["ch_nsis_level"],
        ch_metadata_cert=row["ch_metadata_cert"],
    )
