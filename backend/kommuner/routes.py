"""The public list of kommuner (the login page's picker).

A suspended kommune stays on the list with ``status="suspended"`` so that its users are
told it is closed rather than not finding it. Only code, name and status are public:
never the reason for a suspension nor anything about the kommune's identity provider.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import get

from backend.db import fetch_as_app


class KommuneRead(msgspec.Struct):
    code: str
    name: str
    status: Literal["active", "suspended"]


@get(
    "/api/kommuner", opt={"public": True}, tags=["Log ind"], summary="Kommuner (aktive og lukkede)"
)
async def list_kommuner() -> list[KommuneRead]:
    rows = await fetch_as_app("SELECT code, name, status FROM shared.tenant ORDER BY name")
    return [KommuneRead(code=r["code"], name=r["name"], status=r["status"]) for r in rows]
