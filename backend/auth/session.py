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

COOKIE = "trekant_session"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 10 * 60 * 60


class Session(msgspec.Struct, kw_only=True):
    realm: str  # "kommune" or "operator"
    subject: str  # stable user id within the realm
    display_name: str
    kommune_code: str | None = None
    kommune_name: str | None = None
    roles: list[str] = msgspec.field(default_factory=list)
    csrf_token: str = msgspec.field(default_factory=lambda: secrets.token_urlsafe(32))
    created_at: float = msgspec.field(default_factory=time.time)
    last_seen: float = msgspec.field(default_factory=time.time)


def _key(token: str) -> str:
    return "trekant:session:" + hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._enc = msgspec.json.Encoder()
        self._dec = msgspec.json.Decoder(Session)

    async def create(self, session: Session) -> str:
        token = secrets.token_urlsafe(32)
        await self.redis.set(_key(token), self._enc.encode(session), ex=IDLE_SECONDS)
        return token

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
