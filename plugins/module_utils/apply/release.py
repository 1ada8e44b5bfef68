# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Release records: what each successful apply put on a cluster, kept in the cluster itself.

A rollback must work from any machine, so the record lives next to the stack: Secrets of type
``vmstation.io/release.v1`` in the release namespace (``monitoring_release_namespace``).

- ``<instance>-release-v<N>`` (part ``index``): the summary of release N (time, source, input
  digest, versions, object counts, number of chunks, sha256 of the payload) as a small JSON value and
  as annotations, and a status label (``deployed`` for the newest, ``superseded`` before).
- ``<instance>-release-v<N>-<i>`` (part ``chunk``): the payload, the full record (objects applied,
  objects retained) as gzip-compressed JSON, cut into chunks of at most ``CHUNK_SIZE`` bytes. A
  Secret holds at most 1 MiB (the API server's limit), so a large stack (dashboards add up) takes
  several chunks; listing the index never loads a payload.

The labels name the release (``release.vmstation.io/instance``) instead of carrying
``app.kubernetes.io/instance``, so the ownership selector of the apply phase never prunes them.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json

from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import ApiError
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.prune import RELEASE_INSTANCE_LABEL
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    MANAGED_BY,
    MANAGED_BY_LABEL,
    PART_OF,
    PART_OF_LABEL,
)

RECORD_FORMAT = 1
SECRET_TYPE = "vmstation.io/release.v1"
REVISION_LABEL = "release.vmstation.io/revision"
PART_LABEL = "release.vmstation.io/part"
STATUS_LABEL = "release.vmstation.io/status"
ANNOTATION_PREFIX = "release.vmstation.io/"
# Raw bytes per chunk: base64 makes them 4/3 larger, which stays well under the 1 MiB Secret limit.
CHUNK_SIZE = 512 * 1024
SUMMARY_KEYS = ("instance", "revision", "time", "source", "digest", "versions", "counts", "chunks", "sha256",
                "collection_version", "cluster", "field_manager")


class ReleaseError(Exception):
    """A release cannot be recorded or read; the message says why and what to do."""


