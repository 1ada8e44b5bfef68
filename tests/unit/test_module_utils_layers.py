"""plugins/module_utils is in packages by phase, and imports go one way: down the pipeline.

A module of a package may import from its own package and from the packages before it in LAYERS, never
from one after it (the export code does not reach into apply, a config checker does not call the
cluster). The filters, modules and the CLI's wrapper are doors onto any of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULE_UTILS = ROOT / "plugins" / "module_utils"
PREFIX = "ansible_collections.vmstation.monitoring.plugins.module_utils."
LAYERS = ["common", "render", "validate", "export", "cluster", "apply", "verify"]
SOURCES = sorted(p for p in MODULE_UTILS.rglob("*.py"))


def _package(relative_parts):
    return relative_parts[0] if len(relative_parts) > 1 else None


def _imports(path):
    """The module_utils packages a file imports, with the line of each import."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module + "." == PREFIX:
                names = [PREFIX + alias.name for alias in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith(PREFIX):
                yield name[len(PREFIX):].split(".")[0], node.lineno


def test_every_module_sits_in_a_phase_package():
    loose = [p.name for p in MODULE_UTILS.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "modules outside the phase packages %s: %s" % (LAYERS, loose)
    assert sorted(p.name for p in MODULE_UTILS.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(LAYERS)
    for folder in [p for p in MODULE_UTILS.rglob("*") if p.is_dir() and p.name != "__pycache__"]:
        assert (folder / "__init__.py").is_file(), "%s has no __init__.py" % folder.relative_to(ROOT)


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(MODULE_UTILS)) for p in SOURCES])
def test_imports_go_down_the_pipeline(path):
    own = _package(path.relative_to(MODULE_UTILS).parts)
    if own is None:
        return
    upward = ["line %d imports %s" % (line, package) for package, line in _imports(path)
              if package not in LAYERS or LAYERS.index(package) > LAYERS.index(own)]
    assert upward == [], "%s (package %s) may import only from %s" % (
        path.relative_to(ROOT), own, LAYERS[:LAYERS.index(own) + 1])


def test_only_the_cluster_package_builds_an_api_client():
    talkers = [str(p.relative_to(MODULE_UTILS)) for p in SOURCES
               if "kubernetes.core.plugins.module_utils.k8s" in p.read_text()]
    assert talkers and all(t.startswith("cluster/") for t in talkers), talkers
