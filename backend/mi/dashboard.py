"""Management information: the numbers behind the managers' and the kommune's dashboard.

Every section is a :class:`Table` (a chart's numbers as a table), scoped to a set of teams
(a manager's own) or the whole kommune (``teams=None``). Each is one aggregate query that
filters first on an index (activities by rule and deadline, notifications by time,
running measures), so the dashboard stays within its budget on a kommune of 30,000
children (bench/money_bench.py).

Deadline compliance follows the measures of Ankestyrelsen's Børnesagsbarometer, computed
from the case core's activities (rule ids in backend/casework/rules.py):

- the unit is a case with a decision on support (granted under § 32, 46 or 47), counted in
  the month of the decision; each measure asks whether its requirement was met in that
  case (``judge``): the investigation within 4 months (a case decided without one is a
  miss), the child conversation before the decision (a lawful omission with a reason is
  met), barnets plan by its deadline (a reasoned § 32 decision not to make one is met),
  the first follow-up by its deadline; "on time" uses the date the step happened, as the
  caseworker recorded it; a deadline not yet reached is not counted;
- the 24-hour assessment, and the decision on an investigation when a notification is about
  suspected abuse (§ 20, stk. 1, nr. 2), are counted per notification whose deadline fell
  in the month.

Each measure carries its definition in Danish, shown next to its numbers.

The team is the case's current team.
"""

from __future__ import annotations

import asyncio
import contextvars
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from backend.core.danish import DK, today_dk
from backend.core.measures import MEASURES
from backend.core.vocab import SOURCE_LABELS
from backend.core.workdays import add_months, next_working_day
from backend.db import SIDE
from backend.mi import repository as repo
from backend.mi.repository import DecisionRow, Turning18Row
from backend.mi.tables import Column, Table, pct
from backend.money.catalogue import MEASURE_TYPES, SUPPLIER_KINDS
from tenancy.context import current_scope, tenant_transaction


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str  # how it is counted, in Danish, shown next to the numbers


# Ankestyrelsen's Børnesagsbarometer looks at cases where a decision on support was made and
# asks whether the law's requirements were met in each (docs/deadlines.md). The 24-hour
# assessment is counted per notification, as the barometer's theme on notifications does.
MEASURES_BARO = (
    Measure(
        "vurdering_24t",
        "Vurdering af underretning inden 24 timer",
        "Underretninger, hvis 24-timersfrist faldt i måneden: overholdt, når vurderingen blev "
        "registreret inden fristen (Barnets Lov § 136).",
    ),
    Measure(
        "overgreb_20",
        "Stillingtagen til undersøgelse ved mistanke om overgreb",
        "Underretninger om mistanke om overgreb, hvis frist for at tage stilling til en "
        "børnefaglig undersøgelse faldt i måneden: overholdt, når stillingtagen blev "
        "registreret inden fristen (§ 20, stk. 1, nr. 2; fristen på 2 hverdage er "
        "kommunens egen).",
    ),
    Measure(
        "undersoegelse_4m",
        "Børnefaglig undersøgelse inden 4 måneder",
        "Sager med en afgørelse om indsats i måneden: overholdt, når den børnefaglige "
        "undersøgelse blev afsluttet senest 4 måneder efter, at kommunen blev opmærksom "
        "(§ 20, stk. 3), efter den dato sagsbehandleren har angivet. En sag afgjort uden "
        "undersøgelse tæller som ikke overholdt.",
    ),
    Measure(
        "boernesamtale",
        "Børnesamtale før afgørelsen",
        "Sager med en afgørelse om indsats i måneden: overholdt, når børnesamtalen blev holdt "
        "senest på afgørelsens dato (§ 5, stk. 3), eller når den lovligt blev undladt med en "
        "begrundelse (§ 5, stk. 4).",
    ),
    Measure(
        "barnets_plan",
        "Barnets plan til tiden",
        "Sager med en afgørelse om indsats i måneden: overholdt, når barnets plan forelå "
        "senest 3 måneder efter afgørelsen (§ 91, stk. 1-2; ved § 47 før afgørelsen), efter "
        "den dato planen blev udarbejdet, eller når det efter § 32 er besluttet og begrundet "
        "ikke at lave en plan. Sager, hvis frist ikke er nået, tælles ikke endnu.",
    ),
    Measure(
        "foerste_opfoelgning",
        "Første opfølgning til tiden",
        "Sager med en afgørelse om indsats i måneden: overholdt, når den første opfølgning på "
        "indsatsen blev holdt senest på fristen (§ 95, stk. 2), efter den dato opfølgningen "
        "fandt sted. Sager, hvis frist ikke er nået, tælles ikke endnu.",
    ),
)
# The measures counted per activity (its deadline in the month), by the activity's rule.
PER_ACTIVITY = {"vurdering-24-timer": "vurdering_24t", "overgreb-stillingtagen": "overgreb_20"}
AGE_BANDS = ((0, 2), (3, 5), (6, 11), (12, 14), (15, 17), (18, 22))
MONTHS_NAMES = (
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
)  # fmt: skip


