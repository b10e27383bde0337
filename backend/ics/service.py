"""ICS documents: the child investigation (§ 20), barnets plan (§§ 91-92) and the
follow-up (§ 95), as series of versions.

Life of a version: a draft (``kladde``) is saved as the caseworker writes, each save with
the revision it was based on (``rev``); a save on an older revision is refused with the
stored content and who saved it, never merged. Submitting (``indsendt``) checks that every
required part is filled and names each one missing. A manager approves (``godkendt``): the
version is locked for ever (also by a database trigger) and the case core's deadlines are
completed by the step the document stands for. A manager (or the submitter) can send a
submitted version back to draft with a reason. "New version" copies the latest approved
version into a new draft, so only changes are written.

Like the case core, every function runs in the request's tenant transaction (the queries are
in ``backend.ics.repository``) and journals what it does in that same transaction. Its
errors are the core's domain errors; those that carry more than a message (the stored
content, the open version, every missing part) put it in the answer's ``extra``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import msgspec

from backend.casework import process
from backend.casework.access import AccessibleCase
from backend.core.danish import DK, plural, today_dk
from backend.core.errors import FieldError, FieldErrors, NotAllowed, NotFound, StateConflict
from backend.core.journal import stamp
from backend.ics import repository as repo
from backend.ics.method import CURRENT, KINDS, STATUSES, View, view
from backend.ics.repository import (
    DEADLINE_RULES,
    ChildOfCase,
    DeadlineRow,
    DocRow,
    ListedVersion,
    MeasureRow,
    OpenVersion,
    RunningInvestigation,
    VersionRow,
)
from backend.ics.schemas import (
    FollowUpContent,
    Goal,
    GoalFollowUp,
    IcsContent,
    InvestigationContent,
    Need,
    PlanContent,
)

_decoder = msgspec.json.Decoder(IcsContent)
_encoder = msgspec.json.Encoder()

CONTENT_TYPES: dict[str, type[Any]] = {
    "undersoegelse": InvestigationContent,
    "plan": PlanContent,
    "opfoelgning": FollowUpContent,
}
MAX_CONTENT_BYTES = 2_000_000
NOT_FOUND = "Dokumentet findes ikke, eller du er ikke på sagen"


# The answers below carry more than the core's domain errors can (the stored content, the
# open version, every missing part), so each is its HTTP answer itself.


class Locked(StateConflict):
    """The version is not a draft (submitted or approved): it cannot be changed (409
    ``reason: "locked"``)."""

    def __init__(self, status: str, message: str | None = None) -> None:
        self.status = status
        self.message = message or (
            "Versionen er godkendt og låst. Start en ny version for at skrive videre."
            if status == "godkendt"
            else "Versionen er indsendt til godkendelse og kan ikke ændres. Den kan sendes "
            "tilbage til kladde med en begrundelse."
        )
        super().__init__(
            self.message,
            extra={"reason": "locked", "status": status, "status_label": STATUSES[status]},
        )


class DraftStale(StateConflict):
    """The client's revision is old: someone saved in between. Carries what is stored
    (409 ``reason: "stale"``); nothing is saved or merged."""

    def __init__(self, row: DocRow) -> None:
        self.rev: int = row.rev
        self.status: str = row.status
        self.changed_by: str = row.changed_by
        self.changed_by_name: str = row.changed_by_name  # what a person reads
        self.changed_at: datetime = row.changed_at
        self.content: IcsContent = decode(row.content)
        when = self.changed_at.astimezone(DK).strftime("%d.%m.%Y kl. %H.%M.%S")
        super().__init__(
            f"Dokumentet er gemt af {self.changed_by_name} {when}, efter du hentede det. "
            "Din ændring er ikke gemt. Sammenlign din tekst med den gemte, og gem igen.",
            extra={
                "reason": "stale",
                "rev": self.rev,
                "status": self.status,
                "changed_by": self.changed_by,
                "changed_by_name": self.changed_by_name,
                "changed_at": self.changed_at.isoformat(),
                "content": msgspec.to_builtins(self.content),
            },
        )


class Incomplete(FieldErrors):
    """Required parts are empty or invalid (400): ``extra`` lists each as ``{key, label,
    message, missing: true}``; the message names the first six."""

    def __init__(self, kind: str, items: list[dict[str, str]]) -> None:
        self.kind = kind
        self.items = items
        labels = [i["label"] for i in items]
        shown = ", ".join(labels[:6]) + (f" (og {len(labels) - 6} mere)" if len(labels) > 6 else "")
        super().__init__(
            f"{KINDS[kind].label} kan ikke indsendes. Der mangler: {shown}.",
            [{**i, "missing": True} for i in items],
        )


class Forbidden(NotAllowed):
    """The user may not do this to this version (the message says why; 403)."""


class OwnApproval(Forbidden):
    """The kommune requires another manager to approve what one submitted oneself."""

    def __init__(self) -> None:
        super().__init__(
            "Du har selv indsendt denne version. Kommunen kræver, at en anden leder godkender den."
        )


class AlreadyOpen(StateConflict):
    """There is already an open (draft or submitted) version; names it (409
    ``reason: "open_version"``)."""

    def __init__(self, open_one: OpenVersion, message: str) -> None:
        self.document_id = open_one.id
        self.version_no = open_one.version_no
        self.status = open_one.status
        self.message = message
        super().__init__(
            message,
            extra={
                "reason": "open_version",
                "document_id": str(open_one.id),
                "version_no": open_one.version_no,
                "status": open_one.status,
            },
        )


def decode(text: str) -> IcsContent:
    content: IcsContent = _decoder.decode(text)
    return content


def encode(content: IcsContent) -> str:
    return _encoder.encode(content).decode()


def as_plan(text: str) -> PlanContent:
    content = decode(text)
    assert isinstance(content, PlanContent)
    return content


def as_investigation(text: str) -> InvestigationContent:
    content = decode(text)
    assert isinstance(content, InvestigationContent)
    return content


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def title(kind: str, version_no: int) -> str:
    return f"{KINDS[kind].label}, version {version_no}"


# --- Reading -------------------------------------------------------------------------------


async def case_of(doc_id: uuid.UUID) -> uuid.UUID | None:
    return await repo.get_case_of(doc_id)


async def case_of_series(series_id: uuid.UUID) -> uuid.UUID | None:
    return await repo.get_case_of_series(series_id)


async def load(doc_id: uuid.UUID, *, for_update: bool = False) -> DocRow:
    """The whole version; NotFound when there is none."""
    row = await repo.get_document(doc_id, for_update=for_update)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def versions(series_id: uuid.UUID) -> list[VersionRow]:
    return await repo.list_versions(series_id)


async def version_by_no(series_id: uuid.UUID, version_no: int) -> DocRow:
    row = await repo.get_version_by_no(series_id, version_no)
    if row is None:
        raise FieldError("version", f"Version {version_no} findes ikke")
    return row


async def case_documents(hovedsag_id: uuid.UUID) -> list[ListedVersion]:
    return await repo.list_case_documents(hovedsag_id)


async def open_investigation(hovedsag_id: uuid.UUID) -> RunningInvestigation | None:
    return await repo.get_open_investigation(hovedsag_id)


async def child_of(hovedsag_id: uuid.UUID) -> ChildOfCase:
    return await repo.get_child_of(hovedsag_id)


async def measures_of(hovedsag_id: uuid.UUID) -> list[MeasureRow]:
    return await repo.list_measures(hovedsag_id)


async def deadlines(row: DocRow, content: IcsContent) -> list[DeadlineRow]:
    """The deadlines the document answers: for an investigation its 4-month activity
    (whatever its status); for a plan the open plan activities of the case; for a
    follow-up the open follow-ups of its measure. Plus those completed since the document
    was started, so an approved version shows what it completed."""
    kind = row.kind
    enkeltsag = row.enkeltsag_id if kind == "undersoegelse" else None
    concerns = content.indsats_id if isinstance(content, FollowUpContent) else None
    if kind == "opfoelgning" and concerns is None:
        return []
    since = None if kind == "undersoegelse" else row.created_at
    return await repo.list_deadlines(
        row.hovedsag_id, DEADLINE_RULES[kind], enkeltsag, concerns, since
    )


async def approval_requires_other() -> bool:
    return await repo.get_approval_requires_other()


async def set_approval_requires_other(value: bool) -> None:
    await repo.update_approval_requires_other(value)


async def has_open_version(series_id: uuid.UUID) -> OpenVersion | None:
    return await repo.get_open_version(series_id)


async def awaiting_approval(
    user_id: uuid.UUID, kommune_wide: bool, limit: int = 200
) -> list[repo.AwaitingRow]:
    """Submitted versions on open cases the user may open (see
    ``repository.list_awaiting_approval`` for the order). No content is read."""
    return await repo.list_awaiting_approval(user_id, kommune_wide, limit)


async def display_names(usernames: list[str | None]) -> dict[str, str]:
    """Username -> display name for those that are users here."""
    rows = await repo.list_display_names([u for u in usernames if u])
    return {r.username: r.display_name for r in rows}


# --- Validation ----------------------------------------------------------------------------


async def _check_measures(hovedsag_id: uuid.UUID, ids: dict[str, uuid.UUID]) -> None:
    """Every referenced measure (key -> indsats id) belongs to the case."""
    if not ids:
        return
    known = await repo.list_known_measures(hovedsag_id, list(set(ids.values())))
    for key, value in ids.items():
        if value not in known:
            raise FieldError(key, "Indsatsen findes ikke i sagen")


def _assign_ids(items: list[Any], key: str) -> bool:
    """Give items without an id a new one; refuse duplicates. Returns whether any changed."""
    seen: set[str] = set()
    changed = False
    for i, item in enumerate(items):
        if not item.id.strip():
            item.id = new_id()
            changed = True
        if item.id in seen:
            raise FieldError(f"content.{key}.{i}.id", "Samme id er brugt to gange")
        seen.add(item.id)
    return changed


async def normalise(
    kind: str, content: IcsContent, v: View, hovedsag_id: uuid.UUID
) -> tuple[IcsContent, bool]:
    """Check a draft's structure against the method (known dimensions, sources, statuses,
    the case's measures) and give new needs and goals an id. Completeness is not checked
    here: a draft may be half written. Returns the content and whether it was changed."""
    if not isinstance(content, CONTENT_TYPES[kind]):
        raise FieldError("content.kind", f"Indholdet skal være af typen {kind}")
    changed = False
    if isinstance(content, InvestigationContent):
        for key, entries in content.dimensions.items():
            if key not in v.dimensions:
                raise FieldError(f"content.dimensions.{key}", f"Ukendt dimension: {key}")
            for entry in ("observations", "resources", "concerns"):
                for i, s in enumerate(getattr(entries, entry)):
                    if s.source and s.source not in v.sources:
                        raise FieldError(
                            f"content.dimensions.{key}.{entry}.{i}.source",
                            f"Ukendt kilde: {s.source}",
                        )
        for i, need in enumerate(content.unmet_needs):
            if need.dimension is not None and need.dimension not in v.dimensions:
                raise FieldError(
                    f"content.unmet_needs.{i}.dimension", f"Ukendt dimension: {need.dimension}"
                )
        changed = _assign_ids(content.unmet_needs, "unmet_needs")
    elif isinstance(content, PlanContent):
        changed = _assign_ids(content.goals, "goals")
        await _check_measures(
            hovedsag_id,
            {
                f"content.goals.{i}.measures.{j}.indsats_id": m.indsats_id
                for i, g in enumerate(content.goals)
                for j, m in enumerate(g.measures)
                if m.indsats_id is not None
            },
        )
    else:
        assert isinstance(content, FollowUpContent)
        for i, g in enumerate(content.goals):
            if g.status and g.status not in v.statuses:
                raise FieldError(f"content.goals.{i}.status", f"Ukendt status: {g.status}")
        if content.indsats_id is not None:
            await _check_measures(hovedsag_id, {"content.indsats_id": content.indsats_id})
    return content, changed


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _item(key: str, label: str, message: str) -> dict[str, str]:
    return {"key": key, "label": label, "message": f"{label}: {message}"}


async def missing(row: DocRow, content: IcsContent) -> list[dict[str, str]]:
    """Everything that must be filled (or is invalid) before the version can be submitted,
    each with its key in the content and a Danish label."""
    v = view(row.method)
    kind = row.kind
    out: list[dict[str, str]] = []

    def sections(keys: tuple[str, ...]) -> None:
        for key in keys:
            if v.required(kind, key) and _blank(getattr(content, key)):
                out.append(_item(key, v.section_label(kind, key), "skal udfyldes"))

    if isinstance(content, InvestigationContent):
        for side in v.method.sides:
            for dim in side.dimensions:
                entries = content.dimensions.get(dim.key)
                written = 0
                for entry, entry_label in v.entry_kinds.items():
                    for i, s in enumerate(getattr(entries, entry) if entries else []):
                        if _blank(s.text) and not s.source:
                            continue  # an empty row
                        written += 1
                        where = f"{dim.label} › {entry_label} {i + 1}"
                        base = f"dimensions.{dim.key}.{entry}.{i}"
                        if _blank(s.text):
                            out.append(_item(f"{base}.text", where, "teksten mangler"))
                        if not s.source:
                            out.append(
                                _item(
                                    f"{base}.source",
                                    where,
                                    "angiv hvem oplysningen kommer fra (kilde)",
                                )
                            )
                        elif s.source == "andet" and _blank(s.source_note):
                            out.append(_item(f"{base}.source_note", where, "angiv hvem kilden er"))
                if dim.required and written == 0:
                    out.append(
                        _item(
                            f"dimensions.{dim.key}",
                            f"{side.label} › {dim.label}",
                            "skriv mindst én observation, ressource eller bekymring",
                        )
                    )
        sections(("child_view", "parents_view", "analysis", "conclusion"))
        for i, need in enumerate(content.unmet_needs):
            if _blank(need.text):
                out.append(_item(f"unmet_needs.{i}.text", f"Udækket behov {i + 1}", "tomt"))
    elif isinstance(content, PlanContent):
        if not content.goals:
            out.append(_item("goals", v.section_label(kind, "goals"), "tilføj mindst ét mål"))
        for i, g in enumerate(content.goals):
            where = f"Mål {i + 1}"
            for key in ("goal", "measurable", "responsible"):
                if (
                    v.goal_fields.get(key)
                    and v.goal_fields[key].required
                    and _blank(getattr(g, key))
                ):
                    msg = (
                        "angiv hvem der er ansvarlig for målet"
                        if key == "responsible"
                        else "skal udfyldes"
                    )
                    out.append(_item(f"goals.{i}.{key}", f"{where} › {v.goal_label(key)}", msg))
            if not any(m.indsats_id or not _blank(m.text) for m in g.measures):
                out.append(
                    _item(
                        f"goals.{i}.measures",
                        f"{where} › {v.goal_label('measures')}",
                        "angiv mindst én indsats, der skal føre til målet",
                    )
                )
        sections(("child_view", "parents_view"))
    else:
        assert isinstance(content, FollowUpContent)
        label = v.section_label(kind, "indsats_id")
        running = None
        if content.indsats_id is None:
            out.append(_item("indsats_id", label, "vælg den indsats, der følges op på"))
        else:
            running = await repo.get_measure_running(content.indsats_id)
        today = today_dk()
        if content.happened_on is None:
            out.append(_item("happened_on", v.section_label(kind, "happened_on"), "mangler"))
        elif content.happened_on > today:
            out.append(
                _item(
                    "happened_on", v.section_label(kind, "happened_on"), "datoen ligger i fremtiden"
                )
            )
        plan = await repo.get_content(row.derived_from_id)
        goals = as_plan(plan).goals if plan else []
        by_goal = {g.goal_id: (i, g) for i, g in enumerate(content.goals)}
        known = {g.id for g in goals}
        for i, f in enumerate(content.goals):
            if f.goal_id not in known:
                out.append(
                    _item(f"goals.{i}.goal_id", f"Mål {i + 1}", "målet findes ikke i planen")
                )
        for n, goal in enumerate(goals):
            where = f"Mål {n + 1} ({goal.goal.strip()[:60] or 'uden tekst'})"
            if goal.id not in by_goal:
                out.append(_item("goals", where, "mangler vurdering"))
                continue
            i, f = by_goal[goal.id]
            if not f.status:
                out.append(
                    _item(
                        f"goals.{i}.status", where, "vælg om målet er opfyldt, delvist eller ikke"
                    )
                )
            if _blank(f.evidence):
                out.append(_item(f"goals.{i}.evidence", where, "beskriv hvad der viser det"))
        if running:
            if content.next_due is None:
                out.append(_item("next_due", v.section_label(kind, "next_due"), "mangler"))
            elif content.next_due <= today:
                out.append(
                    _item("next_due", v.section_label(kind, "next_due"), "skal ligge efter i dag")
                )
            if _blank(content.next_reason):
                out.append(
                    _item("next_reason", v.section_label(kind, "next_reason"), "skal udfyldes")
                )
    return out


# --- Changing ------------------------------------------------------------------------------


async def _case_open(hovedsag_id: uuid.UUID) -> None:
    if await repo.get_case_closed_at(hovedsag_id) is not None:
        raise FieldError("status", "Sagen er lukket; dens dokumenter kan læses, men ikke ændres")


async def _insert(
    actor: str,
    *,
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    kind: str,
    series_id: uuid.UUID,
    version_no: int,
    method: str,
    content: IcsContent,
    based_on_id: uuid.UUID | None,
    derived_from_id: uuid.UUID | None,
) -> VersionRow:
    return await repo.insert_document(
        actor,
        hovedsag_id=hovedsag_id,
        enkeltsag_id=enkeltsag_id,
        kind=kind,
        series_id=series_id,
        version_no=version_no,
        method=method,
        content=encode(content),
        based_on_id=based_on_id,
        derived_from_id=derived_from_id,
    )


def empty_investigation(v: View) -> InvestigationContent:
    from backend.ics.schemas import DimensionEntries

    return InvestigationContent(dimensions={k: DimensionEntries() for k in v.dimensions})


@dataclass
class Started:
    row: VersionRow
    started_investigation: uuid.UUID | None = None


async def do_start_investigation(
    actor: str, hovedsag_id: AccessibleCase, aware_since: date | None
) -> Started:
    """Start the written investigation for the case's running investigation. Without one,
    ``aware_since`` starts it in the case core (decision, 4-month deadline) first."""
    await _case_open(hovedsag_id)
    running = await open_investigation(hovedsag_id)
    started = None
    if running is None:
        if aware_since is None:
            raise FieldError(
                "aware_since",
                "Der er ingen igangværende børnefaglig undersøgelse på sagen. Angiv hvornår "
                "kommunen blev opmærksom på barnets forhold, så startes den nu.",
            )
        from backend.casework.service import do_start_investigation as start_in_core

        started, _ = await start_in_core(actor, hovedsag_id, aware_since)
        enkeltsag_id = started
    else:
        enkeltsag_id = running.id
        existing = await repo.get_latest_of_investigation(enkeltsag_id)
        if existing is not None:
            raise AlreadyOpen(
                existing,
                "Undersøgelsen er allerede påbegyndt; åbn den, eller start en ny version af den",
            )
    row = await _insert(
        actor,
        hovedsag_id=hovedsag_id,
        enkeltsag_id=enkeltsag_id,
        kind="undersoegelse",
        series_id=uuid.uuid4(),
        version_no=1,
        method=CURRENT,
        content=empty_investigation(view()),
        based_on_id=None,
        derived_from_id=None,
    )
    await stamp(
        hovedsag_id,
        actor,
        "ics.oprettet",
        f"{title('undersoegelse', 1)} påbegyndt",
        f"Skrives efter {view().method.name}.",
        enkeltsag_id,
    )
    return Started(row, started)


def _goal_for(need: Need) -> Goal:
    return Goal(id=new_id(), need_id=need.id, need=need.text.strip())


async def do_create_plan(actor: str, investigation_id: uuid.UUID) -> VersionRow:
    """Barnets plan from an investigation: its unmet needs become proposed goals. With a
    plan already on the case, this is the plan's next version (its goals kept, the
    investigation's new needs added), which needs the latest version to be approved."""
    inv = await load(investigation_id)
    if inv.kind != "undersoegelse":
        raise FieldError("kind", "Barnets plan laves ud fra en børnefaglig undersøgelse")
    if inv.status == "kladde":
        raise FieldError(
            "status",
            "Undersøgelsen skal være indsendt eller godkendt, før barnets plan laves ud fra den",
        )
    await _case_open(inv.hovedsag_id)
    needs = [n for n in as_investigation(inv.content).unmet_needs if n.text.strip()]
    latest = await repo.get_latest_plan(inv.hovedsag_id)
    if latest is not None and latest.status != "godkendt":
        raise AlreadyOpen(
            OpenVersion(latest.id, latest.version_no, latest.status),
            f"Barnets plan har allerede en åben version (version {latest.version_no}, "
            f"{STATUSES[latest.status].lower()})",
        )
    if latest is None:
        content = PlanContent(goals=[_goal_for(n) for n in needs])
        series, version_no, based_on, method = uuid.uuid4(), 1, None, CURRENT
    else:
        content = as_plan(latest.content)
        have = {g.need_id for g in content.goals if g.need_id}
        content.goals += [_goal_for(n) for n in needs if n.id not in have]
        series, version_no = latest.series_id, latest.version_no + 1
        based_on, method = latest.id, latest.method
    row = await _insert(
        actor,
        hovedsag_id=inv.hovedsag_id,
        enkeltsag_id=None,
        kind="plan",
        series_id=series,
        version_no=version_no,
        method=method,
        content=content,
        based_on_id=based_on,
        derived_from_id=investigation_id,
    )
    await stamp(
        inv.hovedsag_id,
        actor,
        "ics.oprettet" if version_no == 1 else "ics.ny_version",
        f"{title('plan', version_no)} påbegyndt ud fra {title('undersoegelse', inv.version_no)}",
        f"{plural(len(needs), 'udækket behov', 'udækkede behov')} er ført over som forslag til mål."
        if latest is None
        else "Planen er kopieret fra forrige version; undersøgelsens nye behov er tilføjet.",
    )
    return row


