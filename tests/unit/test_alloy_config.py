"""The Alloy parser and checker: syntax, values, component arguments and references between components."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alloy as alloy_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.alloy import (
    NOT_LITERAL,
    AlloySyntaxError,
    Attribute,
    Block,
    check_text,
    literal_value,
    parse,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING

PIPELINE = '''
// A node's pod logs to Loki.
logging {
  level  = "info"
  format = "logfmt"
}

discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("NODE_NAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    target_label  = "__path__"
    replacement   = "/var/log/pods/*$1/*.log"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  forward_to = [loki.write.default.receiver]

  stage.cri {}
  stage.match {
    selector = `{namespace="kube-system"}`
    stage.drop {
      expression = ".*healthz.*"
    }
  }
  stage.label_keep {
    values = ["namespace", "pod"]
  }
}

loki.write "default" {
  endpoint {
    url       = "http://loki:3100/loki/api/v1/push"
    tenant_id = "team-a"
  }
  external_labels = {
    cluster = "local",
  }
}
'''


def findings(text, severity=ERROR):
    return [f for f in check_text(text) if f.severity == severity]


def messages(text, severity=ERROR):
    return " | ".join(f.message for f in findings(text, severity))


# --- syntax -----------------------------------------------------------------------------------

def test_the_pipeline_parses_into_blocks_and_attributes():
    items = parse(PIPELINE)
    assert [(b.name, b.label) for b in items] == [
        ("logging", None), ("discovery.kubernetes", "pods"), ("discovery.relabel", "pods"),
        ("local.file_match", "pods"), ("loki.source.file", "pods"), ("loki.process", "pods"),
        ("loki.write", "default")]
    process = items[5]
    assert [b.name for b in process.blocks()] == ["stage.cri", "stage.match", "stage.label_keep"]
    assert literal_value(process.blocks("stage.label_keep")[0].attributes()["values"].value) == ["namespace", "pod"]
    assert literal_value(process.blocks("stage.match")[0].attributes()["selector"].value) == '{namespace="kube-system"}'
    assert check_text(PIPELINE) == []


def test_strings_numbers_and_collections():
    items = parse('a = "tab\\there \\"q\\" \\u00e9 \\x41 \\101"\n'
                  'b = `raw\n\\n`\n'
                  'c = [1, 2.5, 1e3, true, null, { "k.x" = "v", y = [], }]\n'
                  'd = -(1 + 2) * 3 ^ 2\n')
    values = {item.name: literal_value(item.value) for item in items}
    assert values["a"] == 'tab\there "q" \u00e9 A A'
    assert values["b"] == "raw\n\\n"
    assert values["c"] == [1, 2.5, 1000.0, True, None, {"k.x": "v", "y": []}]
    assert values["d"] is NOT_LITERAL
    assert items[3].value.kind == "binary" and items[3].value.value == "*"


@pytest.mark.parametrize("text,reason", [
    ('a = [\n  1,\n  2\n]\n', "trailing comma is required"),
    ('a = {\n  x = 1\n}\n', "trailing comma is required"),
    ('a = [1 2]\n', "expected ',' or ]"),
    ('a = 1 b = 2\n', "new line after the statement"),
    ('loki.write "x" {\n  endpoint {\n', "not closed"),
    ('a = "unterminated\n', "not closed"),
    ('a = "bad \\q escape"\n', "unknown escape"),
    ('a = `no end\n', "raw string"),
    ('/* open comment\n', "block comment"),
    ('loki.write "bad-label" {}\n', "valid identifier"),
    ('loki.write "x" = 1\n', "expected = or {"),
    ('a = 1 @ 2\n', "unexpected character"),
])
def test_syntax_errors_say_where_and_why(text, reason):
    with pytest.raises(AlloySyntaxError) as raised:
        parse(text)
    assert reason in str(raised.value)
    assert raised.value.line >= 1
    [finding] = check_text(text)
    assert finding.severity == ERROR and finding.message.startswith("syntax error")


def test_comments_and_blank_lines_are_ignored():
    items = parse("// one\n\n/* two\nlines */\nlogging {\n  // inside\n  level = \"debug\" // after\n}\n")
    assert len(items) == 1 and isinstance(items[0], Block)
    assert isinstance(items[0].body[0], Attribute)


# --- components and references ----------------------------------------------------------------

@pytest.mark.parametrize("old,new,expected", [
    ("[loki.write.default.receiver]", "[loki.write.missing.receiver]", 'loki.write "missing", which is not declared'),
    ("[loki.write.default.receiver]", "[loki.write.default.output]", 'has no export output'),
    ("[loki.write.default.receiver]", "[loki.write.default]", "not to one of its exports"),
    ("[loki.process.pods.receiver]", "[discovery.relabel.pods.output]", "not a logs receiver"),
    ("targets    = local.file_match.pods.targets", "targets    = discovery.relabel.pods.rules", "takes Targets"),
    ("[loki.write.default.receiver]", "[nothing.here.at_all]", "not a component export"),
    ("tenant_id", "tenant", "has no argument tenant"),
    ("stage.cri {}", "stage.crio {}", "has no block stage.crio"),
    ('role = "pod"\n  selectors', 'selectors', "missing the required argument role"),
    ('loki.write "default"', 'loki.wirte "default"', "loki.wirte is not an Alloy component"),
    ('loki.write "default"', 'lokki.write "default"', "not an Alloy component or configuration block"),
    ('values = ["namespace", "pod"]', 'values = "namespace"', "must be a list of strings"),
    ('logging {', 'logging "main" {', "logging takes no label"),
])
def test_reference_and_argument_errors(old, new, expected):
    text = PIPELINE.replace(old, new, 1)
    assert text != PIPELINE
    assert expected in messages(text), messages(text)


def test_duplicate_components_and_attributes():
    text = PIPELINE + '\nloki.write "default" {\n  endpoint {\n    url = "http://x:3100/"\n  }\n}\n'
    assert 'declared twice' in messages(text)
    text = PIPELINE.replace('tenant_id = "team-a"', 'tenant_id = "team-a"\n    tenant_id = "b"')
    assert "set twice" in messages(text)


def test_cycles_between_components_are_errors():
    text = PIPELINE.replace("forward_to = [loki.write.default.receiver]",
                            "forward_to = [loki.relabel.back.receiver]") + '''
loki.relabel "back" {
  forward_to = [loki.process.pods.receiver]
}
'''
    assert "cycle" in messages(text)


def test_components_outside_the_catalog_are_warned_not_failed():
    text = PIPELINE + '\nprometheus.scrape "self" {\n  targets = []\n  forward_to = []\n}\n'
    assert findings(text) == []
    assert "not one this check describes" in messages(text, WARNING)


def test_deprecated_standard_library_names_are_warnings():
    text = PIPELINE.replace('sys.env("NODE_NAME")', 'env("NODE_NAME")')
    assert findings(text) == [] and "use sys.env()" in " ".join(f.fix for f in findings(text, WARNING))


def test_modules_arguments_and_imports():
    text = '''
argument "url" {
  optional = false
}

import.file "helpers" {
  filename = "/etc/alloy/helpers.alloy"
}

helpers.pipeline "main" {
  url = argument.url.value
}

loki.write "default" {
  endpoint {
    url = argument.url.value
  }
}

loki.relabel "x" {
  forward_to = [loki.write.default.receiver, helpers.pipeline.main.receiver]
}
'''
    assert findings(text) == []
    assert "argument.nope.value does not name a declared argument" in messages(text.replace(
        "url = argument.url.value\n  }\n}", "url = argument.nope.value\n  }\n}"))


def test_violations_come_from_alloy_config_maps_only():
    def cm(text, name="alloy"):
        return {"kind": "ConfigMap", "metadata": {"name": name, "namespace": "agents",
                                                  "labels": {"app.kubernetes.io/name": name}},
                "data": {"config.alloy": text}}

    assert alloy_config.validate_objects([cm(PIPELINE)]) == []
    [violation] = alloy_config.validate_objects([cm(PIPELINE.replace("[loki.write.default.receiver]",
                                                                     "[loki.write.gone.receiver]"))])
    assert violation.rule == "ALLOY_CONFIG" and violation.blocking
    assert violation.path.startswith("data[config.alloy] line ")
    assert alloy_config.validate_objects([cm("not { alloy", name="other")]) == []
