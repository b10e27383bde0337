"""The API's database pool is TREKANT_DB_POOL_SIZE connections (default 8), and a wrong
value is refused with a clear message (docs/operations.md)."""

from __future__ import annotations

import pytest

from backend import db
from backend.config import ConfigError


def test_the_pool_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TREKANT_DB_POOL_SIZE", raising=False)
    assert db.pool_size() == db.POOL_SIZE_DEFAULT == 8
    monkeypatch.setenv("TREKANT_DB_POOL_SIZE", "3")
    assert db.pool_size() == 3
    for wrong in ("0", "-2", "otte", "2.5"):
        monkeypatch.setenv("TREKANT_DB_POOL_SIZE", wrong)
        with pytest.raises(ConfigError, match="TREKANT_DB_POOL_SIZE must be a whole number"):
            db.pool_size()


async def test_the_running_apps_pool_has_that_size(app) -> None:  # type: ignore[no-untyped-def]
    assert db.DB.pool is not None
    assert db.DB.pool._maxsize == db.pool_size()


async def test_many_requests_that_work_beside_their_transaction_never_wait_for_each_other(
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    """The MI dashboard runs six queries beside its request's transaction. Were they taken
    from the request's pool, twice as many dashboards at once as the pool has connections
    would each hold one and wait for another for ever; they come from their own pool."""
    import asyncio

    from tests.conftest import KOMMUNE_A

    manager = await as_user(KOMMUNE_A[0], "leder")
    answers = await asyncio.wait_for(
        asyncio.gather(*(manager.get("/api/mi/dashboard") for _ in range(2 * db.pool_size()))),
        timeout=120,  # a hang, not a speed: the run takes a second or two
    )
    assert {r.status_code for r in answers} == {200}