def month_label(month: date) -> str:
    return f"{MONTHS_NAMES[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Scope:
    teams: list[uuid.UUID] | None  # None: the whole kommune
    months: int = 12

    @property
    def since(self) -> date:
        today = today_dk()
        return add_months(date(today.year, today.month, 1), -(self.months - 1))


def _since_at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), DK)


async def caseload(scope: Scope) -> Table:
    rows = await repo.list_caseload(scope.teams)
    return Table(
        "caseload",
        "Sagstal pr. sagsbehandler",
        "bar",
        [
            Column("caseworker", "Sagsbehandler"),
            Column("open_cases", "Åbne sager", "int"),
            Column("open_activities", "Åbne aktiviteter", "int"),
            Column("overdue_activities", "Overskredne frister", "int"),
            # Personrettet tilsyn (Barnets Lov § 156, stk. 5): a visit past its date.
            Column("overdue_supervision", "Anbragte børn med overskredet tilsynsbesøg", "int"),
        ],
        [[r.display_name, r.cases, r.open, r.overdue, r.overdue_supervision] for r in rows],
    )


# How one case (or notification) fared on one measure.
ON_TIME, OMITTED, LATE, MISSED = "on_time", "omitted", "late", "missed"
_OUTCOMES = (ON_TIME, OMITTED, LATE, MISSED)


async def _assessment_rows(scope: Scope, months: list[date]) -> list[dict[str, Any]]:
    """24-hour assessments whose deadline fell in the period and has passed, per team and
    month: on time when recorded before the deadline, late after it, missed while open;
    cancelled ones (with a reason) are not counted."""
    rows = await repo.list_assessment_counts(
        scope.teams, _since_at(scope.since), [_since_at(m) for m in months], tuple(PER_ACTIVITY)
    )
    out = []
    for r in rows:
        if r.bucket < 1:
            continue
        for outcome, n in ((ON_TIME, r.on_time), (LATE, r.late), (MISSED, r.missed)):
            if n:
                out.append(
                    {
                        "measure": PER_ACTIVITY[r.rule_id],
                        "team_id": r.team_id,
                        "month": months[r.bucket - 1],
                        "outcome": outcome,
                        "n": n,
                    }
                )
    return out


async def _decisions(scope: Scope) -> list[DecisionRow]:
    """Each case with a decision on support (granted) in the period, once per month (its
    latest decision that month), with the facts the measures are judged on."""
    return await repo.list_decisions(scope.teams, scope.since, today_dk())


def _day(value: datetime | None) -> date | None:
    return value.astimezone(DK).date() if value is not None else None


def judge(d: DecisionRow, today: date) -> dict[str, str]:
    """How one decided case fared on each decision measure (a measure whose deadline has
    not come, or does not apply, is left out). Dates are those the caseworker recorded for
    the step (the day it happened), not when it was typed in or approved."""
    out: dict[str, str] = {}
    # The child investigation: a case decided without one is a miss.
    if not d.inv_found:
        out["undersoegelse_4m"] = MISSED
    else:
        due = _day(d.inv_due)
        closed = _day(d.inv_closed)
        if closed is not None and due is not None:
            out["undersoegelse_4m"] = ON_TIME if closed <= due else LATE
        elif closed is not None:
            out["undersoegelse_4m"] = ON_TIME
        elif due is not None and due < today:
            out["undersoegelse_4m"] = MISSED
    # The child conversation before the decision, or a lawful omission with a reason.
    if d.talk_held is not None:
        out["boernesamtale"] = ON_TIME
    elif d.talk_status == "cancelled":
        out["boernesamtale"] = OMITTED
    elif d.talk_after is not None:
        out["boernesamtale"] = LATE
    else:
        out["boernesamtale"] = MISSED
    # Barnets plan: by three months after the decision (§ 47: before it); under § 32 a
    # reasoned decision not to make one is compliant.
    if d.paragraph == "47":
        plan_due: date | None = d.decided_on
    else:
        plan_due = _day(d.plan_due) or next_working_day(add_months(d.decided_on, 3))
    steps: list[date] = list(d.plan_steps or [])
    if plan_due is not None:
        if any(s <= plan_due for s in steps):
            out["barnets_plan"] = ON_TIME
        elif d.paragraph == "32" and d.plan_status == "cancelled":
            out["barnets_plan"] = OMITTED
        elif steps:
            out["barnets_plan"] = LATE
        elif plan_due < today:
            out["barnets_plan"] = MISSED
    # The first follow-up on the measure the decision started.
    fu_due = _day(d.fu_due)
    if fu_due is not None:
        if d.fu_done is not None:
            out["foerste_opfoelgning"] = ON_TIME if d.fu_done <= fu_due else LATE
        elif d.fu_status == "cancelled":
            pass  # the measure ended first: nothing to follow up
        elif fu_due < today:
            out["foerste_opfoelgning"] = MISSED
    return out


