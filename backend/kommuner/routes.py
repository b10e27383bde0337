"""The public list of active kommuner (the login page's picker)."""

from __future__ import annotations

import msgspec
from litestar import get

from backend.db import fetch_as_app


class KommuneRead(msgspec.Struct):
    code: str
    name: str


@get("/api/kommuner", opt={"public": True}, tags=["Log ind"], summary="Aktive kommuner")
async def list_kommuner() -> list[KommuneRead]:
    rows = await fetch_as_app(
        "SELECT code, name FROM shared.tenant WHERE status = 'active' ORDER BY name"
    )
    return [KommuneRead(code=r["code"], name=r["name"]) for r in rows]
