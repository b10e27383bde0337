"""The development identity provider (infra/idp, npm oidc-provider): its configuration for
the demo kommuner and the operator, and starting it.

Each demo kommune is its own realm (issuer ``http://127.0.0.1:PORT/<code>``) with its own
confidential client, just as each kommune has its own Entra ID tenant in production.
Client secrets are generated once per data folder and handed to Trekant through
environment variables named by the registry (``TREKANT_IDP_SECRET_<code>``).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from infra.devprocess import listens

IDP_DIR = Path(__file__).resolve().parent / "idp"
DEMO_PASSWORD = "demo"  # noqa: S105 - development identity provider only


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    roles: tuple[str, ...]  # empty: known to the provider but not provisioned in Trekant


def demo_users(domain: str) -> list[DemoUser]:
    return [
        DemoUser(f"sagsbehandler@{domain}", "Sara Sagsbehandler", ("sagsbehandler",)),
        DemoUser(f"leder@{domain}", "Lene Leder", ("leder",)),
        DemoUser(f"oekonomi@{domain}", "Øjvind Økonomi", ("oekonomi",)),
        DemoUser(f"admin@{domain}", "Anders Administrator", ("administrator",)),
        DemoUser(f"revisor@{domain}", "Rikke Revisor", ("laeser",)),
        DemoUser(f"kollega@{domain}", "Karl Kollega", ("sagsbehandler",)),
        DemoUser(f"ny.medarbejder@{domain}", "Nina Nyansat", ()),
    ]


DOMAINS = {
    "0101": "koebenhavn.dk",
    "0461": "odense.dk",
    "0751": "aarhus.dk",
    "0147": "frederiksberg.dk",
}
OPERATOR_USER = DemoUser("drift@trekant.dk", "Dorte Drift", ("operator",))


def domain_for(code: str) -> str:
    return DOMAINS.get(code, f"kommune{code}.dk")


def secret_env(code: str) -> str:
    return f"TREKANT_IDP_SECRET_{code}"


def load_secrets(path: Path, realms: list[str]) -> dict[str, str]:
    data: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for realm in realms:
        if realm not in data:
            data[realm] = secrets.token_urlsafe(24)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
        path.chmod(0o600)
    return data


def build_config(
    port: int, realms: dict[str, str], base_urls: list[str], client_secrets: dict[str, str]
) -> dict[str, object]:
    """``realms``: realm id -> display name (kommune codes and "operator")."""
    redirect = [u.rstrip("/") + "/api/auth/callback" for u in base_urls]
    post_logout = [u.rstrip("/") + p for u in base_urls for p in ("/", "/drift")]
    out = []
    for realm, name in realms.items():
        users = [OPERATOR_USER] if realm == "operator" else demo_users(domain_for(realm))
        out.append(
            {
                "id": realm,
                "name": name,
                "clients": [
                    {
                        "client_id": f"trekant-{realm}",
                        "client_secret": client_secrets[realm],
                        "redirect_uris": redirect,
                        "post_logout_redirect_uris": post_logout,
                    }
                ],
                "users": [
                    {
                        "sub": f"{realm}-{u.username.split('@')[0]}",
                        "username": u.username,
                        "password": DEMO_PASSWORD,
                        "name": u.name,
                        "email": u.username,
                    }
                    for u in users
                ],
            }
        )
    return {"port": port, "host": "127.0.0.1", "realms": out}


class DevIdP:
    """A running development identity provider (a Node process)."""

    def __init__(self, config_path: Path, port: int) -> None:
        self.config_path = config_path
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def issuer(self, realm: str) -> str:
        return f"{self.url}/{realm}"

    def start(self, timeout: float = 60, attempts: int = 2) -> None:
        """Start the provider and wait until its first realm answers. A start that hangs (seen
        once on a loaded CI machine: the process alive, never listening) is stopped and tried
        again once before giving up."""
        if not (IDP_DIR / "node_modules").exists():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=IDP_DIR,
                check=True,
            )
        first_realm = json.loads(self.config_path.read_text())["realms"][0]["id"]
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            self.proc = subprocess.Popen(
                ["node", str(IDP_DIR / "server.mjs"), "--config", str(self.config_path)],
                cwd=IDP_DIR,
                env=dict(os.environ),
            )
            if self._wait_ready(first_realm, started + timeout):
                return
            self.stop()  # never leave a half-started provider behind
            print(
                f"the development identity provider did not answer on {self.url} within "
                f"{timeout:.0f} s (attempt {attempt} of {attempts})",
                flush=True,
            )
        raise RuntimeError(
            f"the development identity provider did not answer on {self.url} within {timeout:.0f} s"
        )

    def _wait_ready(self, realm: str, deadline: float) -> bool:
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the development identity provider exited during start-up")
            if not listens(self.url):
                time.sleep(0.1)
                continue
            try:
                r = httpx.get(f"{self.issuer(realm)}/.well-known/openid-configuration", timeout=1)
                if r.status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def prepare(
    data_dir: Path, port: int, realms: dict[str, str], base_urls: list[str]
) -> tuple[DevIdP, dict[str, str]]:
    """Write the provider's config under ``data_dir/idp``; return it and the env vars
    (client secrets and operator settings) Trekant needs."""
    folder = data_dir / "idp"
    folder.mkdir(parents=True, exist_ok=True)
    client_secrets = load_secrets(folder / "client-secrets.json", list(realms))
    config = build_config(port, realms, base_urls, client_secrets)
    path = folder / "config.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    idp = DevIdP(path, port)
    env = {secret_env(r): s for r, s in client_secrets.items() if r != "operator"}
    if "operator" in realms:
        env.update(
            {
                "TREKANT_OPERATOR_ISSUER": idp.issuer("operator"),
                "TREKANT_OPERATOR_CLIENT_ID": "trekant-operator",
                "TREKANT_OPERATOR_CLIENT_SECRET": client_secrets["operator"],
            }
        )
    return idp, env
