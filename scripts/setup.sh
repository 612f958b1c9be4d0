#!/usr/bin/env bash
# Idempotent set-up: a Python >= 3.12 virtualenv in .venv with the locked packages, the npm
# packages, Debian's Chromium and nginx (when run as root) and the compiled translation catalogues.
# Every make target runs this first; a second run only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.13 python3.12 python3)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root 2>/dev/null || true)
    for p in "$root"/versions/3.1[2-9]*/bin/python3 "$root"/versions/3.[2-9]*/bin/python3; do
      [ -x "$p" ] && candidates+=("$p")
    done
  fi
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && python_ok "$c"; then command -v "$c"; return 0; fi
  done
  return 1
}

# 1. Python and the locked packages.
if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
  if ! py=$(find_python); then
    echo "Verbindend needs Python 3.12 or newer, and none was found." >&2
    echo "Install one (e.g. 'apt install python3.12', 'pyenv install 3.13', or from python.org)" >&2
    echo "and run again, or point to it: make setup PYTHON=/path/to/python3.12" >&2
    exit 1
  fi
  say "creating .venv with $py ($("$py" --version))"
  rm -rf .venv
  "$py" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
fi
if [ ! -f .venv/.locked ] || ! cmp -s requirements.lock .venv/.locked; then
  say "installing Python packages from requirements.lock"
  .venv/bin/uv pip install --quiet --python .venv/bin/python -r requirements.lock
  # Byte-compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on some CI machines)
  # Python never writes .pyc files, and every process would compile Django and the rest
  # again at its start (2.4 s instead of 0.9 s per web process).
  .venv/bin/python -m compileall -q -j 0 .venv/lib/python*/site-packages >/dev/null || true
  cp requirements.lock .venv/.locked
fi

# 2. Front-end packages (htmx, axe-core) from the npm registry.
if [ ! -f node_modules/.installed ] || ! cmp -s package-lock.json node_modules/.installed; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm was not found: install Node.js 20 or newer (e.g. 'apt install nodejs npm')." >&2
    exit 1
  fi
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed
fi

# 3. Chromium for the browser tests, from Debian's packages when we may install them.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# 3b. nginx for the production-path test (e2e/test_production.py), from Debian's packages.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ] \
    && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's nginx for the production-path test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi

# 3c. The project's own modules, byte-compiled for the same reason (only changed files are
# compiled again; Python ignores a .pyc whose source has changed since).
.venv/bin/python -m compileall -q -j 0 verbindend bench e2e >/dev/null || true

# 4. Compiled translation catalogues (babel compiles them; no system gettext needed).
for dir in $(find verbindend -type d -name locale -not -path '*/node_modules/*'); do
  for po in "$dir"/*/LC_MESSAGES/*.po; do
    [ -f "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
      .venv/bin/pybabel compile -i "$po" -o "$mo" >/dev/null 2>&1 \
        || .venv/bin/pybabel compile -i "$po" -o "$mo"
    fi
  done
done
