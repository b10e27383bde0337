"""Management information, standard searches and Excel exports (docs/money.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.core.errors import FieldError
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.mi import dashboard, exports
from backend.mi import repository as repo
from backend.mi.reports import SOURCES, ScopeParams, resolve_scope
from backend.mi.repository import ExportJobStatus, ExportSource, JobStatus
from backend.mi.tables import ColumnRead, TableRead, columns_read, table_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DashboardRead(msgspec.Struct):
    scope: Literal["teams", "kommune"]
    teams: list[str]  # the teams covered (empty: the whole kommune)
    generated_at: datetime
    period_from: date  # first month of the monthly tables
    months: int
    turning_18_count: int
    open_complaints: int  # complaints not yet decided
    reconsiderations_overdue: int  # complaints whose reconsideration is past its deadline
    awaiting_committee: int  # § 47 cases awaiting børne- og ungeudvalget
    awaiting_confirmation: int  # the chair's provisional decisions awaiting the committee
    caseload: TableRead
    compliance: TableRead
    compliance_by_month: TableRead
    compliance_by_team: TableRead
    compliance_by_team_month: TableRead
    notifications_by_source: TableRead
    notifications_by_month: TableRead
    children_by_measure: TableRead
    children_by_age: TableRead
    children_by_supplier: TableRead
    turning_18: TableRead
    costs_by_measure: TableRead
    costs_by_supplier: TableRead


class ReportInfo(msgspec.Struct):
    key: str
    title: str
    description: str
    allowed: bool
    columns: list[ColumnRead]  # empty for ``mi`` (its table decides)


class ReportRequest(msgspec.Struct):
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    page: int = 1
    page_size: int = 50


class ReportPage(msgspec.Struct):
    key: str
    title: str
    columns: list[ColumnRead]
    rows: list[list[Any]]
    total: int
    page: int
    page_size: int


class ExportRequest(msgspec.Struct):
    source: str  # sager | bevillinger | betalinger | unge_18 | mi
    params: dict[str, Any] = msgspec.field(default_factory=dict)


class ExportJobRead(msgspec.Struct):
    id: uuid.UUID
    source: ExportSource
    status: JobStatus
    total_rows: int | None
    filename: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime
    percent: int | None
    message: str | None
    download_url: str | None


def _job_read(job: tuple[ExportJobStatus, dict[str, Any]]) -> ExportJobRead:
    row, prog = job
    return ExportJobRead(
        id=row.id,
        source=row.source,
        status=row.status,
        total_rows=row.total_rows,
        filename=row.filename,
        error=row.error,
        created_at=row.created_at,
        finished_at=row.finished_at,
        expires_at=row.expires_at,
        percent=prog.get("percent"),
        message=prog.get("message"),
        download_url=f"/api/exports/{row.id}/file" if row.status == "klar" else None,
    )


class MIController(Controller):
    """The dashboard of a manager (their teams) or the kommune."""

    path = "/api/mi"
    tags = ("Ledelsesinformation",)

    @get(
        "/dashboard",
        guards=[requires(Perm.MI_READ)],
        summary="Ledelsesinformation: sagstal, frister, underretninger, børn, udgifter",
    )
    async def dashboard(
        self,
        me: Me,
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
        team_id: FromQuery[uuid.UUID | None] = None,
        months: FromQuery[int] = 12,
    ) -> DashboardRead:
        """A manager sees their own teams by default (``scope=kommune`` for the whole
        kommune, ``team_id`` for one of theirs); finance sees the kommune."""
        if not (1 <= months <= 36):
            raise FieldError("months", "Vælg mellem 1 og 36 måneder")
        p = await resolve_scope(me, ScopeParams(scope=scope_, team_id=team_id), "")
        board = await dashboard.dashboard(dashboard.Scope(p.teams, months))
        names = await repo.list_names_of_teams(p.teams) if p.teams else []
        t = {k: table_read(v) for k, v in board.tables.items()}
        return DashboardRead(
            scope="kommune" if p.teams is None else "teams",
            teams=names,
            generated_at=board.generated_at,
            period_from=board.since,
            months=months,
            turning_18_count=board.turning_18_count,
            open_complaints=board.open_complaints,
            reconsiderations_overdue=board.reconsiderations_overdue,
            awaiting_committee=board.awaiting_committee,
            awaiting_confirmation=board.awaiting_confirmation,
            **t,
        )

    @get(
        "/turning-18",
        guards=[requires(Perm.MI_READ)],
        summary="Anbragte unge, der fylder 18 inden for 12 måneder (med navne; revisionslogges)",
    )
    async def turning_18(
        self,
        me: Me,
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
        team_id: FromQuery[uuid.UUID | None] = None,
    ) -> TableRead:
        p = await resolve_scope(me, ScopeParams(scope=scope_, team_id=team_id), "")
        rows = await dashboard.turning_18(dashboard.Scope(p.teams))
        await record(me.actor, "mi.turning_18.read", None, rows=len(rows))
        return TableRead(
            "turning_18_list",
            "Anbragte unge, der fylder 18 inden for 12 måneder",
            "table",
            columns_read(dashboard.TURNING_18_COLUMNS),
            dashboard.turning_18_list(rows),
        )

    @get(
        "/support-after-18",
        guards=[requires(Perm.MI_READ)],
        summary="Unge med ungestøtte efter det 18. år (§ 114; med navne; revisionslogges)",
    )
    async def support_after_18(
        self,
        me: Me,
        scope_: Annotated[str | None, QueryParameter(name="scope")] = None,
        team_id: FromQuery[uuid.UUID | None] = None,
    ) -> TableRead:
        p = await resolve_scope(me, ScopeParams(scope=scope_, team_id=team_id), "")
        rows = await dashboard.support_after_18(dashboard.Scope(p.teams))
        await record(me.actor, "mi.support_after_18.read", None, rows=len(rows))
        return TableRead(
            "support_after_18_list",
            "Unge med ungestøtte efter det 18. år",
            "table",
            columns_read(dashboard.SUPPORT_AFTER_18_COLUMNS),
            rows,
        )


class ReportController(Controller):
    """Standard searches (result lists with typed columns) and their Excel export."""

    path = "/api"
    tags = ("Standardsøgninger og Excel",)

    @get("/reports", guards=[requires(Perm.CASE_READ)], summary="Standardsøgninger og adgang")
    async def reports(self, me: Me) -> list[ReportInfo]:
        out = []
        for s in SOURCES.values():
            cols = [] if s.key == "mi" else await s.columns(me, None)
            out.append(ReportInfo(s.key, s.title, s.description, s.allowed(me), columns_read(cols)))
        return out

    @post(
        "/reports/{key:str}",
        guards=[requires(Perm.CASE_READ)],
        summary="Kør en standardsøgning (en side af resultatet)",
        status_code=200,
    )
    async def run_report(
        self,
        me: Me,
        key: FromPath[str],
        data: JSONBody[ReportRequest],
    ) -> ReportPage:
        if data.page < 1 or not (1 <= data.page_size <= 200):
            raise FieldError("page", "page >= 1 og 1 <= page_size <= 200")
        source, params = await exports.prepare(me, key, data.params)
        total = await source.count(me, params)
        columns = await source.columns(me, params)
        rows = await source.page(me, params, data.page_size, (data.page - 1) * data.page_size)
        await record(me.actor, "report.read", None, source=source.key, hits=total)
        return ReportPage(
            key=source.key,
            title=source.title,
            columns=columns_read(columns),
            rows=rows,
            total=total,
            page=data.page,
            page_size=data.page_size,
        )

    @post(
        "/exports",
        guards=[requires(Perm.CASE_READ)],
        summary="Eksportér til Excel: 200 med filen (små udtræk) eller 202 med et job",
        status_code=200,
        media_type=XLSX,
        responses={
            202: ResponseSpec(
                data_container=ExportJobRead,
                generate_examples=False,
                description="Large export: the background job (poll it, then download)",
            )
        },
    )
    async def export(self, me: Me, data: JSONBody[ExportRequest]) -> Response[Any]:
        """Up to 5,000 rows: 200 with the .xlsx file. More: 202 with the job (poll
        ``GET /api/exports/{id}``; download from ``download_url`` when ``status`` is
        ``klar``). 403 when the user's roles may not see the source's data."""
        result = await exports.do_export(me, data.source, data.params)
        if isinstance(result, uuid.UUID):
            job = await exports.job_status(me, result)
            return Response(
                msgspec.to_builtins(_job_read(job)), status_code=202, media_type="application/json"
            )
        name, content = result
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/exports/{export_id:uuid}", guards=[requires(Perm.CASE_READ)], summary="Et eksportjob")
    async def export_status(self, me: Me, export_id: FromPath[uuid.UUID]) -> ExportJobRead:
        return _job_read(await exports.job_status(me, export_id))

    @get(
        "/exports/{export_id:uuid}/file",
        guards=[requires(Perm.CASE_READ)],
        summary="Hent Excel-filen (revisionslogges)",
        media_type=XLSX,
    )
    async def export_file(self, me: Me, export_id: FromPath[uuid.UUID]) -> Response[bytes]:
        name, content = await exports.download(me, export_id)
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


CONTROLLERS = [MIController, ReportController]
