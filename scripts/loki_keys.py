#!/usr/bin/env python
"""Write plugins/module_utils/validate/configs/loki_keys_3.py: every key of Loki 3's config and the kind of value it takes.

Two sources of the pinned release, neither complete alone, are merged:
- what the pinned loki (scripts/tools.py builds it) prints with ``-print-config-stderr`` for a minimal
  config: every option with its default, but not the ``omitempty`` ones left unset (auth_enabled...);
- its configuration reference, which Loki generates from its config structs
  (docs/sources/shared/configuration.md of the github.com/grafana/loki/v3 module the tools step
  downloads): those too, but not some shared sub-blocks (the TLS options of gRPC and memcached clients).
Each option becomes the kind of value Loki's strict YAML decoding takes there: ``bool``, ``number``,
``scalar`` (a string, duration, URL...), ``list``, ``open`` (a map of the user's keys, a type this
script does not know, or where the two sources disagree) or a nested block. module_utils/validate/configs/loki.py
checks Loki 3 configs against it; tests/unit/test_loki_keys.py keeps it current.

Usage: scripts/loki_keys.py [--check]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "collections"))
OUT = ROOT / "plugins" / "module_utils" / "validate" / "configs" / "loki_keys_3.py"
MODULE = "github.com/grafana/loki/v3"
REFERENCE = "docs/sources/shared/configuration.md"
TOP = "Supported contents and default values of `loki.yaml`"

HEADER = '''# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Every option of Loki %s's config and the kind of value it takes (generated: scripts/loki_keys.py).

Read from that release's configuration reference; do not edit by hand, run the script again.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.key_tree import block, but

VERSION = %r
'''

SCALARS = ("string", "duration", "time", "url", "secret", "hostname", "filename", "labelname", "labelvalue",
           "host")
_OPTION = re.compile(r"^(?P<indent> *)\[(?P<key>[a-z0-9_]+): <(?P<type>[^>]*)>")
_BLOCK = re.compile(r"^(?P<indent> *)(?P<key>[a-z0-9_]+):\s*$")


def sections(text):
    """Section title -> the lines of its first YAML code block."""
    found, title, block, inside = {}, None, None, False
    for line in text.splitlines():
        if line.startswith("### "):
            title, block = line[4:].strip(), None
        elif title and line.startswith("```yaml") and title not in found:
            block, inside = [], True
        elif inside and line.startswith("```"):
            found[title], inside = block, False
        elif inside:
            block.append(line)
    return found


def kind_of(type_name, blocks, resolving):
    if type_name == "boolean":
        return "bool"
    if type_name in ("int", "float"):
        return "number"
    if type_name.startswith("list of"):
        return "list"
    if type_name.startswith("map of"):
        return "open"
    if type_name in blocks:
        return tree(blocks, type_name, resolving)
    return "scalar" if type_name in SCALARS else "open"


def tree(blocks, title, resolving=()):
    """The key tree of section ``title``; a block that refers to itself stays open."""
    if title in resolving:
        return "open"
    resolving = resolving + (title,)
    root = {}
    stack = [(-1, root)]
    for line in blocks[title]:
        option, block = _OPTION.match(line), _BLOCK.match(line)
        match = option or block
        if not match:
            continue
        indent = len(match.group("indent"))
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if option:
            parent[match.group("key")] = kind_of(match.group("type"), blocks, resolving)
        else:
            child = {}
            parent[match.group("key")] = child
            stack.append((indent, child))
    return root


def reference_path(version):
    gomodcache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=False).stdout.strip()
    return Path(gomodcache or os.path.expanduser("~/go/pkg/mod")) / ("github.com/grafana/loki/v3@v%s" % version) / REFERENCE


# Only what Loki needs to start, so that the printed tree shows defaults, not our values.
MINIMAL = """\
common:
  path_prefix: /tmp/loki-keys
  replication_factor: 1
  ring: {kvstore: {store: inmemory}}
  storage: {filesystem: {chunks_directory: /tmp/loki-keys/chunks, rules_directory: /tmp/loki-keys/rules}}
schema_config:
  configs:
    - {from: "2024-01-01", store: tsdb, object_store: filesystem, schema: v13, index: {prefix: index_, period: 24h}}
