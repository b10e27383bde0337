"""The server secret behind the cross-kommune index and transfer packages.

``TREKANT_CPR_INDEX_KEY`` (at least 32 characters) keys the HMAC-SHA256 of CPR numbers in
``shared.cpr_index`` and, through a derived sub-key, the MAC that seals a transfer
package. It lives in the environment only, never in the database, so someone who can
read or change ``shared`` can neither turn an index row back into a CPR number by trying
every number nor forge a package. Development and tests use a fixed stand-in, like
``TREKANT_SECRET_KEY``; production refuses to start without the real one.

The package itself is also encrypted at rest (:func:`seal_package`, ``backend.sealing``,
key ``TREKANT_DATA_KEY``): AES-GCM under a key derived for its transfer, bound to the
transfer id, sender, receiver and format version, so the two kommuner' transactions read it
through the API, and the operator role, a dump or another row holding the bytes cannot.

Changing the key makes every index row unfindable: re-index every kommune
(:func:`backend.crosskommune.index.reindex_kommune`) after a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from functools import lru_cache
from typing import Any

from backend import sealing
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


PACKAGE_PURPOSE = "transfer package"
UNREADABLE = (
    "Pakken kan ikke dekrypteres: den er ændret, ufuldstændig eller flyttet fra en anden overførsel"
)


def _package_aad(transfer_id: uuid.UUID, from_code: str, to_code: str, version: int) -> bytes:
    return b"trekant.transfer\x00" + b"\x00".join(
        (str(transfer_id).encode(), from_code.encode(), to_code.encode(), str(version).encode())
    )


def seal_package(
    transfer_id: uuid.UUID, from_code: str, to_code: str, version: int, data: bytes
) -> bytes:
    """The package encrypted for the ``package`` column of ``shared.transfer``."""
    aad = _package_aad(transfer_id, from_code, to_code, version)
    return sealing.seal(PACKAGE_PURPOSE, data, aad, context=transfer_id.bytes)


def seal_field(
    transfer_id: uuid.UUID, from_code: str, to_code: str, version: int, name: str, value: str
) -> str:
    """A text column of the transfer row (``child_name``, ``summary``) sealed like its
    package, base64 so the column stays text."""
    aad = _package_aad(transfer_id, from_code, to_code, version) + b"\x00" + name.encode()
    sealed = sealing.seal(PACKAGE_PURPOSE, value.encode(), aad, context=transfer_id.bytes)
    return base64.b64encode(sealed).decode()


def open_field(row: Any, name: str) -> str | None:
    """``row[name]`` as written by the sender (``None``: it does not open)."""
    value: str = row[name]
    if not row["package_sealed"]:
        return value  # written before shared migration 0004
    transfer_id: uuid.UUID = row["id"]
    aad = _package_aad(transfer_id, row["from_code"], row["to_code"], row["package_version"])
    try:
        plain = sealing.unseal(
            PACKAGE_PURPOSE,
            base64.b64decode(value, validate=True),
            aad + b"\x00" + name.encode(),
            context=transfer_id.bytes,
        )
    except (sealing.Unsealable, ValueError):
        return None
    return plain.decode()


def open_package(row: Any) -> tuple[bytes, str | None]:
    """The package of a ``shared.transfer`` row (``id``, ``from_code``, ``to_code``,
    ``package``, ``package_sealed``, ``package_sha256``, ``package_mac``,
    ``package_version``) and what is wrong with it (``None``: whole, sealed by this server,
    and sent from ``from_code`` to ``to_code``). A package that does not open is ``b""``."""
    transfer_id: uuid.UUID = row["id"]
    data = bytes(row["package"])
    if row["package_sealed"]:
        aad = _package_aad(transfer_id, row["from_code"], row["to_code"], row["package_version"])
        try:
            data = sealing.unseal(PACKAGE_PURPOSE, data, aad, context=transfer_id.bytes)
        except sealing.Unsealable:
            return b"", UNREADABLE
    problem = check_package(
        transfer_id, row["package_version"], data, row["package_sha256"], row["package_mac"]
    )
    return data, problem


async def seal_plain_packages(conn: Any) -> int:
    """Encrypt the packages (and the child's name and the summary) written before shared
    migration 0004 (owner connection; the
    transfer trigger lets the owner change a row). Returns how many were sealed."""
    sealed = 0
    async with conn.transaction():
        rows = await conn.fetch(
            "SELECT id, from_code, to_code, package_version, package, child_name, summary "
            "FROM shared.transfer WHERE NOT package_sealed FOR UPDATE"
        )
        for r in rows:
            where = (r["id"], r["from_code"], r["to_code"], r["package_version"])
            await conn.execute(
                "UPDATE shared.transfer SET package = $2, child_name = $3, summary = $4, "
                "package_sealed = true WHERE id = $1",
                r["id"],
                seal_package(*where, bytes(r["package"])),
                seal_field(*where, "child_name", r["child_name"]),
                seal_field(*where, "summary", r["summary"]),
            )
            sealed += 1
    return sealed
