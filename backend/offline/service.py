"""Offline devices, the cases a caseworker takes along, and the bundle they download.

Every function runs inside the request's tenant transaction; the queries are in
``backend.offline.repository``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import UTC, date, datetime
from typing import Any

from backend.casework.access import AccessibleCase, may_open
from backend.casework.records import completion_forms
from backend.casework.rules import completion_of
from backend.children.repository import STAGE_LABELS, age_on
from backend.core.danish import today_dk
from backend.core.principal import Principal
from backend.documents.service import titles_for_cases
from backend.offline import repository as repo
from backend.offline.repository import DeviceRow
from backend.offline.schemas import (
    DeviceRead,
    OfflineActivity,
    OfflineCase,
    OfflineCaseRef,
    OfflineChild,
    OfflineGoal,
    OfflineJournalEntry,
    OfflineMember,
    OfflinePlan,
)

DEFAULT_MAX_DAYS = 14


def token_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


# ---------------------------------------------------------------- settings


async def max_offline_days() -> int:
    days = await repo.get_max_offline_days()
    return int(days) if days is not None else DEFAULT_MAX_DAYS


async def set_max_offline_days(days: int) -> None:
    await repo.update_max_offline_days(days)


async def offline_roles() -> list[str]:
    """The roles the kommune's administrator lets take cases offline (home visits)."""
    return sorted(await repo.get_offline_roles())


async def set_offline_roles(roles: list[str]) -> None:
    await repo.update_offline_roles(roles)


async def may_go_offline(me: Principal) -> bool:
    allowed = await offline_roles()
    return any(role in allowed for role in me.roles)


# ---------------------------------------------------------------- devices


async def register_device(user_id: uuid.UUID, label: str) -> tuple[uuid.UUID, str]:
    """A new device for ``user_id``; returns its id and the secret (shown once)."""
    secret = secrets.token_urlsafe(32)
    device_id = await repo.insert_device(user_id, label.strip()[:100], token_hash(secret))
    return device_id, secret


async def device_row(device_id: uuid.UUID) -> DeviceRow | None:
    return await repo.get_device(device_id)


def wipe_reason(row: DeviceRow | None, user_id: uuid.UUID | None = None) -> str | None:
    """Why a device must wipe, or None when it may keep its data."""
    if row is None:
        return "Enheden er ikke kendt af Trekant"
    if not row.active:
        return "Din adgang til Trekant er lukket"
    if row.revoked_at is not None:
        return row.revoke_reason or "Enheden er spærret"
    if user_id is not None and row.user_id != user_id:
        return "Offline-data på enheden tilhører en anden bruger"
    return None


async def touch_device(device_id: uuid.UUID, *, bundle: bool = False) -> None:
    await repo.update_seen(device_id, bundle=bundle)


async def list_devices(user_id: uuid.UUID | None = None) -> list[DeviceRead]:
    return await repo.list_devices(user_id)


async def revoke_device(device_id: uuid.UUID, actor: str, reason: str) -> bool:
    return await repo.update_revoked(device_id, actor, reason.strip() or None)


async def revoke_user_devices(user_id: uuid.UUID, actor: str, reason: str) -> int:
    return await repo.update_user_revoked(user_id, actor, reason.strip() or None)


async def user_exists(user_id: uuid.UUID) -> bool:
    return await repo.user_exists(user_id)


# ---------------------------------------------------------------- choices


