"""The management information's queries: the dashboard's aggregates (one hand-written
query per section, each filtering first on an index; see ``backend.mi.dashboard``), the
standard searches' pages, and the export jobs.

``teams`` is the set of teams a query is scoped to; None is the whole kommune."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import msgspec

from backend.core.db import conn


def _team_filter(teams: list[uuid.UUID] | None, arg: int, column: str = "h.team_id") -> str:
    return "" if teams is None else f"AND {column} = ANY(${arg}::uuid[])"


def _team_args(teams: list[uuid.UUID] | None) -> list[Any]:
    return [] if teams is None else [teams]


# ---- the dashboard ------------------------------------------------------------------------


class CaseloadRow(msgspec.Struct, frozen=True):
    display_name: str
    cases: int
    open: int
    overdue: int
    overdue_supervision: int = 0  # placed children whose supervision visit is overdue


async def list_caseload(teams: list[uuid.UUID] | None) -> list[CaseloadRow]:
    """Open cases, open and overdue activities per active caseworker or manager."""
    members = (
        "" if teams is None
        else "AND u.id IN (SELECT user_id FROM team_member WHERE team_id = ANY($1::uuid[]))"
    )  # fmt: skip
    rows = await conn().fetch(
        f"""
        WITH users AS (
            SELECT u.id, u.display_name FROM app_user u WHERE u.active AND EXISTS (
                SELECT 1 FROM user_role r WHERE r.user_id = u.id
                AND r.role IN ('sagsbehandler', 'leder')) {members}
        ), cases AS (
            SELECT caseworker_id, count(*) AS n FROM hovedsag
            WHERE closed_at IS NULL AND caseworker_id IN (SELECT id FROM users) GROUP BY 1
        ), acts AS (
            SELECT owner_id, count(*) AS open,
                   count(*) FILTER (WHERE due_at < now() AND NOT due_asap) AS overdue,
                   count(DISTINCT hovedsag_id) FILTER (
                       WHERE due_at < now() AND rule_id IN ('tilsynsbesoeg', 'naeste-tilsynsbesoeg')
                   ) AS overdue_supervision
            FROM activity WHERE status = 'open' AND owner_id IN (SELECT id FROM users)
            GROUP BY 1
        )
        SELECT users.display_name, coalesce(cases.n, 0) AS cases,
               coalesce(acts.open, 0) AS open, coalesce(acts.overdue, 0) AS overdue,
               coalesce(acts.overdue_supervision, 0) AS overdue_supervision
        FROM users LEFT JOIN cases ON cases.caseworker_id = users.id
        LEFT JOIN acts ON acts.owner_id = users.id
        ORDER BY cases DESC, users.display_name
        """,
        *_team_args(teams),
    )
    return [CaseloadRow(**dict(r)) for r in rows]


class AssessmentCount(msgspec.Struct, frozen=True):
    rule_id: str
    team_id: uuid.UUID | None
    bucket: int  # 1-based index of the month; 0 before the first
    on_time: int
    late: int
    missed: int


async def list_assessment_counts(
    teams: list[uuid.UUID] | None,
    since: datetime,
    month_starts: list[datetime],
    rule_ids: tuple[str, ...] = ("vurdering-24-timer",),
) -> list[AssessmentCount]:
    """Activities of ``rule_ids`` (the 24-hour assessment, the § 20 decision on suspected
    abuse) whose deadline fell since ``since`` and has passed, per rule, team and month
    bucket: on time, late, missed (still open)."""
    tf = _team_filter(teams, 4)
    rows = await conn().fetch(
        f"""
        SELECT a.rule_id, h.team_id, width_bucket(a.due_at, $2::timestamptz[]) AS bucket,
               count(*) FILTER (WHERE a.status = 'done' AND a.completed_at <= a.due_at)
                   AS on_time,
               count(*) FILTER (WHERE a.status = 'done' AND a.completed_at > a.due_at) AS late,
               count(*) FILTER (WHERE a.status = 'open') AS missed
        FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id
        WHERE a.rule_id = ANY($3::text[]) AND a.due_at >= $1 AND a.due_at < now() {tf}
        GROUP BY 1, 2, 3
        """,
        since,
        month_starts,
        list(rule_ids),
        *_team_args(teams),
    )
    return [AssessmentCount(**dict(r)) for r in rows]


class DecisionRow(msgspec.Struct, frozen=True):
    """A case's latest decision on support in a month, with the facts it is judged on."""

    id: uuid.UUID
    hovedsag_id: uuid.UUID
    enkeltsag_id: uuid.UUID | None
    paragraph: str
    decided_on: date
    team_id: uuid.UUID | None
    inv_found: bool | None
    inv_closed: datetime | None
    inv_due: datetime | None
    talk_status: str | None
    talk_held: date | None
    talk_after: date | None
    plan_status: str | None
    plan_due: datetime | None
    plan_steps: list[date] | None
    fu_status: str | None
    fu_due: datetime | None
    fu_done: date | None


