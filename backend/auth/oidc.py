"""OpenID Connect relying party, built from authlib's framework-neutral pieces.

One client per kommune (issuer, client id, secret from the registry and environment).
Authorization code + PKCE S256 + state + nonce. JWTs are verified with joserfc (the
successor of ``authlib.jose``, by the same authors). The ID token's signature, issuer,
audience, expiry and nonce are verified here; the state is single-use and checked by the
caller (backend.auth.service).

The provider's signing keys (JWKS) are cached per issuer for as long as its
``Cache-Control: max-age`` says (bounded to JWKS_MIN_AGE..JWKS_MAX_AGE) and then fetched
again, replacing the whole set, so a key the provider withdraws stops being trusted. An
unknown key id refetches at once (key rotation), at most once per JWKS_FORCED_INTERVAL per
issuer, so junk tokens cannot make Trekant hammer the provider.

Every outbound call (discovery, JWKS, token) has a total time limit and a size limit (the
body is streamed and cut off), and a redirect is only followed on the same host.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

METADATA_TTL = 600.0
ALGORITHMS = ["RS256", "PS256", "ES256"]
JWKS_MIN_AGE = 60.0  # never refetch more often than this on schedule
JWKS_MAX_AGE = 3600.0  # ... nor trust a key set longer than this, whatever the provider says
JWKS_DEFAULT_AGE = 300.0  # no usable Cache-Control
JWKS_FORCED_INTERVAL = 30.0  # at most one unknown-kid refetch per issuer in this time
CALL_SECONDS = 10.0  # total time for one outbound call, body included
MAX_BYTES = 256 * 1024  # discovery, JWKS and token answers are a few kilobytes
MAX_REDIRECTS = 3


class ProviderUnavailable(Exception):
    """The identity provider could not be reached or answered nonsense."""


class LoginRefused(Exception):
    """The provider's answer was not acceptable (bad token, wrong issuer, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    fetched_at: float


@dataclass(frozen=True)
class ClientConfig:
    issuer: str
    client_id: str
    client_secret: str
    # The claim that names the person at this provider (binds a pre-registered account).
    login_claim: str = "preferred_username"


@dataclass
class _CachedKeys:
    keys: KeySet
    expires_at: float


@dataclass
class Answer:
    status_code: int
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _max_age(cache_control: str | None) -> float:
    """Seconds the JWKS may be cached, from Cache-Control, bounded."""
    if cache_control:
        if re.search(r"\bno-(store|cache)\b", cache_control):
            return JWKS_MIN_AGE
        m = re.search(r"\bmax-age\s*=\s*(\d+)", cache_control)
        if m:
            return min(max(float(m.group(1)), JWKS_MIN_AGE), JWKS_MAX_AGE)
    return JWKS_DEFAULT_AGE


