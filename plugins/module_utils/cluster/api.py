# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The one door to a Kubernetes API server for this collection's modules.

Every cluster call of ``apply_stack``, ``stack_secrets``, ``stack_release`` and ``stack_health``
goes through ``Cluster``: plain dicts in, plain dicts out, one exception type (``ApiError``).
``Cluster`` is built on kubernetes.core's client (``get_api_client`` / ``K8SClient``), so the
modules take kubernetes.core's authentication options, and an apply is the very call
``kubernetes.core.k8s`` makes with ``apply: true`` and ``server_side_apply``
(``K8SClient.apply(..., server_side=True, field_manager=..., force_conflicts=...)``).

The k8s_* module_utils are tested through ``Cluster`` against a real kube-apiserver
(tests/cluster/test_api_*.py, on scripts/local_cluster.py).
"""

from __future__ import annotations

import json
import re

try:
    from kubernetes.dynamic.exceptions import (
        DynamicApiError,
        ResourceNotFoundError,
        ResourceNotUniqueError,
    )
    from kubernetes.dynamic.resource import ResourceList
except ImportError:  # reported by the module through AnsibleK8SModule's requirement check
    DynamicApiError = ResourceNotFoundError = ResourceNotUniqueError = ResourceList = None

# Timeout (connect, read) in seconds of one request to a service behind the API server proxy.
PROXY_TIMEOUT = (5, 20)

_CONFLICT_MANAGER = re.compile(r'conflict with "([^"]+)"')


class ApiError(Exception):
    """A refusal of the API server: HTTP status, reason, message and the Status causes."""

    def __init__(self, status, reason="", message="", causes=None):
        self.status = int(status or 0)
        self.reason = reason or ""
        self.message = message or reason or ("HTTP %s" % status)
        self.causes = list(causes or [])
        super().__init__(self.message)

    @classmethod
    def from_body(cls, status, body, reason=""):
        """Build from a response body, a Kubernetes ``Status`` when the server sent one."""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("kind") == "Status":
            causes = (data.get("details") or {}).get("causes") or []
            return cls(data.get("code") or status, data.get("reason") or reason, data.get("message"), causes)
        return cls(status, reason, text.strip()[:500] or reason)

    @property
    def not_found(self):
        return self.status == 404

    def field_conflicts(self):
        """[(field, other manager)] of a server-side apply conflict (409 with FieldManagerConflict causes)."""
        found = []
        for cause in self.causes:
            if cause.get("reason") == "FieldManagerConflict":
                match = _CONFLICT_MANAGER.search(cause.get("message") or "")
                found.append((cause.get("field") or "?", match.group(1) if match else cause.get("message") or "?"))
        return found


def _api_error(error):
    if DynamicApiError is not None and isinstance(error, DynamicApiError):
        return ApiError.from_body(error.status, error.body, error.reason)
    return None


class ResourceType:
    """What the API says about one kind: where it lives and whether it is namespaced."""

    def __init__(self, api_version, kind, namespaced, plural=""):
        self.api_version = api_version
        self.kind = kind
        self.namespaced = bool(namespaced)
        self.plural = plural

    def __repr__(self):
        return "ResourceType(%s %s)" % (self.api_version, self.kind)


class Cluster:
    """Dict-level operations over kubernetes.core's K8SClient."""

    def __init__(self, k8s_client):
        self._k8s = k8s_client
        self._types = {}

    # discovery

    def _resource(self, api_version, kind):
        key = (api_version, kind)
        if key not in self._types:
            try:
                self._types[key] = self._k8s.resource(kind, api_version)
            except (ResourceNotFoundError, ResourceNotUniqueError):
                self._types[key] = None
        return self._types[key]

    def resource_type(self, api_version, kind):
        """The ResourceType of ``kind`` in ``api_version``, or None when the cluster does not serve it."""
        res = self._resource(api_version, kind)
        if res is None:
            return None
        return ResourceType(res.group_version, res.kind, res.namespaced, res.name)

    def forget_types(self):
        """Forget discovered kinds, so that kinds of CRDs created meanwhile are found."""
        self._types = {}
        try:
            self._k8s.client.resources.invalidate_cache()
        except AttributeError:
            pass

    def namespaced_types(self):
        """Every namespaced kind that can be listed (preferred versions, no subresources)."""
        found = {}
        for entry in self._k8s.client.resources:
            for res in entry if isinstance(entry, list) else [entry]:
                if ResourceList is not None and isinstance(res, ResourceList):
                    continue
                verbs = getattr(res, "verbs", None) or []
                name = getattr(res, "name", "") or ""
                if not getattr(res, "namespaced", False) or "list" not in verbs or "/" in name:
                    continue
                if not getattr(res, "preferred", False):
                    continue
                found[(res.group or "", res.kind)] = ResourceType(res.group_version, res.kind, True, name)
        return [found[key] for key in sorted(found)]

    def server_version(self):
        return dict(self._k8s.client.version.get("kubernetes") or {})

    # objects

    def _call(self, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as e:  # every client error becomes an ApiError; anything else propagates
            error = _api_error(e)
            if error is None:
                raise
            raise error from e

    def get(self, api_version, kind, name, namespace=None):
        """The object, or None when it does not exist (or its kind is not served)."""
        res = self._resource(api_version, kind)
        if res is None:
            return None
        try:
            found = self._call(self._k8s.get, res, name=name, namespace=namespace if res.namespaced else None)
        except ApiError as e:
            if e.not_found:
                return None
            raise
        return found.to_dict()

    def list(self, api_version, kind, label_selector=None, namespace=None):
        """Objects of a kind, in every namespace unless ``namespace`` is given; [] when not served."""
        res = self._resource(api_version, kind)
        if res is None:
            return []
        params = {}
        if label_selector:
            params["label_selector"] = label_selector
        if namespace and res.namespaced:
            params["namespace"] = namespace
        try:
            found = self._call(self._k8s.get, res, **params).to_dict()
        except ApiError as e:
            if e.not_found:
                return []
            raise
        items = found.get("items") or []
        for item in items:  # list items come without apiVersion and kind
            item.setdefault("apiVersion", res.group_version)
            item.setdefault("kind", res.kind)
        return items

    def apply(self, obj, field_manager, force=False, dry_run=False):
        """Server-side apply ``obj``: (the object as the server has it, or would have it; the server's warnings)."""
        from ansible_collections.kubernetes.core.plugins.module_utils.k8s.service import decode_response

        meta = obj.get("metadata") or {}
        res = self._resource(obj["apiVersion"], obj["kind"])
        if res is None:
            raise ApiError(404, "NotFound", "the cluster does not serve %s %s" % (obj["apiVersion"], obj["kind"]))
        params = {"server_side": True, "field_manager": field_manager, "force_conflicts": bool(force),
                  "serialize": False}
        if dry_run:
            params["dry_run"] = "All"
        response = self._call(self._k8s.apply, res, obj, meta.get("namespace") if res.namespaced else None, **params)
        return decode_response(response)

    def patch_merge(self, api_version, kind, name, namespace, patch, dry_run=False):
        """JSON merge patch (for small bookkeeping changes such as a label)."""
        res = self._resource(api_version, kind)
        params = {"name": name, "namespace": namespace if res.namespaced else None,
                  "content_type": "application/merge-patch+json"}
        if dry_run:
            params["dry_run"] = "All"
        return self._call(self._k8s.patch, res, patch, **params).to_dict()

    def delete(self, api_version, kind, name, namespace=None, propagation="Background", dry_run=False):
        """Delete one object; False when it was already gone."""
        res = self._resource(api_version, kind)
        if res is None:
            return False
        params = {"name": name, "propagation_policy": propagation}
        if res.namespaced:
            params["namespace"] = namespace
        if dry_run:
            params["dry_run"] = "All"
        try:
            self._call(self._k8s.delete, res, **params)
        except ApiError as e:
            if e.not_found:
                return False
            raise
        return True

    # services, through the API server's proxy

    def proxy(self, method, namespace, service, port, path, query=None, body=None, headers=None):
        """Call ``path`` of a Service through the API server: (status, headers, text). Never raises on HTTP status."""
        resource_path = "/api/v1/namespaces/%s/services/%s:%s/proxy%s" % (namespace, service, port, path)
        params = {"serialize": False, "_request_timeout": PROXY_TIMEOUT,
                  "header_params": dict(headers or {"Accept": "application/json, text/plain, */*"})}
        if query:
            params["query_params"] = list(query)
        if body is not None:
            params["body"] = body
            params["content_type"] = "application/json"
        try:
            response = self._k8s.client.request(method.lower(), resource_path, **params)
        except Exception as e:
            if DynamicApiError is None or not isinstance(e, DynamicApiError):
                raise
            text = e.body.decode("utf-8", "replace") if isinstance(e.body, bytes) else str(e.body or "")
            return e.status, dict(e.headers or {}), text
        data = response.data
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data or "")
        return response.status, _headers(response), text


