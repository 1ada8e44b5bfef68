from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common import labels

FILTERS = FilterModule().filters()


def test_standard_labels_have_every_required_key():
    result = FILTERS["k8s_labels"]("prometheus", instance_name="vm", component="server", version="v3.5.0@sha256:ab")
    assert set(result) == set(labels.REQUIRED_LABELS)
    assert result[labels.VERSION] == "v3.5.0"
    assert result[labels.PART_OF_LABEL] == labels.PART_OF


def test_selector_never_carries_the_version():
    assert FILTERS["k8s_selector"]("prometheus", instance_name="vm") == {
        labels.NAME: "prometheus", labels.INSTANCE: "vm"}


@pytest.mark.parametrize("bad", ["", "-x", "a" * 64, "has space"])
def test_invalid_values_are_refused_with_the_value_named(bad):
    with pytest.raises(AnsibleFilterError, match="k8s_labels"):
        FILTERS["k8s_labels"]("prometheus", instance_name="vm", component=bad or "", version="v1" if bad else "")
