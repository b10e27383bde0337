"""Completion records: check what the caseworker wrote against the rule's form
(``rules.CompletionForm``) and write it as Danish text for the journal.

A record is a flat JSON object: a yes/no field is ``true``/``false``, a date is
``YYYY-MM-DD``, a choice is the choice's value, a text is the text. Only the form's fields
are kept; a field that applies only when another has a value (``when``) is dropped when it
does not apply.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from backend.casework.rules import (
    OWN_FORM,
    OWN_RULE,
    RULES,
    CompletionForm,
    RecordField,
    today_dk,
)
from backend.casework.schemas import (
    CompletionFormRead,
    RecordChoiceRead,
    RecordConditionRead,
    RecordFieldRead,
)
from backend.core.errors import FieldErrors

RecordValue = str | bool
TEXT_MAX = 10_000
# How far back a date in a record may lie (a receipt or an answer given before the case
# reached Trekant is rare; a year covers a late registration).
PAST_DAYS = 366
FUTURE_DAYS = 731  # how far ahead a planned date (``RecordField.future``) may lie


def _applies(f: RecordField, values: dict[str, RecordValue]) -> bool:
    if f.when is None:
        return True
    key, wanted = f.when
    return values.get(key) == wanted


def _missing(f: RecordField) -> str:
    return f.missing or f"Udfyld „{f.label}“"


def check_record(form: CompletionForm, raw: dict[str, Any]) -> dict[str, RecordValue]:
    """The record as stored, or ``FieldErrors`` naming every field that is wrong."""
    values: dict[str, RecordValue] = {}
    errors: list[dict[str, str]] = []

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    # First the values as given (a condition reads the value of another field).
    for f in form.fields:
        v = raw.get(f.key)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if f.kind == "bool":
            if isinstance(v, bool):
                values[f.key] = v
            else:
                bad(f.key, "Svar ja eller nej")
        elif f.kind == "choice":
            if isinstance(v, str) and v in {c.value for c in f.choices}:
                values[f.key] = v
            else:
                bad(f.key, "Vælg en af mulighederne")
        elif f.kind == "date":
            try:
                day = date.fromisoformat(v) if isinstance(v, str) else None
            except ValueError:
                day = None
            today = today_dk()
            if day is None:
                bad(f.key, "Angiv en gyldig dato")
            elif f.future:
                if day < today:
                    bad(f.key, "Fristen ligger i fortiden. Vælg i dag eller senere.")
                elif (day - today).days > FUTURE_DAYS:
                    bad(f.key, "Fristen ligger mere end to år ude i fremtiden")
                else:
                    values[f.key] = day.isoformat()
            elif day > today:
                bad(f.key, "Datoen ligger i fremtiden")
            elif (today - day).days > PAST_DAYS:
                bad(f.key, "Datoen ligger mere end et år tilbage")
            else:
                values[f.key] = day.isoformat()
        elif f.kind == "user":
            try:
                values[f.key] = str(uuid.UUID(v)) if isinstance(v, str) else ""
            except ValueError:
                values[f.key] = ""
            if not values[f.key]:
                del values[f.key]
                bad(f.key, "Vælg en medarbejder på listen")
        elif isinstance(v, str):
            if len(v) > TEXT_MAX:
                bad(f.key, f"Teksten er for lang (højst {TEXT_MAX:_} tegn)".replace("_", "."))
            else:
                values[f.key] = v.strip()
        else:
            bad(f.key, "Skriv en tekst")
    given = {e["key"] for e in errors}
    out: dict[str, RecordValue] = {}
    for f in form.fields:
        if not _applies(f, values):
            continue
        if f.key in values:
            out[f.key] = values[f.key]
        elif f.required and f.key not in given:
            bad(f.key, _missing(f))
    if errors:
        order = {f.key: n for n, f in enumerate(form.fields)}
        errors.sort(key=lambda e: order.get(e["key"], len(order)))
        raise FieldErrors("Registreringen mangler noget eller er ikke gyldig", errors)
    return out


def _value_text(f: RecordField, v: RecordValue, names: dict[str, str]) -> str:
    if f.kind == "user":
        return names.get(str(v), "ukendt medarbejder")
    if f.kind == "bool":
        return "Ja" if v is True else "Nej"
    if f.kind == "choice":
        return next((c.label for c in f.choices if c.value == v), str(v))
    if f.kind == "date" and isinstance(v, str):
        return date.fromisoformat(v).strftime("%d.%m.%Y")
    return str(v)


def record_text(
    form: CompletionForm, record: dict[str, RecordValue], names: dict[str, str] | None = None
) -> str:
    """The record as the journal reads it: a question with its answer on one line, a text
    under its heading; in the form's order. A user field reads as the person's name
    (``names``: user id → display name)."""
    parts: list[str] = []
    for f in form.fields:
        if f.key not in record:
            continue
        value = _value_text(f, record[f.key], names or {})
        if f.kind == "text" and ("\n" in value or len(value) > 60):
            parts.append(f"{f.label}:\n{value}")
        elif f.label.endswith("?"):
            parts.append(f"{f.label} {value}")
        else:
            parts.append(f"{f.label}: {value}")
    return "\n\n".join(parts)


def completion_forms() -> list[CompletionFormRead]:
    """Every rule's completion form (and the own activity's), as the PWA (and the offline
    package) renders it."""
    forms = [(r.id, r.form) for r in RULES if r.form is not None]
    return [
        CompletionFormRead(
            rule_id=rule_id,
            title=form.title,
            action=form.action,
            fields=[
                RecordFieldRead(
                    key=f.key,
                    label=f.label,
                    kind=f.kind,
                    required=f.required,
                    missing=_missing(f),
                    help=f.help,
                    choices=[RecordChoiceRead(c.value, c.label) for c in f.choices],
                    when=RecordConditionRead(*f.when) if f.when else None,
                )
                for f in form.fields
            ],
        )
        for rule_id, form in [*forms, (OWN_RULE, OWN_FORM)]
    ]
