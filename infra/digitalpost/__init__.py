"""The development Digital Post server: speaks SF1601 KombiPostAfsend, validates the MeMo,
keeps the messages, shows each citizen's mailbox, and sends a citizen's reply back to
Trekant's inbound endpoint (signed with the kommune's shared secret).

``prepare`` writes its configuration (the kommuner: CVR, name, secret) under the data
folder and returns the server and the environment Trekant needs
(``TREKANT_DIGITAL_POST_URL``, ``TREKANT_DIGITAL_POST_SECRET_<code>``).
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from infra.devprocess import DevProcess


def secret_env(code: str) -> str:
    return f"TREKANT_DIGITAL_POST_SECRET_{code}"


class DevDigitalPost(DevProcess):
    def __init__(self, config: Path, port: int) -> None:
        self.port = port
        super().__init__(
            "development Digital Post server",
            "infra.digitalpost.server",
            ["--config", str(config)],
            f"http://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def prepare(
    data_dir: Path, port: int, kommuner: dict[str, str], trekant_url: str
) -> tuple[DevDigitalPost, dict[str, str]]:
    """``kommuner``: code -> name. Secrets are made once per data folder."""
    from backend.post.senders import kommune_cvr

    folder = data_dir / "digitalpost"
    folder.mkdir(parents=True, exist_ok=True)
    secrets_file = folder / "secrets.json"
    known: dict[str, str] = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
    for code in kommuner:
        known.setdefault(code, secrets.token_urlsafe(24))
    secrets_file.write_text(json.dumps(known))
    secrets_file.chmod(0o600)
    config = {
        "port": port,
        "database": str(folder / "messages.sqlite3"),
        "inbound_url": trekant_url.rstrip("/") + "/api/post/inbound/digital-post",
        "kommuner": {
            kommune_cvr(code): {"code": code, "name": name, "secret": known[code]}
            for code, name in kommuner.items()
        },
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    env = {secret_env(code): known[code] for code in kommuner}
    env["TREKANT_DIGITAL_POST_URL"] = f"http://127.0.0.1:{port}"
    return DevDigitalPost(path, port), env