def encode(record):
    """The record as gzip-compressed canonical JSON (same record, same bytes)."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(text, mtime=0)


def decode(payload):
    return json.loads(gzip.decompress(payload).decode("utf-8"))


def split(payload, size=CHUNK_SIZE):
    return [payload[i:i + size] for i in range(0, len(payload), size)] or [b""]


def index_name(instance, revision):
    return "%s-release-v%d" % (instance, revision)


def chunk_name(instance, revision, number):
    return "%s-release-v%d-%d" % (instance, revision, number)


def _labels(instance, revision, part):
    return {MANAGED_BY_LABEL: MANAGED_BY, PART_OF_LABEL: PART_OF, RELEASE_INSTANCE_LABEL: instance,
            REVISION_LABEL: str(revision), PART_LABEL: part}


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def release_secrets(record, namespace, chunk_size=CHUNK_SIZE):
    """The Secrets that store ``record``: chunks first, the index last (written last, read first)."""
    instance, revision = record["instance"], record["revision"]
    payload = encode(record)
    chunks = split(payload, chunk_size)
    secrets = []
    for number, chunk in enumerate(chunks):
        secrets.append({
            "apiVersion": "v1", "kind": "Secret", "type": SECRET_TYPE,
            "metadata": {"name": chunk_name(instance, revision, number), "namespace": namespace,
                         "labels": _labels(instance, revision, "chunk")},
            "data": {"payload": _b64(chunk)},
        })
    summary = {key: record.get(key) for key in SUMMARY_KEYS}
    summary.update({"chunks": len(chunks), "sha256": hashlib.sha256(payload).hexdigest()})
    labels = _labels(instance, revision, "index")
    labels[STATUS_LABEL] = "deployed"
    secrets.append({
        "apiVersion": "v1", "kind": "Secret", "type": SECRET_TYPE,
        "metadata": {"name": index_name(instance, revision), "namespace": namespace, "labels": labels,
                     "annotations": {ANNOTATION_PREFIX + key: str(summary[key]) for key in
                                     ("time", "source", "digest", "chunks")}},
        "data": {"summary": _b64(json.dumps(summary, sort_keys=True).encode("utf-8"))},
    })
    return secrets


def parse_index(secret):
    """The summary of a release from its index Secret."""
    summary = json.loads(base64.b64decode(secret["data"]["summary"]).decode("utf-8"))
    summary["status"] = secret["metadata"].get("labels", {}).get(STATUS_LABEL, "unknown")
    summary["name"] = secret["metadata"]["name"]
    return summary


def assemble(summary, chunk_secrets):
    """The record of a release from its summary and chunk Secrets; checks that none is missing or altered."""
    by_name = {s["metadata"]["name"]: s for s in chunk_secrets}
    payload = b""
    for number in range(summary["chunks"]):
        name = chunk_name(summary["instance"], summary["revision"], number)
        if name not in by_name:
            raise ReleaseError("release v%d is incomplete: Secret %s is missing" % (summary["revision"], name))
        payload += base64.b64decode(by_name[name]["data"]["payload"])
    if hashlib.sha256(payload).hexdigest() != summary["sha256"]:
        raise ReleaseError("release v%d is damaged: its chunks do not match the recorded sha256"
                           % summary["revision"])
    return decode(payload)


def release_selector(instance, part=None, revision=None):
    parts = ["%s=%s" % (MANAGED_BY_LABEL, MANAGED_BY), "%s=%s" % (RELEASE_INSTANCE_LABEL, instance)]
    if part:
        parts.append("%s=%s" % (PART_LABEL, part))
    if revision is not None:
        parts.append("%s=%s" % (REVISION_LABEL, revision))
    return ",".join(parts)


def list_releases(cluster, namespace, instance):
    """Summaries of every recorded release, oldest first."""
    found = cluster.list("v1", "Secret", label_selector=release_selector(instance, "index"), namespace=namespace)
    return sorted((parse_index(s) for s in found if s.get("type") == SECRET_TYPE), key=lambda s: s["revision"])


def pick_revision(releases, revision=0):
    """The release to roll back to: ``revision`` when given, else the one before the newest."""
    if not releases:
        raise ReleaseError("no release is recorded: nothing to roll back to (a release is recorded by each "
                           "successful apply of site.yml)")
    if revision:
        for release in releases:
            if release["revision"] == revision:
                return release
        raise ReleaseError("release v%d is not recorded; recorded: %s"
                           % (revision, ", ".join("v%d" % r["revision"] for r in releases)))
    if len(releases) < 2:
        raise ReleaseError("only release v%d is recorded: there is no previous release to roll back to"
                           % releases[-1]["revision"])
    return releases[-2]


def read_release(cluster, namespace, instance, revision=0):
    """The full record of a release (``revision`` 0: the one before the newest)."""
    summary = pick_revision(list_releases(cluster, namespace, instance), revision)
    chunks = cluster.list("v1", "Secret", label_selector=release_selector(instance, "chunk", summary["revision"]),
                          namespace=namespace)
    record = assemble(summary, chunks)
    record["status"] = summary["status"]
    return record


def release_digest(objects_digest, secrets):
    """The input digest of a release: its objects' digest, and the descriptions of its Secrets (never values)."""
    if not secrets:
        return objects_digest
    described = json.dumps(secrets, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(("%s\n%s" % (objects_digest, described)).encode("utf-8")).hexdigest()


def record_release(cluster, params, check_mode=False):
    """Record a release unless the newest one has the same input digest. Returns the module result."""
    namespace, instance = params["namespace"], params["instance"]
    manager = params.get("field_manager") or "vmstation-monitoring"
    digest = release_digest(params["digest"], params.get("secrets"))
    releases = list_releases(cluster, namespace, instance)
    latest = releases[-1] if releases else None
    if latest and latest["digest"] == digest and latest["status"] == "deployed":
        return {"changed": False, "recorded": False, "revision": latest["revision"], "digest": digest,
                "releases": releases}
    revision = latest["revision"] + 1 if latest else 1
    record = {
        "format": RECORD_FORMAT, "instance": instance, "revision": revision, "time": params["time"],
        "source": params.get("source") or "apply", "cluster": params.get("cluster") or "",
        "collection_version": params.get("collection_version") or "", "digest": digest,
        "versions": params.get("versions") or {}, "counts": params.get("counts") or {},
        "field_manager": manager, "objects": params["objects"], "retain": params.get("retain") or [],
        "secrets": params.get("secrets") or [],
    }
    secrets = release_secrets(record, namespace, params.get("chunk_size") or CHUNK_SIZE)
    history = max(1, int(params.get("history") or 10))
    expired = [r for r in releases if r["revision"] <= revision - history]
    result = {"changed": True, "recorded": True, "revision": revision, "digest": digest, "chunks": len(secrets) - 1,
              "expired": [r["revision"] for r in expired], "releases": releases}
    if check_mode:
        return result
    try:
        for secret in secrets:
            cluster.apply(secret, manager, force=True)
        for release in releases:
            if release["status"] == "deployed":
                cluster.patch_merge("v1", "Secret", release["name"], namespace,
                                    {"metadata": {"labels": {STATUS_LABEL: "superseded"}}})
        for release in expired:
            _delete_release(cluster, namespace, instance, release["revision"])
    except ApiError as e:
        raise ReleaseError("cannot record release v%d in namespace %s: %s" % (revision, namespace, e.message)) from e
    return result


def _delete_release(cluster, namespace, instance, revision):
    for secret in cluster.list("v1", "Secret", label_selector=release_selector(instance, revision=revision),
                               namespace=namespace):
        cluster.delete("v1", "Secret", secret["metadata"]["name"], namespace)


def delete_releases(cluster, namespace, instance, check_mode=False):
    """Delete every release record of ``instance``; returns the revisions deleted."""
    releases = list_releases(cluster, namespace, instance)
    if not check_mode:
        for secret in cluster.list("v1", "Secret", label_selector=release_selector(instance), namespace=namespace):
            cluster.delete("v1", "Secret", secret["metadata"]["name"], namespace)
    return [r["revision"] for r in releases]