async def do_create_follow_up(actor: str, plan_id: uuid.UUID) -> VersionRow:
    """A follow-up on an approved plan: one entry per goal to assess; the measure is
    preselected when the case has exactly one running."""
    plan = await load(plan_id)
    if plan.kind != "plan":
        raise FieldError("kind", "Der følges op på barnets plan")
    if plan.status != "godkendt":
        raise FieldError("status", "Planen skal være godkendt, før der følges op på den")
    await _case_open(plan.hovedsag_id)
    open_one = await repo.get_open_follow_up(plan.series_id)
    if open_one is not None:
        raise AlreadyOpen(
            open_one,
            "Der er allerede en opfølgning på planen, som ikke er godkendt",
        )
    running = [m.id for m in await measures_of(plan.hovedsag_id) if m.ends_on is None]
    goals = as_plan(plan.content).goals
    content = FollowUpContent(
        indsats_id=running[0] if len(running) == 1 else None,
        happened_on=today_dk(),
        goals=[GoalFollowUp(goal_id=g.id) for g in goals],
    )
    row = await _insert(
        actor,
        hovedsag_id=plan.hovedsag_id,
        enkeltsag_id=None,
        kind="opfoelgning",
        series_id=uuid.uuid4(),
        version_no=1,
        method=plan.method,
        content=content,
        based_on_id=None,
        derived_from_id=plan_id,
    )
    await stamp(
        plan.hovedsag_id,
        actor,
        "ics.oprettet",
        f"Opfølgning på {title('plan', plan.version_no).lower()} påbegyndt",
    )
    return row


