"""Letter templates: the sandbox refuses code, the vocabulary is fixed, every standard
template is valid, and the administrator's versions are kept."""

from __future__ import annotations

import pytest

from backend.core.errors import FieldError
from backend.db import DB
from backend.letters import render
from backend.letters.fields import sample
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, B
from tests.conftest import sign_in


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ ''.__class__ }}", "Linje 1: Kun flettefelter"),
        ("<p>a</p>\n{{ barn.__class__.__mro__ }}", "Linje 2: Kun flettefelter"),
        ("{% import 'x' as y %}", "ikke {% import %}"),
        ("{% include 'x' %}", "ikke {% include %}"),
        ("{% set x = 1 %}", "ikke {% set %}"),
        ("{{ barn.skostoerrelse }}", "Linje 1: Ukendt flettefelt: barn.skostoerrelse"),
        ("{{ cycler }}", "Linje 1: Ukendt flettefelt: cycler"),
        ("{{ barn }}", "Ufuldstændigt flettefelt: barn"),
        ("{{ range(100) }}", "ikke kode"),
        ("{{ barn.navn|upper }}", "Filteret »upper« er ikke tilladt"),
        ("<p>{{ barn.navn </p>", "Linje 1: Skabelonen kan ikke læses"),
        ("{% for x in barn.navn %}{% endfor %}", "kan kun gå gennem listerne"),
        ("{% for f in foraeldre %}{{ f.cpr }}{% endfor %}", "Ukendt flettefelt: f.cpr"),
    ],
)
def test_code_and_unknown_fields_are_refused(body: str, message: str) -> None:
    with pytest.raises(FieldError) as refused:
        render.check_template(body)
    assert refused.value.field == "body"
    assert message in str(refused.value)


async def test_fields_ifs_and_loops_render_escaped() -> None:
    body = (
        "<p>{{ barn.navn }}</p>{% if afgoerelse.udfald == 'afslag' %}<p>nej</p>{% endif %}"
        "{% for m in modtagere %}<p>{{ m.navn }}</p>{% endfor %}"
    )
    render.check_template(body)
    ctx = sample()
    ctx["barn"] = {**ctx["barn"], "navn": "<script>x</script>"}  # type: ignore[dict-item]
    out = await render.render_template(body, ctx)
    assert out == "<p>&lt;script&gt;x&lt;/script&gt;</p><p>Mona Jensen</p>"


def test_the_editor_html_is_cleaned() -> None:
    dirty = '<p onclick="x()">Hej <a href="javascript:x">der</a></p><script>x()</script><h2>A</h2>'
    assert render.clean_html(dirty) == "<p>Hej der</p><h2>A</h2>"


def test_a_decision_needs_begrundelse_and_klagevejledning() -> None:
    ok = "<h2>Begrundelse</h2><p>Fordi.</p><h2>Klagevejledning</h2><p>Klag inden 4 uger.</p>"
    render.check_sendable(ok, decision=True)
    with pytest.raises(FieldError, match="mangler klagevejledning"):
        render.check_sendable("<h2>Begrundelse</h2><p>Fordi.</p>", decision=True)
    with pytest.raises(FieldError, match="mangler en begrundelse"):
        render.check_sendable(
            "<h2>Begrundelse</h2><h2>Klagevejledning</h2><p>4 uger</p>", decision=True
        )
    with pytest.raises(FieldError, match="skal udfyldes: \\[Beskriv afgørelsen\\]"):
        render.check_sendable("<p>[Beskriv afgørelsen]</p>", decision=False)


async def test_every_standard_template_is_valid_and_seeded_in_every_kommune(app) -> None:
    for code in (A, B):
        async with tenant_transaction(DB, code) as scope:
            rows = await scope.connection.fetch(
                "SELECT t.standard_key, v.title, v.body FROM letter_template t JOIN "
                "letter_template_version v ON v.template_id = t.id WHERE t.standard_key "
                "IS NOT NULL"
            )
            await scope.connection.execute("SELECT 1")
        assert {r["standard_key"] for r in rows} >= {
            "kvittering-fagperson",
            "partshoering",
            "boernesamtale",
            "orientering-underretning",
            "afgoerelse-bevilling",
            "afgoerelse-afslag",
            "afgoerelse-udvalg",
            "overfoersel",
        }
        for r in rows:
            render.check_template(r["title"])
            render.check_template(r["body"])
            merged = await render.render_template(r["body"], sample())
            if r["standard_key"].startswith("afgoerelse"):
                render.check_sendable(merged, decision=True)


async def test_the_administrator_edits_a_template_as_a_new_version(http, seeded) -> None:
    session = await sign_in(http, A, "admin")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    listed = (await http.get("/api/letter-templates")).json()
    receipt = next(t for t in listed if t["purpose"] == "kvittering")
    one = (await http.get(f"/api/letter-templates/{receipt['id']}")).json()
    bad = await http.put(
        f"/api/letter-templates/{receipt['id']}",
        json={
            "title": one["title"],
            "body": "<p>{{ barn.__class__ }}</p>",
            "version": one["version"],
        },
    )
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["key"] == "body"
    assert bad.json()["extra"][0]["message"].startswith("Linje 1: Kun flettefelter")
    saved = await http.put(
        f"/api/letter-templates/{receipt['id']}",
        json={
            "title": one["title"],
            "body": one["body"] + "<p>Venlig hilsen {{ kommune.navn }}</p>",
            "version": one["version"],
        },
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["current_version"] == one["current_version"] + 1
    assert [v["version"] for v in saved.json()["versions"]][:2] == [
        one["current_version"] + 1,
        one["current_version"],
    ]
    stale = await http.put(
        f"/api/letter-templates/{receipt['id']}",
        json={"title": one["title"], "body": one["body"], "version": one["version"]},
    )
    assert stale.status_code == 409
    preview = await http.post(
        "/api/letter-templates/preview", json={"title": "Prøve", "body": "<p>{{ barn.navn }}</p>"}
    )
    assert preview.status_code == 200
    assert preview.content.startswith(b"%PDF")
    made = await http.post(
        "/api/letter-templates",
        json={"title": "Mødeindkaldelse", "purpose": "andet", "body": "<p>{{ dato }}</p>"},
    )
    assert made.status_code == 201, made.text
    retired = await http.post(
        f"/api/letter-templates/{made.json()['id']}/retire",
        json={"version": made.json()["version"]},
    )
    assert retired.status_code == 200 and retired.json()["retired"] is True
    ids = {t["id"] for t in (await http.get("/api/letter-templates")).json()}
    assert made.json()["id"] not in ids
    # Another kommune has its own templates: A's is neither listed nor found there.
    session = await sign_in(http, B, "admin")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    theirs = (await http.get("/api/letter-templates?include_retired=true")).json()
    assert made.json()["id"] not in {t["id"] for t in theirs}
    assert len([t for t in theirs if t["standard"]]) == 8
    assert (await http.get(f"/api/letter-templates/{made.json()['id']}")).status_code == 404


async def test_a_caseworker_may_not_edit_templates(http, seeded) -> None:
    session = await sign_in(http, A, "sagsbehandler")
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    assert (await http.get("/api/letter-templates")).status_code == 403
