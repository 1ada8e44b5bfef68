# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The verify phase: rollouts complete, then each service healthy through the API server's proxy.

Pure predicates (``rollout_state``, ``pod_problems``, ``prometheus_targets``, ...) judge what the
cluster says; ``verify_stack`` polls them until everything is ready or the deadline passes, and
``summary_lines`` turns the run into the short report printed at the end of each cluster.

Health checks reach each Service by name and its ``http-metrics`` port (docs/architecture.md, Service
contract) at ``/api/v1/namespaces/<ns>/services/<service>:http-metrics/proxy/<path>``:

- Prometheus: ``/-/ready``, then every active target ``up`` (``/api/v1/targets?state=active``);
  version from ``/api/v1/status/buildinfo`` (Prometheus 2.14+ and 3.x).
- Alertmanager: ``/-/ready``; version from ``/api/v2/status``.
- Loki: ``/ready``; version from ``/loki/api/v1/status/buildinfo`` (Loki 2.x and 3.x).
- Grafana: ``/api/health`` (database ok, version); then its datasources: the API server strips the
  Authorization header before proxying, so the check logs in with the admin credentials of the
  Secret that holds ``admin-user`` and ``admin-password`` (``POST /login``, session cookie) and
  asks ``/api/datasources/uid/<uid>/health`` (Grafana 9+) for each datasource.
