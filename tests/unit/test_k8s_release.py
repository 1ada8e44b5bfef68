"""Release records kept in the cluster (module_utils/k8s_release.py)."""

from __future__ import annotations

import base64
import json
import os

import pytest
from k8s_fake import INSTANCE_NAME, FakeCluster, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_release import (
    CHUNK_SIZE,
    ReleaseError,
    decode,
    delete_releases,
    encode,
    list_releases,
    pick_revision,
    read_release,
    record_release,
    release_secrets,
)

NS = "monitoring"


def objects(version="v3.13.3", extra=0):
    found = [owned("Namespace", NS), owned("StatefulSet", "prometheus", NS, "apps/v1", app="prometheus",
                                           version=version, spec={"replicas": 1})]
    found += [owned("ConfigMap", "dashboard-%d" % i, NS, data={"d.json": "x" * 1000}) for i in range(extra)]
    return found


def record(cluster, objs, digest, now="2026-01-01T00:00:00Z", **extra):
    params = {"namespace": NS, "instance": INSTANCE_NAME, "objects": objs, "digest": digest, "time": now,
              "versions": {"prometheus": objs[1]["metadata"]["labels"]["app.kubernetes.io/version"]},
              "counts": {"created": len(objs)}, "cluster": "dev-homelab", "collection_version": "0.1.0",
              "retain": [{"apiVersion": "v1", "kind": "Secret", "namespace": NS, "name": "grafana-admin"}],
              "secrets": [{"name": "grafana-admin", "namespace": NS, "keys": [{"key": "admin-password",
                                                                               "generate": True}]}]}
    params.update(extra)
    return record_release(cluster, params, check_mode=extra.pop("check_mode", False))


def test_the_payload_round_trips_and_is_deterministic():
    data = {"objects": objects(), "revision": 1}
    assert decode(encode(data)) == data
    assert encode(data) == encode(json.loads(json.dumps(data)))


def test_a_large_release_is_split_into_secrets_under_the_size_limit():
    big = [owned("ConfigMap", "blob-%d" % i, NS, data={"b": base64.b64encode(os.urandom(30000)).decode()})
           for i in range(60)]
    secrets = release_secrets({"instance": INSTANCE_NAME, "revision": 4, "objects": big}, NS)
    chunks = [s for s in secrets if s["metadata"]["labels"]["release.vmstation.io/part"] == "chunk"]
    assert len(chunks) >= 3, "about 2.4 MB of random data cannot fit in fewer chunks"
    for secret in secrets:
        assert len(json.dumps(secret)) < 1024 * 1024, "a Secret must stay under the API server's 1 MiB limit"
    assert all(len(base64.b64decode(s["data"]["payload"])) <= CHUNK_SIZE for s in chunks)
    assert secrets[-1]["metadata"]["name"] == "vmstation-monitoring-release-v4", "the index is written last"
    cluster = FakeCluster([owned("Namespace", NS)])
    for secret in secrets:
        cluster.apply(secret, "vmstation-monitoring")
    assert read_release(cluster, NS, INSTANCE_NAME, 4)["objects"] == big


def test_each_apply_with_new_inputs_records_a_release_and_supersedes_the_previous_one():
    cluster = FakeCluster([owned("Namespace", NS)])
    first = record(cluster, objects(), "digest-1")
    assert first["recorded"] and first["revision"] == 1
    second = record(cluster, objects("v3.14.0"), "digest-2", now="2026-01-02T00:00:00Z")
    assert second["revision"] == 2
    releases = list_releases(cluster, NS, INSTANCE_NAME)
    assert [(r["revision"], r["status"], r["versions"]["prometheus"]) for r in releases] == [
        (1, "superseded", "v3.13.3"), (2, "deployed", "v3.14.0")]
    assert releases[1]["time"] == "2026-01-02T00:00:00Z" and releases[1]["cluster"] == "dev-homelab"


def test_the_same_inputs_record_nothing():
    cluster = FakeCluster([owned("Namespace", NS)])
    record(cluster, objects(), "digest-1")
    cluster.calls.clear()
    again = record(cluster, objects(), "digest-1")
    assert again == dict(again, changed=False, recorded=False, revision=1)
    assert not cluster.ops("apply")


