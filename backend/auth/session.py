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
    # Logged in through Fælleskommunal Adgangsstyring: roles come from its assertion.
    context_handler: bool = False
    csrf_token: str = msgspec.field(default_factory=lambda: secrets.token_urlsafe(32))
    created_at: float = msgspec.field(default_factory=time.time)
    last_seen: float = msgspec.field(default_factory=time.time)


def _index(realm: str, kommune_code: str | None, subject: str) -> str:
    return f"trekant:user-sessions:{realm}:{kommune_code or '-'}:{subject}"


def user_index(session: Session) -> str:
    return _index(session.realm, session.kommune_code, session.subject)


def _key(token: str) -> str:
    return "trekant:session:" + hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._enc = msgspec.json.Encoder()
        self._dec = msgspec.json.Decoder(Session)

    async def create(self, session: Session) -> str:
        token = secrets.token_urlsafe(32)
        key = _key(token)
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
            await self.redis.delete(*keys)
        await self.redis.delete(index)
        return len(keys)

    async def load(self, token: str | None) -> Session | None:
        """The live session for ``token``, refreshing its idle timeout; None when absent/expired."""
        if not token or len(token) > 128:
            return None
        key = _key(token)
        raw = await self.redis.get(key)
        if raw is None:
            return None
        session = self._dec.decode(raw)
        now = time.time()
        if now - session.created_at > ABSOLUTE_SECONDS or now - session.last_seen > IDLE_SECONDS:
            await self.redis.delete(key)
            return None
        if now - session.last_seen > 60:
            session.last_seen = now
            await self.redis.set(key, self._enc.encode(session), ex=IDLE_SECONDS)
        return session

    async def delete(self, token: str | None) -> None:
        if token:
            await self.redis.delete(_key(token))
