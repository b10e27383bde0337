"""The documents API (docs/architecture.md, "Documents"): upload in two steps (metadata,
then the bytes streamed), lists and search, streamed downloads and sandboxed viewing,
incoming post. Every route checks access to the document's case (the same 404 for "does
not exist" and "not yours") and every read is audited."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, get, patch, post, put
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Stream

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import AccessibleCase, access_case, kommune_wide
from backend.core.errors import FieldError, NotFound, StateConflict
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal
from backend.db import SIDE
from backend.documents import files, service
from backend.documents import repository as repo
from backend.documents.files import MAX_SIZE, TOO_LARGE
from backend.documents.schemas import (
    DocumentCreate,
    DocumentCreated,
    DocumentHitPage,
    DocumentKind,
    DocumentOut,
    DocumentPage,
    DocumentPatch,
    DocumentStatusOut,
)
from tenancy.context import current_scope

Limit = Annotated[int, QueryParameter(ge=1, le=service.MAX_PAGE)]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000)]

NO_FILE = (
    "Filen fulgte ikke med, da sagen blev overført fra en anden kommune. "
    "Bed den tidligere kommune om den"
)

# What a browser may do with a file it shows: nothing active (no script, no form, no
# plugin), images from Trekant only; framed by Trekant's own pages only.
VIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def _disposition(kind: str, filename: str) -> str:
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def _case_or_404(me: Principal, case_id: uuid.UUID) -> AccessibleCase:
    """The document's case if the user may open it; the same 404, in the same words, for a
    document on a case that is not theirs as for one that does not exist."""
    try:
        return await access_case(me, case_id)
    except NotFound:
        raise NotFound(service.NOT_FOUND) from None


async def _document_case(me: Principal, document_id: uuid.UUID) -> AccessibleCase:
    return await _case_or_404(me, await service.case_of(document_id))


async def _chunks(
    code: str, document_id: uuid.UUID, stream: str, count: int
) -> AsyncIterator[bytes]:
    """The chunks of a stored file, one short tenant transaction each on one pooled
    connection: the request's transaction has committed before the body is sent. From the
    pool for work beside a request's transaction (``backend.db.SIDE``): the request still
    holds its own connection while the body streams."""
    pool = SIDE.pool
    assert pool is not None
    async with pool.acquire() as pooled:
        for seq in range(count):
            block = await repo.read_chunk(pooled, code, document_id, stream, seq)
            if block is None:
                raise RuntimeError("a document chunk vanished while it was streamed")
            yield block


class DocumentsController(Controller):
    path = "/api"
    tags = ("Dokumenter",)

    @post(
        "/cases/{case_id:uuid}/documents",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tilføj et dokument til sagen (trin 1: oplysningerne; filen sendes til upload_url)",
    )
    async def create(
        self, me: Me, case_id: FromPath[uuid.UUID], data: JSONBody[DocumentCreate]
    ) -> DocumentCreated:
        case = await access_case(me, case_id)
        document_id = await service.do_create(
            case, data, added_by=me.user_id, added_by_name=me.display_name
        )
        return DocumentCreated(id=document_id, upload_url=f"/api/documents/{document_id}/content")

    @put(
        "/documents/{document_id:uuid}/content",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Send dokumentets fil (trin 2: filen som den er, højst 100 MB)",
        request_max_body_size=MAX_SIZE,
        opt={"raw_body": True},
        status_code=200,
    )
    async def put_content(
        self, me: Me, document_id: FromPath[uuid.UUID], request: Request[Any, Any, Any]
    ) -> DocumentOut:
        case = await access_case(me, await service.pending_case(document_id))
        try:
            await service.do_receive_content(
                me.actor, me.user_id, case, document_id, request.stream()
            )
        except RequestEntityTooLarge as exc:  # Content-Length over the route's limit
            raise FieldError("content", TOO_LARGE) from exc
        return await service.get(case, document_id)

    @get(
        "/cases/{case_id:uuid}/documents",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens dokumenter, nyeste først; med q: søgning i dokumenternes tekst",
    )
    async def list_documents(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        q: FromQuery[str | None] = None,
        kind: FromQuery[DocumentKind | None] = None,
        enkeltsag_id: FromQuery[uuid.UUID | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> DocumentPage:
        case = await access_case(me, case_id)
        items, total = await service.list_case(
            case, q=q, kind=kind, enkeltsag_id=enkeltsag_id, limit=limit, offset=offset
        )
        await record(
            me.actor,
            "case.documents.read",
            str(case_id),
            view="documents",
            searched=bool(q and q.strip()),
            hits=total,
        )
        return DocumentPage(items=items, total=total)

    @get(
        "/documents/search",
        guards=[requires(Perm.CASE_READ)],
        summary="Søg i dokumenternes tekst på de sager, du kan åbne",
    )
    async def search(
        self, me: Me, q: FromQuery[str], limit: Limit = 20, offset: Offset = 0
    ) -> DocumentHitPage:
        items, total, exact = await service.search(
            q,
            user_id=me.user_id,
            kommune_wide=kommune_wide(me),
            limit=limit,
            offset=offset,
            restricted=me.case_scope is not None,
        )
        await record(me.actor, "document.search", None, hits=total)
        return DocumentHitPage(items=items, total=total, total_exact=exact)

    @get(
        "/documents/incoming",
        guards=[requires(Perm.CASE_READ)],
        summary=(
            "Indgået post, som ikke er behandlet: på mine sager, "
            "eller med hovedsag_id på den sag, hvis liste den end står på"
        ),
    )
    async def incoming(
        self,
        me: Me,
        hovedsag_id: FromQuery[uuid.UUID | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> DocumentHitPage:
        if hovedsag_id is not None:
            case = await access_case(me, hovedsag_id)
            items, total = await service.incoming_on_case(case, limit, offset)
            await record(me.actor, "document.incoming.read", str(case), hits=total)
            return DocumentHitPage(items=items, total=total)
        items, total = await service.incoming(me.user_id, limit, offset)
        if total:
            await record(me.actor, "document.incoming.read", None, hits=total)
        return DocumentHitPage(items=items, total=total)

    @get(
        "/documents/{document_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Et dokuments oplysninger",
    )
    async def get_document(self, me: Me, document_id: FromPath[uuid.UUID]) -> DocumentOut:
        case = await _document_case(me, document_id)
        found = await service.get(case, document_id)
        await record(me.actor, "document.read", str(case), document=found.title)
        return found

    @get(
        "/documents/{document_id:uuid}/status",
        guards=[requires(Perm.CASE_READ)],
        summary="Kun hvordan dokumentet kan vises nu (fremviseren spørger under konvertering)",
    )
    async def status(self, me: Me, document_id: FromPath[uuid.UUID]) -> DocumentStatusOut:
        """The same access check and 404 as the document itself, but no title, text or child:
        polling it writes no audit row. The viewer reads the document (audited) again once
        it is ready."""
        case_id, status = await service.view_status(document_id)
        await _case_or_404(me, case_id)
        return status

    @patch(
        "/documents/{document_id:uuid}",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ret et dokuments titel, type, dato eller enkeltsag",
    )
    async def update(
        self, me: Me, document_id: FromPath[uuid.UUID], data: JSONBody[DocumentPatch]
    ) -> DocumentOut:
        case = await _document_case(me, document_id)
        return await service.do_update(me.actor, case, document_id, data)

    @post(
        "/documents/{document_id:uuid}/handled",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Markér indgået post som behandlet",
        status_code=200,
    )
    async def handled(self, me: Me, document_id: FromPath[uuid.UUID]) -> DocumentOut:
        case = await _document_case(me, document_id)
        return await service.do_mark_handled(me.actor, me.display_name, case, document_id)

    @get(
        "/documents/{document_id:uuid}/content",
        guards=[requires(Perm.CASE_READ)],
        summary="Hent dokumentets fil (som download)",
        opt={"no_compression": True},
    )
    async def content(self, me: Me, document_id: FromPath[uuid.UUID]) -> Stream:
        case = await _document_case(me, document_id)
        source = await repo.get_chunk_source(document_id)
        assert source is not None and source.hovedsag_id == case
        if source.chunks == 0:
            raise StateConflict(NO_FILE)
        await record(
            me.actor, "document.downloaded", str(case), document=source.title, view="download"
        )
        return Stream(
            _chunks(current_scope().code, document_id, "original", source.chunks),
            media_type=source.content_type,
            headers={
                "content-disposition": _disposition("attachment", source.filename),
                "content-length": str(source.size),
            },
        )

    @get(
        "/documents/{document_id:uuid}/view",
        guards=[requires(Perm.CASE_READ)],
        summary="Vis dokumentet i browseren (PDF eller billede, uden aktivt indhold)",
        opt={"no_compression": True},
    )
    async def view(self, me: Me, document_id: FromPath[uuid.UUID]) -> Stream:
        case = await _document_case(me, document_id)
        source = await repo.get_chunk_source(document_id)
        assert source is not None and source.hovedsag_id == case
        if source.chunks == 0:
            raise StateConflict(NO_FILE)
        how = service.view_of(source.filename, source.rendition)
        if how == "konverterer":
            raise StateConflict("Dokumentet bliver stadig konverteret")
        if how == "ingen":
            raise StateConflict("Dokumentet kan ikke vises i browseren. Hent filen i stedet")
        kind = files.TYPES.get(files.extension(source.filename))
        rendition = (
            source.rendition == "klar" and kind is not None and kind.view in ("office", "raster")
        )
        await record(me.actor, "document.viewed", str(case), document=source.title, view="document")
        media = files.rendition_type(source.filename) if rendition else source.content_type
        suffix = ".jpg" if media == "image/jpeg" else ".pdf"
        name = source.filename.rsplit(".", 1)[0] + suffix if rendition else source.filename
        return Stream(
            _chunks(
                current_scope().code,
                document_id,
                "rendition" if rendition else "original",
                source.rendition_chunks if rendition else source.chunks,
            ),
            media_type=media,
            headers={
                "content-disposition": _disposition("inline", name),
                "content-length": str(source.rendition_size if rendition else source.size),
                "content-security-policy": VIEW_CSP,
                "x-content-type-options": "nosniff",
            },
        )
