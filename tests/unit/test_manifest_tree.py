from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.export import kustomize as mt


def cm(name, namespace="monitoring", data=None):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace},
            "data": data or {"a": "b"}}


def test_plan_tree_lays_out_components_and_kustomizations():
    files = mt.plan_tree([("stack", [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "monitoring"}}]),
                          ("prometheus", [cm("prometheus-config")])])
    assert set(files) == {
        "stack/namespace-monitoring.yaml", "stack/kustomization.yaml",
        "prometheus/configmap-monitoring-prometheus-config.yaml", "prometheus/kustomization.yaml",
        "kustomization.yaml", mt.MARKER}
    assert yaml.safe_load(files["kustomization.yaml"])["resources"] == ["stack", "prometheus"]
    assert yaml.safe_load(files["prometheus/kustomization.yaml"])["resources"] == [
        "configmap-monitoring-prometheus-config.yaml"]


def test_multiline_strings_are_written_as_blocks_and_read_back_equal():
    obj = cm("c", data={"prometheus.yml": "global:\n  scrape_interval: 30s\n"})
    text = mt.dump_yaml(obj)
    assert "prometheus.yml: |" in text
    assert yaml.safe_load(text) == obj


def test_every_problem_is_reported_at_once():
    with pytest.raises(mt.TreeError) as err:
        mt.plan_tree([("Bad Name", []), ("a", [cm("x"), cm("x"), {"kind": "ConfigMap", "metadata": {}}])])
    message = str(err.value)
    assert "Bad Name" in message and "rendered twice" in message and "no kind or metadata.name" in message


def test_write_tree_is_idempotent_and_prunes(tmp_path):
    dest = tmp_path / "local"
    first = mt.write_tree(dest, mt.plan_tree([("a", [cm("x"), cm("y")])]))
    assert first["created"] and not first["updated"] and not first["removed"]
    stamp = {p: os.stat(dest / p).st_mtime_ns for p in first["created"]}
    again = mt.write_tree(dest, mt.plan_tree([("a", [cm("x"), cm("y")])]))
    assert again == {"created": [], "updated": [], "removed": [], "unchanged": len(first["created"])}
    assert {p: os.stat(dest / p).st_mtime_ns for p in first["created"]} == stamp
    changed = mt.write_tree(dest, mt.plan_tree([("b", [cm("x", data={"a": "c"})])]))
    assert "a/configmap-monitoring-y.yaml" in changed["removed"]
    assert not (dest / "a").exists()


def test_check_mode_reports_without_writing(tmp_path):
    result = mt.write_tree(tmp_path / "x", mt.plan_tree([("a", [cm("x")])]), check_mode=True)
    assert result["created"] and not (tmp_path / "x").exists()


def test_diff_mode_shows_each_file_that_would_change_and_check_mode_writes_nothing(tmp_path):
    dest = tmp_path / "local"
    mt.write_tree(dest, mt.plan_tree([("a", [cm("x"), cm("y")])]))
    before = {p: p.read_text() for p in dest.rglob("*") if p.is_file()}
    same = mt.write_tree(dest, mt.plan_tree([("a", [cm("x"), cm("y")])]), check_mode=True, diff=True)
    assert same["diff"] == [] and not same["created"] and not same["updated"] and not same["removed"]
    result = mt.write_tree(dest, mt.plan_tree([("a", [cm("x", data={"a": "changed"})])]), check_mode=True, diff=True)
    assert result["updated"] == ["a/configmap-monitoring-x.yaml", "a/kustomization.yaml"]
    assert result["removed"] == ["a/configmap-monitoring-y.yaml"]
    assert result["unchanged"] == len(before) - 3
    by_file = {d["before_header"]: d for d in result["diff"]}
    changed = by_file[str(dest / "a/configmap-monitoring-x.yaml")]
    assert "changed" in changed["after"] and "changed" not in changed["before"]
    gone = by_file[str(dest / "a/configmap-monitoring-y.yaml")]
    assert gone["after"] == "" and gone["after_header"].endswith("(removed)")
    assert {p: p.read_text() for p in dest.rglob("*") if p.is_file()} == before, "check mode wrote nothing"


def test_a_foreign_folder_is_never_replaced(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(mt.TreeError, match="refusing to replace"):
        mt.write_tree(tmp_path, mt.plan_tree([("a", [cm("x")])]))
    assert (tmp_path / "mine.txt").read_text() == "keep me"
