"""Rate limits lowered on the running app for one test, and clients from chosen addresses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from backend.limits.config import Limit
from backend.limits.limiter import PREFIX
from tests.conftest import login

Lower = Callable[..., None]


@pytest.fixture
async def limits(app) -> AsyncIterator[Lower]:  # type: ignore[no-untyped-def]
    """``limits(prior_user=Limit(3, 3600))``: lower limits until the test ends; every bucket
    is emptied before and after, so tests do not share tokens."""
    settings = app.state.limiter.settings
    saved = (dict(settings.limits), settings.trusted_proxies, settings.alert_lookups_per_day)

    async def clear() -> None:
        redis = app.state.redis
        keys = [k async for k in redis.scan_iter(match=f"{PREFIX}*")]
        if keys:
            await redis.delete(*keys)

    def lower(**changes: Any) -> None:
        for name, value in changes.items():
            if name == "trusted_proxies":
                settings.trusted_proxies = value
            elif name == "alert_lookups_per_day":
                settings.alert_lookups_per_day = value
            else:
                assert name in settings.limits, name
                assert isinstance(value, Limit)
                settings.limits[name] = value

    await clear()
    yield lower
    settings.limits, settings.trusted_proxies, settings.alert_lookups_per_day = saved
    await clear()


Client = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def client(app) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    """``await client("0101", "leder", address="192.0.2.1")``: a fresh browser at ``address``,
    logged in through the provider unless ``role`` is None."""
    made: list[httpx.AsyncClient] = []

    async def make(
        code: str | None = None,
        role: str | None = "sagsbehandler",
        realm: str | None = None,
        address: str = "127.0.0.1",
    ) -> httpx.AsyncClient:
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 40000)),
            base_url="http://testserver",
        )
        made.append(c)
        if code is not None and role is not None:
            session = await login(c, code, role, realm)
            c.headers["X-CSRF-Token"] = session["csrf_token"]
        return c

    yield make
    for c in made:
        await c.aclose()