async def list_decisions(
    teams: list[uuid.UUID] | None, since: date, until: date
) -> list[DecisionRow]:
    """Each case with a decision on support (granted) from ``since`` to ``until``, once per
    month (its latest decision that month), with the facts the measures are judged on."""
    tf = _team_filter(teams, 3)
    rows = await conn().fetch(
        f"""
        WITH d AS (
            SELECT DISTINCT ON (d.hovedsag_id, date_trunc('month', d.decided_on))
                   d.id, d.hovedsag_id, d.enkeltsag_id, d.paragraph, d.decided_on,
                   h.team_id
            FROM afgoerelse d JOIN hovedsag h ON h.id = d.hovedsag_id
            WHERE d.outcome = 'bevilget' AND d.decided_on >= $1 AND d.decided_on <= $2 {tf}
            ORDER BY d.hovedsag_id, date_trunc('month', d.decided_on), d.decided_on DESC,
                     d.created_at DESC
        )
        SELECT d.*,
               inv.found AS inv_found, inv.closed_at AS inv_closed, inv.due_at AS inv_due,
               (SELECT a.status FROM activity a WHERE a.enkeltsag_id = d.enkeltsag_id
                  AND a.rule_id = 'boernesamtale' ORDER BY a.created_at DESC LIMIT 1)
                   AS talk_status,
               (SELECT max(s.happened_on) FROM case_step s
                  WHERE s.hovedsag_id = d.hovedsag_id AND s.kind = 'boernesamtale'
                    AND s.happened_on BETWEEN d.decided_on - 365 AND d.decided_on)
                   AS talk_held,
               (SELECT min(s.happened_on) FROM case_step s
                  WHERE s.hovedsag_id = d.hovedsag_id AND s.kind = 'boernesamtale'
                    AND s.happened_on > d.decided_on) AS talk_after,
               plan.status AS plan_status, plan.due_at AS plan_due,
               (SELECT array_agg(s.happened_on ORDER BY s.happened_on) FROM case_step s
                  WHERE s.hovedsag_id = d.hovedsag_id AND s.kind = 'plan'
                    AND s.happened_on >= d.decided_on - 365) AS plan_steps,
               fu.status AS fu_status, fu.due_at AS fu_due, fu.done_on AS fu_done
        FROM d
        LEFT JOIN LATERAL (
            SELECT true AS found, e.closed_at,
                   (SELECT a.due_at FROM activity a WHERE a.enkeltsag_id = e.id
                      AND a.rule_id = 'undersoegelse-4-maaneder'
                    ORDER BY a.created_at DESC LIMIT 1) AS due_at
            FROM enkeltsag e WHERE e.hovedsag_id = d.hovedsag_id
              AND e.kind = 'undersoegelse'
              AND (e.opened_at AT TIME ZONE 'Europe/Copenhagen')::date <= d.decided_on
            ORDER BY e.opened_at DESC LIMIT 1
        ) inv ON true
        LEFT JOIN LATERAL (
            SELECT a.status, a.due_at FROM activity a
            WHERE a.concerns_id = d.enkeltsag_id
              AND a.rule_id IN ('barnets-plan-32', 'barnets-plan-46')
            ORDER BY a.created_at DESC LIMIT 1
        ) plan ON true
        LEFT JOIN LATERAL (
            SELECT a.status, a.due_at,
                   (SELECT min(s.happened_on) FROM case_step s WHERE s.indsats_id = i.id
                      AND s.kind = 'opfoelgning') AS done_on
            FROM indsats i JOIN activity a ON a.concerns_id = i.id
              AND a.rule_id = 'foerste-opfoelgning'
            WHERE i.afgoerelse_id = d.id ORDER BY i.starts_on, a.created_at LIMIT 1
        ) fu ON true
        """,
        since,
        until,
        *_team_args(teams),
    )
    return [DecisionRow(**dict(r)) for r in rows]


