"""Every query of the letters: templates with their versions, letters, the letterhead, and
the child's network as a letter's possible recipients."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import msgspec

from backend.core.db import conn


class TemplateRow(msgspec.Struct):
    id: uuid.UUID
    standard_key: str | None
    purpose: str
    current_version: int
    retired_at: datetime | None
    changed_at: datetime
    changed_by: str | None
    version: int
    title: str
    body: str


class VersionRow(msgspec.Struct):
    version: int
    title: str
    created_at: datetime
    created_by: str


_TEMPLATE = (
    "SELECT t.id, t.standard_key, t.purpose, t.current_version, t.retired_at, t.changed_at, "
    "t.changed_by, t.version, v.title, v.body FROM letter_template t "
    "JOIN letter_template_version v ON v.template_id = t.id AND v.version = t.current_version "
)


async def list_templates(include_retired: bool) -> list[TemplateRow]:
    rows = await conn().fetch(
        _TEMPLATE + "WHERE $1 OR t.retired_at IS NULL "
        "ORDER BY t.retired_at IS NOT NULL, t.standard_key IS NULL, lower(v.title)",
        include_retired,
    )
    return [TemplateRow(**dict(r)) for r in rows]


async def get_template(template_id: uuid.UUID, lock: bool = False) -> TemplateRow | None:
    row = await conn().fetchrow(
        _TEMPLATE + "WHERE t.id = $1" + (" FOR UPDATE OF t" if lock else ""), template_id
    )
    return None if row is None else TemplateRow(**dict(row))


async def get_template_version(template_id: uuid.UUID, version: int) -> VersionRow | None:
    row = await conn().fetchrow(
        "SELECT version, title, created_at, created_by FROM letter_template_version "
        "WHERE template_id = $1 AND version = $2",
        template_id,
        version,
    )
    return None if row is None else VersionRow(**dict(row))


async def list_versions(template_id: uuid.UUID) -> list[VersionRow]:
    rows = await conn().fetch(
        "SELECT version, title, created_at, created_by FROM letter_template_version "
        "WHERE template_id = $1 ORDER BY version DESC",
        template_id,
    )
    return [VersionRow(**dict(r)) for r in rows]


async def insert_template(purpose: str, title: str, body: str, actor: str) -> uuid.UUID:
    template_id: uuid.UUID = await conn().fetchval(
        "WITH t AS (INSERT INTO letter_template (purpose, changed_by) VALUES ($1, $4) "
        "RETURNING id) INSERT INTO letter_template_version (template_id, version, title, body, "
        "created_by) SELECT id, 1, $2, $3, $4 FROM t RETURNING template_id",
        purpose,
        title,
        body,
        actor,
    )
    return template_id


async def insert_template_version(
    template_id: uuid.UUID, version: int, title: str, body: str, purpose: str, actor: str
) -> None:
    await conn().execute(
        "INSERT INTO letter_template_version (template_id, version, title, body, created_by) "
        "VALUES ($1, $2, $3, $4, $5)",
        template_id,
        version,
        title,
        body,
        actor,
    )
    await conn().execute(
        "UPDATE letter_template SET current_version = $2, purpose = $3, changed_by = $4, "
        "changed_at = now(), version = version + 1 WHERE id = $1",
        template_id,
        version,
        purpose,
        actor,
    )


async def update_template_retired(template_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE letter_template SET retired_at = now(), retired_by = $2, changed_by = $2, "
        "changed_at = now(), version = version + 1 WHERE id = $1",
        template_id,
        actor,
    )


async def get_letterhead() -> dict[str, str]:
    row = await conn().fetchrow("SELECT address, phone, email, web FROM letterhead")
    return {} if row is None else dict(row)


async def update_letterhead(address: str, phone: str, email: str, web: str) -> None:
    await conn().execute(
        "UPDATE letterhead SET address = $1, phone = $2, email = $3, web = $4",
        address,
        phone,
        email,
        web,
    )


class MemberRow(msgspec.Struct):
    id: uuid.UUID
    relation: str
    circle: str
    name: str
    cpr: str | None
    custody: bool
    organisation: str | None
    email: str | None
    note: str | None
    source: str
    address_protected: bool = False


async def list_network(child_id: uuid.UUID) -> list[MemberRow]:
    """The child's current network: parents first, custody holders before the others (a
    parent from the CPR register has the register's address in ``note``)."""
    rows = await conn().fetch(
        "SELECT id, relation, circle, name, cpr, custody, organisation, email, note, source, "
        "address_protected "
        "FROM network_member WHERE child_id = $1 AND removed_at IS NULL "
        "ORDER BY circle <> 'forældre', circle <> 'professionelt', NOT custody, name",
        child_id,
    )
    return [MemberRow(**dict(r)) for r in rows]


