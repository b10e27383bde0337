"""The development Serviceplatform (``infra/serviceplatform/server.py``, port 8080): speaks
SOAP like KOMBIT's services for two of them and their STS (a token for the newer versions,
``infra/serviceplatform/sts.py``), FK Organisation (SF1500, a demo kommune's
organisation: units in a tree, users with their unit and job) and the Sags- og
dokumentindeks (SF1470, keeps the case and document metadata it receives and lists it on
its ``/`` page with the CPR numbers masked). ``prepare`` returns it and the endpoints."""

from __future__ import annotations

import json
from pathlib import Path

from infra.devprocess import DevProcess

# The paths of KOMBIT's endpoints (docs/integrations.md): SF1500 OrganisationSystem 6,
# SF1470 SagDokumentIndeks 6 and the STS's WS-Trust endpoint; the paths the development
# server answered at before are still accepted (data folders configured with them).
FKORG_PATH = "/organisation/organisationsystem/6/"
SAGSINDEKS_PATH = "/sagdokumentindeks/6"
STS_PATH = "/runtime/services/kombittrust/14/certificatemixed"
OLD_PATHS = {
    "/service/Organisation/OrganisationSystem/6": FKORG_PATH,
    "/service/SagDokumentIndeks/6": SAGSINDEKS_PATH,
}


class DevServiceplatform(DevProcess):
    def __init__(self, config: Path, port: int) -> None:
        self.port = port
        super().__init__(
            "development Serviceplatform (FK Organisation, Sags- og dokumentindeks)",
            "infra.serviceplatform.server",
            ["--config", str(config)],
            f"http://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def prepare(data_dir: Path, port: int) -> tuple[DevServiceplatform, dict[str, str]]:
    folder = data_dir / "serviceplatform"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.json"
    path.write_text(json.dumps({"port": port, "store": str(folder / "received.json")}))
    base = f"http://127.0.0.1:{port}"
    return DevServiceplatform(path, port), {
        "TREKANT_SERVICEPLATFORM_URL": base,
        "TREKANT_FKORG_ENDPOINT": base + FKORG_PATH,
        "TREKANT_SAGSINDEKS_ENDPOINT": base + SAGSINDEKS_PATH,
        "TREKANT_STS_ENDPOINT": base + STS_PATH,
    }
