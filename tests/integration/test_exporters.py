"""Renders of the node_exporter and kube_state_metrics roles, read back from the exported tree:
host access of the DaemonSet, flags and probes per release, RBAC against --resources, the Service
contract, network policies, labels, schemas, and preflight failures that name the variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    REQUIRED_LABELS,
    VERSION,
    selector_labels,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import SchemaValidator, supported_versions

from conftest import PROFILES, ROOT

pytestmark = pytest.mark.render

STACK = yaml.safe_load((ROOT / "roles" / "stack" / "defaults" / "main.yml").read_text())
LOCAL = yaml.safe_load((ROOT / "inventory" / "local" / "group_vars" / "all" / "main.yml").read_text())
NAMESPACE = STACK["monitoring_namespace"]
AGENTS = STACK["monitoring_agents_namespace"]
INSTANCE = STACK["monitoring_instance"]
CLUSTER = "local"
NO_AGENT = {"monitoring_log_agent": "none"}

# Releases each profile pins, and flags each release is known to accept (from its --help text; only the
# flags this collection may use). A flag the role renders for a release must be in its set.
RELEASES = {
    "seed": {"node-exporter": "v1.6.1", "kube-state-metrics": "v2.10.0"},
    "current": {"node-exporter": "v1.12.1", "kube-state-metrics": "v2.20.0"},
}
_NODE_EXPORTER_COMMON = {
    "--web.listen-address", "--web.telemetry-path", "--web.disable-exporter-metrics", "--web.config.file",
    "--path.procfs", "--path.sysfs", "--path.rootfs", "--path.udev.data",
    "--collector.filesystem.mount-points-exclude", "--collector.filesystem.fs-types-exclude",
    "--collector.netdev.device-exclude", "--collector.netclass.ignored-devices",
    "--collector.diskstats.device-exclude", "--collector.disable-defaults", "--log.level", "--log.format",
}
# Linux collectors present in both releases.
_NODE_EXPORTER_COLLECTORS = {
    "arp", "bcache", "bonding", "btrfs", "conntrack", "cpu", "cpufreq", "diskstats", "edac", "entropy", "filefd",
    "filesystem", "hwmon", "infiniband", "ipvs", "loadavg", "mdadm", "meminfo", "netclass", "netdev", "netstat",
    "nfs", "nfsd", "pressure", "processes", "rapl", "schedstat", "sockstat", "softnet", "stat", "systemd",
    "textfile", "thermal_zone", "time", "timex", "uname", "vmstat", "wifi", "xfs", "zfs",
}
NODE_EXPORTER_FLAGS = {"v1.6.1": _NODE_EXPORTER_COMMON, "v1.12.1": _NODE_EXPORTER_COMMON}
_KSM_COMMON = {
    "--port", "--telemetry-port", "--host", "--telemetry-host", "--resources", "--metric-labels-allowlist",
    "--metric-annotations-allowlist", "--metric-allowlist", "--metric-denylist", "--metric-opt-in-list",
    "--namespaces", "--namespaces-denylist", "--use-apiserver-cache", "--enable-gzip-encoding", "--tls-config",
    "--shard", "--total-shards",
}
KSM_FLAGS = {"v2.10.0": _KSM_COMMON, "v2.20.0": _KSM_COMMON | {"--auto-gomemlimit", "--auto-gomemlimit-ratio"}}


def _render(render, profile, **extra):
    run = render("local", profile, **NO_AGENT, **extra)
    assert run.returncode == 0, run.output[-4000:]
    return run


def _objects(run, app):
    return [o for o in run.objects(CLUSTER) if o["metadata"].get("labels", {}).get("app.kubernetes.io/name") == app]


def _pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def _container(workload):
    containers = _pod_spec(workload)["containers"]
    assert len(containers) == 1
    return containers[0]


def _flags(container):
    return {arg.split("=", 1)[0]: (arg.split("=", 1)[1] if "=" in arg else None) for arg in container["args"]}


def _subset(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


@pytest.fixture(params=PROFILES)
def profile(request):
    return request.param


# --- node-exporter --------------------------------------------------------------------------------------


def test_daemonset_sees_the_host_read_only_and_nothing_more(render, profile):
    run = _render(render, profile)
    ds = run.find(CLUSTER, "DaemonSet", "node-exporter", AGENTS)
    spec = _pod_spec(ds)
    container = _container(ds)
    assert spec["hostNetwork"] is True and spec["hostPID"] is True
    assert not spec.get("hostIPC")

    host_paths = {v["name"]: v["hostPath"]["path"] for v in spec["volumes"] if "hostPath" in v}
    assert sorted(host_paths.values()) == ["/", "/sys"], "only / and /sys come from the host"
    assert len(spec["volumes"]) == len(host_paths), "no other volume"
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert set(mounts) == set(host_paths)
    for name, mount in mounts.items():
        assert mount["readOnly"] is True, "%s must be read-only" % name
        assert mount["mountPropagation"] == "HostToContainer"
    mount_of = {host_paths[name]: m["mountPath"] for name, m in mounts.items()}
    flags = _flags(container)
    assert flags["--path.rootfs"] == mount_of["/"] == "/host/root"
    assert flags["--path.sysfs"] == mount_of["/sys"]
    assert flags["--path.udev.data"] == mount_of["/"] + "/run/udev/data"
    assert "--path.procfs" not in flags, "with hostPID the container's own /proc is the host's"

    pod_sc, sc = spec["securityContext"], container["securityContext"]
    assert pod_sc["runAsNonRoot"] is True and pod_sc["runAsUser"] == 65534 and pod_sc["runAsGroup"] == 65534
    assert pod_sc["seccompProfile"]["type"] == "RuntimeDefault"
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and not sc.get("privileged")
    assert spec["automountServiceAccountToken"] is False
    assert spec["priorityClassName"] == STACK["monitoring_priority_class_name"]
    assert {"operator": "Exists"} in spec["tolerations"]
    assert ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"]
    assert container["livenessProbe"]["httpGet"]["port"] == "http-metrics"
    assert container["readinessProbe"]["httpGet"]["port"] == "http-metrics"
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory"}

    waivers = {k: v for k, v in ds["metadata"].get("annotations", {}).items() if k.startswith("waivers.vmstation.io/")}
    assert list(waivers) == ["waivers.vmstation.io/K010"], "only the host-access rule is waived"
    assert all(word in waivers["waivers.vmstation.io/K010"] for word in ("hostNetwork", "hostPID", "read-only"))


def test_node_exporter_listens_on_the_node_address_only_by_default(render, profile):
    container = _container(_render(render, profile).find(CLUSTER, "DaemonSet", "node-exporter", AGENTS))
    assert _flags(container)["--web.listen-address"] == "[$(HOST_IP)]:9100"
    assert container["env"] == [{"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}]
    assert container["ports"] == [{"name": "http-metrics", "containerPort": 9100, "protocol": "TCP"}]


def test_node_exporter_flags_are_those_its_release_accepts(render, profile):
    ds = _render(render, profile).find(CLUSTER, "DaemonSet", "node-exporter", AGENTS)
    container = _container(ds)
    release = RELEASES[profile]["node-exporter"]
    assert container["image"] == "quay.io/prometheus/node-exporter:" + release
    assert ds["metadata"]["labels"][VERSION] == release
    known = NODE_EXPORTER_FLAGS[release]
    for flag in _flags(container):
        toggle = flag.removeprefix("--no-collector.").removeprefix("--collector.")
        if toggle in _NODE_EXPORTER_COLLECTORS and flag in ("--collector." + toggle, "--no-collector." + toggle):
            continue
        assert flag in known, "%s is not a flag of node-exporter %s" % (flag, release)
    flags = _flags(container)
    for value in flags.values():
        assert value is None or not set(value) & set("\"'"), "quotes would reach the process literally"
    assert flags["--collector.filesystem.mount-points-exclude"].startswith("^/(dev|proc|sys|")
    assert "var/lib/kubelet/pods/.+" in flags["--collector.filesystem.mount-points-exclude"]
    assert "overlay" in flags["--collector.filesystem.fs-types-exclude"]
    assert "veth" in flags["--collector.netdev.device-exclude"]


# --- kube-state-metrics ---------------------------------------------------------------------------------


def test_kube_state_metrics_flags_and_probes_follow_its_release(render, profile):
    deploy = _render(render, profile).find(CLUSTER, "Deployment", "kube-state-metrics", NAMESPACE)
    container = _container(deploy)
    release = RELEASES[profile]["kube-state-metrics"]
    assert container["image"] == "registry.k8s.io/kube-state-metrics/kube-state-metrics:" + release
    flags = _flags(container)
    unknown = set(flags) - KSM_FLAGS[release]
    assert not unknown, "not flags of kube-state-metrics %s: %s" % (release, unknown)
    assert flags["--port"] == "8080" and flags["--telemetry-port"] == "8081"
    liveness, readiness = container["livenessProbe"]["httpGet"], container["readinessProbe"]["httpGet"]
    if profile == "seed":
        assert "--auto-gomemlimit" not in flags
        assert (liveness["path"], liveness["port"]) == ("/healthz", "http-metrics")
        assert (readiness["path"], readiness["port"]) == ("/", "telemetry")
    else:
        assert "--auto-gomemlimit" in flags
        assert (liveness["path"], liveness["port"]) == ("/livez", "http-metrics")
        assert (readiness["path"], readiness["port"]) == ("/readyz", "telemetry")


def test_probes_follow_a_tag_pinned_by_hand_not_the_profile(render):
    run = _render(render, "current", kube_state_metrics_image_tag="v2.12.0",
                  node_exporter_listen_on_all_interfaces=True)
    container = _container(run.find(CLUSTER, "Deployment", "kube-state-metrics", NAMESPACE))
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert "--auto-gomemlimit" not in _flags(container)
    node = _container(run.find(CLUSTER, "DaemonSet", "node-exporter", AGENTS))
    assert _flags(node)["--web.listen-address"] == ":9100" and "env" not in node


def _rbac_resources(cluster_role):
    granted = {}
    for rule in cluster_role["rules"]:
        assert sorted(rule["verbs"]) == ["list", "watch"], "read-only, and only what it lists"
        assert len(rule["apiGroups"]) == 1
        for resource in rule["resources"]:
            assert resource not in granted, "%s granted twice" % resource
            granted[resource] = rule["apiGroups"][0]
    return granted


def test_cluster_role_grants_exactly_the_resources_it_exposes(render, profile):
    run = _render(render, profile)
    container = _container(run.find(CLUSTER, "Deployment", "kube-state-metrics", NAMESPACE))
    resources = _flags(container)["--resources"].split(",")
    role_name = "%s-kube-state-metrics" % INSTANCE
    granted = _rbac_resources(run.find(CLUSTER, "ClusterRole", role_name))
    assert sorted(granted) == sorted(resources)
    assert granted["pods"] == "" and granted["deployments"] == "apps" and granted["cronjobs"] == "batch"
    assert not {"secrets", "configmaps"} & set(resources), "no secret values in the pod by default"
    binding = run.find(CLUSTER, "ClusterRoleBinding", role_name)
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role_name}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "kube-state-metrics", "namespace": NAMESPACE}]


def test_added_resources_are_granted_in_their_api_group(render):
    run = _render(render, "current", kube_state_metrics_resources_enabled=["pods", "secrets", "endpointslices"],
                  kube_state_metrics_metric_labels_allowlist={"pods": ["app.kubernetes.io/name"]})
    container = _container(run.find(CLUSTER, "Deployment", "kube-state-metrics", NAMESPACE))
    assert _flags(container)["--resources"] == "pods,secrets,endpointslices"
    granted = _rbac_resources(run.find(CLUSTER, "ClusterRole", "%s-kube-state-metrics" % INSTANCE))
    assert granted == {"pods": "", "secrets": "", "endpointslices": "discovery.k8s.io"}


def test_kube_state_metrics_workload_is_hardened_and_disruption_safe(render, profile):
    run = _render(render, profile)
    deploy = run.find(CLUSTER, "Deployment", "kube-state-metrics", NAMESPACE)
    spec, container = _pod_spec(deploy), _container(deploy)
    assert deploy["spec"]["replicas"] == 1
    assert spec["automountServiceAccountToken"] is True, "it reads the API"
    assert run.find(CLUSTER, "ServiceAccount", "kube-state-metrics", NAMESPACE)["automountServiceAccountToken"] is False
    assert not spec.get("hostNetwork") and not spec.get("hostPID") and "volumes" not in spec
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]}
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory"}
    term = spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
    assert term["labelSelector"]["matchLabels"] == selector_labels("kube-state-metrics", INSTANCE)
    pdb = run.find(CLUSTER, "PodDisruptionBudget", "kube-state-metrics", NAMESPACE)
    assert pdb["spec"]["maxUnavailable"] == 1
    assert _subset(pdb["spec"]["selector"]["matchLabels"], deploy["spec"]["template"]["metadata"]["labels"])
    flags = _flags(container)
    assert flags["--metric-labels-allowlist"] == (
        "namespaces=[app.kubernetes.io/part-of],pods=[app.kubernetes.io/name,app.kubernetes.io/component]")
    assert "--metric-annotations-allowlist" not in flags


# --- both -----------------------------------------------------------------------------------------------

SERVICES = [
    ("node-exporter", "DaemonSet", AGENTS, {"http-metrics": 9100}),
    ("kube-state-metrics", "Deployment", NAMESPACE, {"http-metrics": 8080, "telemetry": 8081}),
]


@pytest.mark.parametrize("app,kind,namespace,ports", SERVICES)
def test_services_follow_the_contract(render, profile, app, kind, namespace, ports):
    run = _render(render, profile)
    service = run.find(CLUSTER, "Service", app, namespace)
    workload = run.find(CLUSTER, kind, app, namespace)
    assert service["metadata"]["labels"]["app.kubernetes.io/name"] == app
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP", "never NodePort or LoadBalancer"
    assert service["spec"]["selector"] == selector_labels(app, INSTANCE)
    assert _subset(service["spec"]["selector"], workload["spec"]["template"]["metadata"]["labels"])
    assert {p["name"]: p["port"] for p in service["spec"]["ports"]} == ports
    container_ports = {p["name"]: p["containerPort"] for p in _container(workload)["ports"]}
    for port in service["spec"]["ports"]:
        assert container_ports[port["targetPort"]] == port["port"]
    if app == "node-exporter":
        assert service["spec"]["clusterIP"] == "None", "headless: endpoints are node addresses"


@pytest.mark.parametrize("app,kind,namespace,ports", SERVICES)
def test_network_policies_select_the_pods_and_allow_prometheus(render, profile, app, kind, namespace, ports):
    run = _render(render, profile)
    pod_labels = run.find(CLUSTER, kind, app, namespace)["spec"]["template"]["metadata"]["labels"]
    policies = [o for o in _objects(run, app) if o["kind"] == "NetworkPolicy"]
    assert policies and all(_subset(p["spec"]["podSelector"]["matchLabels"], pod_labels) for p in policies)
    ingress = [p for p in policies if "Ingress" in p["spec"]["policyTypes"]]
    assert len(ingress) == 1
    (rule,) = ingress[0]["spec"]["ingress"]
    assert rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": NAMESPACE}},
                             "podSelector": {"matchLabels": selector_labels("prometheus", INSTANCE)}}]
    assert sorted(p["port"] for p in rule["ports"]) == sorted(ports.values())
    egress = [p for p in policies if "Egress" in p["spec"]["policyTypes"]]
    if app == "node-exporter":
        assert egress == [], "node-exporter calls nothing"
    else:
        (allow,) = egress
        (rule,) = allow["spec"]["egress"]
        assert [t["ipBlock"]["cidr"] for t in rule["to"]] == LOCAL["monitoring_api_server_cidrs"]
        assert [p["port"] for p in rule["ports"]] == STACK["monitoring_api_server_ports"]


@pytest.mark.parametrize("app", ["node-exporter", "kube-state-metrics"])
def test_every_object_carries_the_standard_labels_and_passes_three_schemas(render, profile, app):
    run = _render(render, profile)
    objects = _objects(run, app)
    kinds = sorted(o["kind"] for o in objects)
    assert {"ServiceAccount", "Service", "NetworkPolicy"} <= set(kinds)
    release = RELEASES[profile][app]
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert set(REQUIRED_LABELS) <= set(labels), obj["metadata"]["name"]
        assert labels[VERSION] == release
        selector = obj.get("spec", {}).get("selector", {})
        assert VERSION not in selector.get("matchLabels", selector), "selectors never carry the version"
    for version in ("1.25", "1.28", supported_versions()[-1]):
        validator = SchemaValidator(version)
        problems = [v.format() for obj in objects for v in validator.validate(obj)]
        assert problems == [], "Kubernetes %s:\n%s" % (version, "\n".join(problems))


# --- preflight ------------------------------------------------------------------------------------------

# Each run sets several wrong variables of one role: its preflight reports every one of them at once.
BAD_RUNS = {
    "node_exporter": ("current", {
        "node_exporter_image_tag": "latest",
        "node_exporter_port": 80,
        "node_exporter_resources": {"requests": {"cpu": "50m", "memory": "64MB"},
                                    "limits": {"cpu": "1", "memory": "1Gi"}},
    }, ['node_exporter_image_tag is "latest": it must be a pinned release tag',
        "node_exporter_port is 80: it must be between 1024 and 65535",
        'node_exporter_resources.requests.memory is "64MB": it must be a Kubernetes quantity']),
    "kube_state_metrics": ("current", {
        "kube_state_metrics_replicas": 0,
        "kube_state_metrics_resources_enabled": ["pods", "podz"],
        "kube_state_metrics_metric_labels_allowlist": {"pods": ["*"]},
        "kube_state_metrics_metric_annotations_allowlist": {"secrets": ["team"]},
    }, ["kube_state_metrics_replicas is 0: it must be at least 1",
        "unknown (kube-state-metrics would refuse to start): podz",
        'kube_state_metrics_metric_labels_allowlist is {"pods": ["*"]}',
        "not in kube_state_metrics_resources_enabled: secrets"]),
    "kube_state_metrics_seed": ("seed", {
        "kube_state_metrics_resources_enabled": ["pods", "validatingadmissionpolicies"],
        "kube_state_metrics_metric_labels_allowlist": {},
    }, ["not in release v2.10.0: validatingadmissionpolicies"]),
}


@pytest.mark.parametrize("case", sorted(BAD_RUNS))
def test_bad_inputs_fail_in_preflight_naming_each_variable(render, case):
    profile_name, extra, messages = BAD_RUNS[case]
    run = render("local", profile_name, **NO_AGENT, **extra)
    assert run.returncode != 0
    output = " ".join(run.output.split())
    for message in messages:
        assert message in output, "%s\n%s" % (message, output[-3000:])
    for variable, value in extra.items():
        if value:
            # The message names the variable, or the key of it that is wrong (node_exporter_resources.limits.cpu).
            assert re.search(r"\b%s(\.[\w.]+)? is " % variable, output), variable
    role = "node_exporter" if case.startswith("node_exporter") else "kube_state_metrics"
    assert "vmstation.monitoring.%s : Check the" % role in output, "fails in the role's preflight"
    assert "Validate the whole stack" not in output
    assert not Path(run.build_dir, CLUSTER).exists(), "nothing is written"
