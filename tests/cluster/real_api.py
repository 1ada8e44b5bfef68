"""The collection's Cluster adapter on a real API server (a LocalCluster), for the k8s_* module_utils tests.

Every test of a module shares the module's control plane (``module_cluster`` in tests/conftest.py),
so each one works under its own names: ``Names`` gives a test its instance label value, namespaces
and the prefix of its cluster-scoped objects.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from cluster.netns_host import netns_host
from k8s_objects import owned

from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import Cluster

MANAGER = "vmstation-monitoring"
CONTAINER_SECURITY = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
# Pod Security "restricted" asks for these; the stack's pods set them too.
POD_SECURITY = {"runAsNonRoot": True, "runAsUser": 65534, "seccompProfile": {"type": "RuntimeDefault"}}


def adapter(local):
    """A Cluster over kubernetes.core's client, as the modules build it, for a LocalCluster."""
    return Cluster(get_api_client(kubeconfig=str(local.kubeconfig), context=local.context))


class Names:
    """Names of one test: unique across the tests sharing a control plane."""

    def __init__(self, request):
        self.id = "t" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8]
        self.instance = "vm-" + self.id
        self.ns = self.id + "-mon"
        self.agents = self.id + "-agents"

    def __call__(self, name):
        """A cluster-scoped name of this test."""
        return "%s-%s" % (self.id, name)


# Fixtures of the test_api_* modules, registered by tests/conftest.py (a conftest.py here would shadow that one).
@pytest.fixture()
def names(request):
    return Names(request)


@pytest.fixture()
def cluster(module_cluster):
    """The module's control plane through the modules' own client."""
    return adapter(module_cluster)


@pytest.fixture()
def stack_namespace(cluster, names):
    """The test's namespace, owned by the test's instance (request it with usefixtures)."""
    cluster.apply(owned("Namespace", names.ns, instance=names.instance), MANAGER)


def wait_for(what, predicate, timeout=90.0, interval=0.5):
    """Wait until ``predicate()`` returns something truthy (controllers act asynchronously); return it."""
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def container(name, image, **extra):
    return dict({"name": name, "image": image, "securityContext": CONTAINER_SECURITY}, **extra)


def pod_spec(*containers, **extra):
    return dict({"securityContext": POD_SECURITY, "containers": list(containers)}, **extra)


def claim_template(selector, size="20Gi", name="data"):
    # Like the roles' templates: the claims carry the selector labels, not the ownership labels.
    return {"metadata": {"name": name, "labels": selector},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}}


def stack(names, size="20Gi", grafana_image="grafana/grafana:12.1.0", claims=True, retention=None):
    """Twelve valid objects of a small stack: two namespaces, cluster-scoped RBAC and priority, config, workloads.

    Prometheus keeps its data in a claim of its volumeClaimTemplates (``claims``), with the claim
    retention policy ``retention`` if given."""
    inst = names.instance

    def selector(app):
        return {"app.kubernetes.io/name": app, "app.kubernetes.io/instance": inst}

    agents = owned("Namespace", names.agents, instance=inst)
    agents["metadata"]["labels"].update({"pod-security.kubernetes.io/enforce": "privileged",
                                         "pod-security.kubernetes.io/warn": "restricted"})
    return [
        owned("StatefulSet", "prometheus", names.ns, "apps/v1", app="prometheus", version="v3.13.3", instance=inst,
              spec={"replicas": 1, "selector": {"matchLabels": selector("prometheus")}, "serviceName": "prometheus",
                    "template": {"metadata": {"labels": selector("prometheus")}, "spec": pod_spec(
                        container("prometheus", "quay.io/prometheus/prometheus:v3.13.3"))},
                    "volumeClaimTemplates": [claim_template(selector("prometheus"), size)] if claims else [],
                    **({"persistentVolumeClaimRetentionPolicy": retention} if retention else {})}),
        owned("Service", "prometheus", names.ns, app="prometheus", instance=inst, spec={
            "selector": selector("prometheus"), "ports": [{"name": "http-metrics", "port": 9090}]}),
        owned("ConfigMap", "prometheus-config", names.ns, app="prometheus", instance=inst,
              data={"prometheus.yml": "global: {}\n"}),
        owned("Deployment", "grafana", names.ns, "apps/v1", app="grafana", version="12.1.0", instance=inst, spec={
            "replicas": 1, "selector": {"matchLabels": selector("grafana")},
            "template": {"metadata": {"labels": selector("grafana")},
                         "spec": pod_spec(container("grafana", grafana_image))}}),
        owned("DaemonSet", "node-exporter", names.agents, "apps/v1", app="node-exporter", version="v1.9.1",
              instance=inst, spec={
                  "selector": {"matchLabels": selector("node-exporter")},
                  "template": {"metadata": {"labels": selector("node-exporter")}, "spec": pod_spec(
                      container("node-exporter", "quay.io/prometheus/node-exporter:v1.9.1"), hostNetwork=True)}}),
        owned("PodDisruptionBudget", "prometheus", names.ns, "policy/v1", app="prometheus", instance=inst,
              spec={"maxUnavailable": 1, "selector": {"matchLabels": selector("prometheus")}}),
        owned("NetworkPolicy", "default-deny", names.ns, "networking.k8s.io/v1", instance=inst,
              spec={"podSelector": {}, "policyTypes": ["Ingress"]}),
        owned("ServiceAccount", "prometheus", names.ns, app="prometheus", instance=inst),
        owned("ClusterRole", names("prometheus"), None, "rbac.authorization.k8s.io/v1", instance=inst, rules=[]),
        owned("PriorityClass", names("critical"), None, "scheduling.k8s.io/v1", instance=inst, value=1000000),
        owned("Namespace", names.ns, instance=inst),
        agents,
    ]


