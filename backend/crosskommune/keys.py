"""The server secret behind the cross-kommune index and transfer packages.

``TREKANT_CPR_INDEX_KEY`` (at least 32 characters) keys the HMAC-SHA256 of CPR numbers in
``shared.cpr_index`` and, through a derived sub-key, the MAC that seals a transfer
package. It lives in the environment only, never in the database, so someone who can
read or change ``shared`` can neither turn an index row back into a CPR number by trying
every number nor forge a package. Development and tests use a fixed stand-in, like
``TREKANT_SECRET_KEY``; production refuses to start without the real one.

Changing the key makes every index row unfindable: re-index every kommune
(:func:`backend.crosskommune.index.reindex_kommune`) after a rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from functools import lru_cache

from backend.config import ConfigError, Settings, get_settings

ENV = "TREKANT_CPR_INDEX_KEY"
_DEVELOPMENT_KEY = "development-only-cpr-index-key-not-for-production"
MIN_LENGTH = 32


def require_key(settings: Settings) -> bytes:
    """The key for ``settings``' environment; raises :class:`ConfigError` when missing."""
    raw = os.environ.get(ENV, "")
    if not raw:
        if settings.is_development:
            return _DEVELOPMENT_KEY.encode()
        raise ConfigError(
            f"{ENV} must be set in production: a random secret of at least {MIN_LENGTH} "
            "characters (e.g. `openssl rand -hex 32`), the same for the API and the worker"
        )
    if len(raw) < MIN_LENGTH:
        raise ConfigError(f"{ENV} must be at least {MIN_LENGTH} characters long")
    return raw.encode()


@lru_cache(maxsize=1)
def _key() -> bytes:
    return require_key(get_settings())


@lru_cache(maxsize=1)
def _package_key() -> bytes:
    return hmac.new(_key(), b"trekant transfer package v1", hashlib.sha256).digest()


def cpr_hmac(cpr: str) -> bytes:
    """HMAC-SHA256 of the normalised ten-digit CPR number (no dash)."""
    digits = cpr.replace("-", "").replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValueError("a CPR number has ten digits")
    return hmac.new(_key(), digits.encode("ascii"), hashlib.sha256).digest()


def package_mac(transfer_id: uuid.UUID, version: int, sha256: bytes) -> bytes:
    """Seal a package: the transfer it belongs to, its format version and its digest."""
    message = transfer_id.bytes + version.to_bytes(4, "big") + sha256
    return hmac.new(_package_key(), message, hashlib.sha256).digest()


def check_package(
    transfer_id: uuid.UUID, version: int, package: bytes, sha256: bytes, mac: bytes
) -> str | None:
    """``None`` if the package is whole and sealed by this server; else why not (Danish)."""
    digest = hashlib.sha256(package).digest()
    if not hmac.compare_digest(digest, sha256):
        return "Pakkens kontrolsum passer ikke: den er ændret eller ufuldstændig"
    if not hmac.compare_digest(package_mac(transfer_id, version, digest), mac):
        return "Pakkens segl passer ikke: den er ikke dannet af Trekant, eller den er ændret"
    return None
