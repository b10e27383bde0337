"""The development SF1520 service, CPR's "Udvidet person stamdata (lokal)" on
Serviceplatformen (``infra/sf1520/server.py``): SOAP ``PersonLookup`` over TLS with
client-certificate verification, answering from the synthetic population (the demo JSON,
``TREKANT_CPR_DEMO_FILE``). Version 5 of the service (``token_url``) takes a token from the
development STS of ``infra/serviceplatform`` instead of the client certificate; the STS's
certificate is in the same data folder (``serviceplatform/sts.pem``). ``prepare`` makes the
development CA and certificates in the data folder (``sf1520/``), writes the server's
configuration and returns the server and the environment that points Trekant's client at it
(``TREKANT_SF1520_*``)."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import httpx

from infra.devprocess import DevProcess
from infra.sf1520 import certs

# The development service agreement and user system (Serviceplatformen issues these UUIDs
# when the kommune approves the agreement); each kommune is the "user" by its own UUID.
DEV_AGREEMENT = "5b0e8b3a-1520-4c9e-9a51-7e6a3c0d1520"
DEV_USER_SYSTEM = "0f3f8c2e-7d41-4b8a-a9d2-3c5e1b7a1520"
DEV_USER = "c5d6a1b2-0000-4000-8000-000000001520"


class DevSf1520(DevProcess):
    def __init__(self, config: Path, port: int, folder: Path) -> None:
        self.port = port
        self.folder = folder
        super().__init__(
            "development SF1520 service (CPR)",
            "infra.sf1520.server",
            ["--config", str(config)],
            f"https://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/service/CPR/PersonBaseDataExtended/4"

    @property
    def token_url(self) -> str:
        """Version 5: a token from the development STS instead of the client certificate."""
        return f"https://127.0.0.1:{self.port}/service/CPR/PersonBaseDataExtended/5"

    def client(self, timeout: float = 5) -> httpx.Client:
        """An HTTPS client with Trekant's development client certificate."""
        ctx = ssl.create_default_context(cafile=str(self.folder / "ca.pem"))
        ctx.load_cert_chain(self.folder / "client.pem", self.folder / "client-key.pem")
        return httpx.Client(verify=ctx, timeout=timeout)

    def answers(self) -> bool:
        try:
            with self.client(timeout=1) as c:
                return c.get(self.health_url).status_code == 200
        except (httpx.HTTPError, ssl.SSLError, OSError):
            return False

    def calls(self) -> int:
        """How many lookups the service has been asked (tests)."""
        with self.client() as c:
            r = c.get(f"https://127.0.0.1:{self.port}/udvikling/tilstand")
            return int(r.json()["calls"])

    def set_mode(self, mode: str, seconds: float = 0) -> None:
        """ "normal", "langsom" (each call waits ``seconds``), "fejl" (a SOAP fault),
        "http503"."""
        with self.client() as c:
            c.post(
                f"https://127.0.0.1:{self.port}/udvikling/tilstand",
                json={"mode": mode, "seconds": seconds},
            ).raise_for_status()


def prepare(data_dir: Path, port: int, population: Path) -> tuple[DevSf1520, dict[str, str]]:
    from infra.serviceplatform.sts import sts_certificate

    folder = data_dir / "sf1520"
    certs.ensure(folder)
    config = {
        "port": port,
        "certificates": str(folder),
        "population": str(population),
        "service_agreements": [DEV_AGREEMENT],
        "user_systems": [DEV_USER_SYSTEM],
        # The development STS's certificate (its tokens are what version 5 takes).
        "sts_certificate": str(sts_certificate(data_dir / "serviceplatform")),
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config))
    server = DevSf1520(path, port, folder)
    contexts = {
        "*": {"service_agreement": DEV_AGREEMENT, "user_system": DEV_USER_SYSTEM, "user": DEV_USER}
    }
    env = {
        "TREKANT_SF1520_URL": server.url,
        "TREKANT_SF1520_CERT": str(folder / "client.pem"),
        "TREKANT_SF1520_KEY": str(folder / "client-key.pem"),
        "TREKANT_SF1520_CA": str(folder / "ca.pem"),
        "TREKANT_SF1520_CONTEXTS": json.dumps(contexts),
    }
    return server, env
