# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Load Kubernetes manifests from YAML/JSON files and folders, the way kubectl reads them.

- Multi-document files; a ``List`` (``kubectl get -o yaml``) is expanded into its items.
- Documents that are not Kubernetes objects (Helm values, Kustomize files, playbooks, component configs
  such as KubeletConfiguration) are skipped with a note, not an error.
- Malformed YAML or JSON, and duplicate keys (which the API server rejects), are errors naming the file,
  line and column. Every file is read; all errors are returned together.
- Scalars are read as the API server reads them: ``2024-01-01`` stays a string (no timestamps).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import SafeLoader as _BaseLoader, yaml

EXTENSIONS = (".yaml", ".yml", ".json")


def safe_load(text):
    """``yaml.safe_load`` through libyaml's C parser when PyYAML has it: the config checks parse every
    ConfigMap value (dashboards are hundreds of KiB), which the pure-Python parser makes take seconds."""
    return yaml.load(text, Loader=_BaseLoader)


class ManifestError(Exception):
    """A path cannot be read at all (missing, not a file or folder)."""


class Loader(_BaseLoader):
    """Safe loader: no timestamps, the ``=`` value tag as a string, duplicate keys rejected."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark,
                        "found duplicate key %r (first at line %d)" % (key_node.value, seen[key_node.value] + 1),
                        key_node.start_mark)
                seen[key_node.value] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@dataclass
class Document:
    obj: dict
    file: str = ""  # empty for objects given as data
    line: int = 0  # where the document starts (1-based)

    @property
    def source(self) -> str:
        return "%s:%d" % (self.file, self.line) if self.file else ""


@dataclass
class LoadResult:
    documents: list = field(default_factory=list)  # Document, Kubernetes objects only
    notes: list = field(default_factory=list)  # what was skipped and why
    errors: list = field(default_factory=list)  # "file:line:column: what is wrong"
    files: int = 0

    @property
    def objects(self) -> list:
        return [doc.obj for doc in self.documents]

    def extend(self, other):
        self.documents.extend(other.documents)
        self.notes.extend(other.notes)
        self.errors.extend(other.errors)
        self.files += other.files


def yaml_error(name, error) -> str:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = "%s:%d:%d" % (name, mark.line + 1, mark.column + 1) if mark is not None else name
    problem = ": ".join(str(p) for p in (getattr(error, "context", None), getattr(error, "problem", None)) if p)
    return "%s: malformed YAML: %s" % (where, problem or error)


def iter_yaml_documents(text):
    """Yield (document, start line) of a YAML stream; raises yaml.YAMLError (with marks) when malformed."""
    loader = Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            yield loader.construct_document(node), node.start_mark.line + 1
    finally:
        loader.dispose()


def non_object_reason(doc):
    """Why ``doc`` is not a Kubernetes API object, or None if it is one."""
    if not isinstance(doc, dict):
        return "a %s, not a mapping" % type(doc).__name__
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return "no apiVersion and kind"
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    if group.endswith("config.k8s.io"):
        return "a %s (%s) is a tool's configuration, not an API object" % (kind, api_version)
    return None


def _add(result, doc, name, line, index):
    reason = non_object_reason(doc)
    if reason is None and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
        for item_index, item in enumerate(doc["items"]):
            _add(result, item, name, line, "%s item %d" % (index, item_index))
        return
    if reason is not None:
        result.notes.append("%s:%d: document %s ignored: %s" % (name, line, index, reason))
        return
    if not isinstance(doc.get("metadata"), dict):
        result.errors.append("%s:%d: %s %s has no metadata mapping" % (name, line, doc.get("kind"), index))
        return
    result.documents.append(Document(doc, name, line))


def load_text(text, name="<string>", json_file=False) -> LoadResult:
    """Kubernetes objects of one file's ``text``; ``name`` is used in notes and errors."""
    result = LoadResult(files=1)
    if json_file:
        try:
            docs = [(json.loads(text), 1)]
        except ValueError as e:
            result.errors.append("%s:%d:%d: malformed JSON: %s" % (name, e.lineno, e.colno, e.msg))
            return result
    else:
        docs = []
        try:
            for doc, line in iter_yaml_documents(text):
                docs.append((doc, line))
        except yaml.YAMLError as e:
            result.errors.append(yaml_error(name, e))
    for index, (doc, line) in enumerate(docs):
        if doc is None:
            continue
        _add(result, doc, name, line, "#%d" % (index + 1))
    return result


def _files(path):
    if os.path.isfile(path):
        return [path]
    found = []
    for folder, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(folder, n) for n in sorted(names)
                     if n.lower().endswith(EXTENSIONS) and not n.startswith("."))
    return found


def load_path(path) -> LoadResult:
    """Every Kubernetes object in ``path`` (a file, or a folder searched recursively for .yaml/.yml/.json;
    hidden files and folders are skipped)."""
    if not os.path.exists(path):
        raise ManifestError("%s does not exist" % path)
    if not (os.path.isfile(path) or os.path.isdir(path)):
        raise ManifestError("%s is neither a file nor a folder" % path)
    result = LoadResult()
    files = _files(path)
    if os.path.isdir(path) and not files:
        result.notes.append("%s: no .yaml, .yml or .json file found" % path)
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as e:
            result.errors.append("%s: cannot be read: %s" % (name, e))
            result.files += 1
            continue
        result.extend(load_text(text, name, json_file=name.lower().endswith(".json")))
    return result


def expand_lists(objects):
    """``objects`` with every ``kind: List`` replaced by its items (for objects given as data)."""
    out = []
    for obj in objects:
        if isinstance(obj, dict) and obj.get("kind") == "List" and isinstance(obj.get("items"), list):
            out.extend(expand_lists(obj["items"]))
        else:
            out.append(obj)
    return out
