"""Schema-driven fuzz test: every operation in the OpenAPI document, called in-process
with generated input (valid, invalid, and valid with one value PostgreSQL cannot store)
by a logged-in caseworker, answers no 5xx.

schemathesis generates the requests from the app's own OpenAPI schema; they are sent
through httpx's ASGI transport to the running app of the test session (its database pool
lives in the session's event loop, so the Hypothesis loop runs in a worker thread and
hands each request to that loop). Generation is derandomized: a run finds the same
examples every time, so CI is repeatable. ``TREKANT_FUZZ_EXAMPLES`` (default 6 per
operation and kind of input) and ``TREKANT_FUZZ_SEED`` (a number: explore other examples) widen a
local run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from backend.core.danish import today_dk
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import new_cpr
from tests.conftest import SPARE_REALM, new_kommune, sign_in

EXAMPLES = int(os.environ.get("TREKANT_FUZZ_EXAMPLES", "6"))
SEED = os.environ.get("TREKANT_FUZZ_SEED")

# Path parameters are filled with real ids of the fuzzing kommune where it has such a row,
# so requests get past "not found" into the handlers; the others are generated.
REAL_IDS = {
    "activity_id": "SELECT id FROM activity",
    "indsats_id": "SELECT id FROM indsats",
    "underretning_id": "SELECT id FROM underretning",
    "member_id": "SELECT id FROM network_member",
    "draft_id": "SELECT id FROM visitation_draft",
    "line_id": "SELECT id FROM visitation_line",
    "bevilling_id": "SELECT id FROM bevilling",
    "offer_id": "SELECT id FROM offer",
    "supplier_id": "SELECT id FROM supplier",
    "price_id": "SELECT id FROM offer_price",
    "payment_id": "SELECT id FROM payment",
    "update_id": "SELECT id FROM price_update",
    "user_id": "SELECT id FROM app_user",
    "unit_id": "SELECT id FROM offline_device",
    "transfer_id": "SELECT transfer_id FROM transfer_inbox",
}

# What PostgreSQL cannot store or hold: NUL in text, numbers beyond integer and bigint, an
# age that overflows an interval (issue 12 item 19). Hypothesis seldom draws these by chance.
POISON = ["\x00", "Bo\x00rn", 2**31, -(2**31) - 1, 2**63, 1e30, 291821]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to the text and number leaves of a JSON value."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [path]
    return []


def _poisoned(case: Any, query_names: list[str]) -> SearchStrategy[Any]:
    """``case`` with one query parameter or body leaf replaced by a POISON value."""
    targets: list[tuple[Any, ...]] = [("query", name) for name in query_names]
    if isinstance(case.body, dict | list):
        targets += [("body", *p) for p in _leaves(case.body) if p]
    if not targets:
        return st.just(case)

    def replace(target: tuple[Any, ...], value: Any) -> Any:
        if target[0] == "query":
            case.query = {**(case.query or {}), target[1]: value}
        else:
            holder = case.body
            for key in target[1:-1]:
                holder = holder[key]
            holder[target[-1]] = value
        return case

    return st.builds(replace, st.sampled_from(targets), st.sampled_from(POISON))


# Operations not fuzzed, with the reason.
SKIP = {
    ("POST", "/api/session/logout"),  # would end the fuzzing session itself
}


def _fuzz_operation(
    operation: Any,
    client: httpx.AsyncClient,
    loop: asyncio.AbstractEventLoop,
    real_ids: dict[str, str],
) -> list[str]:
    """Send generated requests for one operation: valid input, invalid input, and valid
    input with one text or number replaced by a poison value; return the 5xx answers."""
    failures: list[str] = []

    def send(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        request = {
            "method": kwargs["method"],
            "url": kwargs["url"],
            "params": kwargs.get("params"),
            "headers": kwargs.get("headers"),
        }
        if kwargs.get("cookies"):
            # Generated cookies (none are declared today) must not replace the session's.
            request["headers"] = {
                **(request["headers"] or {}),
                "Cookie": "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items()),
            }
        if "json" in kwargs:
            request["json"] = kwargs["json"]
        elif "data" in kwargs:
            request["content" if isinstance(kwargs["data"], (bytes, str)) else "data"] = kwargs[
                "data"
            ]
        future = asyncio.run_coroutine_threadsafe(client.request(**request), loop)
        response = future.result(timeout=120)
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except FailureGroup as exc:  # a check failed: record it, keep fuzzing the others
            failures.append(
                f"{operation.label}: {response.status_code} {response.text[:200]}\n"
                f"  {request}\n  {exc!s:.300}"
            )

    query_names = [
        p["name"] for p in operation.definition.raw.get("parameters", []) if p["in"] == "query"
    ]
    names = re.findall(r"{(\w+)}", operation.path)
    fixed = {name: real_ids[name] for name in names if name in real_ids} or None
    for mode, poison in (
        (GenerationMode.POSITIVE, False),
        (GenerationMode.NEGATIVE, False),
        (GenerationMode.POSITIVE, True),
    ):
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
        if poison:
            strategy = strategy.flatmap(lambda case: _poisoned(case, query_names))
        test = settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=SEED is None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=strategy)(send))
        if SEED is not None:
            test = seed(int(SEED))(test)
        try:
            test()
        except Unsatisfiable:  # no invalid input exists (an operation without parameters)
            assert mode is GenerationMode.NEGATIVE, operation.label
    return failures


async def _real_ids(client: httpx.AsyncClient, code: str) -> dict[str, str]:
    """A case of the fuzzing caseworker's own (with an investigation), the
    report ``sager``, and one row of every other kind the kommune holds."""
    child = await client.post(
        "/api/children",
        json={"cpr": new_cpr(4242), "first_name": "Fuzz", "last_name": "Testesen"},
    )
    assert child.status_code == 201, child.text
    case_id, child_id = child.json()["hovedsag_id"], child.json()["child_id"]
    aware = (today_dk() - timedelta(days=3)).isoformat()
    started = await client.post(
        f"/api/cases/{case_id}/ics/undersoegelser", json={"aware_since": aware}
    )
    assert started.status_code == 201, started.text
    doc_id = started.json()["document"]["id"]
    doc = (await client.get(f"/api/ics/{doc_id}")).json()
    ids = {
        "case_id": case_id,
        "child_id": child_id,
        "doc_id": doc_id,
        "series_id": doc["series_id"],
        "key": "sager",
    }
    async with tenant_transaction(DB, code) as scope:
        for name, sql in REAL_IDS.items():
            value = await scope.connection.fetchval(sql + " LIMIT 1")
            if value is not None:
                ids[name] = str(value)
    return ids


async def test_no_operation_answers_a_server_error(app, registry, fresh_code, seeded, monkeypatch):
    # Every refused request would log its traceback (log_exceptions="always"): keep the output
    # to the failures this test reports.
    for name in ("httpx", "litestar"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.CRITICAL)
    await new_kommune(registry, fresh_code, "Fuzzby", children=3)
    schema = schemathesis.openapi.from_dict(app.openapi_schema.to_schema())
    loop = asyncio.get_running_loop()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        session = await sign_in(client, fresh_code, realm=SPARE_REALM)
        client.headers["X-CSRF-Token"] = session["csrf_token"]
        real_ids = await _real_ids(client, fresh_code)
        failures: list[str] = []
        operations = 0
        started = time.monotonic()
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIP:
                continue
            operations += 1
            failures += await asyncio.to_thread(_fuzz_operation, operation, client, loop, real_ids)
        print(f"fuzzed {operations} operations in {time.monotonic() - started:.0f} s")
    if os.environ.get("TREKANT_FUZZ_REPORT"):
        Path(os.environ["TREKANT_FUZZ_REPORT"]).write_text("\n".join(failures))
    assert failures == [], "\n".join(failures)
