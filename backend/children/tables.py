"""Piccolo tables for children and main cases. Unqualified: the search_path places them."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from backend.db import DB


class Child(Table, tablename="child", db=DB):
    id = UUID(primary_key=True)
    cpr = Varchar(length=10, unique=True, null=True)
    first_name = Text()
    last_name = Text()
    birth_date = Date()
    address = Text(default="")  # always empty when address_protected
    address_protected = Boolean(default=False)
    created_at = Timestamptz()
    mother_cpr = Varchar(length=10, null=True)
    expected_date = Date(null=True)
    version = Integer(default=1)


class Hovedsag(Table, tablename="hovedsag", db=DB):
    id = UUID(primary_key=True)
    child_id = ForeignKey(references=Child)
    opened_at = Date()
    closed_at = Date(null=True, default=None)
    stage = Text()
    version = Integer(default=1)
