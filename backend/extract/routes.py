"""Administration › Dataudtræk (the administrator) and the machine endpoint
``/api/udtraek`` (the kommune's data warehouse, with a machine key as a Bearer token)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody
from litestar.response import File

from backend.auth.principal import requires
from backend.core.errors import NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.db import DB
from backend.extract import service
from backend.extract.schemas import ExtractList, ExtractTable, KeyCreate, KeyCreated, KeyList
from tenancy.context import TenantUnavailable, tenant_transaction

PARQUET = "application/vnd.apache.parquet"


def _file(path: Path, extract_id: uuid.UUID, table: str) -> File:
    return File(
        path=path,
        filename=f"trekant-{table}-{extract_id}.parquet",
        media_type=PARQUET,
        content_disposition_type="attachment",
    )


class ExtractAdminController(Controller):
    path = "/api/admin/extracts"
    tags = ("Dataudtræk",)
    guards = [requires(Perm.REPORTING)]  # noqa: RUF012 - Litestar reads a list

    @get("", summary="Udtrækkene (de seneste 30)")
    async def list_extracts(self, me: Me) -> ExtractList:
        return await service.extracts()

    @post("", status_code=202, summary="Dan udtræk nu (et job)")
    async def request_extract(self, me: Me) -> None:
        await service.do_request(me)

    @get(
        "/{extract_id:uuid}/{table:str}",
        summary="Hent én tabel af et udtræk (Parquet)",
        media_type=PARQUET,
    )
    async def download(
        self, me: Me, extract_id: FromPath[uuid.UUID], table: FromPath[ExtractTable]
    ) -> File:
        path = await service.extract_file(me.kommune_code, extract_id, table, me.actor)
        return _file(path, extract_id, table)

    @get("/keys", summary="Maskinnøgler til datavarehuset")
    async def list_keys(self, me: Me) -> KeyList:
        return await service.keys()

    @post("/keys", status_code=201, summary="Opret en maskinnøgle (vises én gang)")
    async def create_key(self, me: Me, data: JSONBody[KeyCreate]) -> KeyCreated:
        return await service.do_create_key(me, data.name)

    @post("/keys/{key_id:uuid}/revoke", status_code=204, summary="Spær en maskinnøgle")
    async def revoke_key(self, me: Me, key_id: FromPath[uuid.UUID]) -> None:
        await service.do_revoke_key(me, key_id)


_REFUSED = "Manglende, ukendt eller spærret maskinnøgle"


def _bearer(request: Request[Any, Any, Any]) -> tuple[str, uuid.UUID, str]:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    found = service.split_token(token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise NotAuthorizedException(_REFUSED)
    return found


@get("/api/udtraek", opt={"public": True}, tags=["Dataudtræk"], summary="Udtrækkene (maskine)")
async def machine_list(request: Request[Any, Any, Any]) -> ExtractList:
    code, key_id, secret = _bearer(request)
    try:
        async with tenant_transaction(DB, code):
            actor = await service.machine_actor(key_id, secret)
            if actor is None:
                raise NotAuthorizedException(_REFUSED)
            return await service.extracts()
    except TenantUnavailable as exc:
        raise NotAuthorizedException(_REFUSED) from exc


@get(
    "/api/udtraek/{extract_id:uuid}/{table:str}",
    opt={"public": True},
    tags=["Dataudtræk"],
    summary="Hent én tabel af et udtræk (maskine, Parquet)",
    media_type=PARQUET,
)
async def machine_download(
    request: Request[Any, Any, Any],
    extract_id: FromPath[uuid.UUID],
    table: FromPath[str],
) -> File:
    code, key_id, secret = _bearer(request)
    try:
        async with tenant_transaction(DB, code):
            actor = await service.machine_actor(key_id, secret)
            if actor is None:
                raise NotAuthorizedException(_REFUSED)
            if table.removesuffix(".parquet") not in service.SCHEMAS:
                raise NotFound("Udtrækket findes ikke")
            name = table.removesuffix(".parquet")
            path = await service.extract_file(code, extract_id, name, actor)
    except TenantUnavailable as exc:
        raise NotAuthorizedException(_REFUSED) from exc
    return _file(path, extract_id, name)
