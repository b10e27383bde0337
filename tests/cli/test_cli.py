"""The trekant command: one clear line and a non-zero exit for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def trekant(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_invalid_code(registry):
    r = trekant("tenant", "create", "--code", "12", "--name", "X")
    assert r.returncode == 2
    assert "exactly four digits" in _error_line(r)


def test_duplicate_code(registry):
    r = trekant("tenant", "create", "--code", "0101", "--name", "Igen")
    assert r.returncode == 2
    assert "Kommune 0101 already exists" in _error_line(r)


def test_unknown_code_on_suspend(registry):
    r = trekant("tenant", "suspend", "--code", "0997")
    assert r.returncode == 2
    assert "Unknown kommune 0997" in _error_line(r)


def test_create_list_suspend_resume_migrate(registry, fresh_code):
    r = trekant("tenant", "create", "--code", fresh_code, "--name", "Kommandoby")
    assert r.returncode == 0, r.stderr
    assert f"created kommune {fresh_code} Kommandoby" in r.stdout
    assert trekant("tenant", "suspend", "--code", fresh_code).returncode == 0
    listed = {t["code"]: t for t in json.loads(trekant("tenant", "list", "--json").stdout)}
    assert listed[fresh_code]["status"] == "suspended"
    assert listed[fresh_code]["version"] == listed[fresh_code]["latest_version"]
    assert trekant("tenant", "resume", "--code", fresh_code).returncode == 0
    r = trekant("tenant", "migrate", "--code", fresh_code)
    assert r.returncode == 0, r.stderr
    assert f"[1/1] {fresh_code} k{fresh_code}: current at" in r.stdout


def test_missing_database_is_one_clear_message(registry):
    r = trekant("tenant", "list", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert r.returncode == 2
    assert "Cannot reach PostgreSQL" in _error_line(r)


def test_missing_redis_at_api_start_is_one_clear_message(registry):
    r = trekant("api", REDIS_URL="redis://127.0.0.1:1/0")
    assert r.returncode == 2
    assert "cannot reach Redis" in _error_line(r)


def test_missing_database_at_api_start_is_one_clear_message(registry):
    r = trekant("api", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert r.returncode == 2
    assert "cannot reach PostgreSQL" in _error_line(r)


def test_set_idp_takes_only_the_kommunes_own_secret(registry, fresh_code):
    """Issue 13, finding 1: no platform secret or another kommune's, no inner issuer."""
    assert trekant("tenant", "create", "--code", fresh_code, "--name", "Udbyderby").returncode == 0
    issuer = "https://93.184.216.34/realm"
    for ref in ("DATABASE_URL", "TREKANT_SECRET_KEY", "TREKANT_IDP_SECRET_0101"):
        r = trekant(
            "tenant", "set-idp", "--code", fresh_code, "--issuer", issuer,
            "--client-id", "x", "--secret-ref", ref,
        )  # fmt: skip
        assert r.returncode == 2
        assert f"kommunens egen miljøvariabel TREKANT_IDP_SECRET_{fresh_code}" in _error_line(r)
    for bad in ("http://127.0.0.1:6379", "https://10.0.0.1/realm", "https://localhost/realm"):
        r = trekant(
            "tenant", "set-idp", "--code", fresh_code, "--issuer", bad, "--client-id", "x",
            TREKANT_ENV="production",
        )  # fmt: skip
        assert r.returncode == 2
        assert "idp_issuer: Udsteder" in _error_line(r)
    r = subprocess.run(
        [sys.executable, "-m", "backend.cli", "tenant", "set-idp", "--code", fresh_code,
         "--issuer", issuer, "--client-id", "x", "--secret-stdin"],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60,
        input="kommunens-hemmelighed\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "stored encrypted" in r.stdout and "kommunens-hemmelighed" not in r.stdout


def test_servers_older_than_supported_are_refused_by_name():
    from backend.cli import version_refusal

    assert version_refusal(150004, "7.0.15") is None
    assert version_refusal(160002, "6.2.14") is None
    assert version_refusal(140011, "7.0.15") == (
        "PostgreSQL 14.11 is too old: Trekant needs PostgreSQL 15 or newer"
    )
    assert version_refusal(160002, "6.0.20") == (
        "Redis 6.0.20 is too old: Trekant needs Redis 6.2 or newer"
    )
    assert version_refusal(160002, "unstable") == (
        "Redis reports an unknown version 'unstable': Trekant needs Redis 6.2"
    )


def test_preflight_accepts_the_servers_the_tests_run_on(settings):
    from backend.cli import preflight

    preflight(settings)  # raises CliError with the reason when a server is refused


def test_export_import_and_leave_from_the_command_line(registry, tmp_path):
    """The operator's commands: the export is written 0600; importing a kommune that exists,
    or leaving without naming the kommune, is refused with one line."""
    out = tmp_path / "k0202.tar"
    r = trekant("tenant", "export", "--code", "0202", "--out", str(out), "--by", "drift@x.dk")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"exported kommune 0202 Testby to {out}:")
    assert out.stat().st_mode & 0o777 == 0o600
    r = trekant("tenant", "import", "--file", str(out))
    assert r.returncode == 2
    assert _error_line(r) == "trekant: error: Kommune 0202 already exists"
    r = trekant(
        "tenant",
        "leave",
        "--code",
        "0202",
        "--out",
        str(tmp_path / "u.tar"),
        "--confirm",
        "Testbyen",
    )
    assert r.returncode == 2
    assert 'confirm with its name: --confirm "Testby"' in _error_line(r)
    assert not (tmp_path / "u.tar").exists()


def test_set_login_checks_the_metadata_certificate(registry, fresh_code, tmp_path):
    """Issue 20: ``--metadata-cert`` is a readable, unexpired certificate, or one clear line."""
    from infra.contexthandler.issue import make_key_pair

    assert trekant("tenant", "create", "--code", fresh_code, "--name", "Signby").returncode == 0
    bad, good = tmp_path / "bad.pem", tmp_path / "good.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nikke et certifikat\n-----END CERTIFICATE-----\n")
    good.write_text(make_key_pair("KOMBIT metadata (test)")[1])
    args = [
        "tenant", "set-login", "--code", fresh_code, "--kind", "context-handler",
        "--metadata-url", "http://127.0.0.1:8060/metadata", "--entity-id", "http://127.0.0.1:8060",
        "--cvr", "12345678", "--metadata-cert",
    ]  # fmt: skip
    r = trekant(*args, str(bad))
    assert r.returncode == 2 and "ch_metadata_cert: Certifikatet kan ikke læses" in _error_line(r)
    r = trekant(*args, str(good))
    assert r.returncode == 0, r.stderr