"""


def printed_kind(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "scalar"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict) and value:
        return {str(k): printed_kind(v) for k, v in value.items()}
    return "open"


def merge(documented, printed):
    """Both trees' keys; where the two disagree on a kind, "open" (never refuse what Loki takes)."""
    if isinstance(documented, dict) and isinstance(printed, dict):
        return {key: merge(documented[key], printed[key]) if key in documented and key in printed
                else documented.get(key, printed.get(key)) for key in sorted(set(documented) | set(printed))}
    return documented if documented == printed else "open"


def render(reference, version, loki):
    keys = merge(tree(sections(Path(reference).read_text()), TOP), printed_kind(printed_config(loki, MINIMAL)))
    keys["schema_config"] = "open"  # module_utils/validate/configs/loki.py describes the schema periods itself
    return module_text(version, keys)


def module_text(version, keys):
    """The module's text: the header, the blocks Loki's config repeats, each written once as a constant
    named after its key (Loki shares blocks such as a gRPC client or an S3 client among many components),
    then ``KEYS =`` and the tree. A block that is another but for a few options is written as that one
    with the difference (``but``). Hanging indents, at most 118 characters wide."""
    blocks, first_key, uses = {}, {}, {}

    def collect(node, key):
        if isinstance(node, dict):
            ident = _ident(node)
            blocks.setdefault(ident, node)
            first_key.setdefault(ident, key)
            uses[ident] = uses.get(ident, 0) + 1
            for child_key, child in sorted(node.items()):
                collect(child, child_key)

    collect(keys, "keys")
    bases = {ident: _base(node, blocks) for ident, node in blocks.items()}
    named = {ident for ident, n in uses.items() if n > 1 and _leaves(ident) >= _SHARED_LEAVES}
    named |= {base for base in bases.values() if base is not None}
    named.discard(_ident(keys))
    names, order = {}, []

    def emit(node):
        """Name and order the shared blocks: each one after those it is written with."""
        ident = _ident(node)
        for child in (node[key] for key in sorted(node)):
            if isinstance(child, dict):
                emit(child)
        if bases[ident] is not None:
            emit(blocks[bases[ident]])
        if ident in named and ident not in names:
            name, suffix = first_key[ident].upper(), 2
            while name in names.values():
                name, suffix = "%s_%d" % (first_key[ident].upper(), suffix), suffix + 1
            names[ident] = name
            order.append((name, node))

    emit(keys)
    parts = ["%s = %s\n" % (name, _printed(node, names, bases, blocks, len(name) + 3, node))
             for name, node in order]
    parts.append("KEYS = %s\n" % _printed(keys, names, bases, blocks, 7, keys))
    return HEADER % (version, version) + "\n\n" + "\n\n".join(parts)


# A block is written once and named when it stands more than once and has at least this many options, or
# when another block is written as it plus a difference of at most half as many options as they share.
_SHARED_LEAVES = 3
_BASE_MIN_SHARED = 6
_WIDTH = 118


def _ident(node):
    """A hashable fingerprint of a key tree (equal trees, equal fingerprints)."""
    if isinstance(node, dict):
        return tuple((key, _ident(value)) for key, value in sorted(node.items()))
    return node


def _leaves(ident):
    return sum(_leaves(value) for _key, value in ident) if isinstance(ident, tuple) else 1


def _base(node, blocks):
    """The block ``node`` is best written from (most options alike, difference at most half of those), or
    None. Only a block earlier in a fixed order of blocks qualifies, so no two are written from each other."""
    items, rank = set(_ident(node)), (len(node), repr(_ident(node)))
    best, best_shared = None, 0
    for ident, other in blocks.items():
        if (len(other), repr(ident)) >= rank:
            continue
        shared = len(items & set(ident))
        difference = (len(items) - shared) + (len(ident) - shared)
        if shared >= _BASE_MIN_SHARED and 2 * difference <= shared and shared > best_shared:
            best, best_shared = ident, shared
    return best


