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
A request for a case (:func:`seal_request_field`) and a forwarded notification
(:func:`seal_forward_payload`) are sealed the same way, bound to their own row.

Changing the key makes every index row unfindable: re-index every kommune
(:func:`backend.crosskommune.index.reindex_kommune`) after a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from functools import lru_cache
from typing import Any

import msgspec

from backend import sealing
from backend.config import ConfigError, Settings, get_settings
from backend.crosskommune import repository as repo

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


def _get(row: Any, name: str) -> Any:
    """``row[name]`` of a database record, or the attribute of a repository Struct."""
    return getattr(row, name) if isinstance(row, msgspec.Struct) else row[name]


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
    value: str = _get(row, name)
    if not _get(row, "package_sealed"):
        return value  # written before shared migration 0004
    transfer_id: uuid.UUID = _get(row, "id")
    aad = _package_aad(
        transfer_id, _get(row, "from_code"), _get(row, "to_code"), _get(row, "package_version")
    )
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
    transfer_id: uuid.UUID = _get(row, "id")
    data = bytes(_get(row, "package"))
    if _get(row, "package_sealed"):
        aad = _package_aad(
            transfer_id, _get(row, "from_code"), _get(row, "to_code"), _get(row, "package_version")
        )
        try:
            data = sealing.unseal(PACKAGE_PURPOSE, data, aad, context=transfer_id.bytes)
        except sealing.Unsealable:
            return b"", UNREADABLE
    problem = check_package(
        transfer_id,
        _get(row, "package_version"),
        data,
        _get(row, "package_sha256"),
        _get(row, "package_mac"),
    )
    return data, problem


CHUNK_PURPOSE = "transfer chunk"


def _chunk_aad(transfer_id: uuid.UUID, seq: int, from_code: str, to_code: str) -> bytes:
    return b"trekant.transfer_chunk\x00" + b"\x00".join(
        (str(transfer_id).encode(), str(seq).encode(), from_code.encode(), to_code.encode())
    )


def seal_chunk(
    transfer_id: uuid.UUID, seq: int, from_code: str, to_code: str, data: bytes
) -> bytes:
    """One chunk of a transfer's files (package format 2) for ``shared.transfer_chunk``:
    sealed under a key derived for the transfer, bound to the transfer, the chunk's place
    (``seq``), the sender and the receiver, so a chunk moved to another transfer or
    position, or a changed byte, does not open."""
    aad = _chunk_aad(transfer_id, seq, from_code, to_code)
    return sealing.seal(CHUNK_PURPOSE, data, aad, context=transfer_id.bytes)


def open_chunk(
    transfer_id: uuid.UUID, seq: int, from_code: str, to_code: str, sealed: bytes
) -> bytes:
    """The bytes of :func:`seal_chunk`; raises :class:`sealing.Unsealable`."""
    aad = _chunk_aad(transfer_id, seq, from_code, to_code)
    return sealing.unseal(CHUNK_PURPOSE, sealed, aad, context=transfer_id.bytes)


REQUEST_PURPOSE = "transfer request"
FORWARD_PURPOSE = "forwarded notification"
# The text columns of a request for a case that are sealed (shared migration 0006).
REQUEST_FIELDS = ("child_name", "message", "answer")


def _row_aad(table: str, row_id: uuid.UUID, from_code: str, to_code: str, name: str) -> bytes:
    return b"trekant.%s\x00" % table.encode() + b"\x00".join(
        (str(row_id).encode(), from_code.encode(), to_code.encode(), name.encode())
    )


def seal_request_field(
    request_id: uuid.UUID, from_code: str, to_code: str, name: str, value: str
) -> str:
    """A text column of ``shared.transfer_request`` (:data:`REQUEST_FIELDS`) sealed to the
    request and the two kommuner, base64 so the column stays text."""
    aad = _row_aad("transfer_request", request_id, from_code, to_code, name)
    sealed = sealing.seal(REQUEST_PURPOSE, value.encode(), aad, context=request_id.bytes)
    return base64.b64encode(sealed).decode()