"""

from __future__ import annotations

import base64
import json
import time

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.prune import owner_selector

HEALTH_APPS = ("prometheus", "alertmanager", "grafana", "loki")
WEB_PORT = "http-metrics"
GRAFANA_USER_KEY, GRAFANA_PASSWORD_KEY = "admin-user", "admin-password"
_WAITING_REASONS_SHOWN = 5


# rollouts


def _generation_seen(obj):
    status = obj.get("status") or {}
    return (status.get("observedGeneration") or 0) >= ((obj.get("metadata") or {}).get("generation") or 0)


def rollout_state(obj):
    """("ready" | "waiting" | "failed", detail) of a Deployment, StatefulSet or DaemonSet (as kubectl rollout status)."""
    kind, spec, status = obj.get("kind"), obj.get("spec") or {}, obj.get("status") or {}
    if not _generation_seen(obj):
        return "waiting", "the controller has not seen generation %s yet" % obj["metadata"].get("generation")
    if kind == "Deployment":
        replicas = spec.get("replicas", 1)
        for condition in status.get("conditions") or []:
            if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
                return "failed", "progress deadline exceeded: %s" % condition.get("message", "")
        updated = status.get("updatedReplicas") or 0
        if updated < replicas:
            return "waiting", "%d of %d replicas updated" % (updated, replicas)
        if (status.get("replicas") or 0) > updated:
            return "waiting", "%d old replicas still terminating" % ((status.get("replicas") or 0) - updated)
        if (status.get("availableReplicas") or 0) < updated:
            return "waiting", "%d of %d updated replicas available" % (status.get("availableReplicas") or 0, updated)
        return "ready", "%d of %d replicas available" % (status.get("availableReplicas") or 0, replicas)
    if kind == "StatefulSet":
        replicas = spec.get("replicas", 1)
        ready = status.get("readyReplicas") or 0
        if ready < replicas:
            return "waiting", "%d of %d pods ready" % (ready, replicas)
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return "ready", "%d of %d pods ready (OnDelete: pods update when deleted)" % (ready, replicas)
        partition = (strategy.get("rollingUpdate") or {}).get("partition") or 0
        updated = status.get("updatedReplicas") or 0
        if partition:
            if updated < replicas - partition:
                return "waiting", "%d of %d pods above the partition updated" % (updated, replicas - partition)
        elif status.get("updateRevision") != status.get("currentRevision"):
            return "waiting", "rolling update: %d of %d pods updated" % (updated, replicas)
        return "ready", "%d of %d pods ready" % (ready, replicas)
    if kind == "DaemonSet":
        desired = status.get("desiredNumberScheduled") or 0
        updated = status.get("updatedNumberScheduled") or 0
        available = status.get("numberAvailable") or 0
        if updated < desired:
            return "waiting", "%d of %d nodes run the new pod" % (updated, desired)
        if available < desired:
            return "waiting", "%d of %d pods available" % (available, desired)
        return "ready", "%d of %d pods available" % (available, desired)
    return "ready", "no rollout to wait for"


def pod_problems(pods):
    """Why pods are not ready: unschedulable, image pulls, crash loops, failing probes."""
    found = []
    for pod in pods:
        name = pod["metadata"]["name"]
        status = pod.get("status") or {}
        for condition in status.get("conditions") or []:
            if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
                found.append("pod %s is not scheduled: %s" % (name, condition.get("message") or condition.get("reason")))
        for container in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
            waiting = (container.get("state") or {}).get("waiting") or {}
            if waiting.get("reason") and waiting["reason"] not in ("PodInitializing", "ContainerCreating"):
                found.append("pod %s container %s: %s %s" % (name, container.get("name"), waiting["reason"],
                                                             waiting.get("message") or ""))
            elif not container.get("ready") and "running" in (container.get("state") or {}):
                found.append("pod %s container %s runs but is not ready (readiness probe)" % (name, container["name"]))
    return [line.strip() for line in found]


def _selector(obj):
    labels = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return ",".join("%s=%s" % item for item in sorted(labels.items()))


# health through the service proxy


def _json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def prometheus_targets(targets_json):
    """(ok, detail) from /api/v1/targets: every active target must be up."""
    data = (_json(targets_json) or {}).get("data") or {}
    targets = data.get("activeTargets") or []
    down = [t for t in targets if t.get("health") != "up"]
    if not targets:
        return False, "no active targets yet"
    if not down:
        return True, "%d of %d targets up" % (len(targets), len(targets))
    shown = ["%s %s (%s%s)" % ((t.get("labels") or {}).get("job") or t.get("scrapePool"),
                               (t.get("labels") or {}).get("instance") or t.get("scrapeUrl"), t.get("health"),
                               ": " + t["lastError"] if t.get("lastError") else "")
             for t in down[:_WAITING_REASONS_SHOWN]]
    more = " and %d more" % (len(down) - len(shown)) if len(down) > len(shown) else ""
    return False, "%d of %d targets up; down: %s%s" % (len(targets) - len(down), len(targets), "; ".join(shown), more)


def datasource_health(status, text):
    """(ok or None when the datasource has no health check, detail) from /api/datasources/uid/<uid>/health."""
    body = _json(text) or {}
    message = body.get("message") or text.strip()[:200]
    if status in (404, 501) or "not implemented" in message.lower():
        return None, "no health check"
    if status == 200 and str(body.get("status", "OK")).upper() == "OK":
        return True, message or "OK"
    return False, "HTTP %s: %s" % (status, message)


class _Service:
    def __init__(self, obj):
        self.namespace = obj["metadata"]["namespace"]
        self.name = obj["metadata"]["name"]
        ports = (obj.get("spec") or {}).get("ports") or [{}]
        named = [p for p in ports if p.get("name") == WEB_PORT]
        port = (named or ports)[0]
        self.port = port.get("name") or port.get("port")


def _get(cluster, svc, path, query=None, headers=None):
    return cluster.proxy("GET", svc.namespace, svc.name, svc.port, path, query=query, headers=headers)


def _version(cluster, svc, path, pick):
    status, _headers, text = _get(cluster, svc, path)
    if status != 200:
        return None
    try:
        return pick(_json(text) or {})
    except (AttributeError, KeyError, TypeError):
        return None


def _ready(cluster, svc, path):
    status, _headers, text = _get(cluster, svc, path)
    return status == 200, "ready" if status == 200 else "%s not ready (HTTP %s: %s)" % (
        svc.name, status, text.strip()[:200])


def check_prometheus(cluster, svc, credentials=None):
    ok, detail = _ready(cluster, svc, "/-/ready")
    if not ok:
        return {"ok": False, "detail": detail}
    status, _headers, text = _get(cluster, svc, "/api/v1/targets", query=[("state", "active")])
    ok, detail = prometheus_targets(text) if status == 200 else (False, "targets unavailable (HTTP %s)" % status)
    return {"ok": ok, "detail": "ready, " + detail,
            "version": _version(cluster, svc, "/api/v1/status/buildinfo", lambda d: d["data"]["version"])}


def check_alertmanager(cluster, svc, credentials=None):
    ok, detail = _ready(cluster, svc, "/-/ready")
    result = {"ok": ok, "detail": detail}
    if ok:
        result["version"] = _version(cluster, svc, "/api/v2/status", lambda d: d["versionInfo"]["version"])
    return result


def check_loki(cluster, svc, credentials=None):
    ok, detail = _ready(cluster, svc, "/ready")
    result = {"ok": ok, "detail": detail}
    if ok:
        result["version"] = _version(cluster, svc, "/loki/api/v1/status/buildinfo", lambda d: d["version"])
    return result


def _session_cookie(headers):
    raw = headers.get("Set-Cookie") or headers.get("set-cookie") or []
    cookies = [c.split(";", 1)[0].strip() for c in (raw if isinstance(raw, list) else [raw])]
    return "; ".join(c for c in cookies if "=" in c)


def check_grafana(cluster, svc, credentials=None):
    status, _headers, text = _get(cluster, svc, "/api/health")
    body = _json(text) or {}
    if status != 200 or body.get("database") != "ok":
        return {"ok": False, "detail": "not healthy (HTTP %s: %s)" % (status, text.strip()[:200])}
    result = {"ok": True, "version": body.get("version"), "detail": "healthy", "datasources": []}
    if not credentials:
        result["detail"] = "healthy; datasources not checked: no Secret with %s and %s found next to Grafana" % (
            GRAFANA_USER_KEY, GRAFANA_PASSWORD_KEY)
        return result
    status, headers, _text = cluster.proxy("POST", svc.namespace, svc.name, svc.port, "/login",
                                           body={"user": credentials[0], "password": credentials[1]})
    cookie = _session_cookie(headers) if status == 200 else ""
    if not cookie:
        result.update(ok=False, detail="healthy, but logging in with the admin Secret failed (HTTP %s)" % status)
        return result
    status, _headers, text = _get(cluster, svc, "/api/datasources", headers={"Cookie": cookie,
                                                                             "Accept": "application/json"})
    listed = _json(text) if status == 200 else None
    if not isinstance(listed, list):
        result.update(ok=False, detail="healthy, but the datasources cannot be listed (HTTP %s)" % status)
        return result
    failing = []
    for source in listed:
        code, _h, answer = _get(cluster, svc, "/api/datasources/uid/%s/health" % source.get("uid"),
                                headers={"Cookie": cookie, "Accept": "application/json"})
        ok, detail = datasource_health(code, answer)
        result["datasources"].append({"name": source.get("name"), "uid": source.get("uid"),
                                      "type": source.get("type"), "ok": ok, "detail": detail})
        if ok is False:
            failing.append("%s (%s): %s" % (source.get("name"), source.get("type"), detail))
    healthy = sum(1 for d in result["datasources"] if d["ok"])
    result["ok"] = not failing
    result["detail"] = "healthy, %d of %d datasources healthy%s" % (
        healthy, len(listed), "; failing: " + "; ".join(failing) if failing else "")
    return result


def _safely(check, cluster, svc, credentials):
    """A check whose request failed (timeout, connection reset) is not healthy yet; it is asked again."""
    try:
        return check(cluster, svc, credentials)
    except Exception as e:  # noqa: BLE001 - any transport error of one poll; the deadline decides
        return {"ok": False, "detail": "request through the API server failed: %s" % str(e).splitlines()[0][:200]}


CHECKS = {"prometheus": check_prometheus, "alertmanager": check_alertmanager, "grafana": check_grafana,
          "loki": check_loki}


def grafana_credentials(cluster, namespace, instance, secret_name=None, secret_sink=None):
    """(user, password) from the stack's Secret next to Grafana holding both admin keys; None if there is none.

    ``secret_sink`` receives the password (the module hides it from every output; the user name is no
    secret, and hiding a short value such as "admin" would mask it inside every name of the result).
    """
    secrets = cluster.list("v1", "Secret", label_selector=owner_selector(instance), namespace=namespace)
    for secret in sorted(secrets, key=lambda s: s["metadata"]["name"]):
        data = secret.get("data") or {}
        if secret_name and secret["metadata"]["name"] != secret_name:
            continue
        if GRAFANA_USER_KEY in data and GRAFANA_PASSWORD_KEY in data:
            values = tuple(base64.b64decode(data[k]).decode("utf-8") for k in (GRAFANA_USER_KEY, GRAFANA_PASSWORD_KEY))
            if secret_sink:
                secret_sink(values[1])
            return values
    return None


def grafana_urls(cluster, namespace, instance):
    """URLs of the stack's Ingresses that route to the grafana Service."""
    urls = []
    for ingress in cluster.list("networking.k8s.io/v1", "Ingress", label_selector=owner_selector(instance),
                                namespace=namespace):
        spec = ingress.get("spec") or {}
        tls_hosts = {h for t in spec.get("tls") or [] for h in t.get("hosts") or []}
        for rule in spec.get("rules") or []:
            for path in ((rule.get("http") or {}).get("paths") or []):
                if ((path.get("backend") or {}).get("service") or {}).get("name") == "grafana" and rule.get("host"):
                    scheme = "https" if rule["host"] in tls_hosts else "http"
                    urls.append("%s://%s%s" % (scheme, rule["host"], path.get("path") or "/"))
    return sorted(set(urls))


