"""The development mail server: aiosmtpd captures every message Trekant sends (nothing
leaves the machine) and a small web page shows them. ``prepare`` returns the server and
the environment Trekant needs (``TREKANT_SMTP_HOST``/``PORT``/``FROM``)."""

from __future__ import annotations

from pathlib import Path

from infra.devprocess import DevProcess


class DevSmtp(DevProcess):
    def __init__(self, folder: Path, smtp_port: int, http_port: int) -> None:
        self.smtp_port = smtp_port
        self.http_port = http_port
        super().__init__(
            "development mail server",
            "infra.smtp.server",
            ["--dir", str(folder), "--smtp-port", str(smtp_port), "--http-port", str(http_port)],
            f"http://127.0.0.1:{http_port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


def prepare(data_dir: Path, smtp_port: int, http_port: int) -> tuple[DevSmtp, dict[str, str]]:
    folder = data_dir / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        "TREKANT_SMTP_HOST": "127.0.0.1",
        "TREKANT_SMTP_PORT": str(smtp_port),
        "TREKANT_SMTP_FROM": "post@trekant.localhost",
    }
    return DevSmtp(folder, smtp_port, http_port), env
