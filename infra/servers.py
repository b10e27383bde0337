"""Separately started PostgreSQL and Redis servers (Debian's ``postgresql``, ``redis-server``).

Production runs Trekant against real servers named by ``DATABASE_URL`` and ``REDIS_URL``;
the embedded ones (``infra/services.py``) are only the development default. ``just test``
therefore also runs the suite against servers started here (``TREKANT_TEST_SERVERS=system``,
``tests/conftest.py``): a PostgreSQL cluster of its own (``initdb``, password
authentication over TCP, as a deployment has) and a ``redis-server`` with a password, both
on free localhost ports, under a data folder, stopped when the tests end.

As root (a CI container) PostgreSQL runs as the ``postgres`` user the Debian package
creates: ``initdb`` refuses root.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.devprocess import free_port
from infra.services import ServiceError


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's binaries (Debian keeps them off ``PATH``)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise ServiceError("PostgreSQL is not installed: run `just servers` (Debian's postgresql)")


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class SystemServers:
    """A PostgreSQL cluster and a Redis server of this process; ``stop()`` ends both.

    Each can also be stopped and started again on its own port and data (tests/faults:
    the API and the worker under load while PostgreSQL or Redis restarts)."""

    database_url: str
    redis_url: str
    _pgdata: Path = field(repr=False)
    _bin: Path = field(repr=False)
    _redis: Any = field(default=None, repr=False)
    _pg_options: str = field(default="", repr=False)
    _redis_argv: list[str] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        self.stop_redis()
        self.stop_postgres()

    def stop_postgres(self) -> None:
        """``pg_ctl stop -m fast``: open connections are ended, as in a server restart."""
        subprocess.run(
            _as_owner([str(self._bin / "pg_ctl"), "-D", str(self._pgdata), "-m", "fast", "stop"]),
            capture_output=True,
            check=False,
        )

    def start_postgres(self) -> None:
        _pg_ctl_start(self._bin, self._pgdata, self._pg_options)

    @property
    def redis_dir(self) -> Path:
        """redis-server's data folder (its append-only files)."""
        return Path(self._redis_argv[self._redis_argv.index("--dir") + 1])

    def stop_redis(self) -> None:
        """SIGTERM: redis-server writes its append-only file and exits."""
        if self._redis is not None:
            self._redis.terminate()
            try:
                self._redis.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._redis.kill()
            self._redis = None

    def start_redis(self) -> None:
        """Start redis-server again on the same port and data folder; wait until it answers."""
        port = int(self._redis_argv[self._redis_argv.index("--port") + 1])
        self._redis = subprocess.Popen(
            self._redis_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                if self._redis.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise ServiceError("redis-server did not start") from None
                time.sleep(0.05)


def _pg_ctl_start(bin_dir: Path, pgdata: Path, options: str) -> None:
    started = subprocess.run(
        _as_owner(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(pgdata),
                "-l",
                str(pgdata / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        log = (pgdata / "server.log").read_text() if (pgdata / "server.log").exists() else ""
        raise ServiceError(f"PostgreSQL did not start: {started.stderr.strip()} {log[-500:]}")


def start_system_servers(data_dir: Path) -> SystemServers:
    """A fresh PostgreSQL cluster and Redis server under ``data_dir/system``."""
    base = data_dir.resolve() / "system"
    if base.exists():
        shutil.rmtree(base)  # a fresh cluster each run: nothing of an earlier run counts
    base.mkdir(parents=True)
    bin_dir = postgres_bin()
    pgdata = base / "pg"
    password = secrets.token_urlsafe(18)
    pwfile = base / "pwfile"
    pwfile.write_text(password)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(pwfile, "postgres")
        os.chmod(base, 0o700)
    pwfile.chmod(0o600)
    init = subprocess.run(
        _as_owner(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(pgdata),
                "-U",
                "trekant",
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
            ]
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode != 0:
        raise ServiceError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
    pwfile.unlink()
    pg_port = free_port()
    options = (
        f"-c port={pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={pgdata} "
        "-c max_connections=200 -c fsync=off -c synchronous_commit=off"
    )
    _pg_ctl_start(bin_dir, pgdata, options)
    database_url = f"postgresql://trekant:{password}@127.0.0.1:{pg_port}/postgres"

    redis_server = shutil.which("redis-server")
    if redis_server is None:
        SystemServers(database_url, "", pgdata, bin_dir).stop()
        raise ServiceError("redis-server is not installed: run `just servers`")
    redis_port = free_port()
    redis_password = secrets.token_urlsafe(18)
    (base / "redis").mkdir()
    # Append-only persistence, as the deployment's Redis has (infra/deploy/compose.yaml):
    # sessions and queued jobs survive a restart of redis-server.
    argv = [
        redis_server,
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--dir",
        str(base / "redis"),
        "--requirepass",
        redis_password,
    ]
    servers = SystemServers(
        database_url,
        f"redis://:{redis_password}@127.0.0.1:{redis_port}/0",
        pgdata,
        bin_dir,
        _pg_options=options,
        _redis_argv=argv,
    )
    servers.start_redis()
    return servers
