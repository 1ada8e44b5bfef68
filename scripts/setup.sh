#!/usr/bin/env bash
# Set up everything this checkout needs, idempotently:
#   - .venv with the Python requirements (uv when available, it is much faster than pip);
#   - collections/ansible_collections/vmstation/monitoring -> this checkout, so the FQCNs resolve;
#   - the config checkers the validate phase runs (promtool, amtool, loki, promtail-check) at the versions the roles pin,
#     built by scripts/tools.py from the Go module proxy into ~/.cache/vmstation-tools (once per version).
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dev=false
[ "${1:-}" = "--dev" ] && dev=true

say() { printf '==> %s\n' "$*"; }

py=${PYTHON:-python3}
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is needed ($py is $("$py" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  if command -v uv >/dev/null 2>&1 || "$py" -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1; then
    :
  fi
  if command -v uv >/dev/null 2>&1; then uv venv -q -p "$py" .venv; else "$py" -m venv .venv; fi
fi
req=requirements.txt
$dev && req=requirements-dev.txt
stamp=".venv/.installed-$(basename "$req" .txt)"
if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  say "Installing Python requirements from $req"
  if command -v uv >/dev/null 2>&1; then
    VIRTUAL_ENV="$root/.venv" uv pip install -q -r "$req"
  elif "$py" -m uv --version >/dev/null 2>&1; then
    VIRTUAL_ENV="$root/.venv" "$py" -m uv pip install -q -r "$req"
  else
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
  fi
  touch "$stamp"
fi

mkdir -p collections/ansible_collections/vmstation
link=collections/ansible_collections/vmstation/monitoring
if [ "$(readlink "$link" 2>/dev/null)" != "$root" ]; then
  rm -rf "$link"
  ln -s "$root" "$link"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "setup: the Go toolchain (1.24 or newer) is needed to build the pinned promtool, amtool and loki;" >&2
  echo "setup: install it (https://go.dev/doc/install), then run this script again." >&2
  exit 1
fi
say "Building the pinned config checkers (cached after the first run)"
.venv/bin/python scripts/tools.py --binaries promtool,amtool,loki,promtail-check
# Not `ansible --version | head -1`: head exits after one line and, under pipefail, ansible dies of a broken pipe
# with a traceback.
say "Ready: .venv (ansible-core $(.venv/bin/python -c 'from ansible.release import __version__; print(__version__)'))"
