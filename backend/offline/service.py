"""Offline devices, the cases a caseworker takes along, and the bundle they download.

Every function runs inside the request's tenant transaction (``current_scope()``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import UTC, date, datetime
from typing import Any

from backend.auth.principal import Principal
from backend.casework.access import may_open
from backend.casework.repository import JOURNAL_AUTHOR_NAME
from backend.children.repository import STAGE_LABELS, age_on
from backend.core.danish import today_dk
from backend.offline.schemas import (
    JOURNAL_ENTRIES,
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
from tenancy.context import current_scope

DEFAULT_MAX_DAYS = 14


def _conn() -> Any:
    return current_scope().connection


def token_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


# ---------------------------------------------------------------- settings


async def max_offline_days() -> int:
    days = await _conn().fetchval("SELECT offline_max_days FROM kommune_settings")
    return int(days) if days is not None else DEFAULT_MAX_DAYS


async def set_max_offline_days(days: int) -> None:
    await _conn().execute("UPDATE kommune_settings SET offline_max_days = $1", days)


async def offline_roles() -> list[str]:
    """The roles the kommune's administrator lets take cases offline (home visits)."""
    roles = await _conn().fetchval("SELECT offline_roles FROM kommune_settings")
    return sorted(roles or [])


async def set_offline_roles(roles: list[str]) -> None:
    await _conn().execute("UPDATE kommune_settings SET offline_roles = $1", roles)


async def may_go_offline(me: Principal) -> bool:
    allowed = await offline_roles()
    return any(role in allowed for role in me.roles)


# ---------------------------------------------------------------- devices


async def register_device(user_id: uuid.UUID, label: str) -> tuple[uuid.UUID, str]:
    """A new device for ``user_id``; returns its id and the secret (shown once)."""
    secret = secrets.token_urlsafe(32)
    device_id: uuid.UUID = await _conn().fetchval(
        "INSERT INTO offline_device (user_id, label, token_hash) VALUES ($1, $2, $3) RETURNING id",
        user_id,
        label.strip()[:100],
        token_hash(secret),
    )
    return device_id, secret


async def device_row(device_id: uuid.UUID) -> Any:
    return await _conn().fetchrow(
        "SELECT d.id, d.user_id, d.token_hash, d.revoked_at, d.revoke_reason, u.active "
        "FROM offline_device d JOIN app_user u ON u.id = d.user_id WHERE d.id = $1",
        device_id,
    )


def wipe_reason(row: Any, user_id: uuid.UUID | None = None) -> str | None:
    """Why a device must wipe, or None when it may keep its data."""
    if row is None:
        return "Enheden er ikke kendt af Trekant"
    if not row["active"]:
        return "Din adgang til Trekant er lukket"
    if row["revoked_at"] is not None:
        return row["revoke_reason"] or "Enheden er spærret"
    if user_id is not None and row["user_id"] != user_id:
        return "Offline-data på enheden tilhører en anden bruger"
    return None


async def touch_device(device_id: uuid.UUID, *, bundle: bool = False) -> None:
    await _conn().execute(
        "UPDATE offline_device SET last_seen_at = now()"
        + (", last_bundle_at = now()" if bundle else "")
        + " WHERE id = $1",
        device_id,
    )


_DEVICE = (
    "SELECT d.id, d.user_id, u.display_name AS user_name, d.label, d.created_at, "
    "d.last_seen_at, d.last_bundle_at, d.revoked_at, d.revoked_by, d.revoke_reason "
    "FROM offline_device d JOIN app_user u ON u.id = d.user_id "
)


async def list_devices(user_id: uuid.UUID | None = None) -> list[DeviceRead]:
    if user_id is None:
        rows = await _conn().fetch(
            _DEVICE + "ORDER BY d.revoked_at NULLS FIRST, d.last_seen_at DESC LIMIT 500"
        )
    else:
        rows = await _conn().fetch(
            _DEVICE + "WHERE d.user_id = $1 ORDER BY d.revoked_at NULLS FIRST, "
            "d.last_seen_at DESC LIMIT 100",
            user_id,
        )
    return [DeviceRead(**dict(r)) for r in rows]


async def revoke_device(device_id: uuid.UUID, actor: str, reason: str) -> bool:
    done = await _conn().fetchval(
        "UPDATE offline_device SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 "
        "WHERE id = $1 AND revoked_at IS NULL RETURNING true",
        device_id,
        actor,
        reason.strip() or None,
    )
    return bool(done)


async def revoke_user_devices(user_id: uuid.UUID, actor: str, reason: str) -> int:
    rows = await _conn().fetch(
        "UPDATE offline_device SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 "
        "WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
        user_id,
        actor,
        reason.strip() or None,
    )
    return len(rows)


