"""Sending a letter: PDF/A on the case (backend.documents), a delivery per recipient
(backend.post), the law's steps (backend.casework.lifecycle) and the journal, in the
request's transaction."""

from __future__ import annotations

import uuid

from backend.casework.access import AccessibleCase
from backend.core.danish import today_dk
from backend.core.principal import Principal
from backend.documents.service import store_bytes
from backend.letters import render, service
from backend.letters import repository as repo
from backend.letters.schemas import LetterSent
from backend.network.cpr_source import CprSource
from backend.post.service import Recipient, deliveries, send_letter


async def do_send(
    me: Principal, case: AccessibleCase, letter_id: uuid.UUID, version: int, register: CprSource
) -> LetterSent:
    """Send the draft ``letter_id`` as it stands (``version``): refused with a Danish 400
    before anything is stored when a recipient cannot be reached, a ``[…]`` is left to fill
    in, or a decision lacks its begrundelse or klagevejledning. ``register`` answers whether
    each citizen is exempt from Digital Post (rate-limited and audited)."""
    row = await service.check_send(case, letter_id, version)
    sent_on = today_dk()
    content = await render.pdf(await service.document_html(row, draft=False))
    document_id = await store_bytes(
        case,
        title=row.title,
        kind=service.document_kind(row),
        dated=sent_on,
        filename=service.pdf_name(row, sent_on),
        content=content,
        content_type="application/pdf",
        added_by=me.user_id,
        added_by_name=me.display_name,
        source="brev",
    )
    delivery_ids = await send_letter(
        case_id=case,
        letter_id=row.id,
        document_id=document_id,
        title=row.title,
        pdf=content,
        recipients=[
            Recipient(
                name=r["name"],
                role=r["role"],
                cpr=r.get("cpr"),
                email=None if r.get("cpr") else r.get("email"),
                address=r.get("address", ""),
            )
            for r in row.recipients
        ],
        actor=me.actor,
        cpr_source=register,
    )
    by_id = {d.id: d.channel for d in await deliveries(case, row.id)}
    channels: list[str] = [by_id[i] for i in delivery_ids]
    await repo.update_letter_sent(row.id, document_id, me.actor)
    await service.journal_sent(me, row, channels)
    steps = await service.law_steps(me, row, sent_on, channels)
    return LetterSent(id=row.id, document_id=document_id, deliveries=delivery_ids, steps=steps)
