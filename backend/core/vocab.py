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
# What a notification is about ("hvad underrettes der om"): Danmarks Statistik's cause
# categories for the notification statistics (UND3), one or more per notification. The
# labels follow DST's published category names (docs/reporting.md); "andet" is the rest.
NOTIFICATION_CAUSES = {
    "overgreb": "Overgreb mod barnet, fx seksuelt eller voldeligt",
    "vold_i_hjemmet": "Højt konfliktniveau eller vold mellem de voksne i hjemmet",
    "misbrug_foraeldre": "Misbrug hos forældre",
    "omsorg": "Utilstrækkelig omsorg",
    "bolig": "Fogedsag, hjemløshed eller udsættelse fra bolig",
    "sundhed_barn": "Sundhedsforhold hos barnet",
    "misbrug_barn": "Misbrug hos barnet",
    "kriminalitet_barn": "Kriminalitet hos barnet",
    "skole": "Skoleproblemer, fx fravær",
    "andet": "Andet",
}
