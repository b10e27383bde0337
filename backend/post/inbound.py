"""A citizen's reply by Digital Post, delivered to ``POST /api/post/inbound/digital-post``.

There is no user session: the sender proves which kommune the reply is for with the
kommune's shared secret, ``TREKANT_DIGITAL_POST_SECRET_<code>``, as an HMAC-SHA256 over the
exact body (``X-Trekant-Signature: sha256=<hex>``, ``X-Trekant-Kommune: <code>``). The
kommune code is believed only when the signature made with that kommune's secret matches.
Inside that kommune, the reply's ReplyData (the original messageUUID) must name a letter
sent by Digital Post to the very person who answers (the MeMo sender's CPR number); the
reply's PDF becomes an incoming document on that case (``documents.store_bytes``) and shows
as "Indgået post". The same reply delivered twice is stored once (its messageUUID).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid

from backend.audit.service import record
from backend.casework.access import system_case
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotFound
from backend.core.journal import stamp
from backend.db import DB
from backend.documents.service import store_bytes
from backend.post import memo
from backend.post import repository as repo
from backend.post.senders import kommune_cvr
from tenancy.context import run_after_commit, tenant_transaction
from tenancy.names import InvalidKommuneCode, check_kommune_code

ACTOR = "digital-post"
SIGNATURE = re.compile(r"^sha256=([0-9a-f]{64})$")


class Unauthenticated(Exception):
    """The request did not prove it comes from the kommune's Digital Post (401)."""


def secret_env(code: str) -> str:
    return f"TREKANT_DIGITAL_POST_SECRET_{code}"


def max_bytes() -> int:
    """``TREKANT_DIGITAL_POST_INBOUND_MAX_BYTES`` (default 10 MB, the API's body limit)."""
    return int(os.environ.get("TREKANT_DIGITAL_POST_INBOUND_MAX_BYTES", "10000000"))


def authenticate(code: str | None, signature: str | None, body: bytes) -> str:
    """The kommune code, if ``signature`` is the HMAC of ``body`` with its secret."""
    try:
        check_kommune_code(code or "")
    except InvalidKommuneCode as exc:
        raise Unauthenticated from exc
    assert code is not None
    secret = os.environ.get(secret_env(code), "")
    found = SIGNATURE.match(signature or "")
    if not secret or found is None:
        raise Unauthenticated
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, found.group(1)):
        raise Unauthenticated
    return code


async def receive(code: str, body: bytes) -> bool:
    """Store the reply (authenticated for ``code``); False when it was stored before."""
    try:
        m = memo.parse(body)
    except memo.InvalidMemo as exc:
        raise FieldError("body", f"Beskeden er ikke en gyldig MeMo: {exc}") from exc
    if m.recipient.id_type != "CVR" or m.recipient.id != kommune_cvr(code):
        raise FieldError("body", "Svaret er ikke sendt til denne kommune")
    if m.sender.id_type != "CPR":
        raise FieldError("body", "Svaret skal komme fra en borger (CPR-nummer)")
    refs = [r.reply_uuid or r.message_uuid for r in m.replies]
    refs = [r for r in refs if r != m.message_uuid]
    pdfs = [f for f in m.files if f.encoding_format == "application/pdf"]
    if not pdfs:
        raise FieldError("body", "Svaret har ingen PDF")
    async with tenant_transaction(DB, code) as scope:
        d = await repo.find_delivery_by_message(refs) if refs else None
        if d is None or d.recipient_cpr != m.sender.id:
            raise NotFound("Svaret hører ikke til et brev fra kommunen")
        if not await repo.insert_inbound(m.message_uuid, d.id):
            return False
        letter = await repo.get_letter(d.post_letter_id)
        title = letter.title if letter else "brev"
        case = await system_case(d.hovedsag_id, "a citizen's reply by Digital Post")
        first: uuid.UUID | None = None
        for n, f in enumerate(pdfs):
            doc_id: uuid.UUID = await store_bytes(
                case,
                title=f"Svar fra {d.recipient_name}: {title}" + (f" (bilag {n})" if n else ""),
                kind="korrespondance",
                dated=today_dk(),
                filename=f.filename,
                content=f.content,
                content_type="application/pdf",
                added_by=None,
                added_by_name=d.recipient_name,
                incoming=True,
                source="digital_post",
            )
            first = first or doc_id
        if first is not None:
            await repo.update_inbound_document(m.message_uuid, first)
        await stamp(
            d.hovedsag_id,
            ACTOR,
            "post.svar",
            f"Svar modtaget med Digital Post fra {d.recipient_name}: {title}",
        )
        await record(ACTOR, "post.reply_received", str(d.hovedsag_id), letters=len(pdfs))
    await run_after_commit(scope)
    return True