def _headers(response):
    """Response headers as a dict; repeated headers (Set-Cookie) as a list under their name."""
    raw = getattr(response, "headers", None) or {}
    result = {}
    getlist = getattr(raw, "getlist", None)
    for name in raw.keys():
        values = getlist(name) if getlist else [raw[name]]
        result[name] = values if len(values) > 1 or name.lower() == "set-cookie" else values[0]
    return result


def connect(module):
    """A Cluster for an AnsibleK8SModule (kubernetes.core's auth options and check-mode dry run)."""
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client

    return Cluster(get_api_client(module=module))


def connection_problem(module):
    """None when the API server of the module's kubeconfig and context answers, else why not, in one sentence:
    the cause as the client states it last (urllib3 names it twice), or the server's refusal with its HTTP status."""
    try:
        connect(module).server_version()
    except Exception as e:  # every way of not reaching the cluster is the answer, not a crash
        error = _api_error(e)
        if error is not None:
            return "HTTP %d %s: %s" % (error.status, error.reason, error.message)
        cause = e
        while getattr(cause, "reason", None) is not None and isinstance(cause.reason, Exception):
            cause = cause.reason  # urllib3's MaxRetryError -> NewConnectionError
        return " ".join(str(cause).split()) or type(cause).__name__
    return None


def run_or_fail(module, work, known=()):
    """Return ``work()``; end the module with one message instead when it raises one of the collection's
    own errors (``known``; their ``result`` attribute, if any, goes into the failure), an API refusal,
    or an error of kubernetes.core (connection, authentication, configuration)."""
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.exceptions import CoreException

    try:
        return work()
    except known as e:
        module.fail_json(msg=str(e), **(getattr(e, "result", None) or {}))
    except ApiError as e:
        module.fail_json(msg="The API server refused a request: %s (HTTP %s)" % (e.message, e.status))
    except CoreException as e:
        module.fail_from_exception(e)
