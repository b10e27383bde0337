"""The ICS API: the method, a case's documents, writing (autosave), submitting, approving,
returning, new versions, comparing versions and the printed PDF.

Every document belongs to a case, and every route first checks the case with
``access_case`` (the same 404 for a missing document and one on a case that is not
yours). Every read of a document's content is a case read and is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import anyio
import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.boundary import INT4_MAX
from backend.casework.access import AccessibleCase, access_case, kommune_wide
from backend.casework.repository import team_ids_of
from backend.core.danish import DK, today_dk
from backend.core.errors import NotFound
from backend.core.measures import MEASURES
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal
from backend.ics import render
from backend.ics import service as ics
from backend.ics.method import KINDS, STATUSES, labelled, method, methods, view
from backend.ics.repository import DeadlineRow, DocRow, ListedVersion, MeasureRow, VersionRow
from backend.ics.schemas import (
    Approval,
    ApprovalItem,
    Approvals,
    CaseDocuments,
    ChildInfo,
    Created,
    DeadlineRead,
    DiffField,
    DiffRead,
    DocumentRead,
    DraftSave,
    DraftSaved,
    GoalRef,
    IcsContent,
    IcsSettings,
    InvestigationContent,
    InvestigationCreate,
    MeasureRef,
    MethodRead,
    NeedRef,
    OpenInvestigation,
    Permissions,
    PlanContent,
    Return,
    RevOnly,
    SeriesRead,
    Transition,
    VersionRead,
)
from backend.ics.service import NOT_FOUND
from tenancy.context import current_scope


async def access_document(me: Principal, doc_id: uuid.UUID) -> AccessibleCase:
    """The document's case, if ``me`` may open it; the same 404 for a missing document and
    one on a case that is not ``me``'s."""
    case_id = await ics.case_of(doc_id)
    if case_id is None:
        raise NotFound(NOT_FOUND)
    try:
        return await access_case(me, case_id)
    except NotFound as exc:
        raise NotFound(NOT_FOUND) from exc


def _version(row: VersionRow) -> VersionRead:
    return VersionRead(
        id=row.id,
        series_id=row.series_id,
        kind=row.kind,
        version_no=row.version_no,
        status=row.status,
        status_label=STATUSES[row.status],
        rev=row.rev,
        created_by=row.created_by,
        created_at=row.created_at,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        changed_by_name=row.changed_by_name,
        submitted_by_name=row.submitted_by_name,
        approved_by_name=row.approved_by_name,
    )


def _deadline(row: DeadlineRow) -> DeadlineRead:
    due = row.due_at
    return DeadlineRead(
        activity_id=row.id,
        rule_id=row.rule_id,
        title=row.title,
        basis=row.basis,
        due_at=due,
        status=row.status,
        overdue=bool(row.overdue),
        days_left=(due.astimezone(DK).date() - today_dk()).days
        if due and row.status == "open"
        else None,
        completed_at=row.completed_at,
    )


def _measure_label(kind: str) -> str:
    return MEASURES.get(kind, (kind, False))[0]


async def _context(
    row: DocRow, content: IcsContent
) -> tuple[render.Context, list[MeasureRow], DocRow | None]:
    """What the document refers to: the case's measures, and for a follow-up its plan."""
    measures = await ics.measures_of(row.hovedsag_id)
    plan_goals: dict[str, str] = {}
    source: DocRow | None = None
    if row.derived_from_id is not None:
        source = await ics.load(row.derived_from_id)
        if row.kind == "opfoelgning":
            plan_goals = {g.id: g.goal for g in ics.as_plan(source.content).goals}
    ctx = render.Context(
        measures={m.id: _measure_label(m.kind) for m in measures}, plan_goals=plan_goals
    )
    return ctx, measures, source


