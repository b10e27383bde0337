"""Danish labels for the audit logs (the kommune's and the operator's).

Events keep their stable English action names and detail keys in the database; a person
reads them through these tables. To add an audit event: add its action to
``ACTION_LABELS`` and any new detail key to ``DETAIL_LABELS`` (a test scans the code for
every ``record(...)`` and fails on one without a label). Unknown ones still read as Danish
("Anden hændelse", "Anden oplysning") rather than as codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from backend.core.danish import DK, format_int, kroner
from backend.core.permissions import ROLES

# action -> what happened, in Danish (one dictionary for both logs)
ACTION_LABELS: dict[str, str] = {
    # log-in and users
    "login": "Log ind",
    "login.failed": "Mislykket log ind",
    "logout": "Log ud",
    "logout.completed": "Log ud bekræftet af Fælleskommunal Adgangsstyring",
    "logout.failed": "Log ud ikke bekræftet af Fælleskommunal Adgangsstyring",
    "logout.remote": "Logget ud fra Fælleskommunal Adgangsstyring",
    "logout.remote_refused": "Log ud-anmodning afvist",
    "user.provisioned": "Bruger oprettet",
    "user.roles_changed": "Roller ændret",
    "user.teams_changed": "Teams ændret",
    "user.deactivated": "Bruger deaktiveret",
    "user.reactivated": "Bruger genaktiveret",
    "user.bound": "Log-in bundet til bruger",
    "user.binding_reset": "Log-in-binding nulstillet",
    "user.roles_from_assertion": "Roller fra Fælleskommunal Adgangsstyring",
    "login.privileges_ignored": "Ukendte rettigheder ved log ind ignoreret",
    "security.alert_raised": "Sikkerhedsadvarsel: usædvanligt mange CPR-opslag",
    "security.alert_seen": "Sikkerhedsadvarsel markeret som set",
    "team.created": "Team oprettet",
    "team.renamed": "Team omdøbt",
    "team.closed": "Team lukket",
    "team.fkorg_mapped": "Team knyttet til organisationsenhed i FK Organisation",
    "fkorg.imported": "Brugere og teams hentet fra FK Organisation",
    "fkorg.import_failed": "Hentning fra FK Organisation fejlede",
    "fkorg.import_refused": "Hentning fra FK Organisation afvist: ikke sat op",
    "fkorg.read_failed": "FK Organisation kunne ikke læses",
    "sagsindeks.push_failed": "Sagen kunne ikke sendes til Sags- og dokumentindekset",
    "settings.changed": "Indstillinger ændret",
    "settings.transfer_team": "Team for modtagne overførsler ændret",
    # reading cases
    "child.read": "Opslag i barns sag",
    "case.read": "Opslag i sag",
    "reporting.ankestyrelsen_read": "Oversigt over indberetninger til Ankestyrelsen",
    "case.journal.read": "Journal læst",
    "case.search": "Søgning i sager",
    "case.step_in": "Trådt til i sag",
    "case.documents.read": "Sagens dokumenter læst",
    "document.search": "Søgning i dokumenter",
    "document.incoming.read": "Indgået post læst",
    "document.read": "Dokument læst",
    "document.downloaded": "Dokument hentet",
    "document.viewed": "Dokument vist",
    "cpr.prior_cases": "Opslag på sager i andre kommuner",
    "cpr.person": "Opslag i CPR-registret",
    # own activities and the teams' activity plans
    "activity.created": "Egen aktivitet oprettet",
    "activity_plan.saved": "Aktivitetsplan gemt",
    "activity_plan.retired": "Aktivitetsplan fjernet",
    "activity_plan.applied": "Aktivitetsplan anvendt på sag",
    # complaints against decisions (backend/appeals)
    "klage.registered": "Klage registreret",
    "klage.reconsidered": "Klage genvurderet",
    "klage.sent": "Klage sendt til Ankestyrelsen",
    "klage.answered": "Ankestyrelsens afgørelse registreret",
    # contact during a placement (backend/placement)
    "contact_decision.saved": "Afgørelse om samvær registreret",
    "contact_decision.changed": "Afgørelse om samvær ændret",
    # placement without consent by børne- og ungeudvalget (backend/casework/committee.py)
    "udvalg.indstilling": "Indstilling til børne- og ungeudvalget skrevet",
    "udvalg.tilbud": "Tilbud om advokatbistand og aktindsigt registreret",
    "udvalg.moede": "Børne- og ungeudvalgets møde flyttet",
    "udvalg.afgjort": "Børne- og ungeudvalgets afgørelse registreret",
    "udvalg.formand": "Formandens foreløbige afgørelse registreret",
    "udvalg.godkendelse": "Udvalgets svar på formandens afgørelse registreret",
    # management information and exports
    "report.read": "Standardsøgning læst",
    "mi.turning_18.read": "Liste over unge, der fylder 18, læst",
    "mi.support_after_18.read": "Liste over unge med ungestøtte efter 18 læst",
    "export.requested": "Udtræk til Excel bestilt",
    "export.downloaded": "Udtræk til Excel hentet",
    # arkiveringsversioner for Rigsarkivet
    "archive.requested": "Arkiveringsversion bestilt",
    "archive.downloaded": "Arkiveringsversion hentet",
    "archive.checked": "Arkiveringsversion kontrolleret igen",
    # money
    "money.draft.approved": "Visitation godkendt",
    "money.settings.changed": "Godkendelsesregler for økonomi ændret",
    "money.payments.exported": "Betalinger eksporteret",
    "money.payments.export_downloaded": "Betalingsfil hentet",
    "money.price_update.requested": "Prisopdatering bestilt",
    "money.price_update.applied": "Prisopdatering gennemført",
    "money.price_update.failed": "Prisopdatering fejlede",
    "money.price_update.revert_requested": "Tilbageførsel af prisopdatering bestilt",
    "money.price_update.reverted": "Prisopdatering tilbageført",
    "money.price_update.revert_failed": "Tilbageførsel af prisopdatering fejlede",
    # offline devices
    "offline.device_registered": "Enhed registreret til brug uden forbindelse",
    "offline.device_revoked": "Enhed spærret",
    "offline.user_revoked": "Brugers enheder spærret",
    # transfers between kommuner (§ 132)
    "transfer.sent": "Sag sendt til anden kommune",
    "transfer.received": "Sag modtaget fra anden kommune",
    "transfer.read": "Overførsel læst",
    "transfer.package_read": "Overførselspakke læst",
    "transfer.accepted": "Overførsel accepteret",
    "transfer.rejected": "Overførsel afvist",
    "transfer.rejected_by_receiver": "Overførsel afvist af modtageren",
    "transfer.imported": "Overført sag indlæst",
    "transfer.completed": "Overførsel afsluttet",
    "transfer.failed": "Overførsel fejlede",
    "transfer.notification_forwarded": "Underretning videresendt til ny kommune",
    "transfer.notification_received": "Videresendt underretning modtaget",
    "transfer_request.sent": "Anmodning om sag sendt",
    "transfer_request.received": "Anmodning om sag modtaget",
    "transfer_request.answered": "Anmodning om sag besvaret",
    "cross.notification_forwarded": "Underretning videresendt til anden kommune",
    "cross.request_answered": "Anmodning fra anden kommune besvaret",
    "cross.transfer_failed": "Overførsel til anden kommune fejlede",
    # post (letters by Digital Post, e-mail and print)
    "post.print_batch_downloaded": "Udskriftsbunke hentet",
    "post.print_batch_printed": "Udskriftsbunke markeret som udskrevet",
    "post.reply_received": "Svar modtaget med Digital Post",
    "post.resent": "Uafklaret e-mail sendt igen",
    "post.uafklaret": "Afsendelse uafklaret",
    "post.sendt_igen": "Brev sendt igen",
    # Danmarks Statistik (backend/statistics): the records hold CPR numbers
    "dst.checked": "Indberetning til Danmarks Statistik kontrolleret",
    "dst.delivery_created": "Indberetning til Danmarks Statistik dannet",
    "dst.delivery_sent": "Indberetning sendt til Danmarks Statistik",
    "dst.setting_changed": "Automatisk afsendelse til Danmarks Statistik ændret",
    "dst.delivery_downloaded": "Indberetning til Danmarks Statistik hentet som XML",
    "dst.deliveries_pruned": "Gamle indberetninger til Danmarks Statistik beskåret",
    # the operator's log
    "kommune.onboarded": "Kommune oprettet",
    "kommune.onboard_failed": "Oprettelse af kommune fejlede",
    "kommune.suspended": "Kommune lukket midlertidigt",
    "kommune.resumed": "Kommune genåbnet",
    "kommune.login_changed": "Kommunens log-ind ændret",
    "kommune.exported": "Kommunens data eksporteret (sikkerhedskopi)",
    "kommune.imported": "Kommunens data genindlæst fra eksport",
    "kommune.left": "Kommune udtrådt: data udleveret og slettet",
    "kommune.removed": "Kommune slettet",
    "service.configured": "National tjeneste sat op",
    "service.refused": "Opsætning af national tjeneste afvist",
    "service.removed": "National tjeneste fjernet",
    "service.tested": "Forbindelsen til national tjeneste testet",
    "kommuner.migrated": "Kommunernes databaser opdateret",
    # retention and the daily raw data (issue 18)
    "retention.rule_changed": "Regler for opbevaring ændret",
    "retention.list_read": "Sag vist på listen over sager til sletning",
    "retention.deletion_approved": "Sletning af sager godkendt",
    "retention.case_deleted": "Sag slettet efter opbevaringsperioden",
    "retention.run_finished": "Sletning af sager afsluttet",
    "extract.requested": "Dataudtræk bestilt",
    "extract.made": "Dataudtræk dannet",
    "extract.downloaded": "Dataudtræk hentet",
    "extract.key_created": "Maskinnøgle til dataudtræk oprettet",
    "extract.key_revoked": "Maskinnøgle til dataudtræk spærret",
}
UNKNOWN_ACTION = "Anden hændelse"

# detail key -> label
DETAIL_LABELS: dict[str, str] = {
    "auto_send": "Send automatisk hver nat",
    "automatic": "Sendt automatisk",
    "batches": "Portioner",
    "deleted": "Slettet",
    "refused": "Afvist",
    "deliveries": "Indberetninger",
    "from_before_year": "Indberetninger fra før år",
    "service": "Tjeneste",
    "enabled": "Slået til",
    "fields": "Felter med fejl",
    "certificate": "Certifikat",
    "auth": "Godkendelse",
    "unit": "Organisationsenhed",
    "units": "Enheder",
    "created": "Oprettet",
    "updated": "Opdateret",
    "deactivated": "Deaktiveret",
    "records": "Poster",
    "invalid": "Poster der ikke kan sendes",
    "accepted": "Modtaget",
    "rejected": "Afvist",
    "avid": "Arkiveringsversion",
    "period_from": "Periode fra",
    "period_to": "Periode til",
    "cases": "Sager",
    "user": "Bruger",
    "recipient": "Modtager",
    "claim": "Bundet via",
    "privileges": "Rettigheder",
    "nsis_level": "Sikringsniveau (NSIS)",
    "login_kind": "Log ind via",
    "result": "Resultat",
    "metadata_signed": "Metadata skal være signeret",
    "slo": "Fælles log ud",
    "session_index": "Sessionsindeks",
    "sessions": "Sessioner afsluttet",
    "lookups": "CPR-opslag",
    "registrations": "Registreringer",
    "letters": "Breve",
    "offline_roles": "Roller til hjemmebesøg",
    "before": "Roller til hjemmebesøg før",
    "closed_days": "Lukkedage (24/12, 31/12 og grundlovsdag) er ikke arbejdsdage",
    "added": "Tilføjet",
    "admin": "Administrator",
    "application_days": "Frist for ansøgninger (dage)",
    "bevilling_approval": "Godkendelse af bevillinger",
    "bevilling_approval_threshold_oere": "Beløbsgrænse for godkendelse",
    "bevilling_price_rows": "Ændrede priser på bevillinger",
    "bevillinger": "Bevillinger",
    "by_case_number": "Søgt på sagsnummer",
    "by_cpr": "Søgt på CPR-nummer",
    "change_per_month_oere": "Ændring pr. måned",
    "child": "Barn",
    "counts": "Antal",
    "activities": "Aktiviteter",
    "plan": "Aktivitetsplan",
    "decision": "Beslutning",
    "device": "Enhed",
    "searched": "Søgt i teksten",
    "devices": "Enheder",
    "direction": "Retning",
    "document": "Dokument",
    "effective_from": "Gælder fra",
    "error": "Fejl",
    "failed": "Fejlede",
    "found": "Fundet",
    "hits": "Resultater",
    "hovedsag": "Sag",
    "how": "Hvordan",
    "ics_approval_requires_other": "Godkendelse kræver en anden person",
    "issuer": "Udsteder",
    "jit_default_role": "Standardrolle",
    "jit_provisioning": "Automatisk oprettelse",
    "klage": "Klage",
    "indstilling": "Indstilling til børne- og ungeudvalget",
    "kommuner": "Kommuner",
    "label": "Betegnelse",
    "contact_decision": "Afgørelse om samvær",
    "replaces": "Afløser afgørelse",
    "letter": "Brev",
    "name": "Navn",
    "offer_price_rows": "Ændrede priser på tilbud",
    "offers": "Tilbud",
    "offline_max_days": "Dage uden forbindelse (højst)",
    "page": "Side",
    "file": "Fil",
    "bytes": "Filens størrelse (bytes)",
    "params": "Afgrænsning",
    "payment_approval": "Godkendelse af betalinger",
    "payments": "Betalinger",
    "previous_name": "Tidligere navn",
    "purpose": "Formål",
    "reason": "Begrundelse",
    "released": "Medlemmer fjernet",
    "receiver": "Modtager",
    "removed": "Fjernet",
    "roles": "Roller",
    "rows": "Rækker",
    "sender": "Afsender",
    "series": "Serie",
    "source": "Kilde",
    "status": "Status",
    "team_id": "Team",
    "to": "Til",
    "total_oere": "Beløb i alt",
    "transfer_id": "Overførsel",
    "username": "Brugernavn",
    "versions": "Versioner",
    "view": "Visning",
    "approved_at": "Godkendt",
    "approved_by": "Godkendt af",
    "case_number": "Sagsnummer",
    "closed_on": "Afsluttet",
    "kind": "Art",
    "placement_years": "Opbevaring af sager med anbringelse (år)",
    "preserve": "Bevaring",
    "preserved": "Skulle bevares",
    "run": "Sletning",
    "table": "Tabel",
    "years": "Opbevaring (år)",
    "cpr_error": "CPR-registrets fejl",
}
UNKNOWN_DETAIL = "Anden oplysning"

# Values that are codes: key -> code -> Danish
_VIEWS = {
    "bevilling": "Bevilling",
    "case.summary": "Sagsoverblik",
    "case.placement": "Tilsyn og samvær",
    "ankestyrelsen": "Indberetning til Ankestyrelsen",
    "child.summary": "Barnets oplysninger",
    "deliveries": "Forsendelser af breve",
    "economy": "Økonomi",
    "ics.diff": "Sammenligning af versioner",
    "ics.document": "Undersøgelse eller plan",
    "klager": "Klager over afgørelser",
    "udvalg": "Børne- og ungeudvalget",
    "document": "Dokument",
    "documents": "Dokumenter",
    "download": "Hentet som fil",
    "ics.list": "Undersøgelser og planer",
    "ics.pdf": "Udskrift (PDF)",
    "journal": "Journal",
    "letter": "Brev",
    "letter.pdf": "Brev (forhåndsvisning)",
    "letters": "Breve",
    "network": "Netværk",
    "offline": "Hentet til brug uden forbindelse",
}
_ROLE_KEYS = ("roles", "added", "removed", "jit_default_role", "offline_roles", "before")
VALUE_LABELS: dict[str, dict[str, str]] = {
    **{k: ROLES for k in _ROLE_KEYS},
    "view": _VIEWS,
    "direction": {"ind": "Modtaget", "ud": "Sendt"},
    "auth": {"tls": "Certifikat i TLS-forbindelsen", "token": "Token fra STS (OIO IDWS)"},
    "found": {
        "fundet": "Fundet",
        "ukendt": "Ukendt i CPR",
        "svarer_ikke": "CPR-registret svarede ikke",
    },
    "cpr_error": {
        "timeout": "Svarede ikke i tide",
        "unreachable": "Kunne ikke nås",
        "tls": "TLS-forbindelsen blev afvist (certifikat)",
        "certificate": "Klientcertifikatet mangler eller er udløbet",
        "fault": "Fejlsvar fra tjenesten",
        "not_configured": "Ikke sat op",
    },
    "claim": {
        "upn": "UPN (Entra ID-brugernavn)",
        "preferred_username": "Brugernavn",
        "email": "Bekræftet e-mailadresse",
        "fk-adgangsstyring": "Fælleskommunal Adgangsstyring",
    },
    "nsis_level": {"Low": "Lav", "Substantial": "Betydelig", "High": "Høj"},
    "slo": {
        "sendt": "Sendt til Fælleskommunal Adgangsstyring",
        "ikke-sendt": "Kun Trekant (Context Handleren kunne ikke nås)",
    },
    "login_kind": {
        "oidc": "Kommunens egen identitetsudbyder (OpenID Connect)",
        "context-handler": "Fælleskommunal Adgangsstyring (Context Handler)",
    },
    "preserve": {
        "ingen": "Ingen sager bevares",
        "anbringelser": "Sager med en anbringelse bevares",
        "alle": "Alle sager bevares",
    },
    "kind": {
        "anbringelse": "Anbringelse",
        "indsats": "Forebyggende indsats",
        "oevrig": "Uden indsats",
    },
    "table": {
        "sager": "Sager",
        "indsatser": "Indsatser",
        "afgoerelser": "Afgørelser",
        "frister": "Frister",
        "bevillinger": "Bevillinger",
        "betalinger": "Betalinger",
    },
    "bevilling_approval": {
        "altid": "Altid",
        "over_beloeb": "Over et årligt beløb",
        "aldrig": "Aldrig",
    },
}

# Keys whose values are usernames: shown by the person's name where it is known.
USER_KEYS = frozenset({"user"})

# Keys whose values are kommune codes (a transfer's sender and receiver): shown by name.
KOMMUNE_KEYS = frozenset({"sender", "receiver", "to", "kommuner"})

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, UNKNOWN_ACTION)


def detail_label(key: str) -> str:
    return DETAIL_LABELS.get(key, UNKNOWN_DETAIL)


def detail_value(key: str, value: Any, kommune_names: Mapping[str, str] | None = None) -> str:
    """A detail value as a person reads it: amounts in kroner, ja/nej, Danish dates and
    time, codes through ``VALUE_LABELS``, kommune codes by name (``kommune_names``: code ->
    name, from the registry), nested details as "Label: værdi"."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float) and key.endswith("_oere"):
        return kroner(int(value))
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, list):
        return ", ".join(detail_value(key, v, kommune_names) for v in value) if value else "ingen"
    if isinstance(value, dict):
        parts = [
            f"{detail_label(k)}: {detail_value(k, v, kommune_names)}" for k, v in value.items()
        ]
        return "; ".join(parts) if parts else "–"
    text = str(value)
    if key in KOMMUNE_KEYS and kommune_names and text in kommune_names:
        return kommune_names[text]
    vocabulary = VALUE_LABELS.get(key)
    if vocabulary is not None and text in vocabulary:
        return vocabulary[text]
    if m := _ISO_DATE.match(text):
        return f"{m[3]}.{m[2]}.{m[1]}"
    if _ISO_TIME.match(text):
        try:
            return datetime.fromisoformat(text).astimezone(DK).strftime("%d.%m.%Y kl. %H.%M")
        except ValueError:
            return text
    return text


def describe_detail(
    detail: dict[str, Any],
    kommune_names: Mapping[str, str] | None = None,
    user_names: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """[(label, value)] in the order the event recorded them; ``kommune_names`` (code ->
    name) names the kommuner a transfer went between, ``user_names`` (username -> name) the
    users a detail names by username: "Karl Kollega (kollega@…)", the username second."""
    lines = []
    for k, v in detail.items():
        value = detail_value(k, v, kommune_names)
        if k in USER_KEYS and user_names and isinstance(v, str) and v in user_names:
            value = f"{user_names[v]} ({v})"
        lines.append((detail_label(k), value))
    return lines
