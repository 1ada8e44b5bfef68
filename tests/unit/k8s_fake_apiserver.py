"""A Kubernetes API server over HTTP, backed by FakeCluster, for the real client chain.

kubernetes.core's K8SClient, the kubernetes client's DynamicClient and its discovery talk to it
exactly as they talk to a kube-apiserver: discovery documents, GET/LIST with label selectors,
server-side apply PATCH (fieldManager, force, dryRun), merge PATCH, DELETE (propagationPolicy),
Status errors with causes, Warning headers, and the services proxy. It speaks what the collection
uses, nothing more. ``rejected_token`` makes it answer 401 Unauthorized to a request bearing that token,
as a kube-apiserver does when a token expired or was revoked.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

try:
    from k8s_fake import NAMESPACED, FakeCluster
except ImportError:  # imported from tests/integration
    from unit.k8s_fake import NAMESPACED, FakeCluster

from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_cluster import ApiError

GROUPS = {
    "": ("v1", ["Namespace", "ServiceAccount", "Secret", "ConfigMap", "PersistentVolumeClaim", "Service", "Pod",
                "Endpoints", "Event", "ResourceQuota", "LimitRange"]),
    "apps": ("v1", ["Deployment", "StatefulSet", "DaemonSet"]),
    "batch": ("v1", ["Job", "CronJob"]),
    "policy": ("v1", ["PodDisruptionBudget"]),
    "networking.k8s.io": ("v1", ["NetworkPolicy", "Ingress"]),
    "rbac.authorization.k8s.io": ("v1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]),
    "scheduling.k8s.io": ("v1", ["PriorityClass"]),
    "autoscaling": ("v2", ["HorizontalPodAutoscaler"]),
    "apiextensions.k8s.io": ("v1", ["CustomResourceDefinition"]),
}
PLURALS = {"NetworkPolicy": "networkpolicies", "PriorityClass": "priorityclasses", "Ingress": "ingresses",
           "Endpoints": "endpoints", "ClusterRole": "clusterroles"}
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]
_PROXY = re.compile(r"^/api/v1/namespaces/([^/]+)/services/([^/:]+):([^/]+)/proxy(/.*)?$")


def plural(kind):
    return PLURALS.get(kind) or kind.lower() + ("es" if kind.endswith("s") else "s")


def _kinds_by_plural():
    found = {}
    for group, (version, kinds) in GROUPS.items():
        for kind in kinds:
            found[(group, version, plural(kind))] = kind
    return found


class _Handler(BaseHTTPRequestHandler):
    server_version = "fake-kube-apiserver/1.28"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            for item in value if isinstance(value, list) else [value]:
                self.send_header(name, item)
        self.end_headers()
        self.wfile.write(data)

    def _status(self, error):
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": error.message,
                "reason": error.reason, "code": error.status}
        if error.causes:
            body["details"] = {"causes": error.causes}
        self._send(error.status, body)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return yaml.safe_load(raw)

    def _route(self, method):
        fake = self.server.fake
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        path = unquote(url.path)
        fake.requests.append((method, path, query, self.headers.get("Content-Type")))
        rejected = self.server.rejected_token
        if rejected and self.headers.get("Authorization") == "Bearer %s" % rejected:
            return self._status(ApiError(401, "Unauthorized", "Unauthorized"))
        proxy = _PROXY.match(path)
        if proxy:
            status, headers, text = fake.proxy(method, proxy.group(1), proxy.group(2), proxy.group(3),
                                               proxy.group(4) or "/", query=sorted(parse_qsl(url.query)),
                                               body=self._body(), headers=dict(self.headers.items()))
            return self._send(status, text.encode(), headers)
        if path == "/version":
            return self._send(200, dict(fake.version, platform="linux/amd64"))
        if path == "/api":
            return self._send(200, {"kind": "APIVersions", "versions": ["v1"]})
        if path == "/apis":
            groups = [{"name": g, "versions": [{"groupVersion": "%s/%s" % (g, v), "version": v}],
                       "preferredVersion": {"groupVersion": "%s/%s" % (g, v), "version": v}}
                      for g, (v, _kinds) in GROUPS.items() if g]
            return self._send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        parts = [p for p in path.split("/") if p]
        if parts[0] == "api":
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self._status(ApiError(404, "NotFound", "the server could not find the requested resource"))
        if not rest:
            if group not in GROUPS or GROUPS[group][0] != version:
                return self._status(ApiError(404, "NotFound", "no such group version"))
            resources = [{"name": plural(k), "singularName": k.lower(), "namespaced": NAMESPACED.get(k, True),
                          "kind": k, "verbs": VERBS} for k in GROUPS[group][1]]
            return self._send(200, {"kind": "APIResourceList", "groupVersion": "/".join(filter(None, [group, version])),
                                    "resources": resources})
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        kind = _kinds_by_plural().get((group, version, rest[0]))
        if kind is None:
            return self._status(ApiError(404, "NotFound", "the server could not find the requested resource"))
        api_version = "/".join(filter(None, [group, version]))
        name = rest[1] if len(rest) > 1 else None
        try:
            if method == "GET" and name:
                found = fake.get(api_version, kind, name, namespace)
                if found is None:
                    raise ApiError(404, "NotFound", '%s "%s" not found' % (plural(kind), name))
                return self._send(200, found)
            if method == "GET":
                items = fake.list(api_version, kind, query.get("labelSelector"), namespace)
                for item in items:
                    item.pop("apiVersion", None)
                    item.pop("kind", None)
                return self._send(200, {"kind": kind + "List", "apiVersion": api_version,
                                        "metadata": {"resourceVersion": "1"}, "items": items})
            if method == "PATCH":
                body = self._body()
                content_type = self.headers.get("Content-Type", "")
                dry_run = query.get("dryRun") == "All"
                if content_type.startswith("application/apply-patch"):
                    if not query.get("fieldManager"):
                        raise ApiError(400, "BadRequest", "PatchOptions.meta.k8s.io is invalid: fieldManager: Required")
                    body.setdefault("metadata", {}).setdefault("name", name)
                    if namespace:
                        body["metadata"].setdefault("namespace", namespace)
                    result, warnings = fake.apply(body, query["fieldManager"],
                                                  force=query.get("force", "").lower() == "true", dry_run=dry_run)
                    headers = {"Warning": ['299 - "%s"' % w.replace('"', '\\"') for w in warnings]} if warnings else {}
                    return self._send(200, result, headers)
                return self._send(200, fake.patch_merge(api_version, kind, name, namespace, body, dry_run=dry_run))
            if method == "DELETE":
                if not fake.delete(api_version, kind, name, namespace, query.get("propagationPolicy", "Background"),
                                   dry_run=query.get("dryRun") == "All"):
                    raise ApiError(404, "NotFound", '%s "%s" not found' % (plural(kind), name))
                return self._send(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})
        except ApiError as e:
            return self._status(e)
        return self._status(ApiError(405, "MethodNotAllowed", "method not allowed"))

    def do_GET(self):  # noqa: N802
        self._route("GET")

    def do_PATCH(self):  # noqa: N802
        self._route("PATCH")

    def do_DELETE(self):  # noqa: N802
        self._route("DELETE")

    def do_POST(self):  # noqa: N802
        self._route("POST")


class FakeApiServer:
    """Serve a FakeCluster on http://127.0.0.1:<port> until stop()."""

    def __init__(self, fake=None):
        self.fake = fake or FakeCluster()
        self.fake.requests = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self.fake
        self._server.rejected_token = None
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._server.server_address[1]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def reject_token(self, token):
        """Answer 401 Unauthorized to every request bearing ``token`` (None: accept every token again)."""
        self._server.rejected_token = token

    def kubeconfig(self, path, context="fake", token="fake-token"):
        """Write a kubeconfig for this server (token auth over plain HTTP) and return its path."""
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": context,
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "fake", "user": {"token": token}}],
            "contexts": [{"name": context, "context": {"cluster": "fake", "user": "fake"}}],
        }
        path.write_text(yaml.safe_dump(config))
        return str(path)
