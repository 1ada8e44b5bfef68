"""End to end on this machine: a target goes down and a webhook receives the alert, through the pinned
Prometheus and Alertmanager of the ``current`` profile (the builds of scripts/tools.py at the image tags
the roles pin, tests/real_tools.py) running the stack as it is rendered, at the shipped intervals.

What is real, as rendered with the shipped defaults (the only inputs given are the receiver):
  - the programs: ``prometheus`` and ``alertmanager`` at the versions of ``prometheus_image_tags`` and
    ``alertmanager_image_tags`` (``current``), started with the container arguments of the rendered
    StatefulSets;
  - ``prometheus.yml`` of the ConfigMap ``prometheus-config``: its ``global`` section (scrape interval
    30s, scrape timeout 10s, evaluation interval, external labels) and, of the scrape job of the
    component that goes down (``grafana``) and of the Alertmanager section, every setting but the
    discovery (limits, relabeling, scheme, API version);
  - every rule file of the ConfigMap ``prometheus-rules``, unchanged: the alert that fires is
    StackComponentDown with its rule group's interval and its ``for`` as shipped;
  - ``alertmanager.yml`` of the ConfigMap ``alertmanager-config``: the routing (group_by, group_wait,
    group_interval, repeat_interval, the dead-man's-switch route), inhibition and globals as shipped; the
    test checks that they are the same as in a render of the plain defaults.

Only Kubernetes service discovery is swapped for static targets on 127.0.0.1, carrying the labels the
relabeling would give, because there is no cluster in this test:
  - the rendered ``kubernetes_sd_configs`` cannot work without an API server, so the grafana job and the
    Alertmanager Prometheus sends to get a static target on 127.0.0.1 instead. Each static target has the
    ``__meta_kubernetes_*`` labels that endpointslice discovery gives for an endpoint of the rendered
    Service (namespace, Service name and labels, port name and number, pod and node), so the rendered
    relabeling runs unchanged on it and produces the labels it produces in a cluster (``namespace``,
    ``service``, ``pod``, ``node``; the test checks them);
  - the other scrape jobs, which would discover nothing here, are left out.
Beyond that, only where things are differs, as in any local run: the paths of the pods' mounts point into
the test's temporary folder, and each program listens on a free port of 127.0.0.1 (all traffic stays on
loopback).

The target goes down right after it has answered a scrape, the worst moment for detection, so the
measurement is close to the worst case instead of landing at a random point of the scrape cycle. The test
prints the measured latency (target down -> webhook called) and the worst case the rendered defaults
give (scrape interval + rule group interval + ``for`` rounded up to evaluations + group_wait; plus the
scrape timeout for a target that hangs instead of refusing connections), and asserts both are under the
one-minute alert latency target of STANDARDS.md. Past the two renders it runs for about two minutes (up
to a scrape interval to see the target up, one more to its first failed scrape, then the notification);
every wait has a timeout, and the programs are stopped whatever happens.
"""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from e2e.pods import api, arguments, configmap, free_port, get, mounts, relocate, stop, version, wait_until
from real_tools import binary, role_tag

pytestmark = [pytest.mark.render, pytest.mark.tools]

PROFILE = "current"
PROMETHEUS_VERSION = role_tag("prometheus_image_tags", PROFILE)
ALERTMANAGER_VERSION = role_tag("alertmanager_image_tags", PROFILE)
ALERT = "StackComponentDown"
JOB = "grafana"  # a stack component whose every target goes down
TARGET_SECONDS = 60.0  # STANDARDS.md: alert latency < 1 min
RECEIVER = "e2e-webhook"
POD, NODE = "grafana-7c9d8b6f5d-e2e00", "e2e-node"  # names the synthetic endpoints claim
ALERTMANAGER_POD = "alertmanager-0"


def _seconds(duration):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    parts = re.findall(r"(\d+)(ms|s|m|h|d|w|y)", str(duration))
    if not parts or "".join(n + u for n, u in parts) != str(duration):
        raise ValueError("not a Prometheus duration: %r" % duration)
    return sum(int(n) * units[u] for n, u in parts)


def _alert_rule(rule_files, alert):
    """(rule, group) of the first rule named ``alert`` in the rendered rule files."""
    for text in rule_files.values():
        for group in (yaml.safe_load(text) or {}).get("groups") or []:
            for rule in group.get("rules") or []:
                if rule.get("alert") == alert:
                    return rule, group
    raise AssertionError("no alerting rule %s in the rendered prometheus-rules ConfigMap" % alert)