# ---------------------------------------------------------------- choices


async def choose(user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await _conn().execute(
        "INSERT INTO offline_choice (user_id, hovedsag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        case_id,
    )


async def unchoose(user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    await _conn().execute(
        "DELETE FROM offline_choice WHERE user_id = $1 AND hovedsag_id = $2", user_id, case_id
    )


async def choices(user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await _conn().fetch(
        "SELECT hovedsag_id FROM offline_choice WHERE user_id = $1 ORDER BY chosen_at", user_id
    )
    return [r["hovedsag_id"] for r in rows]


# ---------------------------------------------------------------- which cases go along

# The open cases the user holds or is on (the worklist's "Mine sager"), as a UNION so each
# side uses its own index.
_OWN = (
    "SELECT id FROM hovedsag WHERE caseworker_id = $1 AND closed_at IS NULL "
    "UNION SELECT w.hovedsag_id FROM hovedsag_worker w JOIN hovedsag x "
    "ON x.id = w.hovedsag_id WHERE w.user_id = $1 AND x.closed_at IS NULL"
)


async def offline_case_ids(me: Principal) -> tuple[list[uuid.UUID], set[uuid.UUID]]:
    """The cases ``me`` may take along: their own, then those they chose and may still open.
    Returns all ids and the set of the chosen ones."""
    conn = _conn()
    own = [r["id"] for r in await conn.fetch(_OWN, me.user_id)]
    picked = [
        r["hovedsag_id"]
        for r in await conn.fetch(
            "SELECT c.hovedsag_id FROM offline_choice c JOIN hovedsag h ON h.id = c.hovedsag_id "
            "WHERE c.user_id = $1 AND h.closed_at IS NULL ORDER BY c.chosen_at",
            me.user_id,
        )
    ]
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
    rows = await _conn().fetch(
        "SELECT h.id, h.child_id, c.first_name || ' ' || c.last_name AS child_name, "
        "c.birth_date, h.stage, h.opened_at, "
        "(SELECT count(*) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open') "
        "AS open_activities, "
        "(SELECT count(*) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open' "
        "AND a.due_at < now() AND NOT a.due_asap) AS overdue, "
        "(SELECT min(a.due_at) FROM activity a WHERE a.hovedsag_id = h.id AND a.status = 'open') "
        "AS next_due_at, "
        "(SELECT count(*) FROM network_member n WHERE n.child_id = h.child_id "
        "AND n.removed_at IS NULL) AS members, "
        "(SELECT coalesce(sum(octet_length(j.title) + octet_length(j.body) + 180), 0) FROM "
        "(SELECT title, body FROM journal_entry j WHERE j.hovedsag_id = h.id "
        f"ORDER BY j.at DESC, j.id DESC LIMIT {JOURNAL_ENTRIES}) j) AS journal_bytes "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id WHERE h.id = ANY($1::uuid[])",
        ids,
    )
    today = today_dk()
    refs = []
    size = 2000
    for r in rows:
        refs.append(
            OfflineCaseRef(
                hovedsag_id=r["id"],
                child_id=r["child_id"],
                child_name=r["child_name"],
                age=age_on(r["birth_date"], today),
                stage=r["stage"],
                stage_label=STAGE_LABELS.get(r["stage"], r["stage"]),
                opened_at=r["opened_at"],
                open_activities=r["open_activities"],
                overdue_activities=r["overdue"],
                next_due_at=r["next_due_at"],
                chosen=r["id"] in chosen,
            )
        )
        # JSON as sent, then as stored on the device (encrypted, base64): about 1.4 x.
        size += int(
            1.4 * (1200 + 320 * r["members"] + 260 * r["open_activities"] + r["journal_bytes"])
        )
    far = datetime.max.replace(tzinfo=UTC)
    refs.sort(key=lambda c: (-c.overdue_activities, c.next_due_at or far, c.child_name))
    return refs, size


# ---------------------------------------------------------------- the cases themselves


async def _has_ics() -> bool:
    return bool(await _conn().fetchval("SELECT to_regclass('ics_document') IS NOT NULL"))


async def _plans(ids: list[uuid.UUID]) -> dict[uuid.UUID, OfflinePlan]:
    """The current barnets plan of each case: the newest approved version, else the newest
    version being written. None while the ICS tables do not exist."""
    if not await _has_ics():
        return {}
    rows = await _conn().fetch(
        "SELECT DISTINCT ON (hovedsag_id) id, hovedsag_id, version_no, status, "
        "content::text AS content FROM ics_document "
        "WHERE hovedsag_id = ANY($1::uuid[]) AND kind = 'plan' "
        "ORDER BY hovedsag_id, (status = 'godkendt') DESC, approved_at DESC NULLS LAST, "
        "created_at DESC, version_no DESC",
        ids,
    )
    plans = {}
    for r in rows:
        try:
            content = json.loads(r["content"])
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
        plans[r["hovedsag_id"]] = OfflinePlan(
            document_id=r["id"], version_no=r["version_no"], status=r["status"], goals=goals
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
    conn = _conn()
    cases = await conn.fetch(
        "SELECT h.id, h.stage, h.opened_at, h.version, u.display_name AS caseworker, "
        "t.name AS team, c.id AS child_id, c.first_name, c.last_name, c.birth_date, c.address, "
        "c.cpr IS NULL AS unborn, c.expected_date FROM hovedsag h "
        "JOIN child c ON c.id = h.child_id LEFT JOIN app_user u ON u.id = h.caseworker_id "
        "LEFT JOIN team t ON t.id = h.team_id WHERE h.id = ANY($1::uuid[])",
        ids,
    )
    child_ids = [r["child_id"] for r in cases]
    network: dict[uuid.UUID, list[OfflineMember]] = {}
    for r in await conn.fetch(
        "SELECT n.child_id, n.id, n.relation, n.circle, n.name, n.custody, n.organisation, "
        "n.phone, n.email, n.note, n.source, n.version, n.changed_by, n.changed_at "
        "FROM network_member n WHERE n.child_id = ANY($1::uuid[]) AND n.removed_at IS NULL "
        "ORDER BY array_position(ARRAY['forældre','primært','sekundært','professionelt'], "
        "n.circle), n.custody DESC, n.name",
        child_ids,
    ):
        d = dict(r)
        network.setdefault(d.pop("child_id"), []).append(OfflineMember(**d))
    activities: dict[uuid.UUID, list[OfflineActivity]] = {}
    for r in await conn.fetch(
        "SELECT a.hovedsag_id, a.id, a.rule_id, a.title, a.basis, a.due_at, a.version, "
        "(a.due_at < now() AND NOT a.due_asap) IS TRUE AS overdue FROM activity a "
        "WHERE a.hovedsag_id = ANY($1::uuid[]) AND a.status = 'open' "
        "ORDER BY a.due_at NULLS LAST, a.created_at",
        ids,
    ):
        d = dict(r)
        activities.setdefault(d.pop("hovedsag_id"), []).append(OfflineActivity(**d))
    journal: dict[uuid.UUID, list[OfflineJournalEntry]] = {}
    for r in await conn.fetch(
        f"SELECT x.hovedsag_id, j.id, j.at, {JOURNAL_AUTHOR_NAME} AS author, j.kind, j.title, "
        "j.body, j.corrects_id "
        "FROM unnest($1::uuid[]) x(hovedsag_id) CROSS JOIN LATERAL (SELECT * FROM journal_entry "
        "e WHERE e.hovedsag_id = x.hovedsag_id ORDER BY e.at DESC, e.id DESC "
        f"LIMIT {JOURNAL_ENTRIES}) j ORDER BY j.at DESC, j.id DESC",
        ids,
    ):
        d = dict(r)
        journal.setdefault(d.pop("hovedsag_id"), []).append(OfflineJournalEntry(**d))
    totals = {
        r["hovedsag_id"]: r["n"]
        for r in await conn.fetch(
            "SELECT hovedsag_id, count(*) AS n FROM journal_entry "
            "WHERE hovedsag_id = ANY($1::uuid[]) GROUP BY hovedsag_id",
            ids,
        )
    }
    plans = await _plans(ids)
    today = today_dk()
    by_id = {r["id"]: r for r in cases}
    out = []
    for case_id in ids:
        r = by_id.get(case_id)
        if r is None:
            continue
        out.append(
            OfflineCase(
                hovedsag_id=r["id"],
                stage=r["stage"],
                stage_label=STAGE_LABELS.get(r["stage"], r["stage"]),
                opened_at=r["opened_at"],
                caseworker=r["caseworker"],
                team=r["team"],
                version=r["version"],
                child=OfflineChild(
                    id=r["child_id"],
                    first_name=r["first_name"],
                    last_name=r["last_name"],
                    birth_date=r["birth_date"],
                    age=age_on(r["birth_date"], today),
                    address=r["address"],
                    unborn=r["unborn"],
                    expected_date=r["expected_date"],
                ),
                network=network.get(r["child_id"], []),
                activities=activities.get(case_id, []),
                journal=journal.get(case_id, []),
                journal_total=totals.get(case_id, 0),
                plan=plans.get(case_id),
            )
        )
    return out
