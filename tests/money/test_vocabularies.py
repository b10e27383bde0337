"""The API's fixed vocabularies (``Literal`` in backend/money/schemas.py, unions in the
generated TypeScript client) are the tables the rules use, no more and no less."""

from __future__ import annotations

from typing import get_args

from backend.money import catalogue, payments, pricing, schemas, settings, spending, visitation


def test_the_schema_vocabularies_are_the_rules_tables() -> None:
    assert set(get_args(schemas.Unit)) == set(catalogue.UNITS)
    assert set(get_args(schemas.Frequency)) == set(catalogue.FREQUENCIES)
    assert set(get_args(schemas.SupplierKind)) == set(catalogue.SUPPLIER_KINDS)
    assert set(get_args(schemas.MeasureGroup)) == {
        m.group for m in catalogue.MEASURE_TYPES.values()
    }
    assert set(get_args(schemas.ApprovalMode)) == set(settings.APPROVAL_MODES)
    assert set(get_args(schemas.DraftStatus)) == set(visitation.STATUS_LABELS)
    assert set(get_args(schemas.PaymentStatus)) == set(payments.STATUS_LABELS)
    assert set(get_args(schemas.PriceUpdateStatus)) == set(pricing.STATUS_LABELS)
    assert set(get_args(schemas.SpendingGroup)) == set(spending.GROUPS)
