"""Vocabularies more than one package uses: where a notification came from, who made it, and
what kind of intake it is (key -> the Danish label a person reads)."""

from __future__ import annotations

SOURCE_LABELS = {
    "politi": "Politiet",
    "skole": "Skole",
    "dagtilbud": "Dagtilbud",
    "sundhed": "Sundhedsvæsenet",
    "familie": "Familie",
    "nabo": "Nabo eller bekendt",
    "barnet": "Barnet selv",
    "anonym": "Anonym",
    "andet": "Andet",
}
NOTIFIER_KINDS = {"fagperson": "Fagperson", "privat": "Privatperson", "anonym": "Anonym"}
INTAKE_KINDS = {
    "underretning": "Underretning",
    "henvendelse": "Henvendelse",
    "ansoegning": "Ansøgning",
}