def _printed(node, names, bases, blocks, column, top, indent=0, plain=False):
    """``node`` as Python source starting at ``column``; a named block (but ``top``) by its name, a block
    with a base as ``but(<base>, ...)``."""
    if not isinstance(node, dict):
        return repr(node)
    ident = _ident(node)
    if node is not top and ident in names:
        return names[ident]
    base = None if plain else bases[ident]
    if base is not None:
        drop = tuple(sorted(set(dict(base)) - set(node)))
        add = {key: value for key, value in node.items() if (key, _ident(value)) not in set(base)}
        head = "but(%s" % ", ".join([names[base]] + (["drop=%r" % (drop,)] if drop else []))
        if not add:
            return head + ")"
        head += ", add="
        return head + _printed(add, names, bases, blocks, column + len(head) + 1, add, indent, plain=True) + ")"
    leaves, nested = {}, {}
    for key, value in sorted(node.items()):
        if isinstance(value, dict):
            nested[key] = value
        else:
            leaves.setdefault(value, []).append(key)
    if not leaves and not nested:
        return "{}"
    args = []
    if nested:
        inline = ["%r: %s" % (key, _printed(value, names, bases, blocks, 0, top)) for key, value in nested.items()]
        flat = "{%s}" % ", ".join(inline)
        if "\n" in flat or column + len("block(") + len(flat) > _WIDTH:
            pad = indent + 8
            items = []
            for key, value in nested.items():
                item = "%r: %s" % (key, _printed(value, names, bases, blocks, 0, top))
                if "\n" in item or pad + len(item) + 1 > _WIDTH:
                    item = "%r: %s" % (key, _printed(value, names, bases, blocks, pad + len(repr(key)) + 2, top, pad))
                items.append(item)
            flat = "{\n%s\n%s}" % (_packed(items, pad), " " * (indent + 4))
        args.append(flat)
    kinds = sorted(leaves.items())
    flat = "block(%s)" % ", ".join(args + ["%s=%r" % (kind, " ".join(keys)) for kind, keys in kinds])
    if "\n" not in flat and column + len(flat) <= _WIDTH:
        return flat
    pad = indent + 4
    items = args + [_wrapped(kind, keys, pad) for kind, keys in kinds]
    return "block(\n%s\n%s)" % (_packed(items, pad), " " * indent)


def _packed(items, column):
    """Comma-separated ``items`` from ``column``, as many to a line as fit; an item of several lines alone."""
    lines, line = [], ""
    for item in items:
        candidate = "%s %s," % (line, item) if line else item + ","
        if "\n" not in item and column + len(candidate) <= _WIDTH:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = item + ","
    lines.append(line)
    return "\n".join(" " * column + text for text in lines)


def _wrapped(kind, words, column):
    """``kind='a b c ...'`` as adjacent string literals, one per line, each line at most _WIDTH wide."""
    lines, line, lead = [], "", len(kind) + 1
    for word in words:
        candidate = (line + " " + word) if line else word
        if line and column + lead + len(repr(candidate + " ")) > _WIDTH:
            lines.append(line + " ")
            line = word
        else:
            line = candidate
    lines.append(line)
    return kind + "=" + ("\n" + " " * (column + lead)).join(repr(text) for text in lines)


def pinned_version():
    tags = yaml.safe_load((ROOT / "roles" / "loki" / "defaults" / "main.yml").read_text())["loki_image_tags"]
    return str(tags["current"]).lstrip("v")


def printed_config(loki, config_text):
    """The whole configuration the loki binary prints with -print-config-stderr for ``config_text``."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "loki.yaml"
        path.write_text(config_text)
        proc = subprocess.run([loki, "-config.file", str(path), "-verify-config", "-print-config-stderr"],
                              capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode:
        raise RuntimeError("%s refuses the config: %s" % (loki, proc.stderr[-2000:]))
    lines = [line for line in proc.stderr.splitlines() if not line.startswith(("level=", "ts="))]
    start = next(i for i, line in enumerate(lines) if line.startswith("target:"))
    return yaml.safe_load("\n".join(lines[start:]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is not current")
    args = parser.parse_args(argv)
    from ansible_collections.vmstation.monitoring.plugins.module_utils.common import tool_cache

    version = pinned_version()
    reference, loki = reference_path(version), tool_cache.find_binary("loki", version, "loki")
    if not reference.is_file() or not loki:
        print("loki_keys: the loki %s build and its module source are needed; run scripts/tools.py --only loki"
              % version, file=sys.stderr)
        return 2
    text = render(reference, version, loki)
    if args.check:
        if (OUT.read_text() if OUT.exists() else "") != text:
            print("loki_keys: %s is not current for loki %s; run scripts/loki_keys.py" % (OUT.relative_to(ROOT), version))
            return 1
        return 0
    OUT.write_text(text)
    print("loki_keys: wrote %s" % OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
