"""The batch size of playbooks/site.yml's play over the clusters (plugins/plugin_utils/filters/rollout.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule

rollout_serial = FilterModule().filters()["rollout_serial"]


def test_a_run_that_applies_any_cluster_takes_them_one_at_a_time():
    assert rollout_serial(["prod-eu1"]) == 1
    assert rollout_serial(["prod-eu1", "prod-us1"]) == 1


def test_a_render_only_run_takes_every_cluster_at_once():
    assert rollout_serial([]) == "100%"


@pytest.mark.parametrize("bad", ["prod-eu1", None, {"prod-eu1": {}}])
def test_anything_but_a_list_of_clusters_is_refused(bad):
    with pytest.raises(AnsibleFilterError, match="rollout_serial: expects the list of clusters"):
        rollout_serial(bad)
