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
Those are casework's tables, so casework reads and writes them: ``lifecycle.export_case``
reads the case out whole (every table with a ``hovedsag_id`` but ``NOT_CARRIED``, and the
tables that hang off a case another way, ``lifecycle.RELATED``), and
``lifecycle.import_received_case`` holds what it takes to write another kommune's rows into
them (the child's columns, the sender-local references, the renewed ids, the journal's
corrections), and ``reassign_open_activities`` hands the open activities over. This module
keeps the package: its format, what it carries (``NOT_CARRIED``), and what it carries but
the receiver does not import (``NOT_IMPORTED``, passed to casework as data).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.casework import lifecycle
from backend.core.errors import NotFound

FORMAT = "trekant.overfoersel"
VERSION = 1

# Tables with a hovedsag_id that do not travel: who may open the case, who works on it,
# who took it offline are the sending kommune's arrangements with its own staff; how its
# letters were dispatched (backend/post) and the letters themselves (backend/letters: a sent
# letter travels as its document, the PDF/A; a draft and its template are the sender's).
NOT_CARRIED = frozenset(
    {
        "case_access",
        "hovedsag_worker",
        "transfer_inbox",
        "offline_choice",
        "post_letter",
        "delivery",
        "letter",
    }
)
# Tables that travel in the package (the receiver can read them, the sender keeps them in
# its copy) but are not imported: the sender's grants and payments to its own suppliers
# from its own catalogue. The receiving kommune makes its own decisions (backend/money).
NOT_IMPORTED = {
    "visitation_draft": "afsenderens udkast til visitation med egne tilbud og priser",
    "bevilling": "afsenderens bevillinger hos egne leverandører",
    "payment": "afsenderens betalinger",
}


class PackageError(ValueError):
    """The package cannot be read (malformed, wrong format); the message is Danish."""


@dataclass
class Built:
    data: bytes
    sha256: bytes
    counts: dict[str, int]
    child_name: str
    child_birth_date: Any


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
    """Write out the case (in the sending kommune's open tenant transaction, ``conn``, which
    casework's lifecycle reads through)."""
    case = await lifecycle.export_case(hovedsag_id, NOT_CARRIED)
    if case is None:
        raise NotFound("Sagen findes ikke")
    child = case.child
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
        "hovedsag": case.case,
        "tables": case.tables,
        "users": case.users,
        "team": case.team,
        "siblings": [
            {"name": s.name, "cpr": s.cpr, "open_case_at_sender": s.open_case}
            for s in case.siblings
        ],
        "counts": case.counts,
    }
    data = msgspec.json.encode(package, order="sorted")
    return Built(
        data=data,
        sha256=hashlib.sha256(data).digest(),
        counts=case.counts,
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

Imported = lifecycle.Imported


async def import_case(
    conn: Any,
    package: dict[str, Any],
    *,
    transfer_id: uuid.UUID,
    accepted_by: uuid.UUID | None,
    team_id: uuid.UUID | None,
    received_from: str,
) -> Imported:
    """Create the case in the receiving kommune (its open tenant transaction, ``conn``,
    which casework's lifecycle writes through). The caller has checked the package's seal
    and that the transfer was not imported before. Casework writes the rows
    (``lifecycle.import_received_case``); the money tables stay behind (``NOT_IMPORTED``)."""
    result = await lifecycle.import_received_case(
        package["child"],
        package["hovedsag"],
        package["tables"],
        transfer_id=transfer_id,
        caseworker_id=accepted_by,
        team_id=team_id,
        received_from=received_from,
        not_imported=NOT_IMPORTED,
    )
    if accepted_by is not None:
        await lifecycle.reassign_open_activities(result.hovedsag_id, accepted_by)
    return result