def verify_stack(cluster, params, sleep=time.sleep, clock=time.monotonic, secret_sink=None):
    """Wait for rollouts, then health; returns (ok, result). params: instance, wait, timeout, interval, apps, health.

    With ``health`` false the rollouts are still waited for, but no service is called (pods whose IPs
    the API server cannot reach, such as a simulated node's)."""
    instance = params["instance"]
    wait = bool(params.get("wait", True))
    interval = params.get("interval") or 5
    deadline = clock() + (params.get("timeout") or 600)
    selector = owner_selector(instance)
    workloads = []
    while True:
        workloads = [w for api_version, kind in (("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"),
                                                 ("apps/v1", "DaemonSet"))
                     for w in cluster.list(api_version, kind, label_selector=selector)]
        states = [(w, rollout_state(w)) for w in workloads]
        pending = [(w, s) for w, s in states if s[0] != "ready"]
        if not wait or not pending or any(s[0] == "failed" for _w, s in pending) or clock() >= deadline:
            break
        sleep(interval)
    rollouts = [{"kind": w["kind"], "namespace": w["metadata"]["namespace"], "name": w["metadata"]["name"],
                 "state": s[0], "detail": s[1]} for w, s in states]
    result = {"rollouts": rollouts, "health": [], "grafana_urls": [], "problems": []}
    services = {s["metadata"]["name"]: _Service(s) for s in cluster.list("v1", "Service", label_selector=selector)}
    grafana = services.get("grafana")
    if grafana:
        result["grafana_urls"] = grafana_urls(cluster, grafana.namespace, instance)
        result["grafana"] = {"namespace": grafana.namespace, "service": grafana.name, "port": grafana.port}
    if not wait:
        return True, result
    if pending:
        for workload, (_state, detail) in pending:
            pods = cluster.list("v1", "Pod", label_selector=_selector(workload),
                                namespace=workload["metadata"]["namespace"])
            reasons = pod_problems(pods)[:_WAITING_REASONS_SHOWN]
            result["problems"].append("%s %s/%s: %s%s" % (workload["kind"], workload["metadata"]["namespace"],
                                                          workload["metadata"]["name"], detail,
                                                          "; " + "; ".join(reasons) if reasons else ""))
        return False, result
    apps = [app for app in (params.get("apps") or HEALTH_APPS) if app in services] if params.get("health", True) else []
    credentials = grafana_credentials(cluster, grafana.namespace, instance, params.get("grafana_admin_secret"),
                                      secret_sink) if grafana and "grafana" in apps else None
    while True:
        checks = {app: _safely(CHECKS[app], cluster, services[app], credentials) for app in apps}
        if all(c["ok"] for c in checks.values()) or clock() >= deadline:
            break
        sleep(interval)
    result["health"] = [dict(app=app, service="%s/%s" % (services[app].namespace, services[app].name), **check)
                        for app, check in checks.items()]
    result["problems"] = ["%s: %s" % (app, c["detail"]) for app, c in checks.items() if not c["ok"]]
    return not result["problems"], result


