#!/usr/bin/env bash
# ansible-test sanity on the collection, with an empty ignore file, offline except for PyPI.
# ansible-test must run from the collection's place in a collections tree
# (collections/ansible_collections/vmstation/monitoring, a symlink to the checkout). Each sanity test
# gets its own virtual environment (--venv), built once and cached under ~/.ansible/test/venv; pip is
# bootstrapped in them by scripts/get_pip.py instead of a get-pip.py downloaded from
# ci-files.testing.ansible.com, which this machine cannot reach.
# Extra arguments go to ansible-test, e.g. scripts/sanity.sh --test pylint plugins/modules/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv_python="$root/.venv/bin/python"
collection="$root/collections/ansible_collections/vmstation/monitoring"
[ -e "$collection" ] || { mkdir -p "$(dirname "$collection")"; ln -s "$root" "$collection"; }
# ansible-test sees only the collections beside the one it tests: kubernetes.core (the modules' doc
# fragment and module_utils) is linked there from the ansible package in the venv.
kubernetes_core=$("$venv_python" -c 'import ansible_collections.kubernetes.core as c; print(c.__path__[0])')
mkdir -p "$root/collections/ansible_collections/kubernetes"
ln -sfn "$kubernetes_core" "$root/collections/ansible_collections/kubernetes/core"

pip_version=$("$venv_python" -c '
from types import SimpleNamespace
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(SimpleNamespace(version="3.11"))["pip"])')
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$root/scripts/get_pip.py" "$cache/get_pip_${pip_version//./_}.py"

# The shell's cd keeps the symlinked path but ansible-test reads the resolved one (the checkout, outside
# any ansible_collections tree), so the collection's place is given to it explicitly.
cd "$collection"
export ANSIBLE_TEST_CONTENT_ROOT="$collection"
export PATH="$root/.venv/bin:$PATH"
exec ansible-test sanity --color no --python 3.11 --local --requirements "$@"