@dataclass
class Saved:
    rev: int
    changed_by: str
    changed_at: datetime
    content: IcsContent | None


async def do_save_draft(
    actor: str, doc_id: uuid.UUID, rev: int, content: IcsContent, size: int | None = None
) -> Saved:
    """Autosave: store the draft if ``rev`` is the stored revision. One statement on the
    normal path; on a miss, tell a stale revision (with the stored content) from a locked
    version. Not journalised (drafts are saved every few seconds)."""
    head = await repo.get_draft_head(doc_id)
    if head is None:
        raise NotFound(NOT_FOUND)
    if head.status != "kladde":
        raise Locked(head.status)
    content, changed = await normalise(head.kind, content, view(head.method), head.hovedsag_id)
    text = encode(content)
    if len(text) > MAX_CONTENT_BYTES:
        raise FieldError("content", "Dokumentet er for stort til at gemme (over 2 MB tekst)")
    row = await repo.update_draft(doc_id, rev, text, actor)
    if row is None:
        current = await load(doc_id)
        if current.status != "kladde":
            raise Locked(current.status)
        raise DraftStale(current)
    return Saved(row.rev, actor, row.changed_at, content if changed else None)


async def _lock(doc_id: uuid.UUID, rev: int) -> DocRow:
    row = await load(doc_id, for_update=True)
    if row.rev != rev:
        raise DraftStale(row)
    return row


