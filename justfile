# Trekant: `just run` runs everything, `just test` runs every test.
# Both install what is missing first (Python deps with uv, the PWA with npm, Chromium for tests).

set shell := ["bash", "-euo", "pipefail", "-c"]

uv := "python3 -m uv"
venv := ".venv/bin"

# Python keeps its compiled modules (__pycache__), even where the machine's environment says
# not to (PYTHONDONTWRITEBYTECODE=1 on the CI machines): without them every process of a run
# (three pytest processes, the API and worker processes, the development servers, the
# benchmarks) compiled every module it imported from source, which was half the test run's
# CPU. The dependencies are compiled once at install (`uv sync --compile-bytecode`).
export PYTHONDONTWRITEBYTECODE := ""

# List the recipes
default:
    @just --list

# Install Python and PWA dependencies from the lock files (fast when nothing changed)
setup:
    #!/usr/bin/env bash
    set -euo pipefail
    python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
    {{uv}} sync --frozen --quiet --compile-bytecode
    for dir in pwa infra/idp; do
        stamp=$dir/node_modules/.trekant-lock
        if [ ! -f "$stamp" ] || ! cmp -s $dir/package-lock.json "$stamp"; then
            (cd $dir && npm ci --no-audit --no-fund --loglevel=error)
            cp $dir/package-lock.json "$stamp"
        fi
    done

# Build the PWA into pwa/dist (skipped when nothing under pwa/ changed)
build: setup
    #!/usr/bin/env bash
    set -euo pipefail
    sum=$(cd pwa && find src public index.html vite.config.ts tsconfig.json package-lock.json -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
    if [ ! -f pwa/dist/.build-sum ] || [ "$(cat pwa/dist/.build-sum)" != "$sum" ]; then
        (cd pwa && npm run --silent build)
        echo "$sum" > pwa/dist/.build-sum
    fi

# Run the whole system on embedded PostgreSQL and Redis: API, worker, PWA, the development
# identity provider and demo kommuner with demo users
run: build pdf-libs office xmlsec
    {{venv}}/trekant dev

# Install Debian's Chromium for the browser tests where it is missing
browser:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ ! -x /usr/bin/chromium ]; then
        echo "installing Debian's chromium for the browser tests"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    fi

# Install Pango (and a font) for the PDF printouts (weasyprint) where they are missing
pdf-libs:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || ! ldconfig -p | grep -q libharfbuzz-subset.so.0; then
        echo "installing Pango for the PDF printouts"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null
    fi

# Install Debian's PostgreSQL and redis-server where they are missing: `just test` also runs
# the API tests against separately started servers (infra/servers.py), as production runs;
# and wrk, which the request-mix benchmark (bench/mix_bench.py) drives the API with
servers:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
        echo "installing Debian's PostgreSQL and redis-server for the tests on real servers"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql redis-server >/dev/null
    fi
    if ! command -v wrk >/dev/null 2>&1; then
        echo "installing wrk for the request-mix benchmark (bench/mix_bench.py)"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
    fi

# Install LibreOffice (headless, no GUI) where it is missing: the worker converts Word, ODT and
# Excel documents to PDF with it for viewing (backend/documents/tasks.py)
office:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v soffice >/dev/null 2>&1; then
        echo "installing LibreOffice (headless) for the document conversion"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null
    fi

# Install Debian's xmlsec1 where it is missing: pysaml2 signs, verifies, encrypts and decrypts
# SAML messages with it (login through Fælleskommunal Adgangsstyring, backend/auth/saml.py)
xmlsec:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v xmlsec1 >/dev/null 2>&1; then
        echo "installing xmlsec1 for the SAML login (Fælleskommunal Adgangsstyring)"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq xmlsec1 >/dev/null
    fi

# Install Debian's Caddy where it is missing: the tests validate the deployment's Caddyfile
# with it (infra/deploy, tests/deploy); the container image itself is not built here
caddy:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v caddy >/dev/null 2>&1; then
        echo "installing Caddy to validate the deployment's Caddyfile"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq caddy >/dev/null
    fi

