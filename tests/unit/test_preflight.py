"""The preflight checks shared by the roles (module_utils/common/preflight.py, filters in plugins/plugin_utils/filters/preflight.py)."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import (
    CheckError,
    failed_checks,
    image_problems,
    resource_problems,
)

GOOD = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}


def test_every_failed_check_gets_its_own_message_in_order():
    checks = [{"var": "a", "value": 1, "ok": False, "fix": "must be 2"},
              {"var": "b", "value": "x", "ok": True, "fix": "must be x"},
              {"var": "c", "value": {"k": "v"}, "ok": False, "fix": "must  be\n empty."}]
    assert failed_checks(checks) == ['a is 1: it must be 2.', 'c is {"k": "v"}: it must be empty.']
    assert failed_checks([]) == []


@pytest.mark.parametrize("check", [{"var": "a", "value": 1, "ok": "False", "fix": "f"}, {"var": "a", "ok": True},
                                   {"var": "a", "value": 1, "ok": True, "fix": "f", "extra": 1}, "x"])
def test_a_malformed_check_is_a_role_bug(check):
    with pytest.raises(CheckError):
        failed_checks([check])


def test_resources_need_cpu_and_memory_requests_and_limits():
    assert resource_problems(GOOD, "loki_resources") == []
    problems = resource_problems({"requests": {"cpu": "100m"}, "limits": {"cpu": "fast", "memory": "1Gi"}},
                                 "loki_resources")
    assert problems == [
        "loki_resources.requests.memory is null: it must be a Kubernetes quantity such as 256Mi or 2Gi; requests "
        "and limits both need cpu and memory (rule K001).",
        'loki_resources.limits.cpu is "fast": it must be a Kubernetes quantity such as 500m or 0.5; requests and '
        "limits both need cpu and memory (rule K001)."]
    assert resource_problems(None, "grafana_resources")[0].startswith("grafana_resources is null: it must be a mapping")


def test_image_settings():
    tags = {"current": "3.7.8", "seed": "2.9.4"}
    assert image_problems("loki", tags, "3.7.8", "docker.io/grafana/loki", "", "current") == []
    assert image_problems("loki", tags, "", "docker.io/grafana/loki", "", "edge") == [
        'loki_image_tags is {"current": "3.7.8", "seed": "2.9.4"}: it has no tag for the version profile edge '
        "(monitoring_version_profile): add one, or set loki_image_tag."]
    problems = image_problems("loki", tags, "latest", "docker.io/grafana/loki:3", "sha256:abc", "current",
                              "docker.io/grafana/loki")
    assert [p.split(" ")[0] for p in problems] == ["loki_image_repository", "loki_image_tag", "loki_image_digest"]
    assert "such as docker.io/grafana/loki" in problems[0] and "rule K002" in problems[1]


def test_the_filters_are_the_functions():
    filters = FilterModule().filters()
    assert filters["failed_checks"]([{"var": "v", "value": "", "ok": False, "fix": "f"}]) == ['v is "": it f.']
    assert filters["resource_problems"](GOOD, "x") == []
    assert filters["image_problems"]("loki", {"current": "3.7.8"}, "3.7.8", "grafana/loki", "", "current") == []


def test_a_resource_quantity_written_with_a_space_or_a_unit_word_gets_the_likely_value():
    found = resource_problems({"requests": {"cpu": "0.5 cores", "memory": "512 MB"}, "limits": GOOD["limits"]},
                              "loki_resources")
    assert found == [
        'loki_resources.requests.cpu is "0.5 cores": it must be a Kubernetes quantity such as 500m or 0.5; "0.5 cores" '
        "is not one, because a CPU quantity is a number of cores without a unit word: write 0.5 or 500m; requests and "
        "limits both need cpu and memory (rule K001).",
        'loki_resources.requests.memory is "512 MB": it must be a Kubernetes quantity such as 256Mi or 2Gi; "512 MB" '
        "is not one, because of the space between the number and the unit and because Kubernetes writes this unit Mi "
        "(powers of 1024) or M (powers of 1000), not MB: write 512Mi or 512M; requests and limits both need cpu and "
        "memory (rule K001)."]