async def list_team_names() -> dict[uuid.UUID, str]:
    """Every team of the kommune by id, in name order."""
    return {
        t["id"]: t["name"] for t in await conn().fetch("SELECT id, name FROM team ORDER BY name")
    }


async def list_names_of_teams(team_ids: list[uuid.UUID]) -> list[str]:
    rows = await conn().fetch(
        "SELECT name FROM team WHERE id = ANY($1::uuid[]) ORDER BY name", team_ids
    )
    return [r["name"] for r in rows]


class NotificationCount(msgspec.Struct, frozen=True):
    source: str
    month: date
    n: int


async def list_notification_counts(
    teams: list[uuid.UUID] | None, since: datetime
) -> list[NotificationCount]:
    """Notifications (underretninger) received since ``since`` per source and Danish month."""
    if teams is None:
        sql = (
            "SELECT u.source, date_trunc('month', u.received_at AT TIME ZONE "
            "'Europe/Copenhagen')::date AS month, count(*) AS n FROM underretning u "
            "WHERE u.received_at >= $1 AND u.kind = 'underretning' GROUP BY 1, 2"
        )
    else:
        sql = (
            "SELECT u.source, date_trunc('month', u.received_at AT TIME ZONE "
            "'Europe/Copenhagen')::date AS month, count(*) AS n FROM underretning u "
            "JOIN enkeltsag e ON e.id = u.enkeltsag_id JOIN hovedsag h ON h.id = e.hovedsag_id "
            "WHERE u.received_at >= $1 AND u.kind = 'underretning' "
            "AND h.team_id = ANY($2::uuid[]) GROUP BY 1, 2"
        )
    rows = await conn().fetch(sql, since, *_team_args(teams))
    return [NotificationCount(**dict(r)) for r in rows]


class ChildGroupCount(msgspec.Struct, frozen=True):
    """Distinct children with running measures in one group: ``grp`` is ``kind`` (``key``
    the measure type), ``supplier`` (``key`` the supplier id) or ``age`` (``key`` the age
    band's index, with ``placed``)."""

    grp: str
    key: str
    placed: bool | None
    n: int


async def list_child_group_counts(
    teams: list[uuid.UUID] | None, on: date, age_limits: list[date]
) -> list[ChildGroupCount]:
    """One pass over the measures running on ``on``; ``age_limits`` are the six birth-date
    limits of the age bands."""
    tf = _team_filter(teams, 3)
    rows = await conn().fetch(
        f"""
        WITH r AS MATERIALIZED (
            SELECT i.kind, i.placement, h.child_id, b.supplier_id
            FROM indsats i JOIN hovedsag h ON h.id = i.hovedsag_id
            LEFT JOIN bevilling b ON b.indsats_id = i.id AND b.period_from <= $1
                 AND (b.period_to IS NULL OR b.period_to >= $1)
            WHERE i.starts_on <= $1 AND (i.ends_on IS NULL OR i.ends_on >= $1) {tf}
        ), per_child AS (
            SELECT child_id, bool_or(placement) AS placed FROM r GROUP BY child_id
        )
        SELECT 'kind' AS grp, kind AS key, NULL::boolean AS placed, count(*) AS n
        FROM (SELECT DISTINCT kind, child_id FROM r) k GROUP BY kind
        UNION ALL
        SELECT 'supplier', supplier_id::text, NULL, count(*)
        FROM (SELECT DISTINCT supplier_id, child_id FROM r WHERE supplier_id IS NOT NULL) s
        GROUP BY supplier_id
        UNION ALL
        SELECT 'age', band::text, placed, count(*) FROM (
            SELECT p.placed, CASE WHEN c.birth_date > ($2::date[])[1] THEN 0
                                  WHEN c.birth_date > ($2::date[])[2] THEN 1
                                  WHEN c.birth_date > ($2::date[])[3] THEN 2
                                  WHEN c.birth_date > ($2::date[])[4] THEN 3
                                  WHEN c.birth_date > ($2::date[])[5] THEN 4
                                  WHEN c.birth_date > ($2::date[])[6] THEN 5 ELSE 6 END AS band
            FROM per_child p JOIN child c ON c.id = p.child_id) a
        GROUP BY band, placed
        """,
        on,
        age_limits,
        *_team_args(teams),
    )
    return [ChildGroupCount(**dict(r)) for r in rows]


class SupplierRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    kind: str


async def list_suppliers(ids: list[uuid.UUID]) -> list[SupplierRow]:
    rows = await conn().fetch("SELECT id, name, kind FROM supplier WHERE id = ANY($1::uuid[])", ids)
    return [SupplierRow(**dict(r)) for r in rows]


async def list_supplier_names(ids: list[Any]) -> dict[Any, str]:
    return {
        r["id"]: r["name"]
        for r in await conn().fetch("SELECT id, name FROM supplier WHERE id = ANY($1::uuid[])", ids)
    }


TURNING_18_SQL = """
SELECT DISTINCT ON (c.id) c.id AS child_id, h.id AS hovedsag_id,
       c.first_name || ' ' || c.last_name AS child_name, c.birth_date,
       (c.birth_date + interval '18 years')::date AS eighteen, i.kind, s.name AS supplier,
       u.display_name AS caseworker, t.name AS team,
       EXISTS (SELECT 1 FROM activity a WHERE a.concerns_id = i.id
               AND a.rule_id = 'overgang-18' AND a.status = 'done') AS transition_planned,
       (SELECT (min(a.due_at) AT TIME ZONE 'Europe/Copenhagen')::date FROM activity a
        WHERE a.hovedsag_id = h.id AND a.rule_id = 'overgang-18' AND a.status = 'open')
           AS transition_due,
       EXISTS (SELECT 1 FROM activity a WHERE a.hovedsag_id = h.id
               AND a.rule_id = 'overgang-18' AND a.status = 'open' AND a.due_at < now()
               AND a.due_reason IS NULL) AS transition_overdue
FROM indsats i JOIN hovedsag h ON h.id = i.hovedsag_id JOIN child c ON c.id = h.child_id
LEFT JOIN bevilling b ON b.indsats_id = i.id LEFT JOIN supplier s ON s.id = b.supplier_id
LEFT JOIN app_user u ON u.id = h.caseworker_id LEFT JOIN team t ON t.id = h.team_id
WHERE i.placement AND i.starts_on <= $1 AND (i.ends_on IS NULL OR i.ends_on >= $1)
  AND c.birth_date > ($1::date - interval '18 years')
  AND c.birth_date <= ($1::date - interval '17 years') {team_filter}
ORDER BY c.id, i.starts_on DESC
"""


class Turning18Row(msgspec.Struct, frozen=True):
    child_id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    birth_date: date
    eighteen: date
    kind: str
    supplier: str | None
    caseworker: str | None
    team: str | None
    transition_planned: bool
    transition_due: date | None = None  # the open § 111 decision's deadline
    transition_overdue: bool = False


async def list_turning_18(teams: list[uuid.UUID] | None, on: date) -> list[Turning18Row]:
    """Placed young people (measure running on ``on``) who turn 18 within a year of it."""
    rows = await conn().fetch(
        TURNING_18_SQL.format(team_filter=_team_filter(teams, 2)), on, *_team_args(teams)
    )
    return [Turning18Row(**dict(r)) for r in rows]


class CostGroup(msgspec.Struct, frozen=True):
    """An amount per measure type (``supplier_id`` None) or per supplier (``measure_kind``
    None): the two grouping sets."""

    measure_kind: str | None
    supplier_id: uuid.UUID | None
    amount: int