# Run every test after the lint: unit, integration on real PostgreSQL and Redis, the API fuzz
# test, browser end-to-end (CI runs this, so a lint failure fails CI). Without arguments three
# pytest processes run side by side (two cores), each with its own services under var/
# (tests/conftest.py): the browser tests; the rest on the embedded PostgreSQL and Redis (a few
# browser test files run there to even the processes out: BROWSER_FILES_IN_REST); and every
# test but tests/e2e once more against Debian's PostgreSQL and redis-server started for the
# run (TREKANT_TEST_SERVERS=system, infra/servers.py). These run only in that third process:
# tests/faults (stops and starts those servers under load), the API fuzz test and the
# benchmarks' smoke run (tests/bench, which starts its own embedded servers); and only in the
# rest, not again on Debian's servers, the tests marked servers_independent (the code's
# structure, the deployment files, mypy, the API process's own HTTP and signal handling). The
# others' output follows the rest's, and each process's per-test times are in var/test-*.xml.
# With arguments (or TREKANT_TEST_WORKERS=0): one pytest process with those arguments.
[positional-arguments]
test *ARGS: lint build browser pdf-libs office servers caddy xmlsec
    #!/usr/bin/env bash
    set -uo pipefail
    if [ $# -gt 0 ] || [ "${TREKANT_TEST_WORKERS:-2}" = "0" ]; then
        exec {{venv}}/pytest "$@"
    fi
    mkdir -p var
    TREKANT_TEST_HALF=browser TREKANT_TEST_DATA_DIR=var/test-browser {{venv}}/pytest tests/e2e \
        --junitxml=var/test-browser.xml > var/test-browser.log 2>&1 &
    browser=$!
    TREKANT_TEST_SERVERS=system TREKANT_TEST_DATA_DIR=var/test-system {{venv}}/pytest \
        --ignore=tests/e2e --junitxml=var/test-system.xml > var/test-system.log 2>&1 &
    system=$!
    TREKANT_TEST_HALF=rest TREKANT_TEST_DATA_DIR=var/test-api {{venv}}/pytest \
        --ignore=tests/fuzz --ignore=tests/bench --junitxml=var/test-api.xml
    api=$?
    wait $system
    s=$?
    wait $browser
    b=$?
    echo "=== API tests on Debian's PostgreSQL and redis-server (everything but tests/e2e) ==="
    cat var/test-system.log
    echo "=== browser tests (tests/e2e) ==="
    cat var/test-browser.log
    echo "=== api tests: exit $api; on separate servers: exit $s; browser tests: exit $b ==="
    [ $api -eq 0 ] && [ $s -eq 0 ] && [ $b -eq 0 ]

# Lint and type-check Python and TypeScript (ruff, mypy, tsc, ESLint); fail on a stale API client
lint: setup
    {{venv}}/ruff check backend tenancy infra tests bench
    {{venv}}/ruff format --check backend tenancy infra tests bench
    {{venv}}/mypy
    {{venv}}/trekant openapi | diff -q - pwa/openapi.json >/dev/null || (echo "pwa/openapi.json is stale: run just openapi" && exit 1)
    (cd pwa && npm run --silent check:api && npm run --silent typecheck && npm run --silent lint)

# Regenerate pwa/openapi.json and the typed client from the backend
openapi: setup
    {{venv}}/trekant openapi --out pwa/openapi.json
    (cd pwa && npm run --silent gen:api)

# Benchmarks; numbers are printed and belong in docs/benchmarks.md (`just bench load`: the
# load test, the API as its own process under locust; `servers` installs wrk, which
# `just bench mix` drives the API with)
bench *ARGS: setup servers
    {{venv}}/python -m bench {{ARGS}}

# Every benchmark once on tiny data (each module's SMOKE knobs); `just test` runs this too
bench-smoke: setup servers
    {{venv}}/pytest tests/bench -q

# The trekant command line (e.g. just trekant tenant list)
trekant *ARGS: setup
    {{venv}}/trekant {{ARGS}}
