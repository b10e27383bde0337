"""Sending a letter to its recipients, and what became of each delivery.

``send_letter`` (called by letters inside the open tenant transaction, after the access
check) chooses the channel per recipient, stores the PDF once, writes one ``delivery`` row
per recipient and enqueues one outbox job per delivery. The job (``deliver``) sends it:
Digital Post and e-mail at once, print by putting it in the day's print batch. A failed
attempt is tried again with growing pauses (``BACKOFF``); after the last the delivery is
``fejlet`` with a Danish reason, and the journal says so.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import msgspec

from backend.casework.access import AccessibleCase
from backend.casework.service import check_case_open
from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotFound, StateConflict, Unavailable
from backend.core.journal import stamp
from backend.network.cpr_source import CprSource, CprUnavailable, default_source
from backend.outbox.service import enqueue
from backend.post import repository as repo
from backend.post import senders
from backend.post.schemas import Channel, DeliveryOut, DeliveryStatus
from tenancy.context import current_scope

DELIVER_JOB = "post.deliver"
# Pauses before the 2nd, 3rd, ... attempt (seconds); after the last attempt: ``fejlet``.
BACKOFF = (10, 60, 300, 1800)
MAX_ATTEMPTS = len(BACKOFF) + 1
SYSTEM_AUTHOR = "Trekant"

# Shown on the letter (and in the journal) for a delivery whose e-mail may or may not have
# left: Trekant does not send it again by itself.
UNRESOLVED = "Afsendelse uafklaret – kontrollér om modtageren har fået e-mailen"
CHANNEL_WORDS = {"digital_post": "Digital Post", "email": "e-mail", "print": "fjernprint"}
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class Recipient(msgspec.Struct):
    name: str
    role: str  # Danish, shown to people: "Mor", "Far", "Fagperson", …
    cpr: str | None = None  # a citizen: Digital Post, or print when exempt
    email: str | None = None  # a professional: e-mail over SMTP
    address: str = ""  # for print


def _filename(title: str) -> str:
    safe = re.sub(r"[^\w\- ]+", "", title, flags=re.UNICODE).strip().replace(" ", "_")
    return (safe[:80] or "brev") + ".pdf"


async def exempt_from_digital_post(cpr: str, source: CprSource | None = None) -> bool | None:
    """Whether a citizen's letters go to print (the register says they are exempt); None when
    the register does not answer (sending asks again and says so then). What the letter
    form shows before anything is sent."""
    try:
        return await (source or default_source()).digital_post_exempt(cpr)
    except CprUnavailable:
        return None


async def _channel(r: Recipient, source: CprSource) -> tuple[str, bool]:
    """How the letter reaches ``r``, and whether ``r`` has address protection (asked of
    the register now: a protected person's letter goes by Digital Post only, never to
    print, and no address of theirs is kept with the delivery)."""
    name = r.name.strip() or "Modtageren"
    if r.cpr:
        if not (r.cpr.isdigit() and len(r.cpr) == 10):
            raise FieldError("recipients", f"{name}s CPR-nummer skal være 10 cifre")
        try:
            person = await source.person(r.cpr)
        except CprUnavailable as exc:
            raise Unavailable(
                "recipients",
                "CPR-registret svarer ikke lige nu, så Trekant kan ikke se, om "
                f"{name} er fritaget for Digital Post. Prøv igen om lidt.",
            ) from exc
        exempt = bool(person and person.digital_post_exempt)
        protected = bool(person and person.address_protected)
        if protected and exempt:
            raise FieldError(
                "recipients",
                f"{name} har adressebeskyttelse og er fritaget for Digital Post, så brevet "
                "kan ikke sendes fra Trekant",
            )
        if not exempt:
            return "digital_post", protected
        if not r.address.strip():
            raise FieldError(
                "recipients", f"{name} er fritaget for Digital Post og har ingen adresse"
            )
        return "print", False
    if r.email:
        if not _EMAIL.match(r.email.strip()):
            raise FieldError("recipients", f"{name}s e-mailadresse ser forkert ud")
        return "email", False
    if r.address.strip():
        return "print", False
    raise FieldError("recipients", f"{name} har hverken CPR-nummer, e-mail eller adresse")


async def send_letter(
    *,
    case_id: uuid.UUID,
    letter_id: uuid.UUID,
    document_id: uuid.UUID,
    title: str,
    pdf: bytes,
    recipients: list[Recipient],
    actor: str | None = None,
    cpr_source: CprSource | None = None,
) -> list[uuid.UUID]:
    """Queue ``pdf`` for each recipient; return the delivery ids (in ``recipients`` order).

    Inside the open tenant transaction, after the caller's access check: if the caller's
    transaction rolls back, no delivery exists and nothing is sent. ``actor`` (the sender's
    username) is the journal's author for each delivery."""
    if not recipients:
        raise FieldError("recipients", "Vælg mindst én modtager")
    if not title.strip():
        raise FieldError("title", "Brevet skal have en titel")
    if not pdf.startswith(b"%PDF-"):
        raise FieldError("pdf", "Brevet er ikke en PDF")
    source = cpr_source or default_source()
    channels = [await _channel(r, source) for r in recipients]
    letter = await repo.insert_letter(
        case_id, letter_id, document_id, title.strip(), pdf, actor or SYSTEM_AUTHOR
    )
    ids = []
    for r, (channel, protected) in zip(recipients, channels, strict=True):
        delivery_id = await repo.insert_delivery(
            letter,
            case_id,
            letter_id,
            name=r.name.strip(),
            role=r.role.strip(),
            cpr=r.cpr if channel in ("digital_post", "print") else None,
            email=r.email.strip() if r.email and channel == "email" else None,
            address="" if protected else r.address.strip(),
            channel=channel,
            address_protected=protected,
        )
        await enqueue(DELIVER_JOB, {"delivery_id": str(delivery_id)})
        ids.append(delivery_id)
    return ids


