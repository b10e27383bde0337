"""The deployment files (infra/deploy) cannot be built or started here (no container
runtime): they are checked with the linters that exist — the Compose Specification's JSON
schema, hadolint, Caddy's own validation — and against the repository they name."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from backend.cli import build_parser

pytestmark = pytest.mark.servers_independent

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "infra" / "deploy"
BIN = Path(sys.executable).parent


def run(*cmd: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_compose_file_follows_the_compose_specification():
    r = run(
        str(BIN / "check-jsonschema"),
        "--schemafile",
        str(DEPLOY / "compose-spec.json"),
        str(DEPLOY / "compose.yaml"),
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_schema_check_refuses_a_broken_compose_file(tmp_path):
    broken = tmp_path / "compose.yaml"
    text = (DEPLOY / "compose.yaml").read_text()
    broken.write_text(text.replace("replicas: ${TREKANT_API_REPLICAS:-2}", "replicas: [2]"))
    r = run(
        str(BIN / "check-jsonschema"),
        "--schemafile",
        str(DEPLOY / "compose-spec.json"),
        str(broken),
    )
    assert r.returncode == 1, r.stdout + r.stderr


def test_containerfile_passes_hadolint():
    r = run(str(BIN / "hadolint"), "--failure-threshold", "info", str(DEPLOY / "Containerfile"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_caddyfile_is_valid(tmp_path):
    env = {**os.environ, "TREKANT_DOMAIN": "trekant.example.dk", "HOME": str(tmp_path)}
    r = run("caddy", "adapt", "--config", str(DEPLOY / "Caddyfile"), "--validate", env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_what_the_files_name_exists():
    """The Containerfile copies paths that exist; every command the compose file and the
    image run is a command the CLI knows; the ports and health path agree."""
    containerfile = (DEPLOY / "Containerfile").read_text()
    for line in containerfile.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            for src in shlex.split(line)[1:-1]:
                assert (ROOT / src).exists(), f"Containerfile copies {src}, which does not exist"
    compose = (DEPLOY / "compose.yaml").read_text()
    commands = re.findall(r"trekant ((?:db|tenant) \w+|api|worker)", compose + containerfile)
    assert {"api", "worker", "db bootstrap", "tenant migrate"} <= set(commands)
    for cmd in commands:
        build_parser().parse_args(cmd.split())  # exits on an unknown command
    assert "TREKANT_PORT=8000" in containerfile and "127.0.0.1:8000/health/live" in containerfile
    assert 'expose: ["8000"]' in compose
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "dynamic a api 8000" in caddy and "health_uri /health/ready" in caddy
    # no secret in the files: every secret comes from .env (env.example leaves them empty)
    example = (DEPLOY / "env.example").read_text()
    for name in ("POSTGRES_PASSWORD", "TREKANT_SECRET_KEY", "TREKANT_DATA_KEY"):
        assert re.search(rf"^{name}=$", example, re.M), name
        assert not re.search(rf"^\s*{name}: *[^$\s]", compose, re.M), name