async def _compliance_rows(scope: Scope) -> list[dict[str, Any]]:
    """Counts per measure, team, month and outcome (``month``: the Danish month start)."""
    months = [add_months(scope.since, i) for i in range(scope.months)]
    rows = await _assessment_rows(scope, months)
    today = today_dk()
    for d in await _decisions(scope):
        month = date(d.decided_on.year, d.decided_on.month, 1)
        for measure, outcome in judge(d, today).items():
            rows.append(
                {
                    "measure": measure,
                    "team_id": d.team_id,
                    "month": month,
                    "outcome": outcome,
                    "n": 1,
                }
            )
    return rows


_COMPLIANCE_COLUMNS = [
    Column("counted", "Antal", "int"),
    Column("on_time", "Overholdt", "int"),
    Column("omitted", "Heraf begrundet undladt", "int"),
    Column("late", "For sent", "int"),
    Column("missed", "Ikke overholdt", "int"),
    Column("rate", "Andel overholdt", "percent"),
]


def _counts(values: list[int]) -> list[Any]:
    """``values``: on time, omitted with a reason, late, missed. Omitted counts as met."""
    on_time, omitted, late, missed = values
    met = on_time + omitted
    counted = met + late + missed
    return [counted, met, omitted, late, missed, pct(met, counted)]


