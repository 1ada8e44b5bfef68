"""Release records (module_utils/apply/release.py): payload, chunks, picking; on a cluster: tests/cluster/test_api_release.py."""

from __future__ import annotations

import base64
import json
import os

import pytest
from k8s_objects import INSTANCE_NAME, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.release import (
    CHUNK_SIZE,
    ReleaseError,
    decode,
    encode,
    pick_revision,
    release_secrets,
)

NS = "monitoring"


def objects(version="v3.13.3", extra=0):
    found = [owned("Namespace", NS), owned("StatefulSet", "prometheus", NS, "apps/v1", app="prometheus",
                                           version=version, spec={"replicas": 1})]
    found += [owned("ConfigMap", "dashboard-%d" % i, NS, data={"d.json": "x" * 1000}) for i in range(extra)]
    return found


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


def test_what_rollback_can_not_do_is_said_plainly():
    with pytest.raises(ReleaseError, match="no release is recorded"):
        pick_revision([])
    with pytest.raises(ReleaseError, match="only release v1 is recorded"):
        pick_revision([{"revision": 1}])
    with pytest.raises(ReleaseError, match="release v7 is not recorded; recorded: v1, v2"):
        pick_revision([{"revision": 1}, {"revision": 2}], 7)


def test_release_records_are_not_the_stacks_objects_for_prune():
    secrets = release_secrets({"instance": INSTANCE_NAME, "revision": 1, "objects": []}, NS)
    for secret in secrets:
        assert "app.kubernetes.io/instance" not in secret["metadata"]["labels"]
        assert secret["type"] == "vmstation.io/release.v1"
