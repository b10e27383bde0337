"""The development receiver for reports to Ankestyrelsen (port 8040 under ``trekant dev``).

Ankestyrelsen takes the kommuner's reports through its own web form
(``indberetningsløsningen``, a link mailed to each kommune) and publishes no machine
interface; Trekant sends each report as one structured JSON message instead, and this
server stands in for the receiver (docs/reporting.md, "Ankestyrelsen"). ``prepare`` returns
the server and the environment Trekant needs (``TREKANT_ANKESTYRELSEN_URL``).
"""

from __future__ import annotations

from pathlib import Path

from infra.devprocess import DevProcess


class DevAnkestyrelsen(DevProcess):
    def __init__(self, database: Path, port: int) -> None:
        self.port = port
        super().__init__(
            "development Ankestyrelsen receiver",
            "infra.ankestyrelsen.server",
            ["--port", str(port), "--database", str(database)],
            f"http://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def prepare(data_dir: Path, port: int) -> tuple[DevAnkestyrelsen, dict[str, str]]:
    folder = data_dir / "ankestyrelsen"
    folder.mkdir(parents=True, exist_ok=True)
    server = DevAnkestyrelsen(folder / "reports.sqlite3", port)
    return server, {"TREKANT_ANKESTYRELSEN_URL": server.url}
