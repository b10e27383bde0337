"""How a transfer reads to a person: its status, what a package holds, and the journal's
account of an import, in Danish and without table or column names."""

from __future__ import annotations

from typing import Any

from backend.core.danish import format_int, plural
from backend.core.measures import MEASURES
from backend.crosskommune import package as pkg

STATUS_TEXT = {
    "sendt": "Sendt – afventer modtagerens svar",
    "accepteret": "Accepteret – sagen indlæses",
    "afvist": "Afvist",
    "importeret": "Overtaget af modtageren",
    "fejl": "Fejlet – intet er indlæst",
}
# What a package holds, as a person reads it: table -> (one, many). Every table that
# travels has a line here (tests/crosskommune/test_transfer_wording.py checks the schema).
TABLE_LABELS: dict[str, tuple[str, str]] = {
    "enkeltsag": ("enkeltsag", "enkeltsager"),
    "underretning": ("underretning eller henvendelse", "underretninger og henvendelser"),
    "afgoerelse": ("afgørelse", "afgørelser"),
    "indsats": ("indsats", "indsatser"),
    "activity": ("aktivitet", "aktiviteter"),
    "case_step": ("gennemført skridt", "gennemførte skridt"),
    "contact_decision": ("afgørelse om samvær og kontakt", "afgørelser om samvær og kontakt"),
    "ics_document": (
        "version af en undersøgelse eller plan",
        "versioner af undersøgelser og planer",
    ),
    "journal_entry": ("journalnotat", "journalnotater"),
    "network_member": ("person i netværket", "personer i netværket"),
    "visitation_draft": ("udkast til visitation", "udkast til visitationer"),
    "bevilling": ("bevilling", "bevillinger"),
    "payment": ("betaling", "betalinger"),
    "klage": ("klage over en afgørelse", "klager over afgørelser"),
    "indstilling": (
        "indstilling til børne- og ungeudvalget",
        "indstillinger til børne- og ungeudvalget",
    ),
    "indstilling_tilbud": (
        "tilbud om advokatbistand og aktindsigt",
        "tilbud om advokatbistand og aktindsigt",
    ),
    "dokument": ("dokument", "dokumenter"),
    "document": ("dokument", "dokumenter"),
    "document_chunk": ("del af en fil (højst 1 MB)", "dele af filer (højst 1 MB hver)"),
}
OTHER_ROWS = ("anden registrering", "andre registreringer")
UNREADABLE_FIELD = "(kan ikke læses: ændret uden for Trekant)"


def package_contents(counts: dict[str, int]) -> list[str]:
    """{"afgoerelse": 1, "payment": 5} -> ["1 afgørelse", "5 betalinger"]: in a fixed order,
    tables without a label summed up as "andre registreringer", empty ones left out."""
    parts = [plural(counts[t], *forms) for t, forms in TABLE_LABELS.items() if counts.get(t)]
    other = sum(n for t, n in counts.items() if t not in TABLE_LABELS)
    if other:
        parts.append(plural(other, *OTHER_ROWS))
    return parts


def size_text(n: int) -> str:
    """1536 -> "2 kB", 26_476_544 -> "25,3 MB", 25 MiB -> "25 MB" (as the PWA's
    ``formatSize``: one decimal at most, a decimal comma)."""
    if n < 1024 * 1024:
        return f"{format_int(max(1, round(n / 1024)) if n else 0)} kB"
    unit, size = ("MB", n / (1024 * 1024)) if n < 1024**3 else ("GB", n / 1024**3)
    whole, tenth = divmod(round(size * 10), 10)
    return f"{format_int(whole)}{f',{tenth}' if tenth else ''} {unit}"


def files_text(count: int, size: int) -> str:
    """ "filerne til 3 dokumenter (25,3 MB)", "filen til 1 dokument (2 kB)", "ingen filer"."""
    if not count:
        return "ingen filer"
    if count == 1:
        return f"filen til 1 dokument ({size_text(size)})"
    return f"filerne til {format_int(count)} dokumenter ({size_text(size)})"


def counts_text(counts: dict[str, int]) -> str:
    parts = package_contents(counts)
    return ", ".join(parts) if parts else "ingen registreringer"


def _table_name(table: str) -> str:
    return TABLE_LABELS.get(table, OTHER_ROWS)[1]


def import_report(
    from_name: str, counts: dict[str, int], not_imported: dict[str, str], dropped: list[str]
) -> str:
    """The journal's account of an import, without table or column names."""
    report = f"Indlæst fra {from_name}: {counts_text(counts)}."
    if not_imported:
        reasons = list(
            dict.fromkeys(
                why if table in pkg.NOT_IMPORTED else f"{_table_name(table)} ({why})"
                for table, why in sorted(not_imported.items())
            )
        )
        report += " Ikke indlæst: " + "; ".join(reasons) + "."
    if dropped:
        where = sorted({_table_name(t) for t in dropped})
        report += (
            " Nogle oplysninger, som afsenderen registrerer, har Trekant her ikke felter til; "
            "de er ikke indlæst (" + ", ".join(where) + ")."
        )
    return report


def with_measure_labels(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Indsats rows from a package with the measure's Danish name (``label``)."""
    return [{**r, "label": MEASURES.get(str(r.get("kind")), ("Indsats",))[0]} for r in rows]
