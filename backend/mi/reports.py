"""Standard searches: result lists with typed columns that the PWA pages through and that
export to Excel. Each source says who may use it (any of its permissions), validates its
parameters (a msgspec Struct), counts, and fetches rows in column order.

Sources: case search (``sager``), bevillinger, payments (``betalinger``), placed young
people turning 18 (``unge_18``) and every management-information table (``mi``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec

from backend.casework import access, process
from backend.casework import repository as case_repo
from backend.casework.repository import reachable_team_ids, team_ids_of
from backend.casework.schemas import SearchQuery
from backend.children.repository import age_on
from backend.core.cpr import check_cpr
from backend.core.danish import today_dk
from backend.core.errors import FieldError
from backend.core.permissions import Perm
from backend.core.principal import Principal
from backend.mi import dashboard
from backend.mi import repository as repo
from backend.mi.tables import Column
from backend.money.catalogue import FREQUENCIES, MEASURE_TYPES, UNITS
from backend.money.costs import Line, bevilling_costs
from backend.money.payments import STATUS_LABELS as PAYMENT_STATUS


class BevillingParams(msgspec.Struct):
    measure_kind: str | None = None
    supplier_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    on: date | None = None  # running on this date (default today)
    include_ended: bool = False


class PaymentParams(msgspec.Struct):
    status: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    supplier_id: uuid.UUID | None = None
    bevilling_id: uuid.UUID | None = None


class ScopeParams(msgspec.Struct):
    scope: str | None = None  # teams | kommune (a manager sees own teams by default)
    team_id: uuid.UUID | None = None
    # Resolved by the server from ``scope`` (the user's teams); not to be sent.
    teams: list[uuid.UUID] | None = None
    resolved: bool = False


class MiParams(ScopeParams):
    table: str = "compliance"
    months: int = 12


Rows = list[list[Any]]


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    description: str
    perms: tuple[Perm, ...]
    params: type[msgspec.Struct]
    columns: Callable[[Principal, Any], Awaitable[list[Column]]]
    count: Callable[[Principal, Any], Awaitable[int]]
    page: Callable[[Principal, Any, int, int], Awaitable[Rows]]  # a page of rows
    resolve: Callable[[Principal, Any], Awaitable[Any]] | None = None

    def allowed(self, me: Principal) -> bool:
        return any(p in me.permissions for p in self.perms)


# ---- case search ------------------------------------------------------------------------

CASE_COLUMNS = [
    Column("child", "Barn"),
    Column("age", "Alder", "int"),
    Column("stage", "Fase"),
    Column("opened_at", "Åbnet", "date"),
    Column("closed_at", "Lukket", "date"),
    Column("caseworker", "Sagsbehandler"),
    Column("team", "Team"),
    Column("open_activities", "Åbne aktiviteter", "int"),
    Column("overdue_activities", "Overskredne frister", "int"),
    Column("can_open", "Kan åbnes", "bool"),
    Column("hovedsag_id", "Sags-id"),
]
STAGES = {
    "afklaring": "Afklaring",
    "undersoegelse": "Undersøgelse",
    "afgoerelse": "Afgørelse",
    "indsats": "Indsats",
    "afsluttet": "Afsluttet",
}


def _cpr_of(q: SearchQuery) -> str | None:
    text = (q.text or "").strip()
    if text.replace("-", "").replace(" ", "").isdigit():
        cpr, _ = check_cpr(text, field="params.text")
        return cpr
    return None


def _check_search(q: SearchQuery) -> None:
    if q.deadline not in (None, "", "overdue", "due_week", "none_open"):
        raise FieldError("params.deadline", "Ukendt fristfilter")
    if q.measure and q.measure not in process.MEASURES:
        raise FieldError("params.measure", "Ukendt indsatstype")


async def _case_count(me: Principal, q: SearchQuery) -> int:
    _check_search(q)
    _, total = await case_repo.search(
        msgspec.structs.replace(q, page=1, page_size=0), _cpr_of(q), today_dk()
    )
    return total


async def _case_fetch(me: Principal, q: SearchQuery, limit: int, offset: int) -> Rows:
    _check_search(q)
    if limit <= 0:
        return []
    # The case core's search pages by page number; ask for pages of ``limit`` rows.
    page = offset // limit + 1 if offset % limit == 0 else None
    if page is None:
        raise ValueError("offset must be a multiple of limit")
    today = today_dk()
    rows, _ = await case_repo.search(
        msgspec.structs.replace(q, page=page, page_size=limit), _cpr_of(q), today
    )
    openable = await access.may_open(me, [r.hovedsag_id for r in rows])
    return [
        [
            r.child_name,
            age_on(r.birth_date, today),
            STAGES.get(r.stage, r.stage),
            r.opened_at,
            r.closed_at,
            r.caseworker,
            r.team,
            r.open_activities,
            r.overdue_activities,
            r.hovedsag_id in openable,
            str(r.hovedsag_id),
        ]
        for r in rows
    ]


# ---- bevillinger ------------------------------------------------------------------------

BEVILLING_COLUMNS = [
    Column("child", "Barn"),
    Column("team", "Team"),
    Column("caseworker", "Sagsbehandler"),
    Column("measure", "Indsatstype"),
    Column("paragraph", "Paragraf"),
    Column("supplier", "Leverandør"),
    Column("cvr", "CVR"),
    Column("offer", "Tilbud"),
    Column("unit", "Prisenhed"),
    Column("quantity", "Antal", "text"),
    Column("frequency", "Hyppighed"),
    Column("period_from", "Fra", "date"),
    Column("ends_on", "Til", "date"),
    Column("price", "Pris pr. enhed", "money"),
    Column("per_month", "Forventet pr. måned", "money"),
    Column("paid", "Betalt i alt", "money"),
    Column("bevilling_id", "Bevillings-id"),
]


def _bevilling_where(p: BevillingParams) -> tuple[str, list[Any]]:
    on = p.on or today_dk()
    where = ["true"]
    args: list[Any] = [on]
    if not p.include_ended:
        where.append(
            "b.period_from <= $1 AND (least(b.period_to, i.ends_on) IS NULL "
            "OR least(b.period_to, i.ends_on) >= $1)"
        )
    else:
        # ``on`` stays the first argument (the listing prices on it): give it its type.
        where.append("$1::date IS NOT NULL")
    for clause, value in (
        ("b.measure_kind = ${}", p.measure_kind),
        ("b.supplier_id = ${}", p.supplier_id),
        ("h.team_id = ${}", p.team_id),
    ):
        if value is not None:
            args.append(value)
            where.append(clause.format(len(args)))
    return " AND ".join(where), args


async def _bevilling_count(me: Principal, p: BevillingParams) -> int:
    cond, args = _bevilling_where(p)
    return await repo.count_bevillinger(cond, args)


async def _bevilling_fetch(me: Principal, p: BevillingParams, limit: int, offset: int) -> Rows:
    cond, args = _bevilling_where(p)
    on = args[0]
    rows = await repo.list_bevillinger(cond, args, limit, offset)
    # The same figures as the case page and the draft: one cost model (money.costs).
    figures = await bevilling_costs(
        [Line(r.id, r.frequency, r.quantity, r.period_from, r.ends_on) for r in rows], on
    )
    return [
        [
            r.child,
            r.team,
            r.caseworker,
            MEASURE_TYPES[r.measure_kind].label,
            f"§ {r.paragraph}",
            r.supplier,
            r.cvr,
            r.offer,
            UNITS[r.unit],
            f"{r.quantity:f}".replace(".", ","),
            FREQUENCIES[r.frequency],
            r.period_from,
            r.ends_on,
            r.price,
            cost.per_month,
            r.paid,
            str(r.id),
        ]
        for r, cost in zip(rows, figures, strict=True)
    ]


# ---- payments ---------------------------------------------------------------------------

PAYMENT_COLUMNS = [
    Column("child", "Barn"),
    Column("supplier", "Leverandør"),
    Column("cvr", "CVR"),
    Column("measure", "Indsatstype"),
    Column("period_from", "Periode fra", "date"),
    Column("period_to", "Periode til", "date"),
    Column("amount", "Beløb", "money"),
    Column("invoice_ref", "Faktura"),
    Column("status", "Status"),
    Column("registered_at", "Registreret", "datetime"),
    Column("registered_by", "Registreret af"),
    Column("approved_by", "Godkendt af"),
    Column("approved_at", "Godkendt", "datetime"),
    Column("payment_id", "Betalings-id"),
    Column("export_id", "Eksport-id"),
]


def _payment_where(p: PaymentParams) -> tuple[str, list[Any]]:
    if p.status and p.status not in PAYMENT_STATUS:
        raise FieldError("params.status", "Ukendt status")
    where, args = ["true"], []
    for clause, value in (
        ("y.status = ${}", p.status),
        ("y.period_to >= ${}", p.period_from),
        ("y.period_from <= ${}", p.period_to),
        ("b.supplier_id = ${}", p.supplier_id),
        ("y.bevilling_id = ${}", p.bevilling_id),
    ):
        if value is not None and value != "":
            args.append(value)
            where.append(clause.format(len(args)))
    return " AND ".join(where), args


async def _payment_count(me: Principal, p: PaymentParams) -> int:
    cond, args = _payment_where(p)
    return await repo.count_payments(cond, args)


async def _payment_fetch(me: Principal, p: PaymentParams, limit: int, offset: int) -> Rows:
    cond, args = _payment_where(p)
    rows = await repo.list_payments(cond, args, limit, offset)
    return [
        [
            r["child"],
            r["supplier"],
            r["cvr"],
            MEASURE_TYPES[r["measure_kind"]].label,
            r["period_from"],
            r["period_to"],
            r["amount_oere"],
            r["invoice_ref"],
            PAYMENT_STATUS[r["status"]],
            r["registered_at"],
            r["registered_by"],
            r["approved_by"],
            r["approved_at"],
            str(r["id"]),
            str(r["export_id"]) if r["export_id"] else None,
        ]
        for r in rows
    ]


# ---- management information -------------------------------------------------------------


async def resolve_scope(me: Principal, p: ScopeParams, prefix: str = "params.") -> ScopeParams:
    """Fix the teams a manager's request covers (their own by default; one of them with
    ``team_id``; the kommune with ``scope=kommune``). Finance sees the kommune."""
    if p.resolved:
        return p
    if p.scope not in (None, "", "teams", "kommune"):
        raise FieldError(f"{prefix}scope", "Vælg teams eller kommune")
    teams: list[uuid.UUID] | None = None
    if Perm.CASE_APPROVE in me.permissions and p.scope != "kommune":
        own = [t[0] for t in await team_ids_of(me.user_id)]
        if p.team_id is not None:
            if p.team_id not in own:
                raise FieldError(f"{prefix}team_id", "Du hører ikke til det team")
            own = [p.team_id]
        teams = own if (own or p.scope == "teams") else None
    elif p.team_id is not None:
        teams = [p.team_id]
    reach = await reachable_team_ids() if me.case_scope is not None else None
    if reach is not None:  # data restrictions: never beyond the teams they name
        teams = [t for t in (reach if teams is None else teams) if t in reach]
    return msgspec.structs.replace(p, teams=teams, resolved=True)


def _scope(p: ScopeParams, months: int = 12) -> dashboard.Scope:
    return dashboard.Scope(teams=p.teams, months=months)


def _check_mi(p: MiParams) -> None:
    if p.table not in dashboard.TABLE_KEYS:
        raise FieldError("params.table", "Ukendt tabel")
    if not (1 <= p.months <= 36):
        raise FieldError("params.months", "Vælg mellem 1 og 36 måneder")


async def _mi_rows(me: Principal, p: MiParams) -> Rows:
    _check_mi(p)
    return (await dashboard.table(_scope(p, p.months), p.table)).rows


async def _mi_count(me: Principal, p: MiParams) -> int:
    return len(await _mi_rows(me, p))


async def _mi_fetch(me: Principal, p: MiParams, limit: int, offset: int) -> Rows:
    return (await _mi_rows(me, p))[offset : offset + limit]


async def _mi_columns(me: Principal, p: MiParams) -> list[Column]:
    _check_mi(p)
    return (await dashboard.table(_scope(p, p.months), p.table)).columns


def _fixed(columns: list[Column]) -> Callable[[Principal, Any], Awaitable[list[Column]]]:
    async def get(me: Principal, p: Any) -> list[Column]:
        return columns

    return get


async def _young_count(me: Principal, p: ScopeParams) -> int:
    return len(await dashboard.turning_18(_scope(p)))


async def _young_fetch(me: Principal, p: ScopeParams, limit: int, offset: int) -> Rows:
    rows = await dashboard.turning_18(_scope(p))
    return dashboard.turning_18_list(rows)[offset : offset + limit]


async def _resolve_mi(me: Principal, p: Any) -> Any:
    return await resolve_scope(me, p)


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "sager",
            "Sager",
            "Søgning i kommunens sager (samme kriterier som sagssøgningen)",
            (Perm.CASE_READ,),
            SearchQuery,
            _fixed(CASE_COLUMNS),
            _case_count,
            _case_fetch,
        ),
        Source(
            "bevillinger",
            "Bevillinger",
            "Bevillinger med leverandør, tilbud, pris og forventet udgift",
            (Perm.FINANCE, Perm.CASE_APPROVE, Perm.MI_READ),
            BevillingParams,
            _fixed(BEVILLING_COLUMNS),
            _bevilling_count,
            _bevilling_fetch,
        ),
        Source(
            "betalinger",
            "Betalinger",
            "Betalinger med periode, beløb og status",
            (Perm.FINANCE, Perm.CASE_APPROVE),
            PaymentParams,
            _fixed(PAYMENT_COLUMNS),
            _payment_count,
            _payment_fetch,
        ),
        Source(
            "unge_18",
            "Unge der fylder 18",
            "Anbragte unge, der fylder 18 inden for 12 måneder",
            (Perm.MI_READ,),
            ScopeParams,
            _fixed(dashboard.TURNING_18_COLUMNS),
            _young_count,
            _young_fetch,
            _resolve_mi,
        ),
        Source(
            "mi",
            "Ledelsesinformation",
            "En af ledelsesinformationens tabeller (params.table)",
            (Perm.MI_READ,),
            MiParams,
            _mi_columns,
            _mi_count,
            _mi_fetch,
            _resolve_mi,
        ),
    )
}


def decode_params(source: Source, raw: dict[str, Any] | None) -> Any:
    try:
        return msgspec.convert(raw or {}, source.params, strict=False)
    except msgspec.ValidationError as exc:
        text = str(exc)
        field = text.rsplit("$.", 1)[-1].split(".")[0].split("[")[0] if "$." in text else ""
        raise FieldError(
            f"params.{field}" if field else "params", f"Ugyldig parameter: {text}"
        ) from exc