async def compliance(scope: Scope) -> tuple[Table, Table, Table, Table]:
    """Overall per measure, per measure and month, per measure and team, per measure,
    team and month."""
    rows = await _compliance_rows(scope)
    overall: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_month: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_team: dict[tuple[str, uuid.UUID | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_tm: dict[tuple[str, uuid.UUID | None, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        m = r["measure"]
        i = _OUTCOMES.index(r["outcome"])
        for acc in (
            overall[m],
            by_month[(m, r["month"])],
            by_team[(m, r["team_id"])],
            by_tm[(m, r["team_id"], r["month"])],
        ):
            acc[i] += r["n"]
    teams = await repo.list_team_names()
    months = [add_months(scope.since, i) for i in range(scope.months)]
    labels = {m.key: m.label for m in MEASURES_BARO}
    order = [m.key for m in MEASURES_BARO]
    definitions = {m.key: m.definition for m in MEASURES_BARO}
    t_overall = Table(
        "compliance",
        "Overholdte frister (Børnesagsbarometerets målepunkter)",
        "bar",
        [
            Column("measure_key", "Nøgle"),
            Column("measure", "Målepunkt"),
            Column("definition", "Sådan tælles det"),
            *_COMPLIANCE_COLUMNS,
        ],
        [[k, labels[k], definitions[k], *_counts(overall[k])] for k in order],
    )
    t_month = Table(
        "compliance_by_month",
        "Overholdte frister pr. måned",
        "line",
        [
            Column("measure_key", "Nøgle"),
            Column("measure", "Målepunkt"),
            Column("month", "Måned", "date"),
            Column("month_label", "Måned (tekst)"),
            *_COMPLIANCE_COLUMNS,
        ],
        [
            [k, labels[k], mo, month_label(mo), *_counts(by_month.get((k, mo), [0, 0, 0, 0]))]
            for k in order
            for mo in months
        ],
    )
    team_keys = sorted(
        {t for (_, t) in by_team}, key=lambda t: (t is None, teams.get(t, "") if t else "")
    )
    t_team = Table(
        "compliance_by_team",
        "Overholdte frister pr. team",
        "bar",
        [
            Column("measure_key", "Nøgle"),
            Column("measure", "Målepunkt"),
            Column("team", "Team"),
            *_COMPLIANCE_COLUMNS,
        ],
        [
            [
                k,
                labels[k],
                teams.get(t, "Uden team") if t else "Uden team",
                *_counts(by_team[(k, t)]),
            ]
            for k in order
            for t in team_keys
            if (k, t) in by_team
        ],
    )
    t_team_month = Table(
        "compliance_by_team_month",
        "Overholdte frister pr. team og måned",
        "line",
        [
            Column("measure_key", "Nøgle"),
            Column("measure", "Målepunkt"),
            Column("team", "Team"),
            Column("month", "Måned", "date"),
            Column("month_label", "Måned (tekst)"),
            *_COMPLIANCE_COLUMNS,
        ],
        [
            [
                k,
                labels[k],
                teams.get(t, "Uden team") if t else "Uden team",
                mo,
                month_label(mo),
                *_counts(by_tm.get((k, t, mo), [0, 0, 0, 0])),
            ]
            for k in order
            for t in team_keys
            if (k, t) in by_team
            for mo in months
        ],
    )
    return t_overall, t_month, t_team, t_team_month


async def notifications(scope: Scope) -> tuple[Table, Table]:
    """Notifications (underretninger) received by source, and per month and source."""
    rows = await repo.list_notification_counts(scope.teams, _since_at(scope.since))
    by_source: dict[str, int] = defaultdict(int)
    by_month: dict[tuple[date, str], int] = defaultdict(int)
    for r in rows:
        by_source[r.source] += r.n
        by_month[(r.month, r.source)] += r.n
    total = sum(by_source.values())
    sources = sorted(SOURCE_LABELS, key=lambda s: -by_source.get(s, 0))
    pie = Table(
        "notifications_by_source",
        "Underretninger efter kilde",
        "pie",
        [
            Column("source_key", "Nøgle"),
            Column("source", "Kilde"),
            Column("count", "Antal", "int"),
            Column("share", "Andel", "percent"),
        ],
        [
            [s, SOURCE_LABELS[s], by_source.get(s, 0), pct(by_source.get(s, 0), total)]
            for s in sources
        ],
    )
    months = [add_months(scope.since, i) for i in range(scope.months)]
    over_time = Table(
        "notifications_by_month",
        "Underretninger pr. måned efter kilde",
        "stacked_bar",
        [
            Column("month", "Måned", "date"),
            Column("month_label", "Måned (tekst)"),
            *[Column(s, SOURCE_LABELS[s], "int") for s in SOURCE_LABELS],
            Column("total", "I alt", "int"),
        ],
        [
            [
                mo,
                month_label(mo),
                *[by_month.get((mo, s), 0) for s in SOURCE_LABELS],
                sum(by_month.get((mo, s), 0) for s in SOURCE_LABELS),
            ]
            for mo in months
        ],
    )
    return pie, over_time


async def children(scope: Scope) -> tuple[Table, Table, Table]:
    """Children with running measures by measure type, age band and supplier: one pass
    over the running measures (distinct children in each group)."""
    today = today_dk()
    # Age band by birth date: age <= hi  <=>  born after today minus (hi + 1) years.
    limits = [add_months(today, -12 * (hi + 1)) for _, hi in AGE_BANDS]
    assert len(limits) == 6  # the CASE below has one branch per band
    rows = await repo.list_child_group_counts(scope.teams, today, limits)
    kinds = sorted(((r.key, r.n) for r in rows if r.grp == "kind"), key=lambda x: (-x[1], x[0]))
    kind_table = Table(
        "children_by_measure",
        "Børn og unge efter indsatstype",
        "bar",
        [
            Column("measure_key", "Nøgle"),
            Column("measure", "Indsatstype"),
            Column("placement", "Anbringelse", "bool"),
            Column("children", "Børn og unge", "int"),
        ],
        [
            [k, MEASURES[k][0] if k in MEASURES else k, MEASURES.get(k, ("", False))[1], n]
            for k, n in kinds
        ],
    )
    bands: dict[tuple[int, int], list[int]] = {b: [0, 0] for b in AGE_BANDS}
    for r in rows:
        if r.grp == "age" and int(r.key) < len(AGE_BANDS):
            bands[AGE_BANDS[int(r.key)]][0 if r.placed else 1] += r.n
    age_table = Table(
        "children_by_age",
        "Børn og unge med indsatser efter alder",
        "stacked_bar",
        [
            Column("age_band", "Alder"),
            Column("placed", "Anbragt", "int"),
            Column("support", "Støtte uden anbringelse", "int"),
            Column("total", "I alt", "int"),
        ],
        [[f"{lo}-{hi} år", p, s, p + s] for (lo, hi), (p, s) in bands.items()],
    )
    counts = {uuid.UUID(r.key): r.n for r in rows if r.grp == "supplier"}
    suppliers = {r.id: r for r in await repo.list_suppliers(list(counts))}
    ordered = sorted(counts, key=lambda k: (-counts[k], suppliers[k].name))[:200]
    supplier_table = Table(
        "children_by_supplier",
        "Børn og unge efter leverandør",
        "bar",
        [
            Column("supplier", "Leverandør"),
            Column("supplier_kind", "Type"),
            Column("children", "Børn og unge", "int"),
        ],
        [[suppliers[k].name, SUPPLIER_KINDS[suppliers[k].kind], counts[k]] for k in ordered],
    )
    return kind_table, age_table, supplier_table


TURNING_18_COLUMNS = [
    Column("child", "Barn/ung"),
    Column("birth_date", "Fødselsdato", "date"),
    Column("eighteen", "Fylder 18", "date"),
    Column("measure", "Anbringelse"),
    Column("supplier", "Anbringelsessted"),
    Column("caseworker", "Sagsbehandler"),
    Column("team", "Team"),
    Column("transition_planned", "Overgang planlagt (§ 111)", "bool"),
    Column("transition_due", "Frist for afgørelse om ungestøtte (§ 111)", "date"),
    Column("transition_overdue", "Fristen er overskredet", "bool"),
]


async def turning_18(scope: Scope) -> list[Turning18Row]:
    """Placed young people who turn 18 within 12 months (a year from today)."""
    rows = await repo.list_turning_18(scope.teams, today_dk())
    return sorted(rows, key=lambda r: r.eighteen)


def turning_18_list(rows: list[Turning18Row]) -> list[list[Any]]:
    return [
        [
            r.child_name,
            r.birth_date,
            r.eighteen,
            MEASURES[r.kind][0] if r.kind in MEASURES else r.kind,
            r.supplier,
            r.caseworker,
            r.team,
            r.transition_planned,
            r.transition_due,
            r.transition_overdue,
        ]
        for r in rows
    ]


def turning_18_by_month(rows: list[Turning18Row]) -> Table:
    counts: dict[date, list[int]] = {}
    today = today_dk()
    first = date(today.year, today.month, 1)
    for i in range(13):
        counts[add_months(first, i)] = [0, 0]
    for r in rows:
        key = date(r.eighteen.year, r.eighteen.month, 1)
        if key in counts:
            counts[key][0] += 1
            counts[key][1] += 1 if r.transition_planned else 0
    return Table(
        "turning_18",
        "Anbragte unge, der fylder 18 inden for 12 måneder",
        "bar",
        [
            Column("month", "Måned", "date"),
            Column("month_label", "Måned (tekst)"),
            Column("young_people", "Unge", "int"),
            Column("transition_planned", "Heraf med planlagt overgang", "int"),
        ],
        [[mo, month_label(mo), n, p] for mo, (n, p) in counts.items()],
    )


async def costs(scope: Scope) -> tuple[Table, Table]:
    """What the running bevillinger are expected to cost this month, and what has been paid
    for periods starting this year, by measure type and by supplier (expected against
    actual over any period: ``GET /api/money/spending``)."""
    today = today_dk()
    month_start = date(today.year, today.month, 1)
    month_end = add_months(month_start, 1) - timedelta(days=1)
    expected = await repo.list_expected_costs(scope.teams, month_start, month_end)
    paid = await repo.list_paid_costs(scope.teams, date(today.year, 1, 1), month_end)
    out = []
    for group, column, title in (
        ("measure", "measure_kind", "Udgifter efter indsatstype"),
        ("supplier", "supplier_id", "Udgifter efter leverandør"),
    ):
        month = {getattr(r, column): r.amount for r in expected if getattr(r, column) is not None}
        year = {getattr(r, column): r.amount for r in paid if getattr(r, column) is not None}
        keys = set(month) | set(year)
        if group == "measure":
            names = {k: MEASURE_TYPES[k].label if k in MEASURE_TYPES else k for k in keys}
        else:
            names = await repo.list_supplier_names(list(keys))
        ordered = sorted(keys, key=lambda k: (-month.get(k, 0), str(names.get(k, ""))))
        out.append(
            Table(
                f"costs_by_{group}",
                title,
                "bar",
                [
                    Column("key", "Nøgle"),
                    Column("label", "Indsatstype" if group == "measure" else "Leverandør"),
                    Column("expected_month", "Forventet denne måned", "money"),
                    Column("paid_year", "Betalt for perioder i år", "money"),
                ],
                [
                    [str(k), names.get(k, str(k)), int(month.get(k, 0)), int(year.get(k, 0))]
                    for k in ordered
                ],
            )
        )
    return out[0], out[1]


@dataclass
class Dashboard:
    generated_at: datetime
    since: date
    tables: dict[str, Table]
    turning_18_count: int
    open_complaints: int = 0  # complaints not yet decided (backend/appeals)
    reconsiderations_overdue: int = 0  # of those, reconsiderations past their deadline
    awaiting_committee: int = 0  # § 47 indstillinger not yet decided by the committee
    awaiting_confirmation: int = 0  # the chair's provisional decisions not yet approved


async def _own_transaction(code: str, fn: Any, scope: Scope) -> Any:
    """Run ``fn(scope)`` in a read transaction of its own (a connection of the pool for work
    beside a request's, ``backend.db.SIDE``), in a fresh context so it does not see the
    request's transaction."""

    async def run() -> Any:
        async with tenant_transaction(SIDE, code):
            return await fn(scope)

    return await asyncio.create_task(run(), context=contextvars.Context())


async def dashboard(scope: Scope) -> Dashboard:
    """Every section; the six queries run side by side, each in its own read transaction
    of the same kommune (they only read, and the numbers need not share a snapshot)."""
    code = current_scope().code
    sections = (caseload, compliance, notifications, children, turning_18, costs)
    done = await asyncio.gather(*(_own_transaction(code, fn, scope) for fn in sections))
    tables: dict[str, Table] = {}
    for result in done:
        if isinstance(result, Table):
            tables[result.key] = result
        elif isinstance(result, tuple):
            for t in result:
                tables[t.key] = t
    young = done[4]
    tables["turning_18"] = turning_18_by_month(young)
    complaints, overdue = await repo.count_complaints(scope.teams, today_dk())
    waiting, provisional = await repo.count_committee(scope.teams)
    return Dashboard(
        datetime.now(UTC),
        scope.since,
        tables,
        len(young),
        complaints,
        overdue,
        waiting,
        provisional,
    )


TABLE_KEYS = (
    "caseload",
    "compliance",
    "compliance_by_month",
    "compliance_by_team",
    "compliance_by_team_month",
    "notifications_by_source",
    "notifications_by_month",
    "children_by_measure",
    "children_by_age",
    "children_by_supplier",
    "turning_18",
    "costs_by_measure",
    "costs_by_supplier",
)


async def table(scope: Scope, key: str) -> Table:
    """One table of the dashboard (for export)."""
    if key == "caseload":
        return await caseload(scope)
    if key.startswith("compliance"):
        return next(t for t in await compliance(scope) if t.key == key)
    if key.startswith("notifications"):
        return next(t for t in await notifications(scope) if t.key == key)
    if key.startswith("children"):
        return next(t for t in await children(scope) if t.key == key)
    if key == "turning_18":
        return turning_18_by_month(await turning_18(scope))
    if key.startswith("costs"):
        return next(t for t in await costs(scope) if t.key == key)
    raise KeyError(key)


SUPPORT_AFTER_18_COLUMNS = [
    Column("child", "Ung"),
    Column("birth_date", "Fødselsdato", "date"),
    Column("measure", "Ungestøtte (§ 114)"),
    Column("starts_on", "Fra", "date"),
    Column("planned_end", "Bevilget til", "date"),
    Column("supplier", "Leverandør"),
    Column("caseworker", "Sagsbehandler"),
    Column("team", "Team"),
]


async def support_after_18(scope: Scope) -> list[list[Any]]:
    """Young people with support after 18 (§ 114) granted and not ended."""
    rows = await repo.list_support_after_18(scope.teams, today_dk())
    return [
        [
            r.child_name,
            r.birth_date,
            MEASURES[r.kind][0] if r.kind in MEASURES else r.kind,
            r.starts_on,
            r.planned_end,
            r.supplier,
            r.caseworker,
            r.team,
        ]
        for r in rows
    ]
