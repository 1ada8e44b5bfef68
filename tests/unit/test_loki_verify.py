"""loki -verify-config of the Loki version a config is for (module_utils.loki_verify, rule LOKI_VERIFY)."""

from __future__ import annotations

import pytest
import yaml
from real_tools import binary, role_tag
from test_loki_config import good

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki_verify

CURRENT = role_tag("loki_image_tags", "current")
SEED = role_tag("loki_image_tags", "seed")


def _objects(config, tag=CURRENT, args=(), env=()):
    labels = {"app.kubernetes.io/name": "loki", "app.kubernetes.io/version": tag}
    text = config if isinstance(config, str) else yaml.safe_dump(config)
    return [
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "loki", "namespace": "monitoring", "labels": labels}, "data": {"loki.yaml": text}},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "loki", "namespace": "monitoring"},
         "spec": {"template": {"spec": {
             "containers": [{"name": "loki", "image": "docker.io/grafana/loki:%s" % tag,
                             "args": ["-config.file=/etc/loki/config/loki.yaml", *args], "env": list(env),
                             "volumeMounts": [{"name": "config", "mountPath": "/etc/loki/config"}]}],
             "volumes": [{"name": "config", "configMap": {"name": "loki"}}]}}}},
    ]


@pytest.fixture
def loki():
    return binary("loki", CURRENT, "loki")


def test_without_a_loki_the_config_gets_a_warning_naming_the_version(monkeypatch, tmp_path):
    monkeypatch.setenv("VMSTATION_TOOLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    for tag, hint in ((CURRENT, "scripts/tools.py --only loki"), (SEED, "scripts/tools.py builds Loki 3 only")):
        found = loki_verify.verify_objects(_objects(good("3"), tag))
        assert [(v.rule, v.severity) for v in found] == [("LOKI_VERIFY", "warning")]
        assert "no loki %s was found" % tag in found[0].message and hint in found[0].fix


@pytest.mark.tools
def test_a_good_config_passes(loki):
    assert loki_verify.verify_objects(_objects(good("3"))) == []


@pytest.mark.tools
def test_an_unknown_key_is_refused_naming_the_configmap_and_loki(loki):
    config = good("3")
    config["limits_config"]["max_query_seriez"] = 500
    found = loki_verify.verify_objects(_objects(config))
    assert [(v.kind, v.name, v.path, v.severity) for v in found] == [("ConfigMap", "loki", "data[loki.yaml]", "error")]
    assert "max_query_seriez" in found[0].message and "loki %s, the pinned build" % CURRENT in found[0].message


@pytest.mark.tools
def test_environment_references_are_expanded_as_the_container_asks(loki):
    config = good("3")
    config["server"] = {"http_listen_port": "${LOKI_PORT}"}
    env = [{"name": "LOKI_PORT", "value": "3100"}]
    assert loki_verify.verify_objects(_objects(config, args=["-config.expand-env=true"], env=env)) == []
    assert [v.severity for v in loki_verify.verify_objects(_objects(config, env=env))] == ["error"]