async def list_expected_costs(
    teams: list[uuid.UUID] | None, month_start: date, month_end: date
) -> list[CostGroup]:
    """What the running bevillinger are expected to cost in the month: the priced periods
    first (hash joins), then the cost of each in the month."""
    tf = _team_filter(teams, 3)
    join = "" if teams is None else "JOIN hovedsag h ON h.id = b.hovedsag_id"
    rows = await conn().fetch(
        f"""
        WITH bp AS MATERIALIZED (
            SELECT b.measure_kind, b.supplier_id, b.frequency, b.quantity, b.period_from,
                   p.amount_oere, greatest(p.valid_from, b.period_from, $1::date) AS a,
                   least(coalesce(p.valid_to, 'infinity'), coalesce(b.period_to, 'infinity'),
                         coalesce(i.ends_on, 'infinity'), $2::date) AS z
            FROM bevilling b JOIN indsats i ON i.id = b.indsats_id {join}
            JOIN bevilling_price p ON p.bevilling_id = b.id AND p.retired_at IS NULL
            WHERE b.period_from <= $2 AND (b.period_to IS NULL OR b.period_to >= $1)
              AND (i.ends_on IS NULL OR i.ends_on >= $1)
              AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $1) {tf}
        )
        SELECT bp.measure_kind, bp.supplier_id, sum(m.cost)::bigint AS amount
        FROM bp CROSS JOIN LATERAL money_months(bp.frequency, bp.quantity, bp.amount_oere,
                                                bp.period_from, bp.a, bp.z) m
        GROUP BY GROUPING SETS ((bp.measure_kind), (bp.supplier_id))
        """,
        month_start,
        month_end,
        *_team_args(teams),
    )
    return [CostGroup(**dict(r)) for r in rows]


async def list_paid_costs(
    teams: list[uuid.UUID] | None, period_from: date, period_to: date
) -> list[CostGroup]:
    """Approved and exported payments for periods starting from ``period_from`` to
    ``period_to``."""
    tf = _team_filter(teams, 3)
    join = "" if teams is None else "JOIN hovedsag h ON h.id = b.hovedsag_id"
    sets = "GROUPING SETS ((b.measure_kind), (b.supplier_id))"
    rows = await conn().fetch(
        f"""
        SELECT b.measure_kind, b.supplier_id, sum(y.amount_oere)::bigint AS amount
        FROM payment y JOIN bevilling b ON b.id = y.bevilling_id {join}
        WHERE y.status IN ('godkendt', 'eksporteret') AND y.period_from BETWEEN $1 AND $2 {tf}
        GROUP BY {sets}
        """,
        period_from,
        period_to,
        *_team_args(teams),
    )
    return [CostGroup(**dict(r)) for r in rows]


# ---- standard searches ----------------------------------------------------------------------
# ``cond`` and ``args`` come from the search's own WHERE builder (backend.mi.reports).
# The bevilling rows are whole ``bevilling`` rows (``b.*``) plus the listing's columns, as the
# money cost model reads them: mappings, not Structs.


async def count_bevillinger(cond: str, args: list[Any]) -> int:
    return int(
        await conn().fetchval(
            "SELECT count(*) FROM bevilling b JOIN indsats i ON i.id = b.indsats_id "
            f"JOIN hovedsag h ON h.id = b.hovedsag_id WHERE {cond}",
            *args,
        )
    )


class BevillingReportRow(msgspec.Struct, frozen=True):
    """A bevilling as the MI listing shows it (the columns it reads of ``b.*`` and the
    joined names); ``ends_on`` is the earlier of its planned end and the measure's end."""

    id: uuid.UUID
    measure_kind: str
    paragraph: str
    unit: str
    quantity: Decimal
    frequency: str
    period_from: date
    ends_on: date | None
    child: str
    team: str | None
    caseworker: str | None
    supplier: str
    cvr: str | None
    offer: str
    price: int | None
    paid: int


async def list_bevillinger(
    cond: str, args: list[Any], limit: int, offset: int
) -> list[BevillingReportRow]:
    """A page of bevillinger (``$1`` is the day prices are read on)."""
    rows = await conn().fetch(
        f"""
        WITH page AS (
            SELECT b.id FROM bevilling b JOIN indsats i ON i.id = b.indsats_id
            JOIN hovedsag h ON h.id = b.hovedsag_id WHERE {cond}
            ORDER BY b.period_from, b.id LIMIT {int(limit)} OFFSET {int(offset)}
        )
        SELECT b.*, least(b.period_to, i.ends_on) AS ends_on,
               c.first_name || ' ' || c.last_name AS child, t.name AS team,
               u.display_name AS caseworker, s.name AS supplier, s.cvr, o.name AS offer,
               (SELECT bp.amount_oere FROM bevilling_price bp WHERE bp.bevilling_id = b.id
                AND bp.retired_at IS NULL AND bp.valid_from <= greatest($1, b.period_from)
                AND (bp.valid_to IS NULL OR bp.valid_to >= greatest($1, b.period_from)))
                AS price,
               coalesce((SELECT sum(y.amount_oere) FROM payment y WHERE y.bevilling_id = b.id
                AND y.status IN ('godkendt', 'eksporteret')), 0)::bigint AS paid
        FROM page JOIN bevilling b ON b.id = page.id JOIN indsats i ON i.id = b.indsats_id
        JOIN hovedsag h ON h.id = b.hovedsag_id JOIN child c ON c.id = h.child_id
        LEFT JOIN team t ON t.id = h.team_id LEFT JOIN app_user u ON u.id = h.caseworker_id
        JOIN supplier s ON s.id = b.supplier_id JOIN offer o ON o.id = b.offer_id
        ORDER BY b.period_from, b.id
        """,
        *args,
    )
    return msgspec.convert([dict(r) for r in rows], list[BevillingReportRow])


