"""The summary that ends a run for one cluster (module_utils/export/summary.py, filter stack_summary)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule

summary = FilterModule().filters()["stack_summary"]
EXPORT = {"objects": 3, "created": ["a/x.yaml"], "updated": ["a/kustomization.yaml"], "removed": ["b/old.yaml"],
          "unchanged": 4, "secrets_file": "build/c1/SECRETS.md",
          "secrets": [{"namespace": "monitoring", "name": "grafana-admin", "made_by": "apply", "keys": ["admin-user"]},
                      {"namespace": "monitoring", "name": "am-slack", "made_by": "tree", "keys": ["url"]}]}
COMPONENTS = [{"name": "stack", "objects": [{}]}, {"name": "prometheus", "objects": [{}, {}]}, {"name": "loki", "objects": []}]
WARNING = {"rule": "LOKI_VERIFY", "severity": "warning", "kind": "ConfigMap", "namespace": "monitoring", "name": "loki",
           "path": "data", "message": "no loki", "fix": "build it", "waived": False, "waiver_reason": ""}


def test_a_render_only_run_says_what_changed_and_what_to_do_next():
    lines = summary(EXPORT, "c1", "build/c1", components=COMPONENTS, violations=[WARNING],
                    warnings=["alerts go\n   nowhere"]).splitlines()
    assert lines[0] == ("c1: 3 objects of 2 components (stack, prometheus) in build/c1: 6 files, 1 created, 1 updated, "
                        "4 unchanged; 1 old file removed.")
    assert lines[1] == "Validation: no blocking violation, 1 warning."
    assert lines[2] == "Warning: alerts go nowhere"
    assert lines[3] == "Warning: [LOKI_VERIFY warning] ConfigMap/monitoring/loki at data: no loki. Fix: build it"
    assert lines[4].startswith("Next: nothing was applied (monitoring_apply is false).")
    # The Secret the tree holds encrypted (made_by tree) is not one to create.
    assert "first create the Secret it reads but does not hold: monitoring/grafana-admin (keys admin-user). " \
           "build/c1/SECRETS.md says where" in lines[5]


def test_check_mode_says_would_and_an_applied_run_points_at_the_verify_summary():
    text = summary(EXPORT, "c1", "build/c1", applied=True, check_mode=True)
    assert "1 would be created, 1 would be updated, 4 unchanged; 1 old file would be removed." in text
    assert "Applied to the cluster as a server-side dry run" in text and "Next:" not in text


def test_bad_arguments_are_refused_naming_the_filter():
    with pytest.raises(AnsibleFilterError, match="stack_summary: expects the result of export_manifests"):
        summary("nope", "c1", "build/c1")
    with pytest.raises(AnsibleFilterError, match="stack_summary: warnings must be a list"):
        summary(EXPORT, "c1", "build/c1", warnings="one")
