#!/usr/bin/env bash
# Set up everything this checkout needs, idempotently:
#   - Debian packages: promtool and amtool (the validate phase checks configs with them);
#   - .venv with the Python requirements (uv when available, it is much faster than pip);
#   - collections/ansible_collections/vmstation/monitoring -> this checkout, so the FQCNs resolve.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dev=false
[ "${1:-}" = "--dev" ] && dev=true

say() { printf '==> %s\n' "$*"; }

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_apt+=(prometheus-alertmanager)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); elif command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "setup: ${need_apt[*]} (Debian packages giving promtool/amtool) are missing and this user cannot install them;" >&2
    echo "setup: run 'apt-get install ${need_apt[*]}' as root, then run this script again." >&2
    exit 1
  fi
  say "Installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The packages enable services; this project only needs the binaries.
  for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
    "${sudo_cmd[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true
  done
fi

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
say "Ready: .venv ($(.venv/bin/ansible --version | head -1))"