async def count_payments(cond: str, args: list[Any]) -> int:
    return int(
        await conn().fetchval(
            "SELECT count(*) FROM payment y JOIN bevilling b ON b.id = y.bevilling_id "
            f"WHERE {cond}",
            *args,
        )
    )


async def list_payments(
    cond: str, args: list[Any], limit: int, offset: int
) -> list[dict[str, Any]]:
    """A page of payments (whole ``payment`` rows plus child, supplier, cvr, measure_kind)."""
    rows = await conn().fetch(
        "SELECT y.*, c.first_name || ' ' || c.last_name AS child, s.name AS supplier, s.cvr, "
        "b.measure_kind FROM payment y JOIN bevilling b ON b.id = y.bevilling_id "
        "JOIN supplier s ON s.id = b.supplier_id JOIN hovedsag h ON h.id = y.hovedsag_id "
        f"JOIN child c ON c.id = h.child_id WHERE {cond} "
        f"ORDER BY y.period_from, y.id LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    return [dict(r) for r in rows]


# ---- export jobs --------------------------------------------------------------------------


# The sources of standard searches and exports (``backend.mi.reports.SOURCES``) and the
# states of an export job (CHECK constraint).
ExportSource = Literal["sager", "bevillinger", "betalinger", "unge_18", "mi"]
JobStatus = Literal["venter", "klar", "fejlet"]


class ExportJob(msgspec.Struct, frozen=True):
    """A background export as the job runs it."""

    id: uuid.UUID
    source: str
    params: str  # JSON
    user_id: uuid.UUID
    status: str
    total_rows: int | None


class ExportJobStatus(msgspec.Struct, frozen=True):
    id: uuid.UUID
    source: ExportSource
    status: JobStatus
    total_rows: int | None
    filename: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime


class ExportFile(msgspec.Struct, frozen=True):
    source: str
    status: str
    filename: str | None
    content: bytes | None
    total_rows: int | None
    params: str  # JSON


async def delete_expired_jobs() -> None:
    await conn().execute("DELETE FROM export_job WHERE expires_at < now()")


async def insert_job(
    source: str, params: str, user_id: uuid.UUID, actor: str, total: int
) -> uuid.UUID:
    job_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO export_job (source, params, user_id, actor, total_rows) "
        "VALUES ($1, $2::jsonb, $3, $4, $5) RETURNING id",
        source,
        params,
        user_id,
        actor,
        total,
    )
    return job_id


async def lock_job(job_id: uuid.UUID) -> ExportJob | None:
    """The job, locked ``FOR UPDATE``."""
    row = await conn().fetchrow("SELECT * FROM export_job WHERE id = $1 FOR UPDATE", job_id)
    if row is None:
        return None
    return ExportJob(
        id=row["id"],
        source=row["source"],
        params=row["params"],
        user_id=row["user_id"],
        status=row["status"],
        total_rows=row["total_rows"],
    )


async def update_job_ready(job_id: uuid.UUID, content: bytes, filename: str, rows: int) -> None:
    await conn().execute(
        "UPDATE export_job SET status = 'klar', content = $2, filename = $3, "
        "total_rows = $4, finished_at = now() WHERE id = $1",
        job_id,
        content,
        filename,
        rows,
    )


async def update_job_failed(job_id: uuid.UUID, message: str) -> None:
    await conn().execute(
        "UPDATE export_job SET status = 'fejlet', error = $2, finished_at = now() WHERE id = $1",
        job_id,
        message,
    )


