"""Transfers of a case to another kommune (Barnets Lov § 132), requests for a case, and
notifications forwarded after a transfer.

The path of a transfer, each step one transaction and each cross-kommune step an outbox
row in the *other* kommune's outbox (``shared.post_job``), so it runs exactly once there:

1. ``do_send`` (sender): checks everything first (summary, target kommune registered and
   active and not itself, case open and not already in transfer), writes the sealed package
   to ``shared.transfer``, marks the case as in transfer, journals, and posts
   ``cross.transfer_received`` to the receiver.
2. ``cross.transfer_received`` (receiver): the inbox entry with its deadline and team.
3. ``do_accept`` (receiver): refuses a package whose checksum or seal fails (400, nothing
   changes), marks the transfer accepted under a row lock (a second click sees it accepted
   and answers the same: one import), enqueues ``crosskommune.import`` and tells the sender.
   ``do_reject`` needs a reason and tells the sender, whose case leaves the transfer.
4. ``crosskommune.import`` (receiver, idempotent by transfer id): under the transfer's row
   lock, does nothing if a case with ``received_transfer_id`` exists (a unique index makes a
   second one impossible anyway); checks the seal again (tampered: the transfer is marked
   ``fejl``, nothing imported, the sender is told); imports the whole case, journals every
   step, adds "Læs og overtag sagen", indexes the case, marks the transfer imported and
   posts ``cross.transfer_completed``. All of it in one transaction: a worker killed
   halfway leaves nothing, and the retry starts from the beginning.
5. ``cross.transfer_completed`` (sender): ends running measures, cancels open activities,
   closes the case as taken over by the receiver, journals it and updates the index. The
   package stays in ``shared.transfer``: the sender's read-only copy of what it sent.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, time
from typing import Any

from backend.audit.service import record
from backend.auth.principal import Principal
from backend.casework.lifecycle import open_case
from backend.casework.service import (
    INTAKE_KINDS,
    CaseError,
    check_cpr,
    do_register_underretning,
    fmt_due,
    restage,
    stamp,
)
from backend.core.danish import DK, plural, today_dk
from backend.core.measures import MEASURES
from backend.core.workdays import add_working_days
from backend.crosskommune import index, keys
from backend.crosskommune import package as pkg
from backend.crosskommune.schemas import KommuneRef, TransferRead, TransferRequestRead
from backend.outbox.service import enqueue, outbox_job, relay_one
from tenancy.context import TenantScope, current_scope

IMPORT_JOB = "crosskommune.import"
# How long the receiving kommune has to read and take over a transferred case. Barnets Lov
# § 132 says "uden ophold" for the sender; the receiver's deadline is the kommune's own
# practice (five working days here; to be confirmed with the users).
TAKEOVER_WORKING_DAYS = 5
TAKEOVER_BASIS = (
    "Barnets Lov § 132 om overførsel ved fraflytning. Fristen for at overtage sagen er "
    "kommunens egen, ikke lovens"
)
REQUEST_WORKING_DAYS = 5
SYSTEM = "Trekant"

STATUS_TEXT = {
    "sendt": "Sendt – afventer modtagerens svar",
    "accepteret": "Accepteret – sagen indlæses",
    "afvist": "Afvist",
    "importeret": "Overtaget af modtageren",
    "fejl": "Fejlet – intet er indlæst",
}
# What a package holds, as a person reads it: table -> (one, many). Every table that
# travels has a line here (tests/crosskommune/test_transfer_wording.py checks the schema).
TABLE_LABELS: dict[str, tuple[str, str]] = {
    "enkeltsag": ("enkeltsag", "enkeltsager"),
    "underretning": ("underretning eller henvendelse", "underretninger og henvendelser"),
    "afgoerelse": ("afgørelse", "afgørelser"),
    "indsats": ("indsats", "indsatser"),
    "activity": ("aktivitet", "aktiviteter"),
    "case_step": ("gennemført skridt", "gennemførte skridt"),
    "ics_document": (
        "version af en undersøgelse eller plan",
        "versioner af undersøgelser og planer",
    ),
    "journal_entry": ("journalnotat", "journalnotater"),
    "network_member": ("person i netværket", "personer i netværket"),
    "visitation_draft": ("udkast til visitation", "udkast til visitationer"),
    "bevilling": ("bevilling", "bevillinger"),
    "payment": ("betaling", "betalinger"),
    "dokument": ("dokument", "dokumenter"),
}
OTHER_ROWS = ("anden registrering", "andre registreringer")
_CODE = re.compile(r"[0-9]{4}")
UNREADABLE_FIELD = "(kan ikke læses: ændret uden for Trekant)"


class TransferConflict(Exception):
    """The transfer or case is in a state that does not allow this (409)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotYetImported(Exception):
    """A forwarded notification arrived before its transfer was imported; retried."""


def _conn() -> Any:
    return current_scope().connection


def _end_of(day: Any) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=DK)


def package_contents(counts: dict[str, int]) -> list[str]:
    """{"afgoerelse": 1, "payment": 5} -> ["1 afgørelse", "5 betalinger"]: in a fixed order,
    tables without a label summed up as "andre registreringer", empty ones left out."""
    parts = [plural(counts[t], *forms) for t, forms in TABLE_LABELS.items() if counts.get(t)]
    other = sum(n for t, n in counts.items() if t not in TABLE_LABELS)
    if other:
        parts.append(plural(other, *OTHER_ROWS))
    return parts


def counts_text(counts: dict[str, int]) -> str:
    parts = package_contents(counts)
    return ", ".join(parts) if parts else "ingen registreringer"


def _table_name(table: str) -> str:
    return TABLE_LABELS.get(table, OTHER_ROWS)[1]


def import_report(
    from_name: str, counts: dict[str, int], not_imported: dict[str, str], dropped: list[str]
) -> str:
    """The journal's account of an import, without table or column names."""
    report = f"Indlæst fra {from_name}: {counts_text(counts)}."
    if not_imported:
        reasons = list(
            dict.fromkeys(
                why if table in pkg.NOT_IMPORTED else f"{_table_name(table)} ({why})"
                for table, why in sorted(not_imported.items())
            )
        )
        report += " Ikke indlæst: " + "; ".join(reasons) + "."
    if dropped:
        where = sorted({_table_name(t) for t in dropped})
        report += (
            " Nogle oplysninger, som afsenderen registrerer, har Trekant her ikke felter til; "
            "de er ikke indlæst (" + ", ".join(where) + ")."
        )
    return report


