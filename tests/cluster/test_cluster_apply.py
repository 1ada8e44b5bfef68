"""Every example inventory applied to real control planes (scripts/local_cluster.py, one per cluster of
the inventory): the run succeeds, every pod the controllers create is admitted by Pod Security, every
rollout completes on kwok's simulated nodes, every claim is bound, and a second run changes nothing.
"""

from __future__ import annotations

import pytest
from cluster.helpers import assert_deployed, inventory_hosts, inventory_storage_class, recap, site, write_overlay
from conftest import INVENTORIES
from real_tools import pinned

pytestmark = [pytest.mark.render, pytest.mark.cluster]


# Every inventory on the oldest Kubernetes the stack promises to run on, except the default one, which
# goes to the newest (tests/cluster/test_cluster_lifecycle.py applies it to the oldest, with these checks).
CASES = [(inventory, pinned("kubernetes")[0]) for inventory in INVENTORIES if inventory != "local"] + [
    ("local", pinned("kubernetes")[-1])]


@pytest.mark.parametrize(("inventory", "version"), CASES)
def test_example_inventory_applies_is_admitted_rolls_out_and_changes_nothing_twice(
        inventory, version, cluster_factory, tmp_path):
    storage_class = inventory_storage_class(inventory)
    clusters = {host: cluster_factory(host, version, storage_classes=[storage_class] if storage_class else [])
                for host in inventory_hosts(inventory)}
    overlay = write_overlay(tmp_path / "overlay", clusters)
    build = tmp_path / "build"

    first = site(build, inventory, overlay)
    assert first.returncode == 0, first.output[-8000:]
    for host, cluster in clusters.items():
        assert_deployed(first, host, cluster)

    second = site(build, inventory, overlay)
    assert second.returncode == 0, second.output[-8000:]
    for host in clusters:
        assert recap(second)[host]["changed"] == 0, second.output[-8000:]
