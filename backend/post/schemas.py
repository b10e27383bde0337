"""Post's response bodies (msgspec Structs)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

Channel = Literal["digital_post", "email", "print"]
# uafklaret: an e-mail attempt began and its outcome is unknown (it is not sent again by itself)
DeliveryStatus = Literal["afventer", "sendt", "fejlet", "uafklaret"]


class DeliveryOut(msgspec.Struct):
    id: uuid.UUID
    letter_id: uuid.UUID
    recipient_name: str
    recipient_role: str
    channel: Channel
    status: DeliveryStatus
    attempts: int
    error: str | None = None  # Danish, why the last attempt failed
    sent_at: datetime | None = None
    queued_for_print: bool = False  # waiting in a print batch (status stays "afventer")
    # what Digital Post answered when it took the letter (its receipt), in Danish
    receipt: str | None = None


class DeliveryList(msgspec.Struct):
    items: list[DeliveryOut]


class PrintBatchOut(msgspec.Struct):
    id: uuid.UUID
    day: date
    letters: int
    printed_at: datetime | None
    printed_by: str | None


class PrintBatchList(msgspec.Struct):
    items: list[PrintBatchOut]


class InboundReceipt(msgspec.Struct):
    status: Literal["modtaget", "allerede_modtaget"]