def _matches(matcher, labels):
    match = re.match(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(.*)"\s*$', matcher)
    assert match, "matcher %r not understood by this test" % matcher
    name, op, value = match.groups()
    actual = labels.get(name, "")
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    found = re.fullmatch(value, actual) is not None
    return found if op == "=~" else not found


def _route_for(route, labels, inherited=None):
    """The settings (group_wait, receiver, ...) of the route Alertmanager picks for an alert with ``labels``."""
    settings = dict(inherited or {})
    settings.update({k: v for k, v in route.items() if k != "routes"})
    for child in route.get("routes") or []:
        if all(_matches(m, labels) for m in child.get("matchers") or []):
            return _route_for(child, labels, settings)
    return settings


def _scrape_job(prometheus_config, name):
    for job in prometheus_config.get("scrape_configs") or []:
        if job.get("job_name") == name:
            return job
    raise AssertionError("no scrape job %s in the rendered prometheus.yml" % name)


def _worst_case(prometheus_config, rule_files, alertmanager_config, namespace):
    """Worst-case seconds from a target refusing connections to the notification, its terms, the scrape timeout."""
    rule, group = _alert_rule(rule_files, ALERT)
    settings = prometheus_config.get("global") or {}
    job = _scrape_job(prometheus_config, JOB)
    scrape = _seconds(job.get("scrape_interval") or settings.get("scrape_interval", "1m"))
    timeout = _seconds(job.get("scrape_timeout") or settings.get("scrape_timeout", "10s"))
    evaluation = _seconds(group.get("interval") or settings.get("evaluation_interval", "1m"))
    hold = _seconds(rule.get("for", "0s"))
    pending = math.ceil(hold / evaluation) * evaluation
    labels = {**(settings.get("external_labels") or {}), **(rule.get("labels") or {}),
              "alertname": ALERT, "job": JOB, "namespace": namespace}
    group_wait = _seconds(_route_for(alertmanager_config["route"], labels).get("group_wait", "30s"))
    terms = {"scrape interval": scrape, "rule group interval": evaluation, "for (in evaluations)": pending,
             "group_wait": group_wait}
    return sum(terms.values()), terms, timeout


def _sanitize(name):
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


def _endpoint_labels(run, service_name, pod_name, node_name):
    """The ``__meta_kubernetes_*`` labels endpointslice discovery gives for an endpoint of a rendered Service.

    The endpoint is a pod of the workload the Service selects, on the first port of the Service.
    """
    service = run.find("local", "Service", service_name)
    namespace = service["metadata"]["namespace"]
    selector = service["spec"]["selector"]
    port = service["spec"]["ports"][0]
    workload = next(o for o in run.objects("local")
                    if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet")
                    and o["metadata"].get("namespace") == namespace
                    and selector.items() <= o["spec"]["template"]["metadata"].get("labels", {}).items())
    template = workload["spec"]["template"]
    container, container_port = next((c, p) for c in template["spec"]["containers"] for p in c.get("ports") or []
                                     if port["targetPort"] in (p.get("name"), p["containerPort"]))
    labels = {
        "__meta_kubernetes_namespace": namespace,
        "__meta_kubernetes_service_name": service_name,
        "__meta_kubernetes_endpointslice_name": "%s-e2e00" % service_name,
        "__meta_kubernetes_endpointslice_address_type": "IPv4",
        "__meta_kubernetes_endpointslice_port": str(container_port["containerPort"]),
        "__meta_kubernetes_endpointslice_port_name": port.get("name", ""),
        "__meta_kubernetes_endpointslice_port_protocol": port.get("protocol", "TCP"),
        "__meta_kubernetes_endpointslice_endpoint_conditions_ready": "true",
        "__meta_kubernetes_pod_name": pod_name,
        "__meta_kubernetes_pod_node_name": node_name,
        "__meta_kubernetes_pod_ready": "true",
        "__meta_kubernetes_pod_phase": "Running",
        "__meta_kubernetes_pod_container_name": container["name"],
        "__meta_kubernetes_pod_container_port_name": container_port.get("name", ""),
        "__meta_kubernetes_pod_container_port_number": str(container_port["containerPort"]),
    }
    for key, value in (service["metadata"].get("labels") or {}).items():
        labels["__meta_kubernetes_service_label_" + _sanitize(key)] = str(value)
        labels["__meta_kubernetes_service_labelpresent_" + _sanitize(key)] = "true"
    for key, value in (template["metadata"].get("labels") or {}).items():
        labels["__meta_kubernetes_pod_label_" + _sanitize(key)] = str(value)
        labels["__meta_kubernetes_pod_labelpresent_" + _sanitize(key)] = "true"
    return labels


def _without_discovery(section, address, labels):
    """A rendered scrape job or Alertmanager entry with a static target in place of Kubernetes discovery."""
    section = copy.deepcopy(section)
    assert section.pop("kubernetes_sd_configs", None), "expected Kubernetes discovery in %s" % section
    section["static_configs"] = [{"targets": [address], "labels": labels}]
    return section


def _serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


class _Target(BaseHTTPRequestHandler):
    """The grafana endpoint: answers scrapes (HTTP/1.0, one connection per scrape) and notes each one."""

    scraped = threading.Event()

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b"# TYPE e2e_component_info gauge\ne2e_component_info 1\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        type(self).scraped.set()

    def log_message(self, *args):
        pass


class _Webhook(BaseHTTPRequestHandler):
    calls = []  # (monotonic time, payload); replaced per test

    def do_POST(self):  # noqa: N802
        payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        type(self).calls.append((time.monotonic(), payload))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _firing(payload):
    return [a for a in payload.get("alerts", []) if a.get("status") == "firing"
            and a.get("labels", {}).get("alertname") == ALERT and a.get("labels", {}).get("job") == JOB]


def test_a_target_going_down_reaches_the_webhook_within_a_minute(render, tmp_path, capsys):
    prometheus_bin = binary("prometheus", PROMETHEUS_VERSION, "prometheus")
    alertmanager_bin = binary("alertmanager", ALERTMANAGER_VERSION, "alertmanager")
    versions = "prometheus %s, alertmanager %s" % (version(prometheus_bin, PROMETHEUS_VERSION),
                                                   version(alertmanager_bin, ALERTMANAGER_VERSION))

    _Webhook.calls = []
    _Target.scraped = threading.Event()
    webhook = _serve(_Webhook)
    target = _serve(_Target)
    processes = []
    try:
        hook_url = "http://127.0.0.1:%d/alerts" % webhook.server_address[1]
        # The receiver is the only input: every interval, the routing and the rules are the shipped defaults.
        run = render("local", PROFILE, alertmanager_receivers=[
            {"name": RECEIVER, "webhook_configs": [{"url": hook_url, "send_resolved": False}]}],
            alertmanager_default_receiver=RECEIVER)
        assert run.returncode == 0, run.output[-4000:]
        defaults = render("local", PROFILE)
        assert defaults.returncode == 0, defaults.output[-4000:]

        rule_files = configmap(run, "prometheus-rules")
        rendered_prometheus = yaml.safe_load(configmap(run, "prometheus-config")["prometheus.yml"])
        rendered_alertmanager = yaml.safe_load(configmap(run, "alertmanager-config")["alertmanager.yml"])
        default_alertmanager = yaml.safe_load(configmap(defaults, "alertmanager-config")["alertmanager.yml"])
        assert configmap(run, "prometheus-config") == configmap(defaults, "prometheus-config")
        assert rule_files == configmap(defaults, "prometheus-rules")
        assert {k: v for k, v in rendered_alertmanager.items() if k not in ("route", "receivers")} == \
            {k: v for k, v in default_alertmanager.items() if k not in ("route", "receivers")}
        assert {k: v for k, v in rendered_alertmanager["route"].items() if k != "receiver"} == \
            {k: v for k, v in default_alertmanager["route"].items() if k != "receiver"}, "routing is not the shipped one"
        namespace = run.find("local", "Service", JOB)["metadata"]["namespace"]

        prometheus_set = run.find("local", "StatefulSet", "prometheus")
        alertmanager_set = run.find("local", "StatefulSet", "alertmanager")
        prom_container, prom_mounts = mounts(prometheus_set, "prometheus", tmp_path)
        am_container, am_mounts = mounts(alertmanager_set, "alertmanager", tmp_path)
        am_port, prom_port = free_port(), free_port()
        prom_args = arguments(prom_container, prom_mounts, {"--web.listen-address": "127.0.0.1:%d" % prom_port})
        am_args = arguments(am_container, am_mounts, {"--web.listen-address": "127.0.0.1:%d" % am_port})
        prom_config_path = Path(next(a.split("=", 1)[1] for a in prom_args if a.startswith("--config.file=")))
        am_config_path = Path(next(a.split("=", 1)[1] for a in am_args if a.startswith("--config.file=")))

        # The rule files go where the pod mounts the rules ConfigMap (the folder rule_files points to).
        rules_glob = relocate(rendered_prometheus["rule_files"][0], prom_mounts)
        assert rules_glob != rendered_prometheus["rule_files"][0] and len(rendered_prometheus["rule_files"]) == 1
        for name, text in rule_files.items():
            (Path(rules_glob).parent / name).write_text(text)
        (alerting,) = rendered_prometheus["alerting"]["alertmanagers"]
        prometheus_config = {
            **{k: v for k, v in rendered_prometheus.items() if k not in ("rule_files", "alerting", "scrape_configs")},
            "rule_files": [rules_glob],
            "alerting": {**rendered_prometheus["alerting"], "alertmanagers": [_without_discovery(
                alerting, "127.0.0.1:%d" % am_port, _endpoint_labels(run, "alertmanager", ALERTMANAGER_POD, NODE))]},
            "scrape_configs": [_without_discovery(
                _scrape_job(rendered_prometheus, JOB), "127.0.0.1:%d" % target.server_address[1],
                _endpoint_labels(run, JOB, POD, NODE))],
        }
        prom_config_path.write_text(yaml.safe_dump(prometheus_config, sort_keys=False))
        am_config_path.write_text(configmap(run, "alertmanager-config")["alertmanager.yml"])

        def start(name, args):
            log = tmp_path / ("%s.log" % name)
            with open(log, "w") as handle:
                proc = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        cwd=tmp_path)
            processes.append((name, proc, log))
            return proc

        start("alertmanager", [alertmanager_bin, *am_args])
        start("prometheus", [prometheus_bin, *prom_args])
        am = "http://127.0.0.1:%d" % am_port
        prom = "http://127.0.0.1:%d" % prom_port
        wait_until("Alertmanager to be ready", lambda: get(am + "/-/ready")[0] == 200, 60, processes)
        wait_until("Prometheus to be ready", lambda: get(prom + "/-/ready")[0] == 200, 60, processes)

        worst, terms, scrape_timeout = _worst_case(rendered_prometheus, rule_files, rendered_alertmanager, namespace)
        scrape_interval = terms["scrape interval"]

        def rule_loaded():
            return any(r.get("name") == ALERT for g in api(prom + "/api/v1/rules")["groups"] for r in g["rules"])

        def target_up():
            return [t for t in api(prom + "/api/v1/targets?state=active")["activeTargets"]
                    if t["labels"].get("job") == JOB and t["health"] == "up"]

        wait_until("the rendered rules to load", rule_loaded, 30, processes)
        wait_until("Prometheus to find Alertmanager",
                   lambda: api(prom + "/api/v1/alertmanagers")["activeAlertmanagers"], 30, processes)
        (up,) = wait_until("the first scrape of the target", target_up, scrape_interval + scrape_timeout + 30,
                           processes)
        # What the rendered relabeling made of the endpoint's discovery labels.
        expected = {"job": JOB, "instance": "127.0.0.1:%d" % target.server_address[1], "namespace": namespace,
                    "service": JOB, "pod": POD, "node": NODE}
        assert {k: up["labels"].get(k) for k in expected} == expected, up["labels"]
        assert not any(_firing(p) for _t, p in _Webhook.calls), "the alert fired before the target went down"

        # Down right after a scrape: the next one, a whole scrape interval later, is the first to fail.
        _Target.scraped.clear()
        wait_until("a scrape of the target", _Target.scraped.is_set, scrape_interval + scrape_timeout + 10,
                   processes)
        target.shutdown()
        target.server_close()
        down_at = time.monotonic()
        first = wait_until("the webhook to receive %s" % ALERT,
                           lambda: next((t for t, p in list(_Webhook.calls) if _firing(p)), None),
                           max(worst, TARGET_SECONDS) + 30, processes)
        latency = first - down_at

        report = (
            "\nalert latency (%s; %s; shipped intervals): measured %.1fs from the "
            "target going down (right after a scrape) to the webhook call\n"
            "worst case with the rendered defaults: %.0fs (%s); a target that hangs instead of refusing adds the "
            "scrape timeout (%.0fs): %.0fs; target: under %.0fs\n" % (
                ALERT, versions, latency, worst,
                " + ".join("%s %gs" % kv for kv in terms.items()), scrape_timeout, worst + scrape_timeout,
                TARGET_SECONDS))
        with capsys.disabled():
            print(report)
        assert latency < TARGET_SECONDS, report
        assert latency <= worst + 2, "slower than the rendered intervals allow:" + report
        assert worst < TARGET_SECONDS, report
        assert worst + scrape_timeout < TARGET_SECONDS, report
        payload = next(p for _t, p in _Webhook.calls if _firing(p))
        assert payload["receiver"] == RECEIVER
        alert = _firing(payload)[0]
        assert alert["labels"]["severity"] == "critical" and alert["labels"]["namespace"] == namespace
        assert alert["annotations"]["summary"] and alert["annotations"]["runbook_url"].endswith("#stackcomponentdown")
    finally:
        stop(processes, (webhook, target))