def delivery_out(d: repo.DeliveryRow) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        letter_id=d.letter_id,
        recipient_name=d.recipient_name,
        recipient_role=d.recipient_role,
        channel=msgspec.convert(d.channel, Channel),
        status=msgspec.convert(d.status, DeliveryStatus),
        attempts=d.attempts,
        error=d.error,
        sent_at=d.sent_at,
        queued_for_print=d.print_batch_id is not None and d.status == "afventer",
        receipt=d.receipt,
    )


async def deliveries(case_id: uuid.UUID, letter_id: uuid.UUID | None) -> list[DeliveryOut]:
    """The deliveries on the case (the caller holds an ``AccessibleCase``)."""
    return [delivery_out(d) for d in await repo.list_deliveries(case_id, letter_id)]


async def deliver(delivery_id: uuid.UUID, now: datetime | None = None) -> str:
    """Run one attempt of a delivery (the outbox job). Returns what happened, for logs.

    E-mail is sent at most once: the attempt is marked as started in a transaction of its
    own that commits before the mail server is asked (``repo.claim_email_attempt``), and the
    outcome clears the mark in the job's transaction. A run that finds the mark (the process
    died between sending and committing) does not send again: the delivery becomes
    ``uafklaret``, shown on the letter with "Send igen" (:func:`do_resend`). Digital Post
    needs no mark: the register answers a repeated messageUUID as already received."""
    found = await repo.get_delivery(delivery_id)
    if found is None:
        return "missing"
    if found.channel == "email":
        return await _deliver_email(found)
    d = await repo.get_delivery_for_update(delivery_id)
    if d is None:
        return "missing"
    if d.status != "afventer" or d.print_batch_id is not None:
        return "already"  # sent, failed for good, or waiting in a print batch
    letter = await repo.get_letter(d.post_letter_id)
    if letter is None:
        return "missing"
    if d.channel == "print":
        batch = await repo.open_batch(today_dk())
        await repo.update_queued_for_print(d.id, batch)
        await stamp(
            d.hovedsag_id,
            letter.sent_by,
            "post.udskrift",
            f"Brev lagt til udskrift (fjernprint) til {d.recipient_name}: {letter.title}",
        )
        return "queued-for-print"
    return await _attempt(d, letter, senders.digital_post())


async def _deliver_email(d: repo.DeliveryRow) -> str:
    """An e-mail attempt; the row is read unlocked (the claim is another transaction's)."""
    if d.status != "afventer":
        return "already"
    letter = await repo.get_letter(d.post_letter_id)
    if letter is None:
        return "missing"
    if d.attempt_started_at is not None:
        if not await repo.update_unresolved(d.id, d.attempt_started_at):
            return "already"
        await stamp(
            d.hovedsag_id,
            letter.sent_by,
            "post.uafklaret",
            f"Afsendelse uafklaret: e-mail til {d.recipient_name}: {letter.title}",
            UNRESOLVED,
        )
        return "unresolved"
    if not await repo.claim_email_attempt(current_scope().code, d.id):
        return "already"
    return await _attempt(d, letter, senders.email())


