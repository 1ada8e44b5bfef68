#!/usr/bin/env bash
# Set up everything (scripts/setup.sh --dev, then scripts/tools.py: the Kubernetes control plane, kwok,
# helm and the components' binaries at pinned versions), then run the whole test suite:
# lint (yamllint, ansible-lint production profile, ansible-test sanity), pytest (unit, render, tool and
# end-to-end tests), and the molecule `default` scenario (converge, idempotence, verify on localhost).
# The molecule `cluster` scenario runs against a local control plane with kwok nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/collections"
export PY_COLORS=0 ANSIBLE_NOCOLOR=1

step() { printf '\n==> %s\n' "$*"; }

step "tools (pinned builds, cached in ${VMSTATION_TOOLS_CACHE:-~/.cache/vmstation-tools})"
.venv/bin/python scripts/tools.py
step "yamllint"
yamllint --strict .
step "ansible-lint (production profile, offline)"
ansible-lint
step "ansible-test sanity (no ignore file)"
scripts/sanity.sh
step "pytest"
# worksteal: the long cluster tests are rebalanced onto whichever worker is free.
python -m pytest -n 2 --dist worksteal -p no:cacheprovider --durations=25 "$@"
# Runs "$@" with KUBECONFIG pointing at a local control plane with kwok nodes (scripts/local_cluster.py).
with_local_cluster() {
  local dir pid rc=0
  dir=$(mktemp -d "${TMPDIR:-/tmp}/local-cluster.XXXXXX")
  python scripts/local_cluster.py up --dir "$dir" >"$dir/up.log" 2>&1 &
  pid=$!
  until grep -q '^export KUBECONFIG' "$dir/up.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$dir/up.log" >&2; return 1; fi
    sleep 1
  done
  # kwok's pods have no reachable IP: rollouts are waited for, the service-proxy health checks are not.
  KUBECONFIG="$dir/kubeconfig" MOLECULE_CLUSTER_VERIFY_HEALTH=false MOLECULE_CLUSTER_TIMEOUT=300 "$@" || rc=$?
  if kill "$pid"; then wait "$pid" || true; fi
  rm -rf "$dir"
  return "$rc"
}

for scenario in molecule/*/; do
  scenario=$(basename "$scenario")
  step "molecule test -s $scenario"
  if [ "$scenario" = cluster ]; then
    with_local_cluster molecule test -s cluster
  else
    molecule test -s "$scenario"
  fi
done