def summary_lines(report, verify):
    """The short report of one cluster: what changed, release, versions, health, how to reach Grafana."""
    counts = report.get("counts") or {}
    dry_run = report.get("dry_run")
    parts = ["%d %s" % (counts[a], a) for a in ("created", "configured", "recreated", "pruned", "unchanged",
                                                "retained") if counts.get(a)]
    server = report.get("server_version") or ""
    lines = ["%s (%s%s)%s: objects %s" % (report.get("cluster"), "context %s, " % report["context"]
                                          if report.get("context") else "",
                                          "Kubernetes %s" % server if server else "API",
                                          ", dry run" if dry_run else "", ", ".join(parts) or "none")]
    for action in ("recreated", "pruned"):
        named = ["%s %s%s%s" % (c["kind"], c["namespace"] + "/" if c.get("namespace") else "", c["name"],
                                " (%s)" % c["reason"] if c.get("reason") else "")
                 for c in report.get("changes") or [] if c.get("action") == action]
        if named:
            lines.append("%s%s: %s" % ("would be " if dry_run else "", action, ", ".join(named[:10]) + (
                " and %d more" % (len(named) - 10) if len(named) > 10 else "")))
    if report.get("revision"):
        state = ("would be recorded" if dry_run else "recorded") if report.get("recorded") else "unchanged"
        lines.append("release v%s %s (input %s)" % (report["revision"], state, str(report.get("digest", ""))[:12]))
    if report.get("secrets"):
        lines.append("secrets: " + ", ".join("%s %s" % (s["name"], s["action"]) for s in report["secrets"]))
    running = {h["app"]: h.get("version") for h in verify.get("health") or [] if h.get("version")}
    versions = dict(report.get("versions") or {})
    if versions:
        lines.append("versions: " + ", ".join("%s %s%s" % (app, version, " (running %s)" % running[app]
                                                           if running.get(app) and running[app].lstrip("v")
                                                           != str(version).lstrip("v") else "")
                                              for app, version in versions.items()))
    if verify.get("health"):
        lines.append("health: " + "; ".join("%s %s" % (h["app"], h["detail"]) for h in verify["health"]))
    elif verify.get("rollouts") is not None and not report.get("dry_run"):
        ready = sum(1 for r in verify["rollouts"] if r["state"] == "ready")
        not_waited = "" if report.get("waited") else " (not waited for: monitoring_wait_ready is false)"
        lines.append("workloads: %d of %d rolled out%s" % (ready, len(verify["rollouts"]), not_waited))
    grafana = verify.get("grafana")
    if grafana:
        context = " --context %s" % report["context"] if report.get("context") else ""
        forward = "kubectl%s -n %s port-forward svc/%s 3000:%s, then http://localhost:3000" % (
            context, grafana["namespace"], grafana["service"], grafana["port"])
        urls = verify.get("grafana_urls") or []
        lines.append("grafana: %s" % ("%s (or %s)" % (", ".join(urls), forward) if urls else forward))
    return lines
