#!/usr/bin/env bash
# Set up everything (scripts/setup.sh --dev), then run the whole test suite:
# lint (yamllint, ansible-lint production profile), pytest (unit, render, tool and end-to-end tests),
# and the molecule `default` scenario (converge, idempotence, verify on localhost).
# The molecule `cluster` scenario runs too; it skips with a message when no cluster is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/collections"
export PY_COLORS=0 ANSIBLE_NOCOLOR=1

step() { printf '\n==> %s\n' "$*"; }

step "yamllint"
yamllint --strict .
step "ansible-lint (production profile, offline)"
ansible-lint
step "pytest"
python -m pytest -n 2 -p no:cacheprovider --durations=25 "$@"
for scenario in molecule/*/; do
  scenario=$(basename "$scenario")
  step "molecule test -s $scenario"
  molecule test -s "$scenario"
done
