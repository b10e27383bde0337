"""Rate limits lowered on the running app for one test (clients from chosen addresses are
``client(..., address=...)`` from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from backend.limits.config import Limit
from backend.limits.limiter import PREFIX

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