async def do_submit(actor: str, doc_id: uuid.UUID, rev: int) -> VersionRow:
    """Submit a draft for approval: every required part must be filled (all missing parts
    are named at once)."""
    row = await _lock(doc_id, rev)
    if row.status != "kladde":
        raise Locked(row.status)
    await _case_open(row.hovedsag_id)
    content = decode(row.content)
    items = await missing(row, content)
    if items:
        raise Incomplete(row.kind, items)
    updated = await repo.update_submitted(doc_id, actor)
    await stamp(
        row.hovedsag_id,
        actor,
        "ics.indsendt",
        f"{title(row.kind, row.version_no)} indsendt til godkendelse",
        "",
        row.enkeltsag_id,
    )
    return updated


@dataclass
class Approved:
    row: VersionRow
    completed: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    new_plan: VersionRow | None = None


async def do_approve(
    actor: str, name: str, case: AccessibleCase, doc_id: uuid.UUID, rev: int, note: str
) -> Approved:
    """A manager approves a submitted version: it is locked, and the step it stands for is
    recorded in the case core, which completes its deadlines. An investigation completes
    the running investigation (the 4-month deadline) if it is that investigation; a plan
    records the plan step (the plan deadlines); a follow-up records the § 95 follow-up on
    its measure with the next follow-up and its reason, and may start a new plan version.
    ``case`` is the document's case as the access check found it (a document never moves
    to another case)."""
    row = await _lock(doc_id, rev)
    if row.status != "indsendt":
        raise Locked(
            row.status,
            "Versionen er allerede godkendt"
            if row.status == "godkendt"
            else "Versionen er ikke indsendt til godkendelse endnu",
        )
    if await approval_requires_other() and row.submitted_by == actor:
        raise OwnApproval()
    await _case_open(row.hovedsag_id)
    content = decode(row.content)
    updated = await repo.update_approved(doc_id, actor)
    case_id = case
    await stamp(
        case_id,
        actor,
        "ics.godkendt",
        f"{title(row.kind, row.version_no)} godkendt af {name}",
        note.strip(),
        row.enkeltsag_id,
    )
    result = Approved(updated)
    today = today_dk()
    if isinstance(content, InvestigationContent):
        running = await open_investigation(case_id)
        if running is not None and running.id == row.enkeltsag_id:
            await process.do_complete_investigation(actor, case_id, today, content.conclusion)
    elif isinstance(content, PlanContent):
        # The plan step is the author's (the one who wrote and submitted it), dated when it
        # was submitted; the manager's approval is journalled above.
        author = row.submitted_by or row.created_by
        written = row.submitted_at.astimezone(DK).date() if row.submitted_at else today
        await process.do_record_step(
            author,
            case_id,
            kind="plan",
            happened_on=written,
            note=f"{title('plan', row.version_no)} godkendt.",
            indsats_id=None,
            next_due=None,
            next_reason=None,
        )
    else:
        assert isinstance(content, FollowUpContent)
        running_measure = await repo.get_measure_running(content.indsats_id)
        statuses = view(row.method).statuses
        lines = [
            f"- {statuses.get(g.status, g.status)}: {g.evidence.strip()}" for g in content.goals
        ]
        note_text = "\n".join(filter(None, [content.summary.strip(), "\n".join(lines)]))
        _, _, created = await process.do_record_step(
            actor,
            case_id,
            kind="opfoelgning",
            happened_on=content.happened_on or today,
            note=note_text,
            indsats_id=content.indsats_id,
            next_due=content.next_due if running_measure else None,
            next_reason=content.next_reason if running_measure else None,
        )
        result.created = await repo.list_activity_titles(created)
        if content.new_plan_version and row.derived_from_id is not None:
            plan_series = await repo.get_series_of(row.derived_from_id)
            if plan_series is not None and await has_open_version(plan_series) is None:
                result.new_plan = await do_new_version(actor, row.derived_from_id)
    # Everything the case core completed in this transaction (now() is the same for it all).
    result.completed = await repo.list_completed_now(case_id)
    return result


