"""Every audit event the code can record reads as Danish (issue 12 item 17): the code is
scanned for ``record(...)``, ``operator_audit(...)`` and ``insert_operator_audit(...)`` calls
and direct inserts into the operator's log; each action and detail key must have a label in
backend/audit/labels.py."""

from __future__ import annotations

import ast
import re
import uuid

from backend.audit.labels import (
    ACTION_LABELS,
    DETAIL_LABELS,
    UNKNOWN_ACTION,
    UNKNOWN_DETAIL,
    action_label,
    describe_detail,
)
from backend.audit.service import record
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.backend.test_identity import _drain
from tests.conftest import KOMMUNE_A, KOMMUNE_B, ROOT, login, sign_in

BACKEND = ROOT / "backend"
ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")


def _strings(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _scan() -> tuple[set[str], set[str], list[str]]:
    """(actions, detail keys, calls whose action cannot be read statically)."""
    actions: set[str] = set()
    keys: set[str] = set()
    unreadable: list[str] = []
    for path in sorted(BACKEND.rglob("*.py")):
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            # Job progress (``progress.record``) is not the audit's ``record``.
            progress = isinstance(f, ast.Attribute) and getattr(f.value, "id", "") == "progress"
            if name in ("record", "record_apart") and len(node.args) >= 2 and not progress:
                if isinstance(node.args[1], ast.Name) and node.args[1].id == "action":
                    continue  # ``record_apart`` handing its own ``action`` on to ``record``
                found = _strings(node.args[1])
                actions.update(found or [])
                if found is None:
                    unreadable.append(where)
                keys.update(kw.arg for kw in node.keywords if kw.arg)
            elif name in ("operator_audit", "insert_operator_audit") and len(node.args) >= 3:
                if isinstance(node.args[2], ast.Name) and node.args[2].id == "action":
                    continue  # a helper handing on its own ``action`` parameter records nothing
                found = _strings(node.args[2])
                actions.update(found or [])
                if found is None:
                    unreadable.append(where)
                if len(node.args) >= 5 and isinstance(node.args[4], ast.Dict):
                    keys.update(k.value for k in node.args[4].keys if isinstance(k, ast.Constant))
            elif name == "execute" and node.args:
                sql = _strings(node.args[0])
                if sql and "shared.operator_audit" in sql[0] and "INSERT" in sql[0]:
                    # INSERT ... VALUES ($1, $2, ...): the action is a literal argument
                    for arg in node.args[1:]:
                        actions.update(s for s in (_strings(arg) or []) if ACTION.match(s))
        for m in re.finditer(r"operator_audit \(actor, action\) VALUES \(\$1, '([a-z_.]+)'", text):
            actions.add(m.group(1))
    return actions, keys, unreadable


def test_the_scan_finds_the_audit_events():
    actions, keys, _ = _scan()
    # a sanity check that the scan sees calls of every kind
    assert {"login", "case.read", "kommune.suspended", "kommuner.migrated"} <= actions
    assert {"total_oere", "username"} <= keys


def test_every_audit_action_in_the_code_has_a_danish_label():
    actions, _, unreadable = _scan()
    assert unreadable == [], f"audit actions that are not string literals: {unreadable}"
    missing = sorted(actions - ACTION_LABELS.keys())
    assert missing == [], f"add these to ACTION_LABELS in backend/audit/labels.py: {missing}"


def test_every_audit_detail_key_in_the_code_has_a_danish_label():
    _, keys, _ = _scan()
    missing = sorted(keys - DETAIL_LABELS.keys())
    assert missing == [], f"add these to DETAIL_LABELS in backend/audit/labels.py: {missing}"


def test_labels_are_danish_text_not_codes():
    for label in [*ACTION_LABELS.values(), *DETAIL_LABELS.values()]:
        assert not re.search(r"[a-z]+[._][a-z]+", label), label
    assert action_label("noget.helt_nyt") == UNKNOWN_ACTION == "Anden hændelse"
    assert describe_detail({"ukendt_felt": 3}) == [(UNKNOWN_DETAIL, "3")]


def test_detail_values_read_as_danish():
    assert describe_detail(
        {
            "total_oere": 178641361,
            "jit_provisioning": True,
            "roles": ["leder", "oekonomi"],
            "effective_from": "2027-01-01",
            "bevillinger": 1234,
        }
    ) == [
        ("Beløb i alt", "1.786.413,61 kr."),
        ("Automatisk oprettelse", "ja"),
        ("Roller", "Leder, Økonomimedarbejder"),
        ("Gælder fra", "01.01.2027"),
        ("Bevillinger", "1.234"),
    ]


async def test_the_audit_log_answers_in_danish(http, seeded, settings):
    # Logs in through the provider: the login's own audit event is the one read back.
    admin = await login(http, KOMMUNE_A[0], "admin")
    await _drain(settings)
    r = await http.get("/api/admin/audit", params={"action": "login", "actor": admin["username"]})
    assert r.status_code == 200
    item = r.json()["items"][0]
    assert item["action"] == "login"
    assert item["action_label"] == "Log ind"
    assert item["actor_name"] == admin["display_name"]
    assert [d["label"] for d in item["details"]] == ["Udsteder"]
    choices = (await http.get("/api/admin/audit/actions")).json()
    assert {"action": "report.read", "label": "Standardsøgning læst"} in choices
    assert all(c["action"] not in ("kommune.onboarded", "kommuner.migrated") for c in choices)


def test_kommune_codes_in_details_read_as_names():
    names = {"0101": "København", "0202": "Testby"}
    assert describe_detail(
        {"sender": "0101", "to": "0202", "kommuner": ["0101", "0202"], "reason": "0101"}, names
    ) == [
        ("Afsender", "København"),
        ("Til", "Testby"),
        ("Kommuner", "København, Testby"),
        ("Begrundelse", "0101"),  # only the keys that name a kommune
    ]
    assert describe_detail({"sender": "0999"}, names) == [("Afsender", "0999")]  # not here


async def test_the_audit_log_names_the_sending_kommune(http, seeded):
    """A transfer's sender is stored as a code; the log shows the kommune's name."""
    admin = await sign_in(http, KOMMUNE_A[0], "admin")
    subject = str(uuid.uuid4())
    async with tenant_transaction(DB, KOMMUNE_A[0]):
        await record(admin["username"], "transfer.accepted", subject, sender=KOMMUNE_B[0])
    r = await http.get("/api/admin/audit", params={"subject": subject})
    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert item["details"] == [{"label": "Afsender", "value": KOMMUNE_B[1]}]


def test_no_audit_label_lives_in_the_pwa():
    """One table: the PWA shows the backend's labels and keeps no list of its own."""
    pwa = ROOT / "pwa" / "src"
    offenders = [
        str(p.relative_to(ROOT))
        for p in pwa.rglob("*.ts*")
        if p.name != "schema.d.ts" and "'user.roles_changed'" in p.read_text()
    ]
    assert offenders == []
