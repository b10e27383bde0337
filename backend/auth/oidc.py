"""OpenID Connect relying party, built from authlib's framework-neutral pieces.

One client per kommune (issuer, client id, secret from the registry and environment).
Authorization code + PKCE S256 + state + nonce. JWTs are verified with joserfc (the
successor of ``authlib.jose``, by the same authors). The ID token's signature (JWKS, refetched
once on an unknown key id, so key rotation works), issuer, audience, expiry and nonce are
verified here; the state is single-use and checked by the caller (backend.auth.service).
"""

from __future__ import annotations

import time
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


class OIDCClient:
    """Discovery and JWKS caches shared by all kommuner (keyed by issuer)."""

    def __init__(self, http: httpx.AsyncClient | None = None) -> None:
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(5.0))
        self._meta: dict[str, ProviderMetadata] = {}
        self._jwks: dict[str, Any] = {}

    async def aclose(self) -> None:
        await self.http.aclose()

    async def metadata(self, issuer: str) -> ProviderMetadata:
        cached = self._meta.get(issuer)
        if cached and time.monotonic() - cached.fetched_at < METADATA_TTL:
            return cached
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            r = await self.http.get(url)
            r.raise_for_status()
            doc = r.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"discovery failed for {issuer}: {exc}") from exc
        if doc.get("issuer") != issuer:
            raise ProviderUnavailable(f"discovery for {issuer} names issuer {doc.get('issuer')}")
        meta = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            jwks_uri=doc["jwks_uri"],
            end_session_endpoint=doc.get("end_session_endpoint"),
            fetched_at=time.monotonic(),
        )
        self._meta[issuer] = meta
        return meta

    async def _keyset(self, meta: ProviderMetadata, refresh: bool = False) -> Any:
        if refresh or meta.issuer not in self._jwks:
            try:
                r = await self.http.get(meta.jwks_uri)
                r.raise_for_status()
                self._jwks[meta.issuer] = KeySet.import_key_set(r.json())
            except (httpx.HTTPError, ValueError, JoseError) as exc:
                raise ProviderUnavailable(f"JWKS fetch failed for {meta.issuer}: {exc}") from exc
        return self._jwks[meta.issuer]

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
        try:
            r = await self.http.post(
                meta.token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": verifier,
                },
                auth=(client.client_id, client.client_secret),
            )
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"token endpoint unreachable: {exc}") from exc
        if r.status_code != 200:
            raise LoginRefused(f"token endpoint answered {r.status_code}")
        body: dict[str, Any] = r.json()
        if "id_token" not in body:
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

        An unknown key id refetches the JWKS once (the provider rotated its keys).
        """
        try:
            kid = extract_compact(id_token.encode()).headers().get("kid")
        except (JoseError, ValueError) as exc:
            raise LoginRefused("id_token is not a compact JWS") from exc
        keyset = await self._keyset(meta)
        if kid and not _has_kid(keyset, kid):
            keyset = await self._keyset(meta, refresh=True)
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
