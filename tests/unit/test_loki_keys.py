"""plugins/module_utils/validate/configs/loki_keys_3.py is what scripts/loki_keys.py makes of the pinned Loki, and covers
every option that loki prints for the configs the roles render."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT
from real_tools import binary, role_tag

sys.path.insert(0, str(ROOT / "scripts"))
import loki_keys  # noqa: E402

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki_keys_3  # noqa: E402


def _has(tree, path):
    node = tree
    for part in path.split("."):
        if node == "open":
            return True
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_the_key_tree_is_the_pinned_loki_s():
    version = role_tag("loki_image_tags", "current")
    binary("loki", version, "loki")  # skips (or fails in CI) with the command that builds it
    assert loki_keys_3.VERSION == version.lstrip("v")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "loki_keys.py"), "--check"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_option_loki_prints_for_a_rendered_config_is_in_the_tree(render):
    version = role_tag("loki_image_tags", "current")
    loki = binary("loki", version, "loki")
    run = render("local", "current")
    assert run.returncode == 0, run.output[-4000:]
    [config] = [o["data"]["loki.yaml"] for o in run.objects("local") if o["kind"] == "ConfigMap"
                and "loki.yaml" in (o.get("data") or {})]
    printed = loki_keys.printed_config(loki, config)
    paths = []

    def walk(node, path):
        for key, value in node.items():
            where = "%s.%s" % (path, key) if path else str(key)
            paths.append(where)
            if isinstance(value, dict):
                walk(value, where)

    walk(printed, "")
    missing = [p for p in paths if not _has(loki_keys_3.KEYS, p)]
    assert len(paths) > 2000 and not missing, missing[:20]


@pytest.mark.parametrize(("documented", "printed", "merged"), [
    ({"a": "bool"}, {"a": "bool", "b": "number"}, {"a": "bool", "b": "number"}),
    ({"a": "scalar"}, {"a": "number"}, {"a": "open"}),
    ({"a": {"x": "list"}}, {"a": "open"}, {"a": "open"}),
])
def test_where_the_two_sources_disagree_the_option_is_open(documented, printed, merged):
    assert loki_keys.merge(documented, printed) == merged