class LetterRow(msgspec.Struct):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    template_id: uuid.UUID
    template_version: int
    template_title: str
    purpose: str
    title: str
    body: str
    recipients: list[dict[str, Any]]
    underretning_id: uuid.UUID | None
    afgoerelse_id: uuid.UUID | None
    answer_by: date | None
    status: str
    document_id: uuid.UUID | None
    created_by_name: str
    changed_at: datetime
    sent_at: datetime | None
    sent_by: str | None
    version: int


_LETTER = (
    "SELECT l.id, l.hovedsag_id, l.template_id, l.template_version, v.title AS template_title, "
    "l.purpose, l.title, l.body, l.recipients, l.underretning_id, l.afgoerelse_id, l.answer_by, "
    "l.status, l.document_id, l.created_by_name, l.changed_at, l.sent_at, l.sent_by, l.version "
    "FROM letter l JOIN letter_template_version v ON v.template_id = l.template_id "
    "AND v.version = l.template_version "
)


def _letter(row: Any) -> LetterRow:
    data = dict(row)
    data["recipients"] = json.loads(data["recipients"])
    return LetterRow(**data)


async def get_letter(
    case_id: uuid.UUID, letter_id: uuid.UUID, lock: bool = False
) -> LetterRow | None:
    row = await conn().fetchrow(
        _LETTER + "WHERE l.id = $1 AND l.hovedsag_id = $2" + (" FOR UPDATE OF l" if lock else ""),
        letter_id,
        case_id,
    )
    return None if row is None else _letter(row)


async def list_letters(case_id: uuid.UUID) -> list[LetterRow]:
    rows = await conn().fetch(
        _LETTER + "WHERE l.hovedsag_id = $1 ORDER BY l.created_at DESC LIMIT 200", case_id
    )
    return [_letter(r) for r in rows]


async def insert_letter(
    *,
    case_id: uuid.UUID,
    template_id: uuid.UUID,
    template_version: int,
    purpose: str,
    title: str,
    body: str,
    recipients: list[dict[str, Any]],
    underretning_id: uuid.UUID | None,
    afgoerelse_id: uuid.UUID | None,
    answer_by: date | None,
    user_id: uuid.UUID,
    user_name: str,
) -> uuid.UUID:
    letter_id: uuid.UUID = await conn().fetchval(
        "INSERT INTO letter (hovedsag_id, template_id, template_version, purpose, title, body, "
        "recipients, underretning_id, afgoerelse_id, answer_by, created_by, created_by_name) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12) RETURNING id",
        case_id,
        template_id,
        template_version,
        purpose,
        title,
        body,
        json.dumps(recipients, ensure_ascii=False),
        underretning_id,
        afgoerelse_id,
        answer_by,
        user_id,
        user_name,
    )
    return letter_id


async def update_letter(
    letter_id: uuid.UUID,
    title: str,
    body: str,
    recipients: list[dict[str, Any]],
    answer_by: date | None,
) -> tuple[int, datetime]:
    row = await conn().fetchrow(
        "UPDATE letter SET title = $2, body = $3, recipients = $4::jsonb, answer_by = $5, "
        "changed_at = now(), version = version + 1 WHERE id = $1 RETURNING version, changed_at",
        letter_id,
        title,
        body,
        json.dumps(recipients, ensure_ascii=False),
        answer_by,
    )
    assert row is not None
    return row["version"], row["changed_at"]


async def update_letter_sent(letter_id: uuid.UUID, document_id: uuid.UUID, actor: str) -> None:
    await conn().execute(
        "UPDATE letter SET status = 'sendt', document_id = $2, sent_at = now(), sent_by = $3, "
        "changed_at = now(), version = version + 1 WHERE id = $1",
        letter_id,
        document_id,
        actor,
    )


def _deleted(status: str) -> int:
    """The row count of a ``DELETE n`` (or ``UPDATE n``) command status."""
    return int(status.rsplit(" ", 1)[-1])


async def delete_case_rows(hovedsag_id: uuid.UUID) -> dict[str, int]:
    """Retention: delete the case's letters (inside the case's deletion)."""
    return {
        "letter": _deleted(
            await conn().execute("DELETE FROM letter WHERE hovedsag_id = $1", hovedsag_id)
        )
    }