def test_new_secret_descriptions_make_a_new_release():
    cluster = FakeCluster([owned("Namespace", NS)])
    first = record(cluster, objects(), "digest-1")
    second = record(cluster, objects(), "digest-1", secrets=[{"name": "receivers", "namespace": NS,
                                                              "keys": [{"key": "url", "variable": "slack_url"}]}])
    assert second["recorded"] and second["revision"] == 2 and second["digest"] != first["digest"]
    assert record(cluster, objects(), "digest-1", secrets=[{"name": "receivers", "namespace": NS, "keys": [
        {"key": "url", "variable": "slack_url"}]}])["recorded"] is False


def test_check_mode_records_nothing():
    cluster = FakeCluster([owned("Namespace", NS)])
    result = record(cluster, objects(), "digest-1", check_mode=True)
    assert result["changed"] and result["revision"] == 1
    assert list_releases(cluster, NS, INSTANCE_NAME) == []


def test_history_is_trimmed_to_the_newest_releases():
    cluster = FakeCluster([owned("Namespace", NS)])
    for n in range(1, 6):
        record(cluster, objects(), "digest-%d" % n, history=3)
    assert [r["revision"] for r in list_releases(cluster, NS, INSTANCE_NAME)] == [3, 4, 5]
    names = sorted(o["metadata"]["name"] for o in cluster.store.values() if o["kind"] == "Secret")
    assert not any("-v1" in n or "-v2-" in n or n.endswith("-v2") for n in names)


def test_reading_the_previous_release_gives_back_what_was_applied():
    cluster = FakeCluster([owned("Namespace", NS)])
    record(cluster, objects(), "digest-1")
    record(cluster, objects("v3.14.0"), "digest-2")
    previous = read_release(cluster, NS, INSTANCE_NAME)
    assert previous["revision"] == 1 and previous["status"] == "superseded"
    assert previous["objects"] == objects()
    assert previous["retain"][0]["name"] == "grafana-admin"
    assert previous["secrets"][0]["keys"] == [{"key": "admin-password", "generate": True}]
    assert read_release(cluster, NS, INSTANCE_NAME, 2)["objects"] == objects("v3.14.0")


def test_what_rollback_can_not_do_is_said_plainly():
    with pytest.raises(ReleaseError, match="no release is recorded"):
        pick_revision([])
    with pytest.raises(ReleaseError, match="only release v1 is recorded"):
        pick_revision([{"revision": 1}])
    with pytest.raises(ReleaseError, match="release v7 is not recorded; recorded: v1, v2"):
        pick_revision([{"revision": 1}, {"revision": 2}], 7)


def test_a_damaged_or_incomplete_release_is_refused():
    cluster = FakeCluster([owned("Namespace", NS)])
    record(cluster, objects(), "digest-1")
    record(cluster, objects(extra=3), "digest-2")
    chunk = cluster.find("Secret", "vmstation-monitoring-release-v1-0", NS)
    chunk["data"]["payload"] = base64.b64encode(b"tampered").decode()
    with pytest.raises(ReleaseError, match="damaged"):
        read_release(cluster, NS, INSTANCE_NAME, 1)
    cluster.delete("v1", "Secret", "vmstation-monitoring-release-v2-0", NS)
    with pytest.raises(ReleaseError, match="incomplete: Secret vmstation-monitoring-release-v2-0 is missing"):
        read_release(cluster, NS, INSTANCE_NAME, 2)


def test_release_records_are_not_the_stacks_objects_for_prune():
    secrets = release_secrets({"instance": INSTANCE_NAME, "revision": 1, "objects": []}, NS)
    for secret in secrets:
        assert "app.kubernetes.io/instance" not in secret["metadata"]["labels"]
        assert secret["type"] == "vmstation.io/release.v1"


def test_delete_removes_every_record():
    cluster = FakeCluster([owned("Namespace", NS)])
    record(cluster, objects(), "digest-1")
    record(cluster, objects(), "digest-2")
    assert delete_releases(cluster, NS, INSTANCE_NAME) == [1, 2]
    assert [o for o in cluster.store.values() if o["kind"] == "Secret"] == []