class OIDCClient:
    """Discovery and JWKS caches shared by all kommuner (keyed by issuer)."""

    def __init__(
        self,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = MAX_BYTES,
        call_seconds: float = CALL_SECONDS,
    ) -> None:
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(5.0), follow_redirects=False)
        self.clock = clock
        self.max_bytes = max_bytes
        self.call_seconds = call_seconds
        self._meta: dict[str, ProviderMetadata] = {}
        self._jwks: dict[str, _CachedKeys] = {}
        self._forced_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(
        self, method: str, url: str, auth: tuple[str, str] | None = None, **kwargs: Any
    ) -> Answer:
        """One outbound call with a total time limit, a size limit and same-host redirects.

        Raises ProviderUnavailable on a network error, timeout, oversized answer or a
        redirect to another host.
        """
        try:
            async with asyncio.timeout(self.call_seconds):
                for _ in range(MAX_REDIRECTS + 1):
                    request = self.http.build_request(method, url, **kwargs)
                    response = await self.http.send(
                        request, stream=True, follow_redirects=False, auth=auth
                    )
                    try:
                        if response.is_redirect:
                            target = request.url.join(response.headers.get("location", ""))
                            if (target.scheme, target.host, target.port) != (
                                request.url.scheme,
                                request.url.host,
                                request.url.port,
                            ):
                                raise ProviderUnavailable(
                                    f"{url} redirects to another host ({target.host})"
                                )
                            url = str(target)
                            if response.status_code == 303:
                                method, kwargs, auth = "GET", {}, None
                            continue
                        declared = response.headers.get("content-length")
                        if declared and declared.isdigit() and int(declared) > self.max_bytes:
                            raise ProviderUnavailable(
                                f"{url} answered more than {self.max_bytes} bytes"
                            )
                        body = bytearray()
                        async for chunk in response.aiter_bytes():
                            body += chunk
                            if len(body) > self.max_bytes:
                                raise ProviderUnavailable(
                                    f"{url} answered more than {self.max_bytes} bytes"
                                )
                        return Answer(response.status_code, response.headers, bytes(body))
                    finally:
                        await response.aclose()
                raise ProviderUnavailable(f"{url}: too many redirects")
        except TimeoutError as exc:
            raise ProviderUnavailable(f"{url} did not answer within {self.call_seconds} s") from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{url} unreachable: {exc}") from exc

    async def metadata(self, issuer: str) -> ProviderMetadata:
        cached = self._meta.get(issuer)
        if cached and self.clock() - cached.fetched_at < METADATA_TTL:
            return cached
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        answer = await self.call("GET", url)
        try:
            if answer.status_code != 200:
                raise ValueError(f"HTTP {answer.status_code}")
            doc = answer.json()
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            raise ProviderUnavailable(f"discovery failed for {issuer}: {exc}") from exc
        if doc.get("issuer") != issuer:
            raise ProviderUnavailable(f"discovery for {issuer} names issuer {doc.get('issuer')}")
        try:
            meta = ProviderMetadata(
                issuer=issuer,
                authorization_endpoint=str(doc["authorization_endpoint"]),
                token_endpoint=str(doc["token_endpoint"]),
                jwks_uri=str(doc["jwks_uri"]),
                end_session_endpoint=doc.get("end_session_endpoint"),
                fetched_at=self.clock(),
            )
        except KeyError as exc:
            raise ProviderUnavailable(f"discovery for {issuer} lacks {exc}") from exc
        self._meta[issuer] = meta
        return meta

    async def _fetch_keys(self, meta: ProviderMetadata) -> _CachedKeys:
        answer = await self.call("GET", meta.jwks_uri)
        try:
            if answer.status_code != 200:
                raise ValueError(f"HTTP {answer.status_code}")
            keys = KeySet.import_key_set(answer.json())
        except (ValueError, TypeError, KeyError, JoseError) as exc:
            raise ProviderUnavailable(f"JWKS fetch failed for {meta.issuer}: {exc}") from exc
        age = _max_age(answer.headers.get("cache-control"))
        cached = _CachedKeys(keys, self.clock() + age)
        self._jwks[meta.issuer] = cached
        return cached

    async def _keyset(self, meta: ProviderMetadata, kid: str | None) -> KeySet:
        """The provider's current keys: refetched when the cached set has expired, and on an
        unknown ``kid`` (rate-limited per issuer)."""
        lock = self._locks.setdefault(meta.issuer, asyncio.Lock())
        async with lock:
            cached = self._jwks.get(meta.issuer)
            now = self.clock()
            if cached is None or now >= cached.expires_at:
                cached = await self._fetch_keys(meta)
            elif kid and not _has_kid(cached.keys, kid):
                last = self._forced_at.get(meta.issuer)
                if last is None or now - last >= JWKS_FORCED_INTERVAL:
                    self._forced_at[meta.issuer] = now
                    cached = await self._fetch_keys(meta)
            return cached.keys

    @staticmethod
    def new_login() -> tuple[str, str, str]:
        """Fresh (state, nonce, code_verifier)."""
        return generate_token(32), generate_token(32), generate_token(64)

    @staticmethod
    def authorization_url(
        meta: ProviderMetadata,
        client: ClientConfig,
        redirect_uri: str,
        state: str,
        nonce: str,
        verifier: str,
        login_hint: str | None = None,
    ) -> str:
        params = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if login_hint:
            params["login_hint"] = login_hint
        return str(httpx.URL(meta.authorization_endpoint, params=params))

    async def exchange_code(
        self,
        meta: ProviderMetadata,
        client: ClientConfig,
        code: str,
        redirect_uri: str,
        verifier: str,
    ) -> dict[str, Any]:
        answer = await self.call(
            "POST",
            meta.token_endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=(client.client_id, client.client_secret),
        )
        if answer.status_code != 200:
            raise LoginRefused(f"token endpoint answered {answer.status_code}")
        try:
            body: dict[str, Any] = answer.json()
        except ValueError as exc:
            raise LoginRefused("the token response is not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
            raise LoginRefused("no id_token in the token response")
        return body

    async def validate_id_token(
        self,
        meta: ProviderMetadata,
        client: ClientConfig,
        id_token: str,
        nonce: str,
        now: float | None = None,
    ) -> dict[str, Any]:
        """Verify signature, issuer, audience, expiry and nonce; return the claims.

        An unknown key id refetches the JWKS (the provider rotated its keys), rate-limited.
        """
        try:
            kid = extract_compact(id_token.encode()).headers().get("kid")
        except (JoseError, ValueError) as exc:
            raise LoginRefused("id_token is not a compact JWS") from exc
        keyset = await self._keyset(meta, kid if isinstance(kid, str) else None)
        try:
            token = jwt.decode(id_token, keyset, algorithms=ALGORITHMS)
        except (JoseError, ValueError) as exc:
            raise LoginRefused(f"id_token signature not valid: {exc}") from exc
        registry = jwt.JWTClaimsRegistry(
            now=int(now if now is not None else time.time()),
            leeway=30,
            iss={"essential": True, "value": client.issuer},
            aud={"essential": True, "value": client.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(token.claims)
        except JoseError as exc:
            raise LoginRefused(f"id_token rejected: {exc}") from exc
        aud = token.claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and token.claims.get("azp") != client.client_id:
            raise LoginRefused("id_token has several audiences and azp is not this client")
        return dict(token.claims)


def _has_kid(keyset: KeySet, kid: str) -> bool:
    try:
        keyset.get_by_kid(kid)
    except (JoseError, ValueError, KeyError):
        return False
    return True