async def _attempt(
    d: repo.DeliveryRow, letter: repo.LetterRow, sender: senders.DigitalPostSender
) -> str:
    scope = current_scope()
    out = senders.Outgoing(
        message_uuid=d.message_uuid,
        delivery_id=d.id,
        kommune_code=scope.code,
        kommune_name=f"{scope.name} Kommune",
        case_ref=str(d.hovedsag_id),
        title=letter.title,
        filename=_filename(letter.title),
        pdf=letter.pdf,
        recipient_name=d.recipient_name,
        recipient_cpr=d.recipient_cpr,
        recipient_email=d.recipient_email,
    )
    try:
        receipt = await sender.send(out)
    except senders.SendFailed as exc:
        final = exc.permanent or d.attempts + 1 >= MAX_ATTEMPTS
        attempts = await repo.update_attempt_failed(d.id, str(exc), final)
        if final:
            await stamp(
                d.hovedsag_id,
                letter.sent_by,
                "post.fejlet",
                f"Brev kunne ikke sendes med {CHANNEL_WORDS[d.channel]} til "
                f"{d.recipient_name}: {letter.title}",
                str(exc),
            )
            return "failed"
        await enqueue(
            DELIVER_JOB,
            {"delivery_id": str(d.id)},
            defer_seconds=BACKOFF[min(attempts - 1, len(BACKOFF) - 1)],
        )
        return "retry"
    await repo.update_sent(d.id, receipt)
    await stamp(
        d.hovedsag_id,
        letter.sent_by,
        "post.sendt",
        f"Brev sendt med {CHANNEL_WORDS[d.channel]} til {d.recipient_name}: {letter.title}",
    )
    return "sent"


async def do_resend(actor: str, case_id: AccessibleCase, delivery_id: uuid.UUID) -> DeliveryOut:
    """Send an unresolved e-mail again, on purpose (the caseworker has checked that the
    recipient did not get it): a new attempt, journalised. 409 for any other delivery."""
    await check_case_open(case_id)
    d = await repo.get_case_delivery(case_id, delivery_id)
    if d is None:
        raise NotFound("Afsendelsen findes ikke")
    if d.status != "uafklaret":
        raise StateConflict("Kun en uafklaret afsendelse kan sendes igen")
    letter = await repo.get_letter(d.post_letter_id)
    if letter is None:
        raise NotFound("Afsendelsen findes ikke")
    await repo.update_resend(d.id)
    await stamp(
        d.hovedsag_id,
        actor,
        "post.sendt_igen",
        f"Brev sendt igen med {CHANNEL_WORDS[d.channel]} til {d.recipient_name}: {letter.title}",
        "Den første afsendelse var uafklaret",
    )
    await enqueue(DELIVER_JOB, {"delivery_id": str(d.id)})
    found = await repo.get_case_delivery(case_id, delivery_id)
    assert found is not None
    return delivery_out(found)


# --- print batches (the administrator) -------------------------------------------


async def batch_pdf(batch_id: uuid.UUID) -> tuple[repo.BatchRow, bytes]:
    from backend.post.printing import batch_document

    batch = await repo.get_batch(batch_id)
    if batch is None:
        raise NotFound("Udskriftsbunken findes ikke")
    items = await repo.list_batch_items(batch_id)
    return batch, await batch_document(items, f"{current_scope().name} Kommune")


async def mark_printed(batch_id: uuid.UUID, actor: str) -> repo.BatchRow:
    batch = await repo.get_batch(batch_id, for_update=True)
    if batch is None:
        raise NotFound("Udskriftsbunken findes ikke")
    if batch.printed_at is not None:
        raise StateConflict("Bunken er allerede markeret som udskrevet")
    items = await repo.list_batch_items(batch_id)
    await repo.update_batch_printed(batch_id, actor)
    for item in items:
        await stamp(
            item.hovedsag_id,
            actor,
            "post.sendt",
            f"Brev sendt med fjernprint til {item.recipient_name}: {item.title}",
        )
    found = await repo.get_batch(batch_id)
    assert found is not None
    return found


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)