async def get_job_status(job_id: uuid.UUID, user_id: uuid.UUID) -> ExportJobStatus | None:
    """The user's own job (None for another user's)."""
    row = await conn().fetchrow(
        "SELECT id, source, status, total_rows, filename, error, created_at, finished_at, "
        "expires_at FROM export_job WHERE id = $1 AND user_id = $2",
        job_id,
        user_id,
    )
    return None if row is None else ExportJobStatus(**dict(row))


async def get_job_file(job_id: uuid.UUID, user_id: uuid.UUID) -> ExportFile | None:
    """The user's own job that has not expired."""
    row = await conn().fetchrow(
        "SELECT source, status, filename, content, total_rows, params::text AS params "
        "FROM export_job WHERE id = $1 AND user_id = $2 AND expires_at > now()",
        job_id,
        user_id,
    )
    if row is None:
        return None
    found = dict(row)
    content = found["content"]
    return ExportFile(**{**found, "content": None if content is None else bytes(content)})


async def count_committee(teams: list[uuid.UUID] | None) -> tuple[int, int]:
    """§ 47 cases awaiting børne- og ungeudvalget (an indstilling not yet decided), and the
    chair's provisional decisions awaiting the committee's approval (backend/casework)."""
    row = await conn().fetchrow(
        "SELECT count(*) FILTER (WHERE i.state = 'forberedes') AS waiting, "
        "count(*) FILTER (WHERE i.state = 'formand') AS provisional "
        "FROM indstilling i JOIN hovedsag h ON h.id = i.hovedsag_id "
        "WHERE i.state IN ('forberedes', 'formand') AND h.closed_at IS NULL "
        "AND ($1::uuid[] IS NULL OR h.team_id = ANY($1::uuid[]))",
        teams,
    )
    return int(row["waiting"]), int(row["provisional"])


async def count_complaints(teams: list[uuid.UUID] | None, today: date) -> tuple[int, int]:
    """Complaints still open (being reconsidered, upheld and to be sent, or at
    Ankestyrelsen), and those whose reconsideration is past its deadline (backend/appeals)."""
    row = await conn().fetchrow(
        "SELECT count(*) AS open, count(*) FILTER (WHERE k.state = 'genvurderes' "
        "AND k.reconsider_by < $2) AS overdue FROM klage k JOIN hovedsag h ON h.id = k.hovedsag_id "
        "WHERE k.state IN ('genvurderes', 'fastholdt', 'sendt') "
        "AND ($1::uuid[] IS NULL OR h.team_id = ANY($1::uuid[]))",
        teams,
        today,
    )
    return int(row["open"]), int(row["overdue"])


# Young people with support after 18 running (ungestøtte, § 114; issue 17 item 4).
SUPPORT_AFTER_18_SQL = """
SELECT c.first_name || ' ' || c.last_name AS child_name, c.birth_date, i.kind, i.starts_on,
       i.planned_end, s.name AS supplier, u.display_name AS caseworker, t.name AS team
FROM indsats i JOIN hovedsag h ON h.id = i.hovedsag_id JOIN child c ON c.id = h.child_id
LEFT JOIN bevilling b ON b.indsats_id = i.id LEFT JOIN supplier s ON s.id = b.supplier_id
LEFT JOIN app_user u ON u.id = h.caseworker_id LEFT JOIN team t ON t.id = h.team_id
WHERE i.paragraph = '114' AND (i.ends_on IS NULL OR i.ends_on >= $1) {team_filter}
ORDER BY i.planned_end NULLS LAST, c.birth_date, i.id
"""


class SupportAfter18Row(msgspec.Struct, frozen=True):
    child_name: str
    birth_date: date
    kind: str
    starts_on: date
    planned_end: date | None
    supplier: str | None
    caseworker: str | None
    team: str | None


async def list_support_after_18(teams: list[uuid.UUID] | None, on: date) -> list[SupportAfter18Row]:
    """Support after 18 granted and not ended on ``on`` (also those starting later)."""
    rows = await conn().fetch(
        SUPPORT_AFTER_18_SQL.format(team_filter=_team_filter(teams, 2)), on, *_team_args(teams)
    )
    return [SupportAfter18Row(**dict(r)) for r in rows]
