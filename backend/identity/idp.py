"""A kommune's identity-provider settings: which issuers are allowed, and where the
kommune's OIDC client secret comes from.

The operator configures a kommune's provider but must never be able to make Trekant send
one of the platform's secrets anywhere. So:

- **The client secret is the kommune's own.** The operator enters it once; it is sealed
  (``backend.sealing``) bound to the kommune, its issuer and its client id, and stored in
  ``shared.idp_secret``, which the operator role cannot read. It opens only for that
  kommune with that issuer and client id: moved to another kommune, or with the issuer
  changed behind Trekant's back, it does not open and the login stops. The alternative is
  the kommune's *own* environment variable ``TREKANT_IDP_SECRET_<code>``; no other name
  is accepted (here, in the registry and by a database constraint).
- **Issuers** are https URLs without user information, query or fragment whose host
  resolves only to public addresses (never loopback, private, link-local, reserved or
  multicast; every address the name resolves to is checked). In development and test
  (``TREKANT_ENV``) loopback is allowed, over http too, for the development provider.
  The check runs at onboarding (operator API and CLI) and again before every login.
"""

from __future__ import annotations

import os

import msgspec

from backend import sealing
from backend.core.public_url import PublicUrlRefused, check_public_url
from tenancy.registry import own_secret_env as own_secret_env

SECRET_PURPOSE = "kommune oidc client secret"  # noqa: S105 - a key-derivation label
MAX_SECRET_LENGTH = 1000


class IdpSettingError(ValueError):
    """A refused identity-provider setting; ``field`` names it, ``message`` is Danish."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- the client secret -------------------------------------------------------------


def _aad(code: str, issuer: str, client_id: str) -> bytes:
    return msgspec.json.encode(["trekant.idp_secret", code, issuer, client_id])


def check_secret_ref(code: str, ref: str) -> None:
    """Only the kommune's own variable may be named."""
    if ref != own_secret_env(code):
        raise IdpSettingError(
            "idp_client_secret_ref",
            f"Klienthemmeligheden kan kun ligge i kommunens egen miljøvariabel "
            f"{own_secret_env(code)}",
        )


def check_secret(secret: str) -> str:
    """The secret as entered, or :class:`IdpSettingError` on ``idp_client_secret``."""
    if not secret.strip():
        raise IdpSettingError("idp_client_secret", "Klienthemmeligheden mangler")
    if len(secret) > MAX_SECRET_LENGTH:
        raise IdpSettingError(
            "idp_client_secret", f"Klienthemmeligheden må højst være {MAX_SECRET_LENGTH} tegn"
        )
    return secret


def seal_client_secret(code: str, issuer: str, client_id: str, secret: str) -> bytes:
    """The secret sealed for this kommune, issuer and client id (for ``Registry.set_idp``)."""
    return sealing.seal(
        SECRET_PURPOSE, check_secret(secret).encode(), _aad(code, issuer, client_id)
    )


def client_secret(
    code: str, issuer: str, client_id: str, sealed: bytes | None, secret_ref: str | None
) -> str:
    """The kommune's client secret for a login; :class:`IdpSettingError` if it has none
    that may be used."""
    if sealed is not None:
        try:
            return sealing.unseal(SECRET_PURPOSE, sealed, _aad(code, issuer, client_id)).decode()
        except sealing.Unsealable as exc:
            raise IdpSettingError(
                "idp_client_secret",
                "Kommunens klienthemmelighed kan ikke læses for denne udsteder; "
                "driften skal angive den igen",
            ) from exc
    if secret_ref:
        check_secret_ref(code, secret_ref)
        value = os.environ.get(secret_ref, "")
        if value:
            return value
        raise IdpSettingError(
            "idp_client_secret", f"Miljøvariablen {secret_ref} er ikke sat på serveren"
        )
    raise IdpSettingError("idp_client_secret", "Kommunen har ingen klienthemmelighed")


# --- the issuer ----------------------------------------------------------------------


async def check_issuer(issuer: str, env: str) -> str:
    """``issuer`` if Trekant may talk to it in environment ``env`` (https on public
    addresses, ``backend.core.public_url``); else :class:`IdpSettingError` on
    ``idp_issuer`` with a Danish reason."""
    try:
        return await check_public_url(issuer, env, "Udstederens adresse")
    except PublicUrlRefused as exc:
        raise IdpSettingError("idp_issuer", exc.message) from exc