def open_request_field(row: Any, name: str) -> str | None:
    """``row[name]`` of a ``shared.transfer_request`` row (``id``, ``from_code``,
    ``to_code``, ``sealed``) as written (``None``: it does not open)."""
    value: str | None = _get(row, name)
    if value is None or not _get(row, "sealed"):
        return value  # not set yet, or written before shared migration 0006
    request_id: uuid.UUID = _get(row, "id")
    aad = _row_aad(
        "transfer_request", request_id, _get(row, "from_code"), _get(row, "to_code"), name
    )
    try:
        plain = sealing.unseal(
            REQUEST_PURPOSE,
            base64.b64decode(value, validate=True),
            aad,
            context=request_id.bytes,
        )
    except (sealing.Unsealable, ValueError):
        return None
    return plain.decode()


def _forward_aad(
    forward_id: uuid.UUID, transfer_id: uuid.UUID, from_code: str, to_code: str
) -> bytes:
    return _row_aad("transfer_forward", forward_id, from_code, to_code, "payload") + (
        b"\x00" + str(transfer_id).encode()
    )


def seal_forward_payload(
    forward_id: uuid.UUID, transfer_id: uuid.UUID, from_code: str, to_code: str, body: Any
) -> str:
    """A forwarded notification (``body``, JSON-able) sealed to its row, its transfer and
    the two kommuner: the JSON text of the ``payload`` column (a base64 string)."""
    aad = _forward_aad(forward_id, transfer_id, from_code, to_code)
    sealed = sealing.seal(FORWARD_PURPOSE, json.dumps(body).encode(), aad, context=forward_id.bytes)
    return json.dumps(base64.b64encode(sealed).decode())


def open_forward_payload(row: Any) -> Any:
    """The notification of a ``shared.transfer_forward`` row (``id``, ``transfer_id``,
    ``from_code``, ``to_code``, ``sealed``, ``payload`` as JSON text). Raises
    :class:`sealing.Unsealable` if it does not open."""
    stored = json.loads(_get(row, "payload"))
    if not _get(row, "sealed"):
        return stored  # written before shared migration 0006
    forward_id: uuid.UUID = _get(row, "id")
    aad = _forward_aad(
        forward_id, _get(row, "transfer_id"), _get(row, "from_code"), _get(row, "to_code")
    )
    try:
        raw = base64.b64decode(stored, validate=True)
    except (TypeError, ValueError) as e:
        raise sealing.Unsealable(f"forwarded notification {forward_id} is not sealed") from e
    return json.loads(sealing.unseal(FORWARD_PURPOSE, raw, aad, context=forward_id.bytes))


async def seal_plain_packages(conn: Any) -> int:
    """Encrypt what the kommuner sent each other before encryption at rest (owner
    connection; the transfer trigger lets the owner change a row): transfer packages with
    the child's name and the summary (shared migration 0004), forwarded notifications and
    requests for a case (0006). Returns how many rows were sealed."""
    sealed = 0
    async with conn.transaction():
        for t in await repo.lock_plain_transfers(conn):
            where = (t.id, t.from_code, t.to_code, t.package_version)
            await repo.update_transfer_sealed(
                conn,
                t.id,
                seal_package(*where, bytes(t.package)),
                seal_field(*where, "child_name", t.child_name),
                seal_field(*where, "summary", t.summary),
            )
            sealed += 1
        for r in await repo.lock_plain_requests(conn):
            plain = {"child_name": r.child_name, "message": r.message, "answer": r.answer}
            values = [
                None
                if plain[name] is None
                else seal_request_field(r.id, r.from_code, r.to_code, name, plain[name] or "")
                for name in REQUEST_FIELDS
            ]
            await repo.update_request_sealed(conn, r.id, *values)
            sealed += 1
        for f in await repo.lock_plain_forwards(conn):
            await repo.update_forward_sealed(
                conn,
                f.id,
                seal_forward_payload(
                    f.id, f.transfer_id, f.from_code, f.to_code, json.loads(f.payload)
                ),
            )
            sealed += 1
    return sealed
