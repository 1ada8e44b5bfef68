"""Release records kept in the cluster (module_utils/apply/release.py), as Secrets on a real API server."""

from __future__ import annotations

import base64
import json
import os

import pytest
from cluster.real_api import MANAGER
from k8s_objects import owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.release import (
    CHUNK_SIZE,
    ReleaseError,
    delete_releases,
    list_releases,
    read_release,
    record_release,
    release_secrets,
)

pytestmark = [pytest.mark.cluster, pytest.mark.usefixtures("stack_namespace")]


def objects(names, version="v3.13.3", extra=0):
    """A release's payload: the rendered objects, as data (they are not applied here)."""
    found = [owned("Namespace", names.ns, instance=names.instance),
             owned("StatefulSet", "prometheus", names.ns, "apps/v1", app="prometheus", version=version,
                   instance=names.instance, spec={"replicas": 1})]
    found += [owned("ConfigMap", "dashboard-%d" % i, names.ns, instance=names.instance, data={"d.json": "x" * 1000})
              for i in range(extra)]
    return found


def record(cluster, names, objs, digest, now="2026-01-01T00:00:00Z", check_mode=False, **extra):
    params = {"namespace": names.ns, "instance": names.instance, "objects": objs, "digest": digest, "time": now,
              "versions": {"prometheus": objs[1]["metadata"]["labels"]["app.kubernetes.io/version"]},
              "counts": {"created": len(objs)}, "cluster": "dev-homelab", "collection_version": "0.1.0",
              "retain": [{"apiVersion": "v1", "kind": "Secret", "namespace": names.ns, "name": "grafana-admin"}],
              "secrets": [{"name": "grafana-admin", "namespace": names.ns, "keys": [{"key": "admin-password",
                                                                                     "generate": True}]}]}
    params.update(extra)
    return record_release(cluster, params, check_mode=check_mode)


def secrets(cluster, names):
    """name -> resourceVersion of every Secret in the test's namespace."""
    secrets = cluster.list("v1", "Secret", namespace=names.ns)
    return {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in secrets}


def test_a_large_release_is_split_into_secrets_the_api_server_accepts(cluster, names):
    big = [owned("ConfigMap", "blob-%d" % i, names.ns, instance=names.instance,
                 data={"b": base64.b64encode(os.urandom(30000)).decode()}) for i in range(60)]
    parts = release_secrets({"instance": names.instance, "revision": 4, "objects": big}, names.ns)
    chunks = [s for s in parts if s["metadata"]["labels"]["release.vmstation.io/part"] == "chunk"]
    assert len(chunks) >= 3, "about 2.4 MB of random data cannot fit in fewer chunks"
    assert all(len(base64.b64decode(s["data"]["payload"])) <= CHUNK_SIZE for s in chunks)
    assert parts[-1]["metadata"]["name"] == "%s-release-v4" % names.instance, "the index is written last"
    for secret in parts:  # the API server refuses a Secret over 1 MiB
        cluster.apply(secret, MANAGER)
    assert read_release(cluster, names.ns, names.instance, 4)["objects"] == big


def test_each_apply_with_new_inputs_records_a_release_and_supersedes_the_previous_one(cluster, names):
    first = record(cluster, names, objects(names), "digest-1")
    assert first["recorded"] and first["revision"] == 1
    second = record(cluster, names, objects(names, "v3.14.0"), "digest-2", now="2026-01-02T00:00:00Z")
    assert second["revision"] == 2
    releases = list_releases(cluster, names.ns, names.instance)
    assert [(r["revision"], r["status"], r["versions"]["prometheus"]) for r in releases] == [
        (1, "superseded", "v3.13.3"), (2, "deployed", "v3.14.0")]
    assert releases[1]["time"] == "2026-01-02T00:00:00Z" and releases[1]["cluster"] == "dev-homelab"


def test_the_same_inputs_record_nothing(cluster, names):
    record(cluster, names, objects(names), "digest-1")
    before = secrets(cluster, names)
    again = record(cluster, names, objects(names), "digest-1")
    assert again == dict(again, changed=False, recorded=False, revision=1)
    assert secrets(cluster, names) == before


def test_new_secret_descriptions_make_a_new_release(cluster, names):
    first = record(cluster, names, objects(names), "digest-1")
    hooks = [{"name": "receivers", "namespace": names.ns, "keys": [{"key": "url", "variable": "slack_url"}]}]
    second = record(cluster, names, objects(names), "digest-1", secrets=hooks)
    assert second["recorded"] and second["revision"] == 2 and second["digest"] != first["digest"]
    assert record(cluster, names, objects(names), "digest-1", secrets=hooks)["recorded"] is False


def test_check_mode_records_nothing(cluster, names):
    before = secrets(cluster, names)
    result = record(cluster, names, objects(names), "digest-1", check_mode=True)
    assert result["changed"] and result["revision"] == 1
    assert list_releases(cluster, names.ns, names.instance) == [] and secrets(cluster, names) == before


def test_history_is_trimmed_to_the_newest_releases(cluster, names):
    for n in range(1, 6):
        record(cluster, names, objects(names), "digest-%d" % n, history=3)
    assert [r["revision"] for r in list_releases(cluster, names.ns, names.instance)] == [3, 4, 5]
    kept = sorted(n for n in secrets(cluster, names) if n.startswith(names.instance))
    assert not any("-v1" in n or "-v2-" in n or n.endswith("-v2") for n in kept) and kept


def test_reading_the_previous_release_gives_back_what_was_applied(cluster, names):
    record(cluster, names, objects(names), "digest-1")
    record(cluster, names, objects(names, "v3.14.0"), "digest-2")
    previous = read_release(cluster, names.ns, names.instance)
    assert previous["revision"] == 1 and previous["status"] == "superseded"
    assert previous["objects"] == objects(names)
    assert previous["retain"][0]["name"] == "grafana-admin"
    assert previous["secrets"][0]["keys"] == [{"key": "admin-password", "generate": True}]
    assert read_release(cluster, names.ns, names.instance, 2)["objects"] == objects(names, "v3.14.0")


def test_a_damaged_or_incomplete_release_is_refused(cluster, names):
    record(cluster, names, objects(names), "digest-1")
    record(cluster, names, objects(names, extra=3), "digest-2")
    cluster.patch_merge("v1", "Secret", "%s-release-v1-0" % names.instance, names.ns,
                        {"data": {"payload": base64.b64encode(b"tampered").decode()}})
    with pytest.raises(ReleaseError, match="damaged"):
        read_release(cluster, names.ns, names.instance, 1)
    assert cluster.delete("v1", "Secret", "%s-release-v2-0" % names.instance, names.ns)
    with pytest.raises(ReleaseError, match="incomplete: Secret %s-release-v2-0 is missing" % names.instance):
        read_release(cluster, names.ns, names.instance, 2)


def test_delete_removes_every_record(cluster, names):
    record(cluster, names, objects(names), "digest-1")
    record(cluster, names, objects(names), "digest-2")
    assert delete_releases(cluster, names.ns, names.instance) == [1, 2]
    assert [n for n in secrets(cluster, names) if n.startswith(names.instance)] == []
    assert json.dumps(list_releases(cluster, names.ns, names.instance)) == "[]"
