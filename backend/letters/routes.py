"""Letters over HTTP: the administrator's templates (``/api/letter-templates``) and a case's
letters (``/api/cases/{case_id}/letters``): new from a template, autosave, preview, send.
Every route on a case checks access first (the same 404 for unknown and not yours) and
audits the read."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework.access import access_case
from backend.core.danish import today_dk
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal
from backend.letters import sending, service
from backend.letters.schemas import (
    LetterCreate,
    Letterhead,
    LetterList,
    LetterNew,
    LetterRead,
    LetterSaved,
    LetterSend,
    LetterSent,
    LetterUpdate,
    Retire,
    TemplateCreate,
    TemplateLine,
    TemplatePreview,
    TemplateRead,
    TemplateUpdate,
    Vocabulary,
)
from backend.network.cpr_source import CprSource
from backend.network.lookups import limited_source


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _register(request: Request[Any, Any, Any], me: Principal, case: uuid.UUID) -> CprSource:
    """The CPR register as a letter asks it (is a recipient exempt from Digital Post?): every
    question rate-limited with the other CPR lookups and audited on the case."""
    return limited_source(request, me.actor, str(case), purpose="brev")


class LetterTemplateController(Controller):
    path = "/api/letter-templates"
    tags = ("Breve",)

    @get("/fields", guards=[requires(Perm.USERS_MANAGE)], summary="Flettefelterne")
    async def fields(self) -> Vocabulary:
        return service.vocabulary()

    @get("", guards=[requires(Perm.USERS_MANAGE)], summary="Kommunens brevskabeloner")
    async def list_templates(self, include_retired: FromQuery[bool] = False) -> list[TemplateLine]:
        return await service.templates(include_retired)

    @post("", guards=[requires(Perm.USERS_MANAGE)], summary="Ny brevskabelon")
    async def create(self, me: Me, data: JSONBody[TemplateCreate]) -> TemplateRead:
        template_id = await service.do_create_template(me.actor, data)
        await record(me.actor, "settings.changed", str(template_id), name=data.title.strip())
        return await service.template(template_id)

    @get("/letterhead", guards=[requires(Perm.USERS_MANAGE)], summary="Kommunens brevhoved")
    async def get_letterhead(self) -> Letterhead:
        return await service.letterhead()

    @put("/letterhead", guards=[requires(Perm.USERS_MANAGE)], summary="Ret brevhovedet")
    async def set_letterhead(self, me: Me, data: JSONBody[Letterhead]) -> Letterhead:
        saved = await service.do_set_letterhead(data)
        await record(me.actor, "settings.changed", None, name="Brevhoved")
        return saved

    @post(
        "/preview",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Forhåndsvis en skabelon med en eksempelsag (PDF)",
        media_type="application/pdf",
        status_code=200,
    )
    async def preview(self, data: JSONBody[TemplatePreview]) -> Response[bytes]:
        return _pdf(await service.template_preview(data.title, data.body), "forhaandsvisning.pdf")

    @get("/{template_id:uuid}", guards=[requires(Perm.USERS_MANAGE)], summary="Én skabelon")
    async def get_template(self, template_id: FromPath[uuid.UUID]) -> TemplateRead:
        return await service.template(template_id)

    @put(
        "/{template_id:uuid}",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Gem en ny version af skabelonen",
    )
    async def update(
        self, me: Me, template_id: FromPath[uuid.UUID], data: JSONBody[TemplateUpdate]
    ) -> TemplateRead:
        version = await service.do_update_template(me.actor, template_id, data)
        await record(
            me.actor, "settings.changed", str(template_id), name=data.title, versions=version
        )
        return await service.template(template_id)

    @post(
        "/{template_id:uuid}/retire",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Tag skabelonen ud af brug",
        status_code=200,
    )
    async def retire(
        self, me: Me, template_id: FromPath[uuid.UUID], data: JSONBody[Retire]
    ) -> TemplateRead:
        await service.do_retire_template(me.actor, template_id, data.version)
        await record(me.actor, "settings.changed", str(template_id), status="taget ud af brug")
        return await service.template(template_id)


class LetterController(Controller):
    path = "/api/cases/{case_id:uuid}/letters"
    tags = ("Breve",)

    @get("", guards=[requires(Perm.CASE_READ)], summary="Sagens breve (kladder og sendte)")
    async def list_letters(self, me: Me, case_id: FromPath[uuid.UUID]) -> LetterList:
        case = await access_case(me, case_id)
        items = await service.letters(case)
        await record(me.actor, "case.read", str(case), view="letters")
        return LetterList(items)

    @get(
        "/new",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Skabeloner og modtagere til et nyt brev, med forslag ud fra sagens skridt",
    )
    async def new(
        self, request: Request[Any, Any, Any], me: Me, case_id: FromPath[uuid.UUID]
    ) -> LetterNew:
        case = await access_case(me, case_id)
        found = await service.new_letter(case, _register(request, me, case))
        await record(me.actor, "case.read", str(case), view="network")
        return found

    @post("", guards=[requires(Perm.CASE_WRITE)], summary="Nyt brev (kladde) fra en skabelon")
    async def create(
        self,
        request: Request[Any, Any, Any],
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[LetterCreate],
    ) -> LetterRead:
        case = await access_case(me, case_id)
        letter_id = await service.do_create_letter(
            me, case, data.template_id, data.recipients, data.answer_by
        )
        return await service.letter(case, letter_id, _register(request, me, case))

    @get("/{letter_id:uuid}", guards=[requires(Perm.CASE_READ)], summary="Ét brev")
    async def get_letter(
        self,
        request: Request[Any, Any, Any],
        me: Me,
        case_id: FromPath[uuid.UUID],
        letter_id: FromPath[uuid.UUID],
    ) -> LetterRead:
        case = await access_case(me, case_id)
        found = await service.letter(case, letter_id, _register(request, me, case))
        await record(me.actor, "case.read", str(case), view="letter", letter=str(letter_id))
        return found

    @patch(
        "/{letter_id:uuid}",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Gem kladden (automatisk)",
    )
    async def update(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        letter_id: FromPath[uuid.UUID],
        data: JSONBody[LetterUpdate],
    ) -> LetterSaved:
        case = await access_case(me, case_id)
        return await service.do_update_letter(case, letter_id, data)

    @get(
        "/{letter_id:uuid}/pdf",
        guards=[requires(Perm.CASE_READ)],
        summary="Brevet som PDF (forhåndsvisning)",
        media_type="application/pdf",
    )
    async def pdf(
        self, me: Me, case_id: FromPath[uuid.UUID], letter_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        case = await access_case(me, case_id)
        content = await service.letter_preview(case, letter_id)
        await record(me.actor, "case.read", str(case), view="letter.pdf", letter=str(letter_id))
        return _pdf(content, f"brev-{today_dk().isoformat()}.pdf")

    @post(
        "/{letter_id:uuid}/send",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Send brevet: PDF/A på sagen, afsendelse til hver modtager, lovens skridt",
        status_code=200,
    )
    async def send(
        self,
        request: Request[Any, Any, Any],
        me: Me,
        case_id: FromPath[uuid.UUID],
        letter_id: FromPath[uuid.UUID],
        data: JSONBody[LetterSend],
    ) -> LetterSent:
        case = await access_case(me, case_id)
        return await sending.do_send(
            me, case, letter_id, data.version, _register(request, me, case)
        )
