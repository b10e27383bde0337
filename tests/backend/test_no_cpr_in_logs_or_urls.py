"""No CPR number in a log line or a URL: the API's paths and query parameters never carry
one, and registering a child, an invalid CPR, a prior-case lookup and a person lookup in the
CPR register log none."""

from __future__ import annotations

import json
import logging
import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from backend.demo import synthetic_cpr
from tests.conftest import KOMMUNE_A, sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_no_operation_takes_a_cpr_number_in_its_url():
    spec = json.loads((ROOT / "pwa" / "openapi.json").read_text())
    offenders = []
    for path, ops in spec["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                if param.get("in") in ("path", "query") and "cpr" in param["name"].lower():
                    offenders.append(f"{path} ?{param['name']}")
    assert offenders == []
    # and no path template has room for a number under another name
    assert not [p for p in spec["paths"] if re.search(r"\{[^}]*(cpr|personnummer)[^}]*\}", p)]


async def test_registering_and_looking_up_a_child_logs_no_cpr_number(http, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    session = await sign_in(http, KOMMUNE_A[0], "sagsbehandler")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    birth = date.today() - timedelta(days=365 * 6 + 17)
    cpr = synthetic_cpr(random.Random(4711), birth)
    body = {"cpr": cpr, "first_name": "Lis", "last_name": "Logsen", "address": "Logvej 1"}
    assert (await http.post("/api/children", json=body)).status_code == 201
    assert (await http.post("/api/cpr/prior-cases", json={"cpr": cpr})).status_code == 200
    assert (await http.post("/api/cpr/person", json={"cpr": cpr})).status_code == 200
    bad = cpr[:9] + str((int(cpr[9]) + 1) % 10)
    await http.post("/api/children", json={**body, "cpr": bad})  # refused or not: never logged
    text = "\n".join(rec.getMessage() for rec in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for number in (cpr, bad):
        pattern = re.compile(number[:6] + r"-?" + number[6:])
        assert not pattern.search(text), f"a CPR number was logged: {number[:6]}…"


@pytest.fixture(autouse=True)
def _propagate_all_loggers():
    """Some libraries' loggers do not propagate; caplog sees only those that do."""
    saved = {}
    for name in ("uvicorn", "uvicorn.access", "litestar", "httpx", "backend"):
        lg = logging.getLogger(name)
        saved[name] = lg.propagate
        lg.propagate = True
    yield
    for name, value in saved.items():
        logging.getLogger(name).propagate = value