class ICSController(Controller):
    """Børnefaglig undersøgelse (§ 20), barnets plan (§§ 91-92) and opfølgning (§ 95)
    structured by the ICS triangle, in versions."""

    path = "/api"
    tags = ("ICS",)

    @get(
        "/ics/method",
        guards=[requires(Perm.CASE_READ)],
        summary="ICS-metoden: trekantens sider og dimensioner, kilder og feltnavne",
    )
    async def get_method(self, id: FromQuery[str | None] = None) -> MethodRead:
        """The current method, or the one a document was written with (``?id=``)."""
        if id and id not in methods():
            raise NotFound("Ukendt ICS-metode")
        m = method(id) if id else method()
        return MethodRead(
            method=m,
            kinds=list(KINDS.values()),
            statuses=labelled(STATUSES),
            approval_requires_other=await ics.approval_requires_other(),
        )

    @get(
        "/ics/settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Kommunens indstilling for godkendelse af ICS-dokumenter",
    )
    async def get_settings(self) -> IcsSettings:
        return IcsSettings(approval_requires_other=await ics.approval_requires_other())

    @put(
        "/ics/settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Kræv (eller ej) at en anden leder godkender end den, der indsendte",
    )
    async def put_settings(self, me: Me, data: JSONBody[IcsSettings]) -> IcsSettings:
        await ics.set_approval_requires_other(data.approval_requires_other)
        await record(
            me.actor,
            "settings.changed",
            None,
            ics_approval_requires_other=data.approval_requires_other,
        )
        return data

    @get(
        "/ics/til-godkendelse",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Lederens liste: indsendte ICS-dokumenter, der venter på godkendelse",
    )
    async def awaiting_approval(self, me: Me) -> Approvals:
        """Submitted versions on the open cases the manager may open, those of the
        manager's own teams first, then by the earliest open deadline the version answers
        (e.g. the investigation's 4 months) and the oldest submission. Names and dates
        only, no content (like the team overview, not audited as a case read)."""
        limit = 200
        rows = await ics.awaiting_approval(me.user_id, kommune_wide(me), limit)
        now = datetime.now(DK)
        return Approvals(
            teams=[name for _, name in await team_ids_of(me.user_id)],
            items=[
                ApprovalItem(
                    document_id=r.id,
                    series_id=r.series_id,
                    kind=r.kind,
                    kind_label=KINDS[r.kind].label,
                    version_no=r.version_no,
                    hovedsag_id=r.hovedsag_id,
                    child_id=r.child_id,
                    child_name=r.child_name,
                    caseworker=r.caseworker,
                    team=r.team,
                    submitted_by=r.submitted_by,
                    submitted_by_name=r.submitted_by_name,
                    submitted_at=r.submitted_at,
                    due_at=r.due_at,
                    overdue=r.due_at is not None and r.due_at < now,
                    in_my_teams=bool(r.in_my_teams),
                    own=r.submitted_by == me.actor,
                )
                for r in rows
            ],
            approval_requires_other=await ics.approval_requires_other(),
            limit=limit,
        )

    @get(
        "/cases/{case_id:uuid}/ics",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens ICS-dokumenter: undersøgelser, planer og opfølgninger med versioner",
    )
    async def list_documents(self, me: Me, case_id: FromPath[uuid.UUID]) -> CaseDocuments:
        case = await access_case(me, case_id)
        rows = await ics.case_documents(case)
        series: dict[uuid.UUID, list[ListedVersion]] = {}
        for r in rows:
            series.setdefault(r.series_id, []).append(r)
        order = {k: i for i, k in enumerate(KINDS)}
        items = [
            SeriesRead(
                series_id=sid,
                kind=vs[0].kind,
                kind_label=KINDS[vs[0].kind].label,
                enkeltsag_id=vs[-1].enkeltsag_id,
                derived_from_id=vs[-1].derived_from_id,
                latest=_version(vs[-1]),
                versions=[_version(v) for v in vs],
            )
            for sid, vs in sorted(
                series.items(), key=lambda s: (order[s[1][0].kind], s[1][0].created_at)
            )
        ]
        running = await ics.open_investigation(case)
        await record(me.actor, "case.read", str(case_id), view="ics.list")
        return CaseDocuments(
            hovedsag_id=case,
            series=items,
            open_investigation=OpenInvestigation(
                enkeltsag_id=running.id,
                aware_since=running.aware_since,
                due_at=running.due_at,
                has_document=running.has_document,
            )
            if running
            else None,
        )

    @post(
        "/cases/{case_id:uuid}/ics/undersoegelser",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Påbegynd den børnefaglige undersøgelse (ICS); starter undersøgelsen om nødvendigt",
        status_code=201,
    )
    async def start_investigation(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[InvestigationCreate],
    ) -> Created:
        """Uses the case's running investigation (Barnets Lov § 20, with its 4-month
        deadline). With none running, ``aware_since`` starts one first; without it, 400 on
        ``aware_since``. 409 ``open_version`` when the investigation already has a document."""
        case = await access_case(me, case_id)
        started = await ics.do_start_investigation(me.actor, case, data.aware_since)
        return Created(
            document=_version(started.row), started_investigation=started.started_investigation
        )

    @post(
        "/ics/{doc_id:uuid}/plan",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Lav barnets plan ud fra undersøgelsen: udækkede behov bliver forslag til mål",
        status_code=201,
    )
    async def create_plan(self, me: Me, doc_id: FromPath[uuid.UUID]) -> Created:
        """``doc_id`` is a submitted or approved investigation. With a plan already on the
        case this starts the plan's next version (409 ``open_version`` if one is open)."""
        await access_document(me, doc_id)
        row = await ics.do_create_plan(me.actor, doc_id)
        return Created(document=_version(row))

    @post(
        "/ics/{doc_id:uuid}/opfoelgning",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Påbegynd en opfølgning (§ 95) på en godkendt plan",
        status_code=201,
    )
    async def create_follow_up(self, me: Me, doc_id: FromPath[uuid.UUID]) -> Created:
        await access_document(me, doc_id)
        row = await ics.do_create_follow_up(me.actor, doc_id)
        return Created(document=_version(row))

    @get(
        "/ics/{doc_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Et ICS-dokument (en version) med indhold, frister og versioner",
    )
    async def get_document(self, me: Me, doc_id: FromPath[uuid.UUID]) -> DocumentRead:
        case = await access_document(me, doc_id)
        row = await ics.load(doc_id)
        content = ics.decode(row.content)
        child = await ics.child_of(case)
        all_versions = await ics.versions(row.series_id)
        other = await ics.approval_requires_other()
        plan_goals = source_needs = measures = None
        if row.kind != "undersoegelse":
            _, measure_rows, source = await _context(row, content)
            measures = [
                MeasureRef(m.id, m.kind, _measure_label(m.kind), m.starts_on, m.ends_on)
                for m in measure_rows
            ]
            if source is not None:
                src = ics.decode(source.content)
                if isinstance(src, InvestigationContent):
                    source_needs = [NeedRef(n.id, n.text) for n in src.unmet_needs]
                elif isinstance(src, PlanContent):
                    plan_goals = [
                        GoalRef(g.id, g.goal, g.measurable, g.responsible) for g in src.goals
                    ]
        await record(
            me.actor,
            "case.read",
            str(case),
            view="ics.document",
            document=str(doc_id),
            child=str(child.id),
        )
        return DocumentRead(
            id=row.id,
            series_id=row.series_id,
            hovedsag_id=row.hovedsag_id,
            enkeltsag_id=row.enkeltsag_id,
            kind=row.kind,
            kind_label=KINDS[row.kind].label,
            version_no=row.version_no,
            status=row.status,
            status_label=STATUSES[row.status],
            locked=row.status != "kladde",
            method=row.method,
            rev=row.rev,
            content=content,
            created_by=row.created_by,
            created_at=row.created_at,
            changed_by=row.changed_by,
            changed_at=row.changed_at,
            submitted_by=row.submitted_by,
            submitted_at=row.submitted_at,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            changed_by_name=row.changed_by_name,
            submitted_by_name=row.submitted_by_name,
            approved_by_name=row.approved_by_name,
            returned_by=row.returned_by,
            returned_by_name=row.returned_by_name,
            returned_at=row.returned_at,
            return_reason=row.return_reason,
            based_on_id=row.based_on_id,
            derived_from_id=row.derived_from_id,
            child=ChildInfo(child.id, child.name, child.birth_date),
            deadlines=[_deadline(d) for d in await ics.deadlines(row, content)],
            versions=[_version(v) for v in all_versions],
            may=_may(me, row, all_versions, other, child.closed_at is None),
            approval_requires_other=other,
            plan_goals=plan_goals,
            source_needs=source_needs,
            measures=measures,
        )

    @put(
        "/ics/{doc_id:uuid}/draft",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Gem kladden (autosave); 409 med det gemte indhold, hvis en anden har gemt",
    )
    async def save_draft(
        self,
        me: Me,
        doc_id: FromPath[uuid.UUID],
        data: JSONBody[DraftSave],
    ) -> DraftSaved:
        """``rev`` is the revision the client's text is based on; the answer gives the new
        one. A stale ``rev``: 409 ``{reason: "stale", rev, changed_by, changed_by_name,
        changed_at, content}`` (the stored content) and nothing is saved or merged. Not a draft
        any more: 409 ``{reason: "locked"}``."""
        await access_document(me, doc_id)
        saved = await ics.do_save_draft(me.actor, doc_id, data.rev, data.content)
        return DraftSaved(
            rev=saved.rev,
            changed_by=saved.changed_by,
            changed_at=saved.changed_at,
            content=saved.content,
        )

    @post(
        "/ics/{doc_id:uuid}/submit",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Indsend til godkendelse; 400 nævner alt, hvad der mangler",
        status_code=200,
    )
    async def submit(
        self,
        me: Me,
        doc_id: FromPath[uuid.UUID],
        data: JSONBody[RevOnly],
    ) -> Transition:
        """400: ``extra`` lists every missing or invalid part as ``{key, label, message,
        missing: true}`` (``key`` is the path in the content, e.g.
        ``dimensions.sundhedsforhold`` or ``goals.0.responsible``)."""
        await access_document(me, doc_id)
        row = await ics.do_submit(me.actor, doc_id, data.rev)
        return Transition(document=_version(row))

    @post(
        "/ics/{doc_id:uuid}/approve",
        guards=[requires(Perm.CASE_APPROVE)],
        summary="Godkend (leder): versionen låses, og sagens frister opfyldes",
        status_code=200,
    )
    async def approve(
        self,
        me: Me,
        doc_id: FromPath[uuid.UUID],
        data: JSONBody[Approval],
    ) -> Transition:
        """403 when the kommune requires another approver and the manager submitted the
        version. Approving an investigation completes the running investigation (its
        4-month deadline); a plan records the plan step; a follow-up records the § 95
        follow-up with the next one and may start a new plan version."""
        case = await access_document(me, doc_id)
        done = await ics.do_approve(me.actor, me.display_name, case, doc_id, data.rev, data.note)
        return Transition(
            document=_version(done.row),
            completed=done.completed,
            created_activities=done.created,
            new_plan_version=_version(done.new_plan) if done.new_plan is not None else None,
        )

    @post(
        "/ics/{doc_id:uuid}/return",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Send en indsendt version tilbage til kladde (leder, eller den der indsendte)",
        status_code=200,
    )
    async def return_to_draft(
        self,
        me: Me,
        doc_id: FromPath[uuid.UUID],
        data: JSONBody[Return],
    ) -> Transition:
        await access_document(me, doc_id)
        row = await ics.do_return(
            me.actor,
            doc_id,
            data.rev,
            data.reason,
            manager=Perm.CASE_APPROVE in me.permissions,
        )
        return Transition(document=_version(row))

    @post(
        "/ics/{doc_id:uuid}/new-version",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ny version: kopi af seneste godkendte version som kladde",
        status_code=201,
    )
    async def new_version(self, me: Me, doc_id: FromPath[uuid.UUID]) -> Created:
        """409 ``open_version`` (naming it) while the series has a draft or submitted
        version."""
        await access_document(me, doc_id)
        row = await ics.do_new_version(me.actor, doc_id)
        return Created(document=_version(row))

    @get(
        "/ics/series/{series_id:uuid}/diff",
        guards=[requires(Perm.CASE_READ)],
        summary="Sammenlign to versioner felt for felt (side om side)",
    )
    async def diff(
        self,
        me: Me,
        series_id: FromPath[uuid.UUID],
        a: Annotated[int | None, QueryParameter(ge=1, le=INT4_MAX)] = None,
        b: Annotated[int | None, QueryParameter(ge=1, le=INT4_MAX)] = None,
    ) -> DiffRead:
        """``a`` and ``b`` are version numbers; by default the latest version (``b``) and
        the one before it (``a``)."""
        case_id = await ics.case_of_series(series_id)
        if case_id is None:
            raise NotFound(NOT_FOUND)
        try:
            await access_case(me, case_id)
        except NotFound as exc:
            raise NotFound(NOT_FOUND) from exc
        all_versions = await ics.versions(series_id)
        b_no = b if b is not None else all_versions[-1].version_no
        a_no = a if a is not None else max(1, b_no - 1)
        row_a = await ics.version_by_no(series_id, a_no)
        row_b = await ics.version_by_no(series_id, b_no)
        v = view(row_b.method)
        content_a, content_b = ics.decode(row_a.content), ics.decode(row_b.content)
        ctx, _, _ = await _context(row_b, content_b)
        ctx_a, _, _ = await _context(row_a, content_a)
        ctx.plan_goals = {**ctx_a.plan_goals, **ctx.plan_goals}
        rows = render.diff(
            render.fields(row_a.kind, content_a, view(row_a.method), ctx),
            render.fields(row_b.kind, content_b, v, ctx),
        )
        await record(
            me.actor,
            "case.read",
            str(case_id),
            view="ics.diff",
            series=str(series_id),
            versions=[a_no, b_no],
        )
        fields = [DiffField(k, g, lbl, old, new, ch) for k, g, lbl, old, new, ch in rows]
        child = await ics.child_of(case_id)
        return DiffRead(
            series_id=series_id,
            kind=row_b.kind,
            a=_version(row_a),
            b=_version(row_b),
            fields=fields,
            changed=sum(1 for f in fields if f.changed),
            kind_label=KINDS[row_b.kind].label,
            hovedsag_id=case_id,
            child=ChildInfo(child.id, child.name, child.birth_date),
            versions=[_version(v) for v in all_versions],
        )

    @get(
        "/ics/{doc_id:uuid}/pdf",
        guards=[requires(Perm.CASE_READ)],
        summary="Udskriv som PDF (til familien); journaliseres på sagen",
        media_type="application/pdf",
    )
    async def pdf(self, me: Me, doc_id: FromPath[uuid.UUID]) -> Response[bytes]:
        case = await access_document(me, doc_id)
        row = await ics.load(doc_id)
        content = ics.decode(row.content)
        child = await ics.child_of(case)
        ctx, _, _ = await _context(row, content)
        v = view(row.method)
        names = {
            **await ics.display_names([row.submitted_by, row.approved_by, me.actor]),
            me.actor: me.display_name,
        }
        shown = msgspec.structs.asdict(row)
        for key in ("submitted_by", "approved_by"):
            shown[key] = names.get(shown[key], shown[key])
        document_html = render.pdf_html(
            kommune=f"{current_scope().name} Kommune",
            child_name=child.name,
            birth_date=child.birth_date,
            row=shown,
            rendered=render.fields(row.kind, content, v, ctx),
            method_name=v.method.name,
            printed_by=me.display_name,
        )
        await ics.do_journal_pdf(me.actor, row)
        await record(
            me.actor,
            "case.read",
            str(case),
            view="ics.pdf",
            document=str(doc_id),
            child=str(child.id),
        )
        pdf = await anyio.to_thread.run_sync(render.render_pdf, document_html)
        day = datetime.now(DK).strftime("%Y-%m-%d")
        slug = {"undersoegelse": "boernefaglig-undersoegelse", "plan": "barnets-plan"}.get(
            row.kind, "opfoelgning"
        )
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="{slug}-version-{row.version_no}-{day}.pdf"'
                ),
                "Cache-Control": "no-store",
            },
        )


def _may(
    me: Principal, row: DocRow, all_versions: list[VersionRow], other: bool, case_open: bool
) -> Permissions:
    write = Perm.CASE_WRITE in me.permissions and case_open
    approve = Perm.CASE_APPROVE in me.permissions and case_open
    status = row.status
    latest = all_versions[-1]
    draft = write and status == "kladde"
    submitted = status == "indsendt"
    return Permissions(
        edit=draft,
        submit=draft,
        approve=approve and submitted and not (other and row.submitted_by == me.actor),
        return_to_draft=write and submitted and (approve or row.submitted_by == me.actor),
        new_version=write and latest.status == "godkendt",
        create_plan=write and row.kind == "undersoegelse" and status != "kladde",
        create_follow_up=write and row.kind == "plan" and status == "godkendt",
    )