async def choose(user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await repo.insert_choice(user_id, case_id)


async def unchoose(user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await repo.delete_choice(user_id, case_id)


async def choices(user_id: uuid.UUID) -> list[uuid.UUID]:
    return await repo.list_choices(user_id)


# ---------------------------------------------------------------- which cases go along


async def offline_case_ids(me: Principal) -> tuple[list[uuid.UUID], set[uuid.UUID]]:
    """The cases ``me`` may take along: their own, then those they chose and may still open.
    Returns all ids and the set of the chosen ones."""
    own = await repo.list_own_case_ids(me.user_id)
    picked = await repo.list_open_chosen_ids(me.user_id)
    own_set = set(own)
    extra = [c for c in picked if c not in own_set]
    allowed = await may_open(me, extra) if extra else set()
    chosen = [c for c in extra if c in allowed]
    return own + chosen, set(chosen)


async def case_refs(
    ids: list[uuid.UUID], chosen: set[uuid.UUID]
) -> tuple[list[OfflineCaseRef], int]:
    """The worklist lines of ``ids`` (overdue first, then by the next deadline) and an
    estimate of the bundle's size in bytes."""
    if not ids:
        return [], 0
    rows = await repo.list_case_refs(ids)
    today = today_dk()
    refs = []
    size = 2000
    for r in rows:
        refs.append(
            OfflineCaseRef(
                hovedsag_id=r.id,
                child_id=r.child_id,
                child_name=r.child_name,
                age=age_on(r.birth_date, today),
                stage=r.stage,
                stage_label=STAGE_LABELS.get(r.stage, r.stage),
                opened_at=r.opened_at,
                open_activities=r.open_activities,
                overdue_activities=r.overdue,
                next_due_at=r.next_due_at,
                chosen=r.id in chosen,
            )
        )
        # JSON as sent, then as stored on the device (encrypted, base64): about 1.4 x.
        size += int(1.4 * (1200 + 320 * r.members + 260 * r.open_activities + r.journal_bytes))
    far = datetime.max.replace(tzinfo=UTC)
    refs.sort(key=lambda c: (-c.overdue_activities, c.next_due_at or far, c.child_name))
    return refs, size


# ---------------------------------------------------------------- the cases themselves


async def _plans(ids: list[uuid.UUID]) -> dict[uuid.UUID, OfflinePlan]:
    """The current barnets plan of each case: the newest approved version, else the newest
    version being written. None while the ICS tables do not exist."""
    if not await repo.has_ics():
        return {}
    rows = await repo.list_current_plans(ids)
    plans = {}
    for r in rows:
        try:
            content = json.loads(r.content)
        except ValueError:
            content = {}
        goals = []
        for g in content.get("goals") or []:
            if not isinstance(g, dict):
                continue
            goals.append(
                OfflineGoal(
                    id=str(g.get("id") or ""),
                    goal=str(g.get("goal") or ""),
                    measurable=str(g.get("measurable") or ""),
                    responsible=str(g.get("responsible") or ""),
                    due=_date_or_none(g.get("due")),
                    need=str(g.get("need") or ""),
                )
            )
        plans[r.hovedsag_id] = OfflinePlan(
            document_id=r.id, version_no=r.version_no, status=r.status, goals=goals
        )
    return plans


def _date_or_none(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


async def offline_cases(ids: list[uuid.UUID]) -> list[OfflineCase]:
    """Everything a home visit needs of each case in ``ids`` (the caller checked access)."""
    if not ids:
        return []
    cases = await repo.list_cases(ids)
    network: dict[uuid.UUID, list[OfflineMember]] = {}
    for child_id, member in await repo.list_networks([r.child_id for r in cases]):
        network.setdefault(child_id, []).append(member)
    activities: dict[uuid.UUID, list[OfflineActivity]] = {}
    forms = {f.rule_id: f for f in completion_forms()}
    for case_id, activity in await repo.list_open_activities(ids):
        activity.completion = completion_of(activity.rule_id)
        activity.form = forms.get(activity.rule_id or "")
        activities.setdefault(case_id, []).append(activity)
    journal: dict[uuid.UUID, list[OfflineJournalEntry]] = {}
    for case_id, entry in await repo.list_latest_journal(ids):
        journal.setdefault(case_id, []).append(entry)
    totals = await repo.count_journal(ids)
    plans = await _plans(ids)
    documents = await titles_for_cases(ids)
    today = today_dk()
    by_id = {r.id: r for r in cases}
    out = []
    for case_id in ids:
        r = by_id.get(case_id)
        if r is None:
            continue
        out.append(
            OfflineCase(
                hovedsag_id=r.id,
                stage=r.stage,
                stage_label=STAGE_LABELS.get(r.stage, r.stage),
                opened_at=r.opened_at,
                caseworker=r.caseworker,
                team=r.team,
                version=r.version,
                child=OfflineChild(
                    id=r.child_id,
                    first_name=r.first_name,
                    last_name=r.last_name,
                    birth_date=r.birth_date,
                    age=age_on(r.birth_date, today),
                    address=r.address,
                    address_protected=r.address_protected,
                    unborn=r.unborn,
                    expected_date=r.expected_date,
                ),
                network=network.get(r.child_id, []),
                activities=activities.get(case_id, []),
                journal=journal.get(case_id, []),
                journal_total=totals.get(case_id, 0),
                plan=plans.get(case_id),
                documents=documents.get(case_id, []),
            )
        )
    return out


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)