def params(names, objects, **extra):
    return dict({"objects": objects, "instance": names.instance, "field_manager": MANAGER, "wait_timeout": 120},
                **extra)


# Services behind the API server's proxy.
#
# The proxy only forwards to an Endpoints address that is the IP of a Pod of the namespace, and kwok's
# pod IPs lead nowhere. So a Service without a selector gets Endpoints naming a Pod that no scheduler
# takes (so no kwok node runs it) and whose status carries the address of the run's test host (a
# network namespace of its own, tests/cluster/netns_host.py), where an HTTP server of the test
# answers: the request goes through the real proxy (path, query, body, cookies, Set-Cookie, the
# proxy's own errors) to an answer the test chooses.


class Backend:
    """An HTTP server answering per path: ``routes[path]`` is (status, headers, text) or a callable
    (method=, query=, body=, headers=) -> that; an unknown path answers 404. ``requests`` records each call."""

    PROBE = "/__backend_probe"

    def __init__(self):
        self.routes = {}
        self.requests = []
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                headers = dict(self.headers.items())
                query = sorted(parse_qsl(url.query))
                if url.path == Backend.PROBE:
                    status, extra, text = 200, {}, "ok"
                else:
                    backend.requests.append((self.command, url.path, query, body, headers))
                    route = backend.routes.get(url.path, (404, {}, "404 page not found"))
                    status, extra, text = route(method=self.command, query=query, body=body, headers=headers) \
                        if callable(route) else route
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    for item in value if isinstance(value, list) else [value]:
                        self.send_header(name, item)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

        host = netns_host()
        self._server = ThreadingHTTPServer((host.address, 0), Handler, bind_and_activate=False)
        self._server.socket.close()
        self._server.socket = host.listener()
        self.address, self.port = self._server.socket.getsockname()[:2]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def reset(self):
        self.routes.clear()
        self.requests.clear()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def expose(local, cluster, backend, namespace, service, port_name="http-metrics"):
    """Route the (selector-less) Service ``namespace/service`` port ``port_name`` to ``backend``."""
    from kubernetes import client

    core = client.CoreV1Api(local.client())
    address = backend.address
    pod = service + "-backend"
    core.create_namespaced_pod(namespace, {"metadata": {"name": pod}, "spec": pod_spec(
        container("app", "registry.k8s.io/pause:3.9"), schedulerName="no-scheduler-takes-this-pod")})
    core.patch_namespaced_pod_status(pod, namespace, {"status": {"podIP": address, "podIPs": [{"ip": address}]}})
    core.create_namespaced_endpoints(namespace, {"metadata": {"name": service}, "subsets": [{
        "addresses": [{"ip": address, "targetRef": {"kind": "Pod", "name": pod, "namespace": namespace}}],
        "ports": [{"name": port_name, "port": backend.port}]}]})
    # The proxy reads Endpoints from the API server's watch cache: wait until it routes.
    wait_for("the proxy to route %s/%s to the backend" % (namespace, service),
             lambda: cluster.proxy("GET", namespace, service, port_name, Backend.PROBE)[0] == 200, timeout=30)
