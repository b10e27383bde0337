"""Encryption at rest for what the database must hold but must not show: a kommune's OIDC
client secret and the cross-kommune transfer packages.

AES-256-GCM (``cryptography``) under a key derived with HKDF-SHA256 from
``TREKANT_DATA_KEY``, a platform secret that lives in the environment of the API and the
worker only, never in the database. Each use has its own derived key (``purpose``, and
optionally a per-row ``context`` such as a transfer id), and the caller binds the sealed
value to where it belongs with associated data (the kommune and its issuer; the transfer,
its sender and its receiver), so a sealed value copied into another row, or a changed
byte, does not open. Someone with the database (the operator role, a dump, a backup) but
not the key reads nothing.

A sealed value is ``b"\\x01" + nonce (12 bytes) + ciphertext and tag``. Changing the key
makes every sealed value unreadable: there is no rotation yet (see docs/security.md).
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.config import ConfigError, Settings, get_settings

ENV = "TREKANT_DATA_KEY"
MIN_LENGTH = 32
_DEVELOPMENT_KEY = "development-only-data-key-not-for-production"
_FORMAT = b"\x01"
_NONCE = 12


class Unsealable(ValueError):
    """The sealed value does not open: changed, truncated, moved to another row, or sealed
    under another key."""


def require_key(settings: Settings) -> bytes:
    """The platform data key for ``settings``' environment; :class:`ConfigError` when missing."""
    raw = os.environ.get(ENV, "")
    if not raw:
        if settings.is_development:
            return _DEVELOPMENT_KEY.encode()
        raise ConfigError(
            f"{ENV} must be set in production: a random secret of at least {MIN_LENGTH} "
            "characters (e.g. `openssl rand -hex 32`), the same for the API and the worker; "
            "it encrypts the kommuner's client secrets and the transfer packages"
        )
    if len(raw) < MIN_LENGTH:
        raise ConfigError(f"{ENV} must be at least {MIN_LENGTH} characters long")
    return raw.encode()


@lru_cache(maxsize=1)
def _master() -> bytes:
    return require_key(get_settings())


def derive_key(purpose: str, context: bytes = b"") -> bytes:
    """A 32-byte key for ``purpose`` derived from ``TREKANT_DATA_KEY`` (e.g. the MAC of a
    kommune export, ``tenancy/archive.py``)."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"trekant data at rest",
        info=purpose.encode() + b"\x00" + context,
    ).derive(_master())


def _aead(purpose: str, context: bytes) -> AESGCM:
    return AESGCM(derive_key(purpose, context))


def seal(purpose: str, plaintext: bytes, aad: bytes, *, context: bytes = b"") -> bytes:
    """Encrypt ``plaintext`` for ``purpose`` (and ``context``), bound to ``aad``."""
    nonce = os.urandom(_NONCE)
    return _FORMAT + nonce + _aead(purpose, context).encrypt(nonce, plaintext, aad)


def unseal(purpose: str, sealed: bytes, aad: bytes, *, context: bytes = b"") -> bytes:
    """The plaintext of :func:`seal`; :class:`Unsealable` if it does not open."""
    sealed = bytes(sealed)
    if len(sealed) < 1 + _NONCE + 16 or sealed[:1] != _FORMAT:
        raise Unsealable("not a sealed value")
    nonce, body = sealed[1 : 1 + _NONCE], sealed[1 + _NONCE :]
    try:
        return _aead(purpose, context).decrypt(nonce, body, aad)
    except InvalidTag as exc:
        raise Unsealable("the sealed value does not open") from exc
