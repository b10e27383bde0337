"""The transfer package: everything about one main case, written out by the sending
kommune and read into a new case by the receiving one.

**Export** (sending kommune, its own tenant transaction): the child, the main case, and every
row of every table of the kommune's schema that belongs to the case — every table with a
``hovedsag_id`` column (enkeltsager, activities open and done, the journal, decisions,
measures, steps, ICS investigations and plans with all their versions, and whatever later
tables hang off a case, such as documents), plus the notifications (through their
enkeltsag) and the child's whole network. Rows are taken whole (``to_jsonb``), so a new
column travels without a change here. Users are sender-local: the package names them.

**Import** (receiving kommune, one tenant transaction): every id is replaced by a fresh one
(the same old id always by the same new one, so references inside the package hold; a
case that comes back to a kommune it once left cannot collide with its old rows); columns
pointing at the sender's users and teams are emptied (open activities go to the caseworker
who accepted); columns the receiving schema lacks are dropped and reported; tables are
inserted in foreign-key order with ``jsonb_populate_recordset``, one statement each, so a
table's references to itself (a correction, a new version of a plan) resolve in one go.
Journal entries keep their time and author and are marked with the kommune they came from.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.core.errors import NotFound
from backend.crosskommune import repository as repo

FORMAT = "trekant.overfoersel"
VERSION = 1

# Tables with a hovedsag_id that do not travel: who may open the case, who works on it,
# who took it offline are the sending kommune's arrangements with its own staff.
NOT_CARRIED = frozenset({"case_access", "hovedsag_worker", "transfer_inbox", "offline_choice"})
# Tables that travel in the package (the receiver can read them, the sender keeps them in
# its copy) but are not imported: the sender's grants and payments to its own suppliers
# from its own catalogue. The receiving kommune makes its own decisions (backend/money).
NOT_IMPORTED = {
    "visitation_draft": "afsenderens udkast til visitation med egne tilbud og priser",
    "bevilling": "afsenderens bevillinger hos egne leverandører",
    "payment": "afsenderens betalinger",
}
# Tables that belong to the case through something other than hovedsag_id, and whether
# the parameter is the main case or the child.
RELATED = {
    "underretning": (
        "enkeltsag_id IN (SELECT e.id FROM enkeltsag e WHERE e.hovedsag_id = $1)",
        "hovedsag",
    ),
    "network_member": ("child_id = $1", "child"),
}
# Columns of the child row that travel (the rest are the sending kommune's bookkeeping).
CHILD_COLUMNS = (
    "cpr",
    "first_name",
    "last_name",
    "birth_date",
    "address",
    "mother_cpr",
    "expected_date",
)
SENDER_LOCAL = frozenset({"app_user", "team"})


class PackageError(ValueError):
    """The package cannot be read (malformed, wrong format); the message is Danish."""


@dataclass
class Built:
    data: bytes
    sha256: bytes
    counts: dict[str, int]
    child_name: str
    child_birth_date: Any


async def _case_tables(conn: Any) -> list[str]:
    """Tables of the current kommune schema that belong to a case."""
    found = [t for t in await repo.list_tables_with_case(conn) if t not in NOT_CARRIED]
    return sorted(set(found) | set(RELATED))


async def build(
    conn: Any,
    *,
    transfer_id: uuid.UUID,
    hovedsag_id: uuid.UUID,
    sender: tuple[str, str],
    receiver: tuple[str, str],
    sent_by: tuple[str, str],
    summary: str,
    sent_at: datetime,
) -> Built:
    """Write out the case (in the sending kommune's open tenant transaction)."""
    case = await repo.get_case_export(conn, hovedsag_id)
    if case is None:
        raise NotFound("Sagen findes ikke")
    child_id = case.child_id
    child_row = await repo.get_child_json(conn, child_id)
    tables: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for table in await _case_tables(conn):
        where, by = RELATED.get(table, ("hovedsag_id = $1", "hovedsag"))
        order = " ORDER BY t.id" if await repo.table_has_id(conn, table) else ""
        text = await repo.get_rows_json(
            conn, table, where, order, child_id if by == "child" else hovedsag_id
        )
        rows = msgspec.json.decode(text)
        tables[table] = rows
        counts[table] = len(rows)
    users = await repo.list_case_users(conn, hovedsag_id, case.caseworker_id)
    team = await repo.get_team_name(conn, case.team_id)
    siblings = [
        {"name": r.name, "cpr": r.cpr, "open_case_at_sender": r.open_case}
        for r in await repo.list_siblings(conn, child_id)
    ]
    child = msgspec.json.decode(child_row)
    package = {
        "format": FORMAT,
        "format_version": VERSION,
        "transfer_id": str(transfer_id),
        "from": {"code": sender[0], "name": sender[1]},
        "to": {"code": receiver[0], "name": receiver[1]},
        "sent_at": sent_at.astimezone(UTC).isoformat(),
        "sent_by": {"username": sent_by[0], "name": sent_by[1]},
        "summary": summary,
        "child": child,
        "hovedsag": msgspec.json.decode(case.row),
        "tables": tables,
        "users": users,
        "team": team,
        "siblings": siblings,
        "counts": counts,
    }
    data = msgspec.json.encode(package, order="sorted")
    return Built(
        data=data,
        sha256=hashlib.sha256(data).digest(),
        counts=counts,
        child_name=f"{child['first_name']} {child['last_name']}",
        child_birth_date=child.get("birth_date"),
    )


def decode(data: bytes) -> dict[str, Any]:
    """The package as a dict; :class:`PackageError` when it is not one of ours."""
    try:
        package = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise PackageError("Pakken kan ikke læses (ufuldstændig eller beskadiget)") from exc
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise PackageError("Pakken er ikke en Trekant-overførsel")
    if package.get("format_version") != VERSION:
        raise PackageError(
            f"Pakken har formatversion {package.get('format_version')}; "
            f"denne Trekant læser version {VERSION}"
        )
    for key in ("child", "hovedsag", "tables", "summary"):
        if key not in package:
            raise PackageError(f"Pakken mangler {key}")
    return package


# --- import -------------------------------------------------------------------------


@dataclass
class Column:
    name: str
    type: str
    notnull: bool
    identity: bool
    references: str | None


@dataclass
class Imported:
    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_existed: bool
    counts: dict[str, int] = field(default_factory=dict)
    not_imported: dict[str, str] = field(default_factory=dict)  # table -> why
    dropped_columns: dict[str, list[str]] = field(default_factory=dict)


async def _catalog(conn: Any, tables: list[str]) -> dict[str, dict[str, Column]]:
    out: dict[str, dict[str, Column]] = defaultdict(dict)
    for r in await repo.list_catalog(conn, tables):
        out[r.tbl][r.col] = Column(r.col, r.typ, r.notnull, r.ident, r.refs)
    return dict(out)


def _order(tables: list[str], catalog: dict[str, dict[str, Column]]) -> list[str]:
    """Tables so that each comes after the tables it references (ties by name)."""
    deps = {
        t: {
            c.references
            for c in catalog[t].values()
            if c.references in catalog and c.references != t
        }
        for t in tables
    }
    done: list[str] = []
    while len(done) < len(tables):
        ready = sorted(t for t in tables if t not in done and deps[t] <= set(done))
        if not ready:  # a cycle between tables: fall back to name order for the rest
            ready = sorted(t for t in tables if t not in done)
        done.extend(ready)
    return done


class _Ids:
    """Old id -> new id, the same new id for the same old one throughout the package."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}

    def new(self, old: str) -> str:
        if old not in self.map:
            self.map[old] = str(uuid.uuid4())
        return self.map[old]

    def forget(self, rows: list[dict[str, Any]]) -> None:
        """These rows are not imported: references to them must not resolve."""
        for row in rows:
            if row.get("id") is not None:
                self.map.pop(str(row["id"]), None)


async def import_case(
    conn: Any,
    package: dict[str, Any],
    *,
    transfer_id: uuid.UUID,
    accepted_by: uuid.UUID | None,
    team_id: uuid.UUID | None,
    received_from: str,
) -> Imported:
    """Create the case in the receiving kommune (its open tenant transaction). The caller
    has checked the package's seal and that the transfer was not imported before."""
    child = package["child"]
    existing = await repo.find_child(
        conn, child.get("cpr"), child.get("mother_cpr"), child.get("expected_date")
    )
    if existing is None:
        cols = [c for c in CHILD_COLUMNS if c in child]
        child_id = await repo.insert_child(
            conn, cols, msgspec.json.encode({c: child[c] for c in cols}).decode()
        )
    else:
        child_id = existing
    sent_case = package["hovedsag"]
    stage = sent_case.get("stage") if sent_case.get("stage") != "afsluttet" else "afklaring"
    hovedsag_id = await repo.insert_received_case(
        conn,
        child_id=child_id,
        stage=stage,
        caseworker_id=accepted_by,
        team_id=team_id,
        transfer_id=transfer_id,
        received_from=received_from,
    )
    result = Imported(hovedsag_id, child_id, existing is not None)
    ids = _Ids()
    ids.map[str(sent_case["id"])] = str(hovedsag_id)
    ids.map[str(child["id"])] = str(child_id)

    sent_tables: dict[str, list[dict[str, Any]]] = package["tables"]
    catalog = await _catalog(conn, list(sent_tables))
    for table in sent_tables:
        if table not in catalog:
            if sent_tables[table]:
                result.not_imported[table] = "tabellen findes ikke hos modtageren"
    present = [t for t in sent_tables if t in catalog]
    # Every row's id gets its new id first, so references between tables (and
    # references without a foreign key, such as what an activity concerns) resolve.
    for table in present:
        if catalog[table].get("id") and catalog[table]["id"].type == "uuid":
            for row in sent_tables[table]:
                if row.get("id"):
                    ids.new(str(row["id"]))
    for table in _order(present, catalog):
        rows = sent_tables[table]
        if not rows:
            result.counts[table] = 0
            continue
        columns = catalog[table]
        dropped = sorted({k for row in rows for k in row} - set(columns))
        if dropped:
            result.dropped_columns[table] = dropped
        why = NOT_IMPORTED.get(table)
        if why is None and any(
            c.notnull and c.references in SENDER_LOCAL for c in columns.values()
        ):
            why = "rækkerne peger på afsenderens medarbejdere"
        if why is not None:
            result.not_imported[table] = why
            ids.forget(rows)
            continue
        rewritten = []
        for row in rows:
            new = _rewrite(row, columns, ids, table)
            if new is None:
                # It needs something that did not travel; whatever needs it is left out too.
                ids.forget([row])
                result.not_imported.setdefault(
                    table, "enkelte rækker peger på noget, der ikke følger med"
                )
            else:
                rewritten.append(new)
        if not rewritten:
            result.counts[table] = 0
            continue
        if table == "journal_entry":
            result.counts[table] = await _import_journal(
                conn, rewritten, columns, hovedsag_id, received_from
            )
            continue
        names = [c for c in columns if not columns[c].identity and any(c in r for r in rewritten)]
        result.counts[table] = await repo.insert_rows(
            conn,
            table,
            names,
            msgspec.json.encode(rewritten).decode(),
            skip_conflicts=table == "network_member",
        )
    if accepted_by is not None:
        await repo.update_open_activities_owner(conn, hovedsag_id, accepted_by)
    return result


def _rewrite(
    row: dict[str, Any], columns: dict[str, Column], ids: _Ids, table: str
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for key, value in row.items():
        col = columns.get(key)
        if col is None:
            continue
        if value is None and col.notnull and not col.identity:
            return None  # the receiving schema needs it: the row cannot be written here
        if value is None or col.type != "uuid":
            out[key] = value
            continue
        old = str(value)
        if col.references in SENDER_LOCAL:
            out[key] = None
        elif col.references is not None:
            mapped = ids.map.get(old)
            if mapped is None and col.notnull:
                return None  # points at something that did not travel
            out[key] = mapped
        else:
            out[key] = ids.new(old)
    return out


async def _import_journal(
    conn: Any,
    rows: list[dict[str, Any]],
    columns: dict[str, Column],
    hovedsag_id: uuid.UUID,
    received_from: str,
) -> int:
    """Journal entries get new ids from the receiving kommune; a correction points at the
    new id of the entry it corrects (found by ``original_id``), in waves, so corrections
    of corrections follow their target."""
    for row in rows:
        row["original_id"] = row.get("id")
        row["received_from"] = row.get("received_from") or received_from
        row.pop("id", None)
    names = [
        c
        for c in columns
        if not columns[c].identity and c != "corrects_id" and any(c in r for r in rows)
    ]
    inserted: set[Any] = set()
    pending = sorted(rows, key=lambda r: r["original_id"] or 0)
    total = 0
    first = True
    while pending:
        if first:
            wave = [r for r in pending if r.get("corrects_id") is None]
            first = False
        else:
            wave = [r for r in pending if r.get("corrects_id") in inserted]
        if not wave:
            break  # corrections of entries that did not travel
        await repo.insert_journal_wave(conn, names, msgspec.json.encode(wave).decode(), hovedsag_id)
        total += len(wave)
        inserted |= {r["original_id"] for r in wave}
        done = {id(r) for r in wave}
        pending = [r for r in pending if id(r) not in done]
    return total
