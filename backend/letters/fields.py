"""The merge fields a letter template may use: a fixed vocabulary in Danish.

A template writes ``{{ barn.navn }}``; ``{% if %}`` and ``{% for f in foraeldre %}`` are the
only statements (backend/letters/render.py refuses the rest). Each field has a Danish
description (shown to the administrator as an insertable chip) and a sample value (the
administrator's preview). The case's values come from :func:`backend.letters.service.context`.
"""

from __future__ import annotations

from typing import Final

# name -> (Danish description, sample value)
FIELDS: Final[dict[str, tuple[str, str]]] = {
    "barn.navn": ("Barnets navn", "Ida Testesen"),
    "barn.cpr": ("Barnets CPR-nummer", "010118-XXXX"),
    "barn.foedselsdato": ("Barnets fødselsdato", "1. januar 2018"),
    "barn.adresse": ("Barnets adresse", "Skolevej 1, 2100 København Ø"),
    "modtager.navn": ("Modtagerens navn (flere modtagere: alle navne)", "Mona Jensen"),
    "modtager.adresse": ("Modtagerens adresse", "Skolevej 1, 2100 København Ø"),
    "modtager.rolle": ("Modtagerens rolle (Mor, Far, Fagperson …)", "Mor"),
    "sagsbehandler.navn": ("Sagsbehandlerens navn", "Sara Sagsbehandler"),
    "sagsbehandler.telefon": ("Sagsbehandlerens telefon", "33 66 33 66"),
    "sagsbehandler.email": ("Sagsbehandlerens e-mail", "sara@kommune.dk"),
    "kommune.navn": ("Kommunens navn", "København Kommune"),
    "kommune.adresse": ("Kommunens adresse", "Rådhuspladsen 1, 1550 København V"),
    "kommune.telefon": ("Kommunens telefon", "33 66 33 66"),
    "sag.nummer": ("Sagsnummer", "2026-00123"),
    "dato": ("Dagens dato", "6. december 2026"),
    "frist": ("Frist (svarfrist eller mødedato, sagsbehandleren vælger)", "20. december 2026"),
    "klagefrist": ("Sidste dag for klage (4 uger fra i dag)", "3. januar 2027"),
    "underretning.modtaget": ("Dato for den seneste underretning", "1. december 2026"),
    "underretning.fra": ("Hvem underretningen kom fra", "Nørre Skole"),
    "afgoerelse.dato": ("Afgørelsens dato", "5. december 2026"),
    "afgoerelse.udfald": ("Afgørelsens udfald (bevilget eller afslag)", "bevilget"),
    "afgoerelse.indsats": ("Det, afgørelsen handler om", "Familiebehandling"),
    "afgoerelse.lovgrundlag": ("Afgørelsens lovgrundlag", "barnets lov § 32"),
    "afgoerelse.begrundelse": ("Afgørelsens begrundelse", "Familien har brug for støtte …"),
    "afgoerelse.periode": (
        "Perioden, der er bevilget (når afgørelsen har en slutdato)",
        "fra 1. januar 2027 til og med 31. december 2027",
    ),
    "afgoerelse.bevilget_til": ("Sidste dag, der er bevilget (ellers tom)", "31. december 2027"),
    "afgoerelse.tekst": (
        "Afgørelsen i én sætning (bruges i udvalgets afgørelse)",
        "Ida Testesen anbringes uden for hjemmet uden samtykke: Anbringelse i plejefamilie, "
        "fra 1. januar 2027.",
    ),
    "afgoerelse.formand": (
        "Udfyldt, når afgørelsen er formandens foreløbige (til {% if %})",
        "",
    ),
}

# Lists a template may loop over, with the fields of each item.
LISTS: Final[dict[str, tuple[str, dict[str, tuple[str, str]]]]] = {
    "foraeldre": (
        "Forældre og forældremyndighedsindehavere",
        {
            "navn": ("Navn", "Mona Jensen"),
            "adresse": ("Adresse", "Skolevej 1, 2100 København Ø"),
            "myndighed": ("Har forældremyndighed (ja/nej)", "ja"),
        },
    ),
    "modtagere": (
        "Brevets modtagere",
        {
            "navn": ("Navn", "Mona Jensen"),
            "adresse": ("Adresse", "Skolevej 1, 2100 København Ø"),
            "rolle": ("Rolle", "Mor"),
        },
    ),
}

GROUPS: Final[tuple[str, ...]] = (
    "barn",
    "modtager",
    "sagsbehandler",
    "kommune",
    "sag",
    "underretning",
    "afgoerelse",
)


def nest(flat: dict[str, str]) -> dict[str, object]:
    """``{"barn.navn": "Ida"}`` → ``{"barn": {"navn": "Ida"}}`` (the render context)."""
    out: dict[str, object] = {}
    for key, value in flat.items():
        if "." in key:
            group, name = key.split(".", 1)
            sub = out.setdefault(group, {})
            assert isinstance(sub, dict)
            sub[name] = value
        else:
            out[key] = value
    return out


def sample() -> dict[str, object]:
    """The administrator's preview: every field with its sample value."""
    ctx = nest({k: v[1] for k, v in FIELDS.items()})
    for name, (_, item) in LISTS.items():
        ctx[name] = [{k: v[1] for k, v in item.items()}]
    return ctx
