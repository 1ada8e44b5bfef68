"""Loading manifests from files and folders: multi-document files, Lists, non-Kubernetes YAML (skipped with a
note), malformed YAML and JSON (errors naming file, line and column), duplicate keys."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import (
    ManifestError,
    expand_lists,
    load_path,
    load_text,
)

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"


def test_a_multi_document_file_yields_every_object_with_its_line():
    text = "---\n" + CONFIGMAP % "a" + "---\n# comment\n" + CONFIGMAP % "b" + "---\n---\n"
    result = load_text(text, "m.yaml")
    assert [(d.obj["metadata"]["name"], d.source) for d in result.documents] == [("a", "m.yaml:2"), ("b", "m.yaml:8")]
    assert result.errors == [] and result.notes == []


def test_a_list_is_expanded_into_its_items():
    text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n" \
           "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n"
    assert [o["kind"] for o in load_text(text).objects] == ["Service", "ConfigMap"]
    assert [o["kind"] for o in expand_lists([{"kind": "List", "items": [{"kind": "Pod"}]}, {"kind": "Job"}])] == [
        "Pod", "Job"]


@pytest.mark.parametrize("text,reason", [
    ("replicas: 3\nimage: {tag: x}\n", "no apiVersion and kind"),
    ("- hosts: all\n  tasks: []\n", "a list, not a mapping"),
    ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
     "a Kustomization (kustomize.config.k8s.io/v1beta1) is a tool's configuration, not an API object"),
    ("just a string\n", "a str, not a mapping"),
])
def test_documents_that_are_not_kubernetes_objects_are_skipped_with_a_note(text, reason):
    result = load_text(text, "x.yaml")
    assert result.documents == [] and result.errors == []
    assert result.notes == ["x.yaml:1: document #1 ignored: %s" % reason]


def test_malformed_yaml_names_the_file_line_and_column():
    broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n"
    result = load_text(CONFIGMAP % "ok" + "---\n" + broken, "bad.yaml")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("bad.yaml:10:1: malformed YAML: while parsing a flow sequence")
    assert [d.obj["metadata"]["name"] for d in result.documents] == ["ok"]


def test_duplicate_keys_are_errors_as_the_api_server_rejects_them():
    result = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", "dup.yaml")
    assert result.errors == ["dup.yaml:5:3: malformed YAML: while reading a mapping: found duplicate key 'name' "
                             "(first at line 4)"]


def test_merge_keys_are_not_duplicates():
    text = "base: &b {a: 1}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *b\n  name: m\n"
    assert load_text(text).objects[0]["metadata"] == {"a": 1, "name": "m"}


def test_scalars_are_read_as_the_api_server_reads_them():
    text = CONFIGMAP % "c" + "data:\n  day: 2024-01-01\n  eq: =\n  octal: '0755'\n"
    assert load_text(text).objects[0]["data"] == {"day": "2024-01-01", "eq": "=", "octal": "0755"}


def test_a_metadata_that_is_not_a_mapping_is_an_error():
    result = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: x\n", "m.yaml")
    assert result.documents == [] and result.errors == ["m.yaml:1: ConfigMap #1 has no metadata mapping"]


def test_a_folder_is_searched_recursively_skipping_hidden_and_other_files(tmp_path):
    (tmp_path / "a.yaml").write_text(CONFIGMAP % "a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(CONFIGMAP % "b")
    (tmp_path / "sub" / "c.json").write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}')
    (tmp_path / "sub" / "notes.txt").write_text("kind: ConfigMap")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "d.yaml").write_text(CONFIGMAP % "d")
    (tmp_path / ".hidden.yaml").write_text(CONFIGMAP % "e")
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    result = load_path(str(tmp_path))
    assert [d.obj["metadata"]["name"] for d in result.documents] == ["a", "b", "c"]
    assert result.files == 4
    assert result.notes == ["%s/values.yaml:1: document #1 ignored: no apiVersion and kind" % tmp_path]


def test_every_broken_file_is_reported_not_only_the_first(tmp_path):
    (tmp_path / "a.yaml").write_text("a: [\n")
    (tmp_path / "b.json").write_text('{"apiVersion": "v1",\n "kind": }')
    (tmp_path / "c.yaml").write_text(CONFIGMAP % "c")
    result = load_path(str(tmp_path))
    assert [e.split(": ")[0] for e in result.errors] == ["%s/a.yaml:2:1" % tmp_path, "%s/b.json:2:10" % tmp_path]
    assert "malformed JSON" in result.errors[1]
    assert [d.obj["metadata"]["name"] for d in result.documents] == ["c"]


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="does not exist"):
        load_path(str(tmp_path / "nope"))


def test_an_empty_folder_gives_a_note(tmp_path):
    result = load_path(str(tmp_path))
    assert result.documents == [] and result.notes == ["%s: no .yaml, .yml or .json file found" % tmp_path]


def test_a_file_that_is_not_utf8_is_an_error(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    result = load_path(str(tmp_path))
    assert len(result.errors) == 1 and result.errors[0].startswith("%s/bin.yaml: cannot be read" % tmp_path)