def with_measure_labels(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Indsats rows from a package with the measure's Danish name (``label``)."""
    return [{**r, "label": MEASURES.get(str(r.get("kind")), ("Indsats",))[0]} for r in rows]


async def post(to_code: str, job: str, payload: dict[str, Any]) -> uuid.UUID:
    """Put ``job`` in kommune ``to_code``'s outbox, in this transaction; relay after commit."""
    scope = current_scope()
    outbox_id: uuid.UUID = await scope.connection.fetchval(
        "SELECT shared.post_job($1, $2, $3::jsonb)", to_code, job, json.dumps(payload)
    )

    async def relay() -> None:
        await relay_one(to_code, outbox_id)

    scope.after_commit.append(relay)
    return outbox_id


async def targets() -> list[KommuneRef]:
    """Active kommuner a case can go to: every one but this."""
    rows = await _conn().fetch(
        "SELECT code, name FROM shared.tenant WHERE status = 'active' AND code <> $1 ORDER BY name",
        current_scope().code,
    )
    return [KommuneRef(r["code"], r["name"]) for r in rows]


async def check_target(code: str, field: str = "to_kommune") -> str:
    """The name of an active kommune other than this one; else :class:`CaseError`."""
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        raise CaseError(field, "Vælg den kommune, sagen skal overføres til")
    if code == current_scope().code:
        raise CaseError(field, "Sagen kan ikke overføres til jeres egen kommune")
    row = await _conn().fetchrow("SELECT name, status FROM shared.tenant WHERE code = $1", code)
    if row is None:
        raise CaseError(field, f"Kommune {code} findes ikke i Trekant")
    if row["status"] != "active":
        raise CaseError(
            field, f"{row['name']} er suspenderet i Trekant og kan ikke modtage sager lige nu"
        )
    name: str = row["name"]
    return name


# --- reading ---------------------------------------------------------------------------

_COLS = (
    "id, from_code, to_code, from_name, to_name, from_case_ref, status, summary, child_name, "
    "package_sealed, package_version, child_birth_date, package_counts::text AS counts, "
    "sent_at, sent_by_name, decided_at, decided_by_name, reason, imported_at, "
    "imported_case_ref, error, sender_closed_at"
)


_PACKAGE = (
    "id, from_code, to_code, package, package_sealed, package_sha256, package_mac, package_version"
)


def _read(row: Any, here: str, local: dict[str, Any] | None = None) -> TransferRead:
    local = local or {}
    incoming = row["to_code"] == here
    due = local.get("due_at") if incoming else None
    return TransferRead(
        id=row["id"],
        direction="ind" if incoming else "ud",
        status=row["status"],
        status_text=STATUS_TEXT.get(row["status"], row["status"]),
        from_kommune=KommuneRef(row["from_code"], row["from_name"]),
        to_kommune=KommuneRef(row["to_code"], row["to_name"]),
        child_name=keys.open_field(row, "child_name") or UNREADABLE_FIELD,
        child_birth_date=row["child_birth_date"],
        summary=keys.open_field(row, "summary") or UNREADABLE_FIELD,
        sent_at=row["sent_at"],
        sent_by_name=row["sent_by_name"],
        counts=(counts := json.loads(row["counts"])),
        contents=package_contents(counts),
        decided_at=row["decided_at"],
        decided_by_name=row["decided_by_name"],
        reason=row["reason"],
        imported_at=row["imported_at"],
        error=row["error"],
        sender_closed_at=row["sender_closed_at"],
        due_at=due,
        overdue=bool(due is not None and row["status"] == "sendt" and due < datetime.now(UTC)),
        team_id=local.get("team_id"),
        team=local.get("team"),
        hovedsag_id=(local.get("hovedsag_id") or row["imported_case_ref"])
        if incoming
        else row["from_case_ref"],
    )


async def _locals(ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The receiving kommune's own facts about transfers: deadline, team, the new case."""
    conn = _conn()
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for r in await conn.fetch(
        "SELECT i.transfer_id, i.due_at, i.team_id, t.name AS team, i.hovedsag_id "
        "FROM transfer_inbox i LEFT JOIN team t ON t.id = i.team_id "
        "WHERE i.transfer_id = ANY($1::uuid[])",
        ids,
    ):
        out[r["transfer_id"]] = dict(r)
    return out


async def list_transfers(limit: int = 200) -> tuple[list[TransferRead], list[TransferRead]]:
    """(incoming, outgoing), newest first. Row-level security shows only this kommune's."""
    here = current_scope().code
    rows = await _conn().fetch(
        f"SELECT {_COLS} FROM shared.transfer WHERE to_code = $1 OR from_code = $1 "
        "ORDER BY sent_at DESC LIMIT $2",
        here,
        limit,
    )
    local = await _locals([r["id"] for r in rows])
    reads = [_read(r, here, local.get(r["id"])) for r in rows]
    return [t for t in reads if t.direction == "ind"], [t for t in reads if t.direction == "ud"]


async def get_transfer(transfer_id: uuid.UUID) -> TransferRead | None:
    here = current_scope().code
    row = await _conn().fetchrow(f"SELECT {_COLS} FROM shared.transfer WHERE id = $1", transfer_id)
    if row is None:
        return None
    local = await _locals([transfer_id])
    return _read(row, here, local.get(transfer_id))


async def package_of(transfer_id: uuid.UUID) -> tuple[bytes, str | None] | None:
    """The package as sent, and what is wrong with it (``None``: whole and sealed)."""
    row = await _conn().fetchrow(
        f"SELECT {_PACKAGE} FROM shared.transfer WHERE id = $1", transfer_id
    )
    if row is None:
        return None
    return keys.open_package(row)


async def transfers_of_case(case_id: uuid.UUID) -> tuple[bool, list[TransferRead], Any]:
    """(in transfer now, transfers sent from the case, the transfer it was received by)."""
    conn = _conn()
    here = current_scope().code
    case = await conn.fetchrow(
        "SELECT transfer_id, closed_at, received_transfer_id FROM hovedsag WHERE id = $1",
        case_id,
    )
    if case is None:
        raise LookupError("case")
    sent = [
        _read(r, here)
        for r in await conn.fetch(
            f"SELECT {_COLS} FROM shared.transfer WHERE from_code = $1 AND from_case_ref = $2 "
            "ORDER BY sent_at DESC",
            here,
            case_id,
        )
    ]
    received = None
    if case["received_transfer_id"]:
        received = await get_transfer(case["received_transfer_id"])
    in_transfer = case["transfer_id"] is not None and case["closed_at"] is None
    return in_transfer, sent, received


# --- the team that receives ------------------------------------------------------------


async def intake_team() -> uuid.UUID | None:
    """The team chosen by the administrator; otherwise a team whose name starts with
    "Modtag" (Modtagelsen, Modtageteamet), otherwise the first team by name."""
    team: uuid.UUID | None = await _conn().fetchval(
        "SELECT coalesce((SELECT s.transfer_team_id FROM kommune_settings s), "
        "(SELECT id FROM team WHERE lower(name) LIKE 'modtag%' ORDER BY name LIMIT 1), "
        "(SELECT id FROM team ORDER BY name LIMIT 1))"
    )
    return team


async def _ensure_inbox(transfer_id: uuid.UUID) -> None:
    due = _end_of(add_working_days(today_dk(), TAKEOVER_WORKING_DAYS))
    await _conn().execute(
        "INSERT INTO transfer_inbox (transfer_id, due_at, team_id) VALUES ($1, $2, $3) "
        "ON CONFLICT (transfer_id) DO NOTHING",
        transfer_id,
        due,
        await intake_team(),
    )


# --- sending ---------------------------------------------------------------------------


async def do_send(
    me: Principal,
    case_id: uuid.UUID,
    to_code: str,
    summary: str,
    request_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Send the case to ``to_code``. Every check comes before anything is written."""
    scope = current_scope()
    conn = scope.connection
    text = (summary or "").strip()
    if not text:
        raise CaseError(
            "summary", "Skriv en sammenfatning af vurderingerne i sagen (Barnets Lov § 132)"
        )
    to_name = await check_target(to_code)
    to_code = to_code.strip()
    case = await conn.fetchrow(
        "SELECT id, child_id, closed_at, transfer_id FROM hovedsag WHERE id = $1 FOR UPDATE",
        case_id,
    )
    if case is None:
        raise LookupError("case")
    if case["closed_at"] is not None:
        raise TransferConflict("hovedsag_id", "Sagen er lukket og kan ikke overføres")
    if case["transfer_id"] is not None:
        to = await conn.fetchval(
            "SELECT to_name FROM shared.transfer WHERE id = $1", case["transfer_id"]
        )
        raise TransferConflict(
            "hovedsag_id",
            f"Sagen er allerede under overførsel{' til ' + to if to else ''}; "
            "vent på modtagerens svar",
        )
    transfer_id = uuid.uuid4()
    sent_at = datetime.now(UTC)
    built = await pkg.build(
        conn,
        transfer_id=transfer_id,
        hovedsag_id=case_id,
        sender=(scope.code, scope.name),
        receiver=(to_code, to_name),
        sent_by=(me.actor, me.display_name),
        summary=text,
        sent_at=sent_at,
    )
    await conn.execute(
        "INSERT INTO shared.transfer (id, from_code, to_code, from_name, to_name, summary, "
        "child_name, child_birth_date, package, package_sha256, package_mac, package_version, "
        "package_counts, sent_at, sent_by, sent_by_name, request_id, from_case_ref) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8::text::date, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, "
        "$17, $18)",
        transfer_id,
        scope.code,
        to_code,
        scope.name,
        to_name,
        keys.seal_field(transfer_id, scope.code, to_code, pkg.VERSION, "summary", text),
        keys.seal_field(
            transfer_id, scope.code, to_code, pkg.VERSION, "child_name", built.child_name
        ),
        built.child_birth_date,
        keys.seal_package(transfer_id, scope.code, to_code, pkg.VERSION, built.data),
        built.sha256,
        keys.package_mac(transfer_id, pkg.VERSION, built.sha256),
        pkg.VERSION,
        json.dumps(built.counts),
        sent_at,
        me.actor,
        me.display_name,
        request_id,
        case_id,
    )
    await conn.execute(
        "UPDATE hovedsag SET transfer_id = $2, version = version + 1, changed_by = $3, "
        "changed_at = now() WHERE id = $1",
        case_id,
        transfer_id,
        me.actor,
    )
    await stamp(
        case_id,
        me.actor,
        "overfoersel.sendt",
        f"Sagen er sendt til {to_name} (Barnets Lov § 132)",
        f"Sammenfatning af vurderingerne:\n{text}\n\nSendt: {counts_text(built.counts)}.",
    )
    await post(to_code, "cross.transfer_received", {"transfer_id": str(transfer_id)})
    await record(me.actor, "transfer.sent", str(case_id), transfer_id=str(transfer_id), to=to_code)
    return transfer_id


# --- receiving -------------------------------------------------------------------------

_FOR_DECISION = (
    f"SELECT from_name, status, {_PACKAGE} FROM shared.transfer WHERE id = $1 FOR UPDATE"
)


async def do_accept(me: Principal, transfer_id: uuid.UUID) -> None:
    """Accept a transfer received. A second accept (a double click, two tabs) waits for the
    first on the row lock, finds it accepted, and changes nothing: one import."""
    conn = _conn()
    row = await conn.fetchrow(_FOR_DECISION, transfer_id)
    if row is None or row["to_code"] != current_scope().code:
        raise LookupError("transfer")
    if row["status"] in ("accepteret", "importeret"):
        return
    if row["status"] == "afvist":
        raise TransferConflict("status", "Overførslen er allerede afvist")
    if row["status"] == "fejl":
        raise TransferConflict("status", "Overførslen er fejlet; afsenderen må sende sagen igen")
    data, problem = keys.open_package(row)
    if problem is None:
        try:
            pkg.decode(data)
        except pkg.PackageError as exc:
            problem = str(exc)
    if problem:
        raise CaseError(
            "package",
            f"{problem}. Intet er indlæst. Afvis overførslen med denne begrundelse, så "
            "afsenderen kan sende sagen igen.",
        )
    await conn.execute(
        "UPDATE shared.transfer SET status = 'accepteret', decided_at = now(), decided_by = $2, "
        "decided_by_name = $3 WHERE id = $1",
        transfer_id,
        me.actor,
        me.display_name,
    )
    await _ensure_inbox(transfer_id)
    await conn.execute(
        "UPDATE transfer_inbox SET decided_at = now() WHERE transfer_id = $1", transfer_id
    )
    await enqueue(IMPORT_JOB, {"transfer_id": str(transfer_id), "accepted_by": str(me.user_id)})
    await post(row["from_code"], "cross.transfer_accepted", {"transfer_id": str(transfer_id)})
    await record(me.actor, "transfer.accepted", str(transfer_id), sender=row["from_code"])


async def do_reject(me: Principal, transfer_id: uuid.UUID, reason: str) -> None:
    text = (reason or "").strip()
    if not text:
        raise CaseError("reason", "Skriv hvorfor overførslen afvises")
    conn = _conn()
    row = await conn.fetchrow(_FOR_DECISION, transfer_id)
    if row is None or row["to_code"] != current_scope().code:
        raise LookupError("transfer")
    if row["status"] == "afvist":
        return
    if row["status"] != "sendt":
        raise TransferConflict(
            "status", "Overførslen er allerede accepteret og kan ikke længere afvises"
        )
    await conn.execute(
        "UPDATE shared.transfer SET status = 'afvist', decided_at = now(), decided_by = $2, "
        "decided_by_name = $3, reason = $4 WHERE id = $1",
        transfer_id,
        me.actor,
        me.display_name,
        text,
    )
    await _ensure_inbox(transfer_id)
    await conn.execute(
        "UPDATE transfer_inbox SET decided_at = now() WHERE transfer_id = $1", transfer_id
    )
    await post(row["from_code"], "cross.transfer_rejected", {"transfer_id": str(transfer_id)})
    await record(
        me.actor, "transfer.rejected", str(transfer_id), sender=row["from_code"], reason=text
    )


@outbox_job("cross.transfer_received")
async def _received(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    transfer_id = uuid.UUID(payload["transfer_id"])
    row = await scope.connection.fetchrow(
        "SELECT to_code FROM shared.transfer WHERE id = $1", transfer_id
    )
    if row is None or row["to_code"] != scope.code:
        return
    await _ensure_inbox(transfer_id)
    await record(SYSTEM, "transfer.received", str(transfer_id), sender=payload.get("from"))


async def _accepting_user(conn: Any, user_id: str | None) -> uuid.UUID | None:
    """The user who accepted, if they may still hold cases."""
    if not user_id:
        return None
    found: uuid.UUID | None = await conn.fetchval(
        "SELECT u.id FROM app_user u WHERE u.id = $1 AND u.active AND EXISTS (SELECT 1 FROM "
        "user_role r WHERE r.user_id = u.id AND r.role IN ('sagsbehandler', 'leder'))",
        uuid.UUID(user_id),
    )
    return found


@outbox_job(IMPORT_JOB)
async def _import(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """Import an accepted transfer, exactly once (see the module's docstring)."""
    conn = scope.connection
    transfer_id = uuid.UUID(payload["transfer_id"])
    t = await conn.fetchrow(
        f"SELECT from_name, status, summary, sent_at, sent_by, sent_by_name, decided_at, "
        f"decided_by, decided_by_name, {_PACKAGE} FROM shared.transfer WHERE id = $1 FOR UPDATE",
        transfer_id,
    )
    if t is None or t["to_code"] != scope.code:
        return
    if await conn.fetchval("SELECT 1 FROM hovedsag WHERE received_transfer_id = $1", transfer_id):
        return
    if t["status"] != "accepteret":
        return
    data, problem = keys.open_package(t)
    package: dict[str, Any] | None = None
    if problem is None:
        try:
            package = pkg.decode(data)
        except pkg.PackageError as exc:
            problem = str(exc)
    if problem is not None or package is None:
        await conn.execute(
            "UPDATE shared.transfer SET status = 'fejl', error = $2 WHERE id = $1",
            transfer_id,
            problem,
        )
        await post(t["from_code"], "cross.transfer_failed", {"transfer_id": str(transfer_id)})
        await record(SYSTEM, "transfer.failed", str(transfer_id), error=problem)
        return
    await _ensure_inbox(transfer_id)
    inbox = await conn.fetchrow(
        "SELECT due_at, team_id FROM transfer_inbox WHERE transfer_id = $1", transfer_id
    )
    accepted_by = await _accepting_user(conn, payload.get("accepted_by"))
    sender = f"{t['from_code']} {t['from_name']}"
    result = await pkg.import_case(
        conn,
        package,
        transfer_id=transfer_id,
        accepted_by=accepted_by,
        team_id=inbox["team_id"],
        received_from=sender,
    )
    case_id = result.hovedsag_id
    sent_local = t["sent_at"].astimezone(DK).strftime("%d.%m.%Y kl. %H.%M")
    await conn.execute(
        "INSERT INTO journal_entry (hovedsag_id, at, author, author_name, kind, event, title, "
        "body) VALUES ($1, $2, $3, $9, 'haendelse', 'overfoersel.modtaget', $4, $5), "
        "($1, $6, $7, NULL, 'haendelse', 'overfoersel.accepteret', $8, '')",
        case_id,
        t["sent_at"],
        t["sent_by"],
        f"Sagen er modtaget fra {t['from_name']} (Barnets Lov § 132)",
        f"Sendt af {t['sent_by_name']} {sent_local}.\n\nSammenfatning af vurderingerne:\n"
        f"{keys.open_field(t, 'summary') or UNREADABLE_FIELD}",
        t["decided_at"],
        t["decided_by"],
        f"Overførslen er accepteret af {t['decided_by_name']}",
        t["sent_by_name"],
    )
    report = import_report(
        t["from_name"], result.counts, result.not_imported, sorted(result.dropped_columns)
    )
    if result.child_existed:
        report += " Barnet var allerede kendt i kommunen; sagen er knyttet til barnet."
    await stamp(
        case_id,
        t["decided_by"] or SYSTEM,
        "overfoersel.indlaest",
        f"Sagens historik er indlæst fra {t['from_name']}",
        report,
    )
    title = f"Læs og overtag sagen fra {t['from_name']}"
    await conn.execute(
        "INSERT INTO activity (hovedsag_id, rule_id, title, basis, owner_id, due_at) "
        "VALUES ($1, 'overtag-sag', $2, $3, $4, $5)",
        case_id,
        title,
        TAKEOVER_BASIS,
        accepted_by,
        inbox["due_at"],
    )
    await stamp(
        case_id,
        t["decided_by"] or SYSTEM,
        "aktivitet.oprettet",
        f"Aktivitet: {title} – frist {fmt_due(inbox['due_at'])}",
        TAKEOVER_BASIS,
    )
    await restage(case_id)
    await conn.execute(
        "UPDATE shared.transfer SET status = 'importeret', imported_at = now(), "
        "imported_case_ref = $2 WHERE id = $1",
        transfer_id,
        case_id,
    )
    await conn.execute(
        "UPDATE transfer_inbox SET hovedsag_id = $2 WHERE transfer_id = $1", transfer_id, case_id
    )
    await index.schedule(result.child_id)
    await post(t["from_code"], "cross.transfer_completed", {"transfer_id": str(transfer_id)})
    await record(
        SYSTEM,
        "transfer.imported",
        str(case_id),
        transfer_id=str(transfer_id),
        counts=result.counts,
    )


# --- the sending side hears back -------------------------------------------------------


async def _outgoing(scope: TenantScope, payload: dict[str, Any]) -> tuple[Any, Any] | None:
    """The transfer (as its sender) and the case it was sent from, locked."""
    transfer_id = uuid.UUID(payload["transfer_id"])
    t = await scope.connection.fetchrow(
        "SELECT id, from_code, to_code, to_name, from_case_ref, status, decided_at, decided_by, "
        "decided_by_name, reason, error, sender_closed_at FROM shared.transfer WHERE id = $1",
        transfer_id,
    )
    if t is None or t["from_code"] != scope.code:
        return None
    case = await scope.connection.fetchrow(
        "SELECT id, child_id, closed_at, transfer_id FROM hovedsag WHERE id = $1 FOR UPDATE",
        t["from_case_ref"],
    )
    return t, case


@outbox_job("cross.transfer_accepted")
async def _accepted(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    found = await _outgoing(scope, payload)
    if found is None or found[1] is None:
        return
    t, case = found
    await stamp(
        case["id"],
        f"{t['decided_by_name']} ({t['to_name']})",
        "overfoersel.accepteret",
        f"{t['to_name']} har accepteret overførslen",
        f"Accepteret af {t['decided_by_name']} {fmt_due(t['decided_at'])}. "
        "Sagen lukkes her, når den er indlæst hos modtageren.",
    )


async def _leave_transfer(scope: TenantScope, t: Any, case: Any, title: str, body: str) -> None:
    await scope.connection.execute(
        "UPDATE hovedsag SET transfer_id = NULL, version = version + 1, changed_by = $2, "
        "changed_at = now() WHERE id = $1 AND transfer_id = $3",
        case["id"],
        SYSTEM,
        t["id"],
    )
    await stamp(case["id"], SYSTEM, "overfoersel.annulleret", title, body)


@outbox_job("cross.transfer_rejected")
async def _rejected(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    found = await _outgoing(scope, payload)
    if found is None or found[1] is None:
        return
    t, case = found
    await _leave_transfer(
        scope,
        t,
        case,
        f"{t['to_name']} har afvist overførslen",
        f"Afvist af {t['decided_by_name']} {fmt_due(t['decided_at'])}. Begrundelse: "
        f"{t['reason']}\nSagen er ikke længere under overførsel.",
    )
    await record(SYSTEM, "transfer.rejected_by_receiver", str(case["id"]), reason=t["reason"])


@outbox_job("cross.transfer_failed")
async def _failed(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    found = await _outgoing(scope, payload)
    if found is None or found[1] is None:
        return
    t, case = found
    await _leave_transfer(
        scope,
        t,
        case,
        f"Overførslen til {t['to_name']} er fejlet; sagen er ikke overført",
        f"{t['error']}\nIntet er indlæst hos modtageren. Send sagen igen.",
    )


@outbox_job("cross.transfer_completed")
async def _completed(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """The receiver holds the case now: close it here, keep the package as sent."""
    found = await _outgoing(scope, payload)
    if found is None:
        return
    t, case = found
    conn = scope.connection
    if case is not None:
        reason = f"Sagen er overtaget af {t['to_name']} (Barnets Lov § 132)"
        ended = await conn.fetch(
            "UPDATE indsats SET ends_on = greatest(starts_on, $2), end_reason = $3, "
            "version = version + 1, changed_by = $4, changed_at = now() "
            "WHERE hovedsag_id = $1 AND ends_on IS NULL RETURNING id",
            case["id"],
            today_dk(),
            reason,
            SYSTEM,
        )
        cancelled = await conn.fetch(
            "UPDATE activity SET status = 'cancelled', cancel_reason = $2, completed_at = now(), "
            "completed_by = $3, changed_by = $3, changed_at = now(), version = version + 1 "
            "WHERE hovedsag_id = $1 AND status = 'open' RETURNING id",
            case["id"],
            reason,
            SYSTEM,
        )
        await conn.execute(
            "UPDATE enkeltsag SET closed_at = now(), version = version + 1 "
            "WHERE hovedsag_id = $1 AND closed_at IS NULL",
            case["id"],
        )
        await conn.execute(
            "UPDATE hovedsag SET closed_at = coalesce(closed_at, current_date), "
            "stage = 'afsluttet', close_reason = coalesce(close_reason, $2), transferred_to = $3, "
            "version = version + 1, changed_by = $4, changed_at = now() WHERE id = $1",
            case["id"],
            reason,
            t["to_code"],
            SYSTEM,
        )
        await stamp(
            case["id"],
            SYSTEM,
            "overfoersel.afsluttet",
            f"Sagen er overtaget af {t['to_name']} og lukket her",
            f"{plural(len(ended), 'igangværende indsats', 'igangværende indsatser')} afsluttet "
            f"og {plural(len(cancelled), 'åben aktivitet', 'åbne aktiviteter')} annulleret. "
            "Det sendte kan fortsat læses under overførslen.",
        )
        await index.schedule(case["child_id"])
    if t["sender_closed_at"] is None:
        await conn.execute(
            "UPDATE shared.transfer SET sender_closed_at = now() WHERE id = $1", t["id"]
        )
    await record(SYSTEM, "transfer.completed", str(t["id"]), receiver=t["to_code"])


# --- notifications after the transfer --------------------------------------------------


async def forward_if_transferred(
    actor: str, case_id: uuid.UUID, underretning_id: uuid.UUID
) -> None:
    """A notification registered here on a child whose case is in transfer, or was
    transferred away and has not come back: send it on to the kommune that has the case
    (it lands on that case, and the caseworker there gets an activity). Called by
    ``do_register_underretning`` in its transaction."""
    conn = _conn()
    sent = await conn.fetchrow(
        "SELECT o.transfer_id FROM hovedsag h JOIN hovedsag o ON o.child_id = h.child_id "
        "WHERE h.id = $1 AND o.transfer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hovedsag b "
        "WHERE b.child_id = h.child_id AND b.received_transfer_id IS NOT NULL "
        "AND b.opened_at >= coalesce(o.closed_at, o.opened_at) AND b.id <> o.id) "
        "ORDER BY o.opened_at DESC LIMIT 1",
        case_id,
    )
    if sent is None:
        return
    t = await conn.fetchrow(
        "SELECT id, to_code, to_name, status FROM shared.transfer WHERE id = $1",
        sent["transfer_id"],
    )
    if t is None or t["status"] not in ("sendt", "accepteret", "importeret"):
        return
    u = await conn.fetchrow(
        "SELECT kind, received_at, notifier_kind, source, notifier_name, notifier_contact, "
        "concerns, suspected_abuse FROM underretning WHERE id = $1",
        underretning_id,
    )
    body = {**dict(u), "received_at": u["received_at"].isoformat(), "registered_by": actor}
    # Sealed to this row, the transfer and the two kommuner (shared migration 0006).
    forward_id = uuid.uuid4()
    here = current_scope().code
    await conn.execute(
        "INSERT INTO shared.transfer_forward (id, transfer_id, from_code, to_code, kind, "
        "payload, created_by) VALUES ($1, $2, $3, $4, 'underretning', $5::jsonb, $6)",
        forward_id,
        t["id"],
        here,
        t["to_code"],
        keys.seal_forward_payload(forward_id, t["id"], here, t["to_code"], body),
        actor,
    )
    await post(t["to_code"], "cross.notification_forwarded", {"forward_id": str(forward_id)})
    label = INTAKE_KINDS.get(u["kind"], "Underretning")
    await stamp(
        case_id,
        actor,
        "underretning.videresendt",
        f"{label} videresendt til {t['to_name']}",
        f"Barnets sag er overført til {t['to_name']}. {label}en er sendt videre, og "
        "sagsbehandleren dér har fået en aktivitet om den.",
    )
    await record(actor, "transfer.notification_forwarded", str(underretning_id), to=t["to_code"])


@outbox_job("cross.notification_forwarded")
async def _forwarded(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    conn = scope.connection
    forward_id = uuid.UUID(payload["forward_id"])
    f = await conn.fetchrow(
        "SELECT id, transfer_id, from_code, to_code, sealed, payload::text AS payload, "
        "imported_at FROM shared.transfer_forward WHERE id = $1 FOR UPDATE",
        forward_id,
    )
    if f is None or f["to_code"] != scope.code or f["imported_at"] is not None:
        return
    t = await conn.fetchrow(
        "SELECT status, from_name FROM shared.transfer WHERE id = $1", f["transfer_id"]
    )
    if t is None or t["status"] in ("afvist", "fejl"):
        # The case stayed with the sender, and so did the notification.
        await conn.execute(
            "UPDATE shared.transfer_forward SET imported_at = now() WHERE id = $1", forward_id
        )
        return
    received = await conn.fetchrow(
        "SELECT id, child_id, caseworker_id FROM hovedsag WHERE received_transfer_id = $1",
        f["transfer_id"],
    )
    if received is None:
        raise NotYetImported(f"transfer {f['transfer_id']} is not imported yet")
    p = keys.open_forward_payload(f)
    actor = f"{p['registered_by']} ({t['from_name']})"
    case_id = await conn.fetchval(
        "SELECT id FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL "
        "ORDER BY opened_at DESC LIMIT 1",
        received["child_id"],
    )
    if case_id is None:
        case_id = await open_case(
            received["child_id"],
            actor,
            received["caseworker_id"],
            f"Ny sag åbnet: underretning videresendt fra {t['from_name']}",
        )
    owner = await conn.fetchval("SELECT caseworker_id FROM hovedsag WHERE id = $1", case_id)
    underretning_id, _ = await do_register_underretning(
        actor,
        case_id,
        received_at=datetime.fromisoformat(p["received_at"]),
        notifier_kind=p["notifier_kind"],
        source=p["source"],
        concerns=p["concerns"],
        suspected_abuse=p["suspected_abuse"],
        notifier_name=p.get("notifier_name"),
        notifier_contact=p.get("notifier_contact"),
        kind=p.get("kind") or "underretning",
    )
    enkeltsag_id = await conn.fetchval(
        "SELECT enkeltsag_id FROM underretning WHERE id = $1", underretning_id
    )
    label = INTAKE_KINDS.get(p.get("kind") or "underretning", "Underretning")
    title = f"Læs {label.lower()}en, der er videresendt fra {t['from_name']}"
    due = _end_of(add_working_days(today_dk(), 1))
    await conn.execute(
        "INSERT INTO activity (hovedsag_id, enkeltsag_id, rule_id, title, basis, owner_id, "
        "due_at, concerns, concerns_id) VALUES ($1, $2, 'videresendt-underretning', $3, $4, $5, "
        "$6, 'underretning', $7)",
        case_id,
        enkeltsag_id,
        title,
        "Barnets Lov § 132 (videresendt efter overførsel)",
        owner,
        due,
        underretning_id,
    )
    await stamp(
        case_id,
        actor,
        "underretning.videresendt",
        f"{label} videresendt fra {t['from_name']}, hvor den kom ind "
        f"{fmt_due(datetime.fromisoformat(p['received_at']))}",
        f"Aktivitet: {title} – frist {fmt_due(due)}",
        enkeltsag_id,
    )
    await conn.execute(
        "UPDATE shared.transfer_forward SET imported_at = now(), imported_ref = $2 WHERE id = $1",
        forward_id,
        underretning_id,
    )
    await record(SYSTEM, "transfer.notification_received", str(underretning_id))


# --- requests: a kommune asks another for its case -------------------------------------


async def do_request(me: Principal, to_code: str, cpr: str, message: str) -> uuid.UUID:
    """Ask ``to_code`` to transfer its open case on ``cpr`` to this kommune."""
    scope = current_scope()
    conn = scope.connection
    text = (message or "").strip()
    if not text:
        raise CaseError("message", "Skriv hvorfor I beder om sagen (fx at familien er flyttet)")
    number, _ = check_cpr(cpr)
    to_name = await check_target(to_code)
    to_code = to_code.strip()
    found = await index.lookup([number], me.actor, "anmodning om overførsel")
    if not any(p.kommune.code == to_code and p.status == "aaben" for p in found):
        raise CaseError("cpr", f"{to_name} har ingen åben sag på dette CPR-nummer")
    child = await conn.fetchrow(
        "SELECT id, first_name || ' ' || last_name AS name FROM child WHERE cpr = $1", number
    )
    # The child's name and the message are sealed to this row and the two kommuner.
    request_id = uuid.uuid4()

    def sealed(name: str, value: str) -> str:
        return keys.seal_request_field(request_id, scope.code, to_code, name, value)

    await conn.execute(
        "INSERT INTO shared.transfer_request (id, from_code, to_code, from_name, to_name, "
        "cpr_hmac, child_name, message, created_by, created_by_name) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10)",
        request_id,
        scope.code,
        to_code,
        scope.name,
        to_name,
        keys.cpr_hmac(number),
        sealed("child_name", child["name"] if child else "Barn uden sag her"),
        sealed("message", text),
        me.actor,
        me.display_name,
    )
    if child is not None:
        case_id = await conn.fetchval(
            "SELECT id FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL "
            "ORDER BY opened_at DESC LIMIT 1",
            child["id"],
        )
        if case_id:
            await stamp(
                case_id,
                me.actor,
                "overfoersel.anmodet",
                f"Anmodning om overførsel sendt til {to_name}",
                text,
            )
    await post(to_code, "cross.request_received", {"request_id": str(request_id)})
    await record(me.actor, "transfer_request.sent", str(request_id), to=to_code)
    return request_id


async def _own_open_cases(cpr_hmac: bytes) -> list[uuid.UUID]:
    """This kommune's open cases on the child of a request (through its own index rows)."""
    conn = _conn()
    refs = [
        r["hovedsag_ref"]
        for r in await conn.fetch(
            "SELECT hovedsag_ref FROM shared.cpr_own_cases($1) WHERE closed_on IS NULL", cpr_hmac
        )
    ]
    rows = await conn.fetch(
        "SELECT id FROM hovedsag WHERE id = ANY($1::uuid[]) AND closed_at IS NULL "
        "ORDER BY opened_at DESC",
        refs,
    )
    return [r["id"] for r in rows]


_REQ_COLS = (
    "id, from_code, to_code, from_name, to_name, cpr_hmac, child_name, message, status, "
    "created_at, created_by_name, answered_at, answered_by_name, answer, transfer_id, sealed"
)


def _request_read(r: Any, here: str, case_id: uuid.UUID | None = None) -> TransferRequestRead:
    return TransferRequestRead(
        id=r["id"],
        direction="ind" if r["to_code"] == here else "ud",
        status=r["status"],
        from_kommune=KommuneRef(r["from_code"], r["from_name"]),
        to_kommune=KommuneRef(r["to_code"], r["to_name"]),
        child_name=keys.open_request_field(r, "child_name") or UNREADABLE_FIELD,
        message=keys.open_request_field(r, "message") or UNREADABLE_FIELD,
        created_at=r["created_at"],
        created_by_name=r["created_by_name"],
        answered_at=r["answered_at"],
        answered_by_name=r["answered_by_name"],
        answer=None
        if r["answer"] is None
        else keys.open_request_field(r, "answer") or UNREADABLE_FIELD,
        transfer_id=r["transfer_id"],
        hovedsag_id=case_id,
    )


async def list_requests(
    limit: int = 200,
) -> tuple[list[TransferRequestRead], list[TransferRequestRead]]:
    here = current_scope().code
    rows = await _conn().fetch(
        f"SELECT {_REQ_COLS} FROM shared.transfer_request WHERE to_code = $1 OR from_code = $1 "
        "ORDER BY created_at DESC LIMIT $2",
        here,
        limit,
    )
    incoming, outgoing = [], []
    for r in rows:
        if r["to_code"] == here:
            cases = await _own_open_cases(r["cpr_hmac"]) if r["status"] == "aaben" else []
            incoming.append(_request_read(r, here, cases[0] if cases else None))
        else:
            outgoing.append(_request_read(r, here))
    return incoming, outgoing


async def request_case(request_id: uuid.UUID, hovedsag_id: uuid.UUID | None) -> uuid.UUID:
    """Which of this kommune's cases a request asked of it is about (the route checks that
    the user may open it before :func:`do_answer` sends it)."""
    r = await _conn().fetchrow(
        "SELECT to_code, cpr_hmac FROM shared.transfer_request WHERE id = $1", request_id
    )
    if r is None or r["to_code"] != current_scope().code:
        raise LookupError("request")
    cases = await _own_open_cases(r["cpr_hmac"])
    if hovedsag_id is not None:
        if hovedsag_id not in cases:
            raise CaseError("hovedsag_id", "Sagen er ikke en åben sag på det barn, der bedes om")
        return hovedsag_id
    if not cases:
        raise CaseError("hovedsag_id", "Kommunen har ingen åben sag på barnet")
    return cases[0]


async def do_answer(
    me: Principal,
    request_id: uuid.UUID,
    decision: str,
    *,
    summary: str | None,
    reason: str | None,
    case_id: uuid.UUID | None,
) -> TransferRequestRead:
    """Answer a request: send the case now (with the summary), or decline with a reason."""
    conn = _conn()
    if decision not in ("send", "afvis"):
        raise CaseError("decision", "Vælg at sende sagen eller at afvise anmodningen")
    r = await conn.fetchrow(
        f"SELECT {_REQ_COLS} FROM shared.transfer_request WHERE id = $1 FOR UPDATE", request_id
    )
    if r is None or r["to_code"] != current_scope().code:
        raise LookupError("request")
    if r["status"] != "aaben":
        raise TransferConflict("decision", "Anmodningen er allerede besvaret")
    transfer_id = None
    if decision == "afvis":
        text = (reason or "").strip()
        if not text:
            raise CaseError("reason", "Skriv hvorfor anmodningen afvises")
        status, answer = "afvist", text
    else:
        if case_id is None:
            raise CaseError("hovedsag_id", "Vælg sagen, der skal sendes")
        transfer_id = await do_send(me, case_id, r["from_code"], summary or "", request_id)
        status, answer = "sendt", "Sagen er sendt"
    await conn.execute(
        "UPDATE shared.transfer_request SET status = $2, answer = $3, answered_at = now(), "
        "answered_by = $4, answered_by_name = $5, transfer_id = $6 WHERE id = $1",
        request_id,
        status,
        keys.seal_request_field(request_id, r["from_code"], r["to_code"], "answer", answer)
        if r["sealed"]
        else answer,  # a row from before shared migration 0006 is sealed whole later
        me.actor,
        me.display_name,
        transfer_id,
    )
    for a in await conn.fetch(
        "UPDATE activity SET status = 'done', completed_at = now(), completed_by = $2, "
        "changed_by = $2, changed_at = now(), version = version + 1 "
        "WHERE rule_id = 'besvar-anmodning' AND concerns_id = $1 AND status = 'open' "
        "RETURNING hovedsag_id, title",
        request_id,
        me.actor,
    ):
        await stamp(
            a["hovedsag_id"],
            me.actor,
            "aktivitet.udfoert",
            f"Udført: {a['title']}",
            "Sagen er sendt" if status == "sendt" else f"Afvist: {answer}",
        )
    await post(r["from_code"], "cross.request_answered", {"request_id": str(request_id)})
    await record(me.actor, "transfer_request.answered", str(request_id), decision=status)
    row = await conn.fetchrow(
        f"SELECT {_REQ_COLS} FROM shared.transfer_request WHERE id = $1", request_id
    )
    return _request_read(row, current_scope().code)


@outbox_job("cross.request_received")
async def _request_received(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    conn = scope.connection
    r = await conn.fetchrow(
        "SELECT id, from_code, to_code, from_name, cpr_hmac, message, sealed, created_by_name "
        "FROM shared.transfer_request WHERE id = $1",
        uuid.UUID(payload["request_id"]),
    )
    if r is None or r["to_code"] != scope.code:
        return
    cases = await _own_open_cases(r["cpr_hmac"])
    if cases:
        case_id = cases[0]
        owner = await conn.fetchval("SELECT caseworker_id FROM hovedsag WHERE id = $1", case_id)
        title = f"Besvar anmodning om overførsel fra {r['from_name']}"
        due = _end_of(add_working_days(today_dk(), REQUEST_WORKING_DAYS))
        await conn.execute(
            "INSERT INTO activity (hovedsag_id, rule_id, title, basis, owner_id, due_at, "
            "concerns_id) VALUES ($1, 'besvar-anmodning', $2, $3, $4, $5, $6)",
            case_id,
            title,
            "Barnets Lov § 132",
            owner,
            due,
            r["id"],
        )
        await stamp(
            case_id,
            f"{r['created_by_name']} ({r['from_name']})",
            "overfoersel.anmodning",
            f"{r['from_name']} beder om at få sagen overført",
            f"{keys.open_request_field(r, 'message') or UNREADABLE_FIELD}\n\n"
            f"Aktivitet: {title} – frist {fmt_due(due)}",
        )
    await record(SYSTEM, "transfer_request.received", str(r["id"]), found=len(cases))


@outbox_job("cross.request_answered")
async def _request_answered(
    scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]
) -> None:
    conn = scope.connection
    r = await conn.fetchrow(
        "SELECT id, from_code, to_code, to_name, cpr_hmac, status, answer, sealed, "
        "answered_by_name FROM shared.transfer_request WHERE id = $1",
        uuid.UUID(payload["request_id"]),
    )
    if r is None or r["from_code"] != scope.code:
        return
    cases = await _own_open_cases(r["cpr_hmac"])
    if cases:
        if r["status"] == "sendt":
            title = f"{r['to_name']} har sendt sagen; den ligger i indbakken"
        else:
            title = f"{r['to_name']} har afvist anmodningen om overførsel"
        await stamp(
            cases[0],
            f"{r['answered_by_name']} ({r['to_name']})",
            "overfoersel.anmodning_besvaret",
            title,
            "" if r["answer"] is None else keys.open_request_field(r, "answer") or UNREADABLE_FIELD,
        )
    await record(SYSTEM, "transfer_request.answered", str(r["id"]), status=r["status"])
