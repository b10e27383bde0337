"""Server-side sessions in Redis.

The browser holds only a random token in an HttpOnly cookie; Redis holds the session
under the token's SHA-256, so a leaked Redis dump does not yield usable cookies.
Idle and absolute timeouts are both enforced on every load.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import msgspec
from redis.asyncio import Redis

from backend.auth.vocab import Realm

COOKIE = "trekant_session"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 10 * 60 * 60
# How long a session's cached user and roles (the principal) are used without reading the
# database again. An administrator's change ends the cache at once (``forget_principals``
# after the change commits); the TTL bounds what a change made any other way (or one that
# races a request that read the old roles) can be late by.
PRINCIPAL_SECONDS = 30


class CachedPrincipal(msgspec.Struct, array_like=True, frozen=True):
    """What the tenant middleware read about the session's user (active, with these roles)."""

    user_id: str
    username: str
    display_name: str
    roles: tuple[str, ...]
    # (role, KLE numbers, organisation units) of the roles with data restrictions
    restrictions: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()


class Session(msgspec.Struct, kw_only=True):
    realm: Realm
    subject: str  # app_user.id (kommune) or operator username
    display_name: str
    username: str = ""
    id_token: str | None = None  # for the provider's end-session (id_token_hint)
    issuer: str | None = None
    kommune_code: str | None = None
    kommune_name: str | None = None
    roles: list[str] = msgspec.field(default_factory=list)
    # Logged in through Fælleskommunal Adgangsstyring: roles come from its assertion; the
    # person's persistent NameID and the Context Handler's SessionIndex name this session in
    # single logout (backend/auth/saml_logout.py).
    context_handler: bool = False
    saml_name_id: str | None = None
    saml_session_index: str | None = None
    csrf_token: str = msgspec.field(default_factory=lambda: secrets.token_urlsafe(32))
    created_at: float = msgspec.field(default_factory=time.time)
    last_seen: float = msgspec.field(default_factory=time.time)


def _index(realm: str, kommune_code: str | None, subject: str) -> str:
    return f"trekant:user-sessions:{realm}:{kommune_code or '-'}:{subject}"


def user_index(session: Session) -> str:
    return _index(session.realm, session.kommune_code, session.subject)


def end_sessions_after_commit(kommune_code: str, user_id: str) -> None:
    """Every live session of the kommune user ``user_id`` ends as soon as the current tenant
    transaction commits (deactivated by the administrator or the FK Organisation import,
    roles changed): the next request of any of them is answered 401. Works in the API and
    in the worker (the shared Redis connection, ``backend.queue``)."""
    from backend import queue
    from tenancy.context import current_scope

    async def end() -> None:
        await SessionStore(queue.get()).revoke_user("kommune", kommune_code, user_id)

    current_scope().after_commit.append(end)


def session_key(token: str) -> str:
    """Where the session of cookie value ``token`` lives (its hash: Redis never holds the
    cookie itself)."""
    return "trekant:session:" + hashlib.sha256(token.encode()).hexdigest()


def principal_key(key: str) -> str:
    """Where the principal cached with session ``key`` lives."""
    return key + ":principal"


class SessionStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._enc = msgspec.json.Encoder()
        self._dec = msgspec.json.Decoder(Session)
        self._principal_dec = msgspec.json.Decoder(CachedPrincipal)

    async def create(self, session: Session) -> str:
        token = secrets.token_urlsafe(32)
        key = session_key(token)
        index = user_index(session)
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(key, self._enc.encode(session), ex=IDLE_SECONDS)
        pipe.sadd(index, key)
        pipe.expire(index, ABSOLUTE_SECONDS)
        await pipe.execute()
        return token

    async def revoke_user(self, realm: str, kommune_code: str | None, subject: str) -> int:
        """End every session of one user at once (deactivation, removal)."""
        index = _index(realm, kommune_code, subject)
        keys = await self.redis.smembers(index)  # type: ignore[misc]  # redis-py's union return
        if keys:
            await self.redis.delete(*keys, *(principal_key(k.decode()) for k in keys))
        await self.redis.delete(index)
        return len(keys)

    async def revoke_sessions(
        self, realm: str, kommune_code: str | None, subject: str, session_indexes: list[str]
    ) -> int:
        """End the user's sessions that the Context Handler's ``session_indexes`` name (all
        of the user's sessions when the list is empty, as SAML single logout says); the
        number ended."""
        if not session_indexes:
            return await self.revoke_user(realm, kommune_code, subject)
        index = _index(realm, kommune_code, subject)
        keys = list(await self.redis.smembers(index))  # type: ignore[misc]  # redis-py's union return
        if not keys:
            return 0
        ended = []
        for key, raw in zip(keys, await self.redis.mget(keys), strict=True):
            if raw is None:
                continue
            if self._dec.decode(raw).saml_session_index in session_indexes:
                ended.append(key)
        if ended:
            await self.redis.delete(*ended, *(principal_key(k.decode()) for k in ended))
            await self.redis.srem(index, *ended)  # type: ignore[misc]  # redis-py's union return
        return len(ended)

    async def forget_principals(self, realm: str, kommune_code: str | None, subject: str) -> None:
        """Drop the cached principal of every session of one user (roles or name changed):
        the user's next request reads them from the database. Call it after the change
        commits, or a request in between could cache the old roles again."""
        keys = await self.redis.smembers(_index(realm, kommune_code, subject))  # type: ignore[misc]  # redis-py's union return
        if keys:
            await self.redis.delete(*(principal_key(k.decode()) for k in keys))

    async def load(self, token: str | None) -> Session | None:
        """The live session for ``token``, refreshing its idle timeout; None when absent/expired."""
        session, _ = await self.load_with_principal(token)
        return session

    async def load_with_principal(
        self, token: str | None
    ) -> tuple[Session | None, CachedPrincipal | None]:
        """``load``, and the session's cached principal if one is still fresh, in one round
        trip to Redis."""
        if not token or len(token) > 128:
            return None, None
        key = session_key(token)
        raw, raw_principal = await self.redis.mget(key, principal_key(key))
        return await self.settle(key, raw, raw_principal)

    async def settle(
        self, key: str, raw: bytes | None, raw_principal: bytes | None
    ) -> tuple[Session | None, CachedPrincipal | None]:
        """The session and principal read for session ``key`` (by ``load_with_principal``,
        or with the rate limits in the same round trip: ``RateLimiter.load_and_take``):
        None when absent or expired (and then removed); the idle timeout refreshed."""
        if raw is None:
            return None, None
        session = self._dec.decode(raw)
        now = time.time()
        if now - session.created_at > ABSOLUTE_SECONDS or now - session.last_seen > IDLE_SECONDS:
            await self.redis.delete(key, principal_key(key))
            return None, None
        if now - session.last_seen > 60:
            session.last_seen = now
            # Only while it still exists (XX): a session revoked since it was read above
            # (deactivation, single logout) is not brought back by this refresh.
            await self.redis.set(key, self._enc.encode(session), ex=IDLE_SECONDS, xx=True)
        principal = None
        if raw_principal:
            principal = self._principal_dec.decode(raw_principal)
            if principal.user_id != session.subject:
                principal = None  # never another user's (cannot happen: keyed by the session)
        return session, principal

    async def cache_principal(self, token: str, principal: CachedPrincipal) -> None:
        """Keep what the middleware read about the session's user for PRINCIPAL_SECONDS."""
        await self.redis.set(
            principal_key(session_key(token)), self._enc.encode(principal), ex=PRINCIPAL_SECONDS
        )

    async def delete(self, token: str | None) -> None:
        if token:
            key = session_key(token)
            await self.redis.delete(key, principal_key(key))
