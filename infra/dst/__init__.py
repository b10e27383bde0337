"""The development receiver for Danmarks Statistik (``infra/dst/server.py``): takes a
delivery over HTTPS-style POST, validates it against ``backend/statistics/dst.xsd`` and the
register's rules, answers with a Kvittering naming each rejected record, answers a repeated
delivery id with the first receipt, and keeps what it received (SQLite under the data
folder) for tests and the demo. ``prepare`` returns it and ``TREKANT_DST_URL``."""

from __future__ import annotations

import json
from pathlib import Path

from infra.devprocess import DevProcess


class DevDst(DevProcess):
    def __init__(self, config: Path, port: int) -> None:
        self.port = port
        super().__init__(
            "development Danmarks Statistik receiver",
            "infra.dst.server",
            ["--config", str(config)],
            f"http://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def prepare(data_dir: Path, port: int) -> tuple[DevDst, dict[str, str]]:
    folder = data_dir / "dst"
    folder.mkdir(parents=True, exist_ok=True)
    config = {"port": port, "database": str(folder / "received.sqlite3")}
    path = folder / "config.json"
    path.write_text(json.dumps(config))
    return DevDst(path, port), {"TREKANT_DST_URL": f"http://127.0.0.1:{port}"}
