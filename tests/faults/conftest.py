"""The fault tests run only on separately started servers (``TREKANT_TEST_SERVERS=system``,
``infra/servers.py``): they stop and start PostgreSQL and redis-server under load, which
the embedded servers of the other test process cannot do for a running app. ``just test``
runs them in its system process, so once; anywhere else they are skipped with the reason.
Run them alone with ``TREKANT_TEST_SERVERS=system .venv/bin/pytest tests/faults``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TREKANT_TEST_SERVERS") == "system":
        return
    skip = pytest.mark.skip(
        reason="stops and starts PostgreSQL and Redis: runs with TREKANT_TEST_SERVERS=system"
    )
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture
def servers():  # type: ignore[no-untyped-def]
    """The PostgreSQL and Redis servers of this test process (``SystemServers``)."""
    from infra.servers import SystemServers
    from tests import conftest

    assert isinstance(conftest._SERVICES, SystemServers)
    return conftest._SERVICES