async def do_return(
    actor: str, doc_id: uuid.UUID, rev: int, reason: str, *, manager: bool
) -> VersionRow:
    """Send a submitted version back to draft, with a reason: a manager who will not approve
    it as it is, or the submitter who wants to change it before approval."""
    if not reason.strip():
        raise FieldError("reason", "Skriv hvorfor versionen sendes tilbage")
    row = await _lock(doc_id, rev)
    if row.status != "indsendt":
        raise Locked(row.status, "Kun en indsendt version kan sendes tilbage til kladde")
    if not manager and row.submitted_by != actor:
        raise Forbidden("Kun den, der har indsendt versionen, eller en leder kan sende den tilbage")
    updated = await repo.update_returned(doc_id, actor, reason.strip())
    await stamp(
        row.hovedsag_id,
        actor,
        "ics.returneret",
        f"{title(row.kind, row.version_no)} sendt tilbage til kladde",
        reason.strip(),
        row.enkeltsag_id,
    )
    return updated


async def do_new_version(actor: str, doc_id: uuid.UUID) -> VersionRow:
    """A new draft version copying the latest version of the series (which must be
    approved: only one version is open at a time)."""
    series = await repo.get_series_of(doc_id)
    if series is None:
        raise NotFound(NOT_FOUND)
    latest = await repo.lock_latest_in_series(series)
    if latest.status != "godkendt":
        raise AlreadyOpen(
            OpenVersion(latest.id, latest.version_no, latest.status),
            f"Version {latest.version_no} er ikke godkendt endnu "
            f"({STATUSES[latest.status].lower()}); skriv videre i den",
        )
    await _case_open(latest.hovedsag_id)
    row = await repo.insert_copy(actor, latest.id)
    await stamp(
        latest.hovedsag_id,
        actor,
        "ics.ny_version",
        f"{title(latest.kind, row.version_no)} påbegyndt",
        f"Kopi af version {latest.version_no}; kun ændringerne skal skrives.",
        latest.enkeltsag_id,
    )
    return row


async def do_journal_pdf(actor: str, row: DocRow) -> None:
    await stamp(
        row.hovedsag_id,
        actor,
        "ics.pdf",
        f"PDF dannet: {title(row.kind, row.version_no)} ({STATUSES[row.status].lower()})",
        "",
        row.enkeltsag_id,
    )


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)
