"""The tables of an arkiveringsversion: names, columns with their SQL:1999 types (the
``tableIndex`` rules of BEK nr. 128 af 12/02/2020, bilag 4), descriptions in Danish, keys and
the XML Schema type each column's values take in ``tableN.xml``.

The order of ``TABLES`` is the table numbers (table1 = sag, …); the columns are in the order
the repository's queries select them. Free text the rules ask for is kept (the journal and
a decision's summary are the case); the child's address is not (it is not the case's, and it
changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

UUID = "CHARACTER VARYING(36)"
TEXT = "NATIONAL CHARACTER VARYING(1000000)"
SHORT = "NATIONAL CHARACTER VARYING(500)"

XS_TYPE = {
    "DATE": "xs:date",
    "TIMESTAMP": "xs:dateTime",
    "BOOLEAN": "xs:boolean",
    "INTEGER": "xs:integer",
    "NUMERIC(19)": "xs:integer",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    description: str
    functional: tuple[str, ...] = ()

    @property
    def xs_type(self) -> str:
        return XS_TYPE.get(self.type, "xs:string")


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    column: str
    referenced: str


@dataclass(frozen=True)
class Table:
    key: str  # the repository's query and the table's name in the archive
    description: str
    columns: tuple[Column, ...]
    primary_key: str
    foreign_keys: tuple[ForeignKey, ...] = field(default=())


SAG = Table(
    "sag",
    "Børnesager (hovedsager) efter barnets lov, lukket i arkiveringsperioden",
    (
        Column("sagsid", UUID, False, "Sagens entydige id i Trekant", ("Sagsidentifikation",)),
        Column(
            "sagsnummer", SHORT, True, "Sagens nummer, som sagsbehandleren ser det", ("Sagstitel",)
        ),
        Column("barnid", UUID, False, "Barnet, sagen handler om (tabellen barn)"),
        Column("aabnet", "DATE", False, "Dato, sagen blev oprettet"),
        Column("lukket", "DATE", False, "Dato, sagen blev lukket"),
        Column("lukkeaarsag", TEXT, True, "Hvorfor sagen blev lukket"),
        Column("modtagetfra", SHORT, True, "Kommunen, sagen blev overtaget fra ved flytning"),
        Column("overfoerttil", SHORT, True, "Kommunen, sagen blev overført til ved flytning"),
        Column("sagsbehandler", SHORT, False, "Den sagsbehandler, der sidst var ansvarlig"),
    ),
    "sagsid",
    (ForeignKey("fk_sag_barn", "barn", "barnid", "barnid"),),
)

BARN = Table(
    "barn",
    "Børn og unge med en sag i arkiveringsversionen",
    (
        Column("barnid", UUID, False, "Barnets entydige id i Trekant"),
        Column("cprnr", "CHARACTER(10)", True, "Barnets CPR-nummer (10 cifre, uden bindestreg)"),
        Column("fornavn", SHORT, False, "Barnets fornavn(e)"),
        Column("efternavn", SHORT, False, "Barnets efternavn"),
        Column("foedselsdato", "DATE", False, "Barnets fødselsdato"),
    ),
    "barnid",
)

JOURNAL = Table(
    "journal",
    "Sagens journal: hændelser, notater og rettelser (en rettelse peger på det, den retter)",
    (
        Column("journalid", "NUMERIC(19)", False, "Journalindførslens nummer"),
        Column("sagsid", UUID, False, "Sagen (tabellen sag)", ("Sagsidentifikation",)),
        Column("tidspunkt", "TIMESTAMP", False, "Tidspunkt (dansk tid)"),
        Column("forfatter", SHORT, False, "Hvem skrev den"),
        Column("art", SHORT, False, "haendelse, notat eller rettelse"),
        Column("haendelse", SHORT, True, "Hændelsens art, når systemet skrev den"),
        Column("overskrift", TEXT, False, "Overskrift"),
        Column("tekst", TEXT, False, "Tekst"),
        Column("retter", "NUMERIC(19)", True, "Den indførsel, en rettelse retter"),
    ),
    "journalid",
    (ForeignKey("fk_journal_sag", "sag", "sagsid", "sagsid"),),
)

AFGOERELSE = Table(
    "afgoerelse",
    "Afgørelser i sagen (paragraf i barnets lov, udfald, dato og resumé)",
    (
        Column("afgoerelseid", UUID, False, "Afgørelsens entydige id"),
        Column("sagsid", UUID, False, "Sagen (tabellen sag)", ("Sagsidentifikation",)),
        Column("paragraf", SHORT, False, "Paragraf i barnets lov (32, 46 eller 47)"),
        Column("udfald", SHORT, False, "bevilget eller afslag"),
        Column("afgjort", "DATE", False, "Dato for afgørelsen"),
        Column("meddelt", "DATE", True, "Dato, afgørelsen blev meddelt"),
        Column("resume", TEXT, False, "Afgørelsens resumé"),
        Column("truffetaf", SHORT, False, "Hvem traf den"),
    ),
    "afgoerelseid",
    (ForeignKey("fk_afgoerelse_sag", "sag", "sagsid", "sagsid"),),
)

INDSATS = Table(
    "indsats",
    "Indsatser (foranstaltninger og anbringelser) med start, slut og grundlag",
    (
        Column("indsatsid", UUID, False, "Indsatsens entydige id"),
        Column("sagsid", UUID, False, "Sagen (tabellen sag)", ("Sagsidentifikation",)),
        Column("afgoerelseid", UUID, True, "Afgørelsen, indsatsen blev bevilget ved"),
        Column("art", SHORT, False, "Indsatsens art"),
        Column("paragraf", SHORT, False, "Paragraf i barnets lov"),
        Column("anbringelse", "BOOLEAN", False, "Om indsatsen er en anbringelse"),
        Column("startdato", "DATE", False, "Startdato"),
        Column("slutdato", "DATE", True, "Slutdato"),
        Column("slutaarsag", TEXT, True, "Hvorfor indsatsen sluttede"),
    ),
    "indsatsid",
    (ForeignKey("fk_indsats_sag", "sag", "sagsid", "sagsid"),),
)

DOKUMENT = Table(
    "dokument",
    "Sagens dokumenter; filen ligger under Documents med dokumentid som mappe (docIndex)",
    (
        Column(
            "dokumentid",
            "INTEGER",
            False,
            "Dokumentets nummer i arkiveringsversionen (dID)",
            ("Dokumentidentifikation",),
        ),
        Column("sagsid", UUID, False, "Sagen (tabellen sag)", ("Sagsidentifikation",)),
        Column("titel", TEXT, False, "Dokumentets titel", ("Dokumenttitel",)),
        Column("art", SHORT, False, "Dokumentets art (underretning, udtalelse, afgørelse, …)"),
        Column("dato", "DATE", False, "Dokumentets dato", ("Dokumentdato",)),
        Column("filnavn", TEXT, False, "Det oprindelige filnavn"),
        Column("indgaaende", "BOOLEAN", False, "Om dokumentet kom udefra"),
        Column("tilfoejet", "TIMESTAMP", False, "Tidspunkt, dokumentet kom på sagen (dansk tid)"),
        Column("tilfoejetaf", SHORT, False, "Hvem lagde det på sagen"),
        Column(
            "gengivelse",
            SHORT,
            False,
            "original (filen selv) eller tekst (kun dokumentets tekst kunne gengives)",
        ),
    ),
    "dokumentid",
    (ForeignKey("fk_dokument_sag", "sag", "sagsid", "sagsid"),),
)

TABLES: tuple[Table, ...] = (SAG, BARN, JOURNAL, AFGOERELSE, INDSATS, DOKUMENT)
