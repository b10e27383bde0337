"""The one check of an address Trekant is told to call by someone outside the code: a
kommune's OpenID Connect issuer (``backend/identity/idp.py``), a national service's
endpoint (``backend/integrations/settings.py``) and the Context Handler's metadata URL
(``backend/auth/saml_login.py``, through the issuer check).

Such an address is an https URL without user information, query or fragment whose host
resolves only to public addresses: never loopback, private, link-local, shared, reserved or
multicast, and *every* address a name resolves to is checked (a name that also resolves to
10.0.0.5 is refused). In development and test loopback is allowed, over http too, for the
development servers under ``infra/``. Callers check at saving and again before each use
(a name may resolve elsewhere later).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

RESOLVE_TIMEOUT = 5.0
MAX_URL = 2000


class PublicUrlRefused(ValueError):
    """The address may not be called; ``message`` is a whole Danish sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM),
            RESOLVE_TIMEOUT,
        )
    except (OSError, TimeoutError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def check_public_url(url: str, env: str, subject: str = "Adressen") -> str:
    """``url`` (stripped) if Trekant may call it in environment ``env``; else
    :class:`PublicUrlRefused` whose sentence starts with ``subject`` ("Udstederens
    adresse", "Adressen", …)."""
    development = env in ("development", "test")
    url = url.strip()

    def refused(rest: str) -> PublicUrlRefused:
        return PublicUrlRefused(f"{subject} {rest}")

    if not url or len(url) > MAX_URL or any(ch.isspace() for ch in url):
        raise refused("skal være en https-adresse")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise refused("kan ikke læses") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or (scheme == "http" and not development):
        raise refused("skal være en https-adresse")
    if "@" in parts.netloc:
        raise refused("må ikke indeholde brugernavn eller adgangskode")
    if parts.fragment or "#" in url:
        raise refused("må ikke have et #-fragment")
    if parts.query or "?" in url:
        raise refused("må ikke have en forespørgsel (?)")
    host = parts.hostname
    if not host:
        raise refused("mangler et værtsnavn")
    found = await _addresses(host, port or (443 if scheme == "https" else 80))
    if not found:
        raise refused(f"har et værtsnavn, der ikke kan slås op ({host})")
    for address in found:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_loopback:
            if development:
                continue
            raise refused("må ikke pege på Trekants egen maskine (loopback)")
        if scheme == "http":
            raise refused("skal være en https-adresse")
        if not address.is_global or address.is_multicast:
            raise refused(f"må ikke pege på en privat, lokal eller reserveret adresse ({address})")
    return url
