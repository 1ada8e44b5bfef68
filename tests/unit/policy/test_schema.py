"""Schema validation: strict schemas of the chosen Kubernetes version, every error of an object, schemas read once
per kind (never per object)."""

from __future__ import annotations

import copy

import kubernetes_validate
import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import (
    SchemaSetupError,
    SchemaValidator,
    supported_versions,
    validator_for,
)

from policy_fixtures import find, stack


def test_schemas_are_read_once_per_kind_not_per_object():
    objects = stack()
    web, service = find(objects, "Deployment", "web"), find(objects, "Service", "web")
    validator = SchemaValidator("1.28")
    for _round in range(50):
        assert validator.validate(copy.deepcopy(web)) == []
        assert validator.validate(copy.deepcopy(service)) == []
    assert validator.schemas_loaded == 3  # the shared definitions, Deployment, Service


def test_one_validator_per_version_for_the_process():
    assert validator_for("1.28") is validator_for("1.28")
    assert validator_for("1.28") is not validator_for("1.30")


def test_every_error_of_an_object_is_reported_with_its_path():
    web = find(stack(), "Deployment", "web")
    web["metadata"]["labels"]["x"] = 3
    web["spec"]["strategy"] = {"type": "Rolling", "bogus": True}
    web["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    found = {(v.path, v.severity) for v in SchemaValidator("1.28").validate(web)}
    assert found == {("metadata.labels.x", "error"), ("spec.strategy", "error"),
                     ("spec.template.spec.containers[0].ports[0].containerPort", "error")}


def test_the_errors_are_those_of_kubernetes_validate():
    web = find(stack(), "Deployment", "web")
    web["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError) as library:
        kubernetes_validate.validate(web, "1.28", strict=True)
    messages = [v.message for v in SchemaValidator("1.28").validate(web)]
    assert any(library.value.message in m for m in messages)


def test_strictness_rejects_unknown_fields():
    service = find(stack(), "Service", "web")
    service["spec"]["bogus"] = 1
    assert [v.path for v in SchemaValidator("1.28").validate(service)] == ["spec"]
    assert SchemaValidator("1.28", strict=False).validate(service) == []


def test_an_api_removed_in_the_version_is_a_warning():
    pdb = find(stack(), "PodDisruptionBudget", "web")
    pdb["apiVersion"] = "policy/v1beta1"
    found = SchemaValidator("1.28").validate(pdb)
    assert [(v.rule, v.severity, v.path) for v in found] == [("SCHEMA", "warning", "apiVersion")]


def test_unsupported_versions_are_refused():
    with pytest.raises(SchemaSetupError, match="no schemas for Kubernetes 1.99"):
        SchemaValidator("1.99")
    with pytest.raises(SchemaSetupError, match="MAJOR.MINOR"):
        SchemaValidator("latest")
    versions = supported_versions()
    assert len(versions) == len(set(versions)) and "1.28.0" in versions
