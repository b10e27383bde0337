"""The development Context Handler (Fælleskommunal Adgangsstyring) on port 8060: a SAML 2.0
identity provider (pysaml2) with a Danish login page for the demo users of each kommune
configured for it, issuing OIOSAML 3 shaped assertions, signed by its own key and
encrypted for the kommune's service provider, with the privileges (brugersystemroller and
data restrictions) each demo user holds in the (imagined) Administrationsmodul.

``prepare`` writes its configuration under the data folder: the Context Handler's key,
and each kommune's SP key and certificate (generated once, like the OIDC client secrets),
which it hands to Trekant as ``TREKANT_SAML_KEY_<code>``/``TREKANT_SAML_CERT_<code>``, and
each SP's metadata as the Context Handler would have it registered (one per address
Trekant is reached at: the API, and the tests' ``http://testserver``).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from infra.devprocess import DevProcess

DEMO_CVR = {"0751": "55133018", "0101": "64942212", "0461": "35209115"}
DEMO_PASSWORD = "demo"  # noqa: S105 - development Context Handler only
KLE_CHILDREN = "27.*"  # KLE 27: Børn og unge med særlige behov
KLE_OTHER = "25.*"  # another KLE main group: reaches none of Trekant's børnesager (27.24.00)
# The demo teams' organisation units in FK Organisation (fictive UUIDs): the demo maps each
# team of the Context Handler kommune to its unit (backend.demo.map_teams_to_units), so the
# organisation-unit restrictions below reach the cases of that team.
DEMO_UNITS = {
    "Familieteam Nord": "5b1c6a0e-7f2d-4c3b-9a8e-2d1f0c9b8a71",
    "Modtagelsen": "2e6f4b8d-1a3c-4e5f-8b7a-9c0d1e2f3a4b",
    "Familieteam Syd": "7c9d1e3f-5a7b-4c9d-8e1f-2a3b4c5d6e7f",
}
ORG_UNIT = DEMO_UNITS["Familieteam Nord"]
KLE_CONSTRAINT = "http://sts.kombit.dk/constraints/KLE/1"
ORG_CONSTRAINT = "http://sts.kombit.dk/constraints/orgenhed/1"


def cvr_for(code: str) -> str:
    return DEMO_CVR.get(code, f"2{int(code):07d}")


def demo_users(code: str) -> list[dict[str, object]]:
    """The demo users the development Context Handler knows for kommune ``code``: the
    same people as the OpenID Connect provider's demo users, with their Trekant roles as
    privileges (the caseworkers restricted to KLE 27 and their own team's organisation
    unit: Sara to Familieteam Nord, Karl to Modtagelsen); two whose data restrictions show
    their effect: a manager restricted to Familieteam Nord (sees that team's cases only) and
    one restricted to KLE 25.* (sees no case at all); and two whose login Trekant refuses:
    a privilege only for a role Trekant does not know, and an authentication at NSIS level
    Low."""
    from infra.devidp import demo_users as oidc_users
    from infra.devidp import domain_for

    domain = domain_for(code)
    users: list[dict[str, object]] = []
    units = {
        f"sagsbehandler@{domain}": DEMO_UNITS["Familieteam Nord"],
        f"kollega@{domain}": DEMO_UNITS["Modtagelsen"],
    }
    for user in oidc_users(domain):
        constraints = (
            {KLE_CONSTRAINT: KLE_CHILDREN, ORG_CONSTRAINT: units[user.username]}
            if user.username in units
            else {}
        )
        users.append(
            {
                "username": user.username,
                "name": user.name,
                "roles": [[role, constraints] for role in user.roles],
                "nsis": "Substantial",
            }
        )
    users.append(
        {
            "username": f"leder.nord@{domain}",
            "name": "Nanna Nord",
            "roles": [
                [
                    "leder",
                    {KLE_CONSTRAINT: KLE_CHILDREN, ORG_CONSTRAINT: DEMO_UNITS["Familieteam Nord"]},
                ]
            ],
            "nsis": "Substantial",
        }
    )
    users.append(
        {
            "username": f"leder.kle25@{domain}",
            "name": "Kim Klenummer",
            "roles": [["leder", {KLE_CONSTRAINT: KLE_OTHER}]],
            "nsis": "Substantial",
        }
    )
    users.append(
        {
            "username": f"ukendt.rolle@{domain}",
            "name": "Ulla Ukendt",
            "roles": [["http://trekant.dk/roles/usersystemrole/superbruger/1", {}]],
            "nsis": "Substantial",
        }
    )
    users.append(
        {
            "username": f"lavt.niveau@{domain}",
            "name": "Lars Lavniveau",
            "roles": [["sagsbehandler", {}]],
            "nsis": "Low",
        }
    )
    for entry in users:
        entry["name_id"] = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"trekant-dev-ch:{entry['username']}")
        )
    return users


class DevContextHandler(DevProcess):
    def __init__(self, config: Path, port: int) -> None:
        self.port = port
        self.config = config
        super().__init__(
            "development Context Handler",
            "infra.contexthandler.server",
            ["--config", str(config)],
            f"http://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return self.url

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/metadata"

    @property
    def metadata_cert(self) -> str:
        """The certificate (PEM) its metadata is signed with (its own signing certificate,
        as the operator sets it for the kommune)."""
        return str(json.loads(self.config.read_text())["cert"])


def _pair(folder: Path, name: str) -> tuple[str, str]:
    from infra.contexthandler.issue import make_key_pair

    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    if not key_path.exists() or not cert_path.exists():
        key, cert = make_key_pair(f"Trekant development {name}")
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        cert_path.write_text(cert)
    return key_path.read_text(), cert_path.read_text()


def prepare(
    data_dir: Path, port: int, kommuner: list[str], bases: list[str]
) -> tuple[DevContextHandler, dict[str, str]]:
    """The development Context Handler for ``kommuner`` (codes) with Trekant reached at
    ``bases``; and the environment Trekant needs (each kommune's SP key and certificate).
    Sets that environment in this process too (the SP metadata is made with it)."""
    from backend.auth import saml

    folder = data_dir / "contexthandler"
    folder.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {}
    for code in kommuner:
        key, cert = _pair(folder, f"sp-{code}")
        env[saml.key_env(code)] = key
        env[saml.cert_env(code)] = cert
    os.environ.update(env)
    ch_key, ch_cert = _pair(folder, "contexthandler")
    url = f"http://127.0.0.1:{port}"
    sps = []
    for code in kommuner:
        for base in bases:
            sps.append(
                {
                    "code": code,
                    "cvr": cvr_for(code),
                    "entity_id": saml.sp_entity_id(base, code),
                    "acs": saml.acs_url(base, code),
                    "cert": env[saml.cert_env(code)],
                    "metadata": saml.sp_metadata(code, base),
                }
            )
    config = {
        "port": port,
        "entity_id": url,
        "url": url,
        "key": ch_key,
        "cert": ch_cert,
        "sps": sps,
        "users": {code: demo_users(code) for code in kommuner},
        "units": {uuid: name for name, uuid in DEMO_UNITS.items()},
    }
    path = folder / "config.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(config, fh)
    return DevContextHandler(path, port), env


def issuer_from(config_path: Path) -> object:
    """The Context Handler of a written configuration as an in-process issuer (the tests
    make bad assertions with its key)."""
    from infra.contexthandler.issue import Issuer

    config = json.loads(config_path.read_text())
    return Issuer(
        config["entity_id"],
        config["url"] + "/sso",
        config["key"],
        config["cert"],
        [sp["metadata"] for sp in config["sps"]],
    )
