"""Token buckets in Redis, checked atomically by one Lua script.

Why our own and not Litestar's ``RateLimitMiddleware``: that one keys every limit by one
identifier per app (by default the client address) and counts fixed windows in a store
(an aligned burst of twice the limit passes at a window edge). Trekant needs several keys
on one request (the user *and* the kommune for a prior-case lookup), keys that are only
known after the session is loaded (user, kommune), a different limit per route class, and
checks that run before the tenant transaction opens. A token bucket per
``(class, key)`` does that in one round trip: the script refills each bucket by the time
elapsed, and either takes one token from *every* bucket or from none (a request refused by
the kommune's bucket does not also use up the user's), and says how long until the
emptiest bucket holds a token again (``Retry-After``).

The clock is the API process's (milliseconds since the epoch), passed to the script, so it
works on every Redis version; API processes on one host share it.

``load_and_take`` reads a session (and its cached principal) and takes the tokens in the same
script: one round trip instead of two for a request whose user the API process already
knows from an earlier request with the same cookie (``backend.middleware``).
"""

from __future__ import annotations

import ipaddress
import math
import time
from typing import Any

from litestar.exceptions import TooManyRequestsException
from litestar.types import Scope

from backend.limits.config import Limit, LimitSettings

PREFIX = "trekant:rl:"

# KEYS: bucket keys. ARGV[1]: now (ms); then per key: capacity, window (ms).
# Returns 0 when allowed (a token taken from every bucket), else the wait in ms.
_TAKE = """
local now = tonumber(ARGV[1])
local wait = 0
local tokens = {}
for i, key in ipairs(KEYS) do
  local cap = tonumber(ARGV[2 * i])
  local rate = cap / tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', key, 't', 'ts')
  local t = tonumber(state[1])
  local ts = tonumber(state[2])
  if t == nil or ts == nil then
    t = cap
    ts = now
  end
  t = math.min(cap, t + math.max(0, now - ts) * rate)
  tokens[i] = t
  if t < 1 then
    local w = math.ceil((1 - t) / rate)
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 't', tostring(tokens[i] - 1), 'ts', tostring(now))
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
"""


# KEYS[1], KEYS[2]: a session and its cached principal; the rest: bucket keys. ARGV as
# _TAKE's. Returns {session or '', principal or '', wait in ms}; no token is taken for a
# session that does not exist.
_LOAD_AND_TAKE = (
    """
local BUCKETS = {}
for i = 3, #KEYS do BUCKETS[i - 2] = KEYS[i] end
local session = redis.call('GET', KEYS[1])
if not session then return {'', '', 0} end
local principal = redis.call('GET', KEYS[2]) or ''
local function take()
"""
    + _TAKE.replace("ipairs(KEYS)", "ipairs(BUCKETS)")
    + """
end
return {session, principal, take()}
"""
)


def _seconds(n: int) -> str:
    return f"{n} sekund" if n == 1 else f"{n} sekunder"


class RateLimited(TooManyRequestsException):
    """429 with ``Retry-After`` (whole seconds) and a Danish message."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            detail=f"Du har sendt for mange forespørgsler på kort tid. "
            f"Vent {_seconds(retry_after)}, og prøv igen.",
            headers={"Retry-After": str(retry_after)},
            extra={"retry_after": retry_after},
        )


class RateLimiter:
    def __init__(self, redis: Any, settings: LimitSettings) -> None:
        self.settings = settings
        self._script = redis.register_script(_TAKE)
        self._load_and_take = redis.register_script(_LOAD_AND_TAKE)

    def _keys_args(self, buckets: list[tuple[str, str]]) -> tuple[list[str], list[int]]:
        keys: list[str] = []
        args: list[int] = [int(time.time() * 1000)]
        for cls, key in buckets:
            limit: Limit = self.settings.limits[cls]
            keys.append(f"{PREFIX}{cls}:{key}")
            args += [limit.requests, limit.seconds * 1000]
        return keys, args

    async def load_and_take(
        self, session_key: str, principal_key: str, buckets: list[tuple[str, str]]
    ) -> tuple[bytes | None, bytes | None, int]:
        """Session ``session_key`` and its principal as stored (None when absent), and the
        wait in ms (0: a token was taken from every bucket; nothing is taken for an absent
        session). Raises nothing: the caller checks the session is the buckets' user first."""
        keys, args = self._keys_args(buckets)
        raw, principal, wait = await self._load_and_take(
            keys=[session_key, principal_key, *keys], args=args
        )
        return raw or None, principal or None, int(wait)

    @staticmethod
    def refuse(wait_ms: int) -> None:
        if wait_ms > 0:
            raise RateLimited(max(1, math.ceil(wait_ms / 1000)))

    async def take(self, buckets: list[tuple[str, str]]) -> None:
        """Take one token from each ``(class, key)`` bucket, or raise ``RateLimited``."""
        if not buckets:
            return
        keys, args = self._keys_args(buckets)
        self.refuse(int(await self._script(keys=keys, args=args)))


def client_address(scope: Scope, settings: LimitSettings) -> str:
    """The TCP peer, or, when the peer is a trusted proxy, the nearest address in
    ``X-Forwarded-For`` that is not itself a trusted proxy (read from the right, since a
    client can put anything at the left)."""
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    if not settings.trusted_proxies or not _trusted(peer, settings):
        return peer
    forwarded: list[str] = []
    for key, value in scope.get("headers", []):
        if key == b"x-forwarded-for":
            forwarded += [p.strip() for p in value.decode("latin-1").split(",") if p.strip()]
    address = peer
    for hop in reversed(forwarded):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # garbage: stop at the last address a trusted proxy vouched for
        address = hop
        if not _trusted(hop, settings):
            return hop
    return address


def _trusted(address: str, settings: LimitSettings) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in settings.trusted_proxies)
