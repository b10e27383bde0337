"""The public registry read for the login page's picker (as the bare application role)."""

from __future__ import annotations

from backend.db import fetch_as_app
from backend.kommuner.schemas import KommuneRead


async def list_kommuner() -> list[KommuneRead]:
    """Code, name and status of every kommune, by name (``shared.tenant``)."""
    rows = await fetch_as_app("SELECT code, name, status FROM shared.tenant ORDER BY name")
    return [KommuneRead(code=r["code"], name=r["name"], status=r["status"]) for r in rows]
