"""The public list of kommuner (the login page's picker).

A suspended kommune stays on the list with ``status="suspended"`` so that its users are
told it is closed rather than not finding it. Only code, name and status are public:
never the reason for a suspension nor anything about the kommune's identity provider.
"""

from __future__ import annotations

from litestar import get

from backend.kommuner import repository as repo
from backend.kommuner.schemas import KommuneRead


@get(
    "/api/kommuner", opt={"public": True}, tags=["Log ind"], summary="Kommuner (aktive og lukkede)"
)
async def list_kommuner() -> list[KommuneRead]:
    return await repo.list_kommuner()
