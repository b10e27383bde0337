"""Trekant's vocabularies mapped to the codes of the DST delivery (``dst.xsd``).

DST's own code lists for the system-to-system delivery were not found in a public source
(docs/reporting.md); the codes below name DST's documented variables (foranstaltning by
legal basis, anbringelsessted, underretterens relation til barnet, årsag) and are the
enumerations of the shipped schema. A change of DST's list is a change here and in the XSD.
"""

from __future__ import annotations

# Legal basis (Barnets Lov, in force from 1 January 2024).
PARAGRAPHS = {"32": "BL32", "46": "BL46", "47": "BL47", "114": "BL114"}

# Measure type (backend/core/measures.py) -> DST foranstaltning.
MEASURE_TYPES = {
    "praktisk_paedagogisk_stoette": "PRAKTISK_PAEDAGOGISK_STOETTE",
    "familiebehandling": "FAMILIEBEHANDLING",
    "kontaktperson": "FAST_KONTAKTPERSON",
    "dagbehandling": "DAGBEHANDLING",
    "aflastning": "AFLASTNING",
    "anden_stoette": "ANDEN_STOETTE",
    "plejefamilie": "ANBRINGELSE",
    "netvaerksplejefamilie": "ANBRINGELSE",
    "opholdssted": "ANBRINGELSE",
    "doegninstitution": "ANBRINGELSE",
    "eget_vaerelse": "ANBRINGELSE",
    "viderefoert_anbringelse": "OPRETHOLDT_DOEGNOPHOLD",
    "eftervaern_kontaktperson": "FAST_KONTAKTPERSON_EFTER_18",
    "eftervaern_udslusning": "UDSLUSNING",
    "eftervaern_anden_stoette": "ANDEN_UNGESTOETTE",
}

# Placement measure -> anbringelsessted.
PLACES = {
    "plejefamilie": "PLEJEFAMILIE",
    "netvaerksplejefamilie": "NETVAERKSPLEJEFAMILIE",
    "opholdssted": "OPHOLDSSTED",
    "doegninstitution": "DOEGNINSTITUTION",
    "eget_vaerelse": "EGET_VAERELSE",
}

# Where the notification came from (backend/core/vocab.py SOURCE_LABELS) -> underretter.
NOTIFIERS = {
    "politi": "POLITI",
    "skole": "SKOLE",
    "dagtilbud": "DAGTILBUD",
    "sundhed": "SUNDHEDSVAESEN",
    "familie": "FAMILIE",
    "nabo": "NABO_BEKENDT",
    "barnet": "BARNET_SELV",
    "anonym": "ANONYM",
    "andet": "ANDEN",
}

# What the notification is about (backend/core/vocab.py NOTIFICATION_CAUSES) -> DST's
# cause ("årsag"); several per notification, one <Aarsag> each, in this order.
CAUSES = {
    "overgreb": "OVERGREB",
    "vold_i_hjemmet": "VOLD_I_HJEMMET",
    "misbrug_foraeldre": "MISBRUG_FORAELDRE",
    "omsorg": "UTILSTRAEKKELIG_OMSORG",
    "bolig": "BOLIG_UDSAETTELSE",
    "sundhed_barn": "SUNDHED_BARN",
    "misbrug_barn": "MISBRUG_BARN",
    "kriminalitet_barn": "KRIMINALITET_BARN",
    "skole": "SKOLEPROBLEMER",
    "andet": "ANDET",
}
CAUSE_ABUSE = "OVERGREB"
# A notification registered before the cause was recorded (and not about abuse).
CAUSE_UNSTATED = "UOPLYST"
