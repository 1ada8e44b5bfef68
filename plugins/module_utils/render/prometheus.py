# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""prometheus.yml as a plain dict, built from the prometheus role's settings.

``build_config(spec)`` returns the config; ``job_names(spec)`` the names of the jobs it renders (the
jobs ``job_overrides`` may name); ``scrape_problems(spec)`` the preflight messages of the intervals and of
the per-job settings (``prometheus_scrape_job_overrides`` and ``prometheus_extra_scrape_configs``). Every
key is valid for Prometheus 2.48 (seed) and 3.13 (current).

Every job gets the limits of ``scrape_limits`` (rule M004) and no relabeling copies pod UID, pod IP or
container id into a label. Each target is scraped by exactly one job:

- the stack's components by one job per app (the Service contract), never by the annotation jobs;
- annotated pods by ``kubernetes-pods``; endpoints of annotated Services by
  ``kubernetes-service-endpoints``, unless the pod behind them is itself annotated.

``spec`` keys: ``scrape_interval``, ``scrape_timeout``, ``evaluation_interval``, ``cluster``,
``environment``, ``external_labels``, ``rules_dir``, ``service_account_dir``, ``instance``, ``part_of``
(the part-of label of the stack's own objects), ``kubelet_insecure_skip_verify``, ``component_jobs``
(the Service contract's ``{app, namespace, port}`` of each enabled component), ``job_settings`` (app ->
``{settings, target_labels}`` a component's job adds), ``alertmanager`` (``{namespace, port}`` of the
Alertmanager Service, or None), ``annotated_targets``, ``scrape_limits``, ``job_overrides``
(job name -> settings), ``extra_scrape_configs`` and ``overrides`` (merged over the whole config).
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.dicts import merge
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import message
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import parse_duration, unit_hint

CLUSTER_JOBS = ("kubernetes-apiservers", "kubelet", "kubelet-cadvisor")
ANNOTATION_JOBS = ("kubernetes-service-endpoints", "kubernetes-pods")
# Per-job limits of the cluster jobs, above the general scrape limits.
CLUSTER_JOB_SETTINGS = {
    "kubernetes-apiservers": {"sample_limit": 400000},
    "kubelet": {"sample_limit": 100000},
    "kubelet-cadvisor": {"sample_limit": 400000},
}
_KUBELET_PATHS = (("kubelet", "/metrics"), ("kubelet-cadvisor", "/metrics/cadvisor"))
MIN_SCRAPE_INTERVAL = 15
_INTERVAL_FIX = ("must be a Prometheus duration of 15s or more: shorter intervals multiply the load on Prometheus "
                 "and on every target (STANDARDS M001)")
_TARGET_LABELS = (("__meta_kubernetes_namespace", "namespace"), ("__meta_kubernetes_pod_name", "pod"))
_NODE_LABELS = (("__meta_kubernetes_node_name", "node"), ("__meta_kubernetes_node_name", "instance"))


def job_names(spec):
    """Names of the jobs ``build_config`` renders before the extra scrape configs, in order."""
    return (list(CLUSTER_JOBS) + [entry["app"] for entry in spec["component_jobs"]]
            + (list(ANNOTATION_JOBS) if spec["annotated_targets"] else []))


def scrape_problems(spec):
    """One message per problem of the scrape settings: intervals below 15s (rule M001), global or per job;
    overrides of jobs that are not rendered; extra jobs without a name or limits (rule M004) or with a name
    already taken."""
    rendered = job_names(spec)
    overrides = spec["job_overrides"]
    problems = []
    for name in ("scrape_interval", "evaluation_interval"):
        problems += _interval_problems("prometheus_" + name, spec[name])
    unknown = [name for name in overrides if name not in rendered]
    if unknown:
        problems.append(message("prometheus_scrape_job_overrides", list(overrides), "may only name rendered jobs (%s); "
                                "unknown: %s" % (", ".join(rendered), ", ".join(unknown))))
    for name, settings in overrides.items():
        if "scrape_interval" in settings:
            problems += _interval_problems("prometheus_scrape_job_overrides.%s.scrape_interval" % name,
                                           settings["scrape_interval"])
    taken = set(rendered)
    for index, job in enumerate(spec["extra_scrape_configs"]):
        variable = "prometheus_extra_scrape_configs[%d]" % index
        missing = [key for key in ("job_name", "sample_limit", "label_limit") if key not in job]
        if missing:
            problems.append(message(variable, job, "must have a job_name, a sample_limit and a label_limit "
                                    "(STANDARDS M004); it lacks %s" % ", ".join(missing)))
        if isinstance(job.get("job_name"), str) and job["job_name"] in taken:
            problems.append(message(variable + ".job_name", job["job_name"], "must be a name of its own, used once "
                                    "and by none of the rendered jobs (%s)" % ", ".join(rendered)))
        taken.add(str(job.get("job_name")))
        if "scrape_interval" in job:
            problems += _interval_problems(variable + ".scrape_interval", job["scrape_interval"])
    return problems


def _interval_problems(variable, interval):
    seconds = parse_duration(interval)
    if seconds is not None and seconds >= MIN_SCRAPE_INTERVAL:
        return []
    return [message(variable, interval, _INTERVAL_FIX + unit_hint(interval, "duration"))]


def build_config(spec):
    """prometheus.yml for ``spec`` (see the module docstring), with ``spec["overrides"]`` merged over it."""
    config = {
        "global": {
            "scrape_interval": spec["scrape_interval"],
            "scrape_timeout": spec["scrape_timeout"],
            "evaluation_interval": spec["evaluation_interval"],
            "external_labels": merge({"cluster": spec["cluster"], "environment": spec["environment"]},
                                     spec["external_labels"]),
        },
        "rule_files": [spec["rules_dir"] + "/*.yml"],
    }
    if spec.get("alertmanager"):
        config["alerting"] = {"alertmanagers": [_alertmanagers(spec["alertmanager"], spec["instance"])]}
    jobs = [merge({"job_name": job["job_name"]}, spec["scrape_limits"], job,
                  CLUSTER_JOB_SETTINGS.get(job["job_name"], {}), spec["job_overrides"].get(job["job_name"], {}))
            for job in _jobs(spec)]
    config["scrape_configs"] = jobs + list(spec["extra_scrape_configs"])
    return merge(config, spec["overrides"])


def _copy_labels(pairs):
    """Relabel rules copying each source label of ``pairs`` to its target label."""
    return [{"source_labels": [source], "target_label": target} for source, target in pairs]


def _alertmanagers(service, instance):
    return {
        "scheme": "http",
        "api_version": "v2",
        "kubernetes_sd_configs": [{"role": "endpointslice", "namespaces": {"names": [service["namespace"]]}}],
        "relabel_configs": [
            {"source_labels": ["__meta_kubernetes_service_name"], "regex": "alertmanager", "action": "keep"},
            {"source_labels": ["__meta_kubernetes_service_label_app_kubernetes_io_instance"], "regex": instance,
             "action": "keep"},
            {"source_labels": ["__meta_kubernetes_endpointslice_port"], "regex": str(service["port"]),
             "action": "keep"},
        ],
    }


def _jobs(spec):
    """Every rendered job before the limits and overrides are merged in."""
    token = spec["service_account_dir"] + "/token"
    ca_file = spec["service_account_dir"] + "/ca.crt"
    # The Kubernetes API servers: the endpoints of the `kubernetes` Service in `default`.
    jobs = [{
        "job_name": "kubernetes-apiservers",
        "scheme": "https",
        "tls_config": {"ca_file": ca_file},
        "kubernetes_sd_configs": [{"role": "endpointslice", "namespaces": {"names": ["default"]}}],
        "relabel_configs": [
            {"source_labels": ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
             "regex": "kubernetes;https", "action": "keep"},
        ],
        "authorization": {"type": "Bearer", "credentials_file": token},
    }]
    # The kubelets, directly on node:10250 with the service account token (RBAC nodes/metrics). The API
    # server proxy would need nodes/proxy, which grants far more than metrics.
    for name, path in _KUBELET_PATHS:
        jobs.append({
            "job_name": name,
            "scheme": "https",
            "metrics_path": path,
            "tls_config": {"ca_file": ca_file, "insecure_skip_verify": spec["kubelet_insecure_skip_verify"]},
            "kubernetes_sd_configs": [{"role": "node"}],
            "relabel_configs": _copy_labels(_NODE_LABELS),
            "authorization": {"type": "Bearer", "credentials_file": token},
        })
    jobs += [_component_job(dict(entry, **spec.get("job_settings", {}).get(entry["app"], {})), spec["instance"])
             for entry in spec["component_jobs"]]
    if spec["annotated_targets"]:
        jobs += _annotation_jobs(spec["part_of"])
    return jobs


def _component_job(entry, instance):
    """The job of one stack component, named after its app: its Service's `http-metrics` port."""
    relabel = [
        {"source_labels": ["__meta_kubernetes_service_label_app_kubernetes_io_name"], "regex": entry["app"],
         "action": "keep"},
        {"source_labels": ["__meta_kubernetes_service_label_app_kubernetes_io_instance"], "regex": instance,
         "action": "keep"},
        {"source_labels": ["__meta_kubernetes_endpointslice_port_name"], "regex": "http-metrics", "action": "keep"},
    ]
    if entry.get("target_labels", True):
        relabel += _copy_labels((("__meta_kubernetes_service_name", "service"),
                                 ("__meta_kubernetes_pod_node_name", "node")) + _TARGET_LABELS)
    job = {
        "job_name": entry["app"],
        "kubernetes_sd_configs": [{"role": "endpointslice", "namespaces": {"names": [entry["namespace"]]}}],
        "relabel_configs": relabel,
    }
    return merge(job, entry.get("settings", {}))


def _annotation_rules(kind):
    prefix = "__meta_kubernetes_%s_annotation_prometheus_io_" % kind
    return [
        {"source_labels": [prefix + "scheme"], "regex": "(https?)", "target_label": "__scheme__"},
        {"source_labels": [prefix + "path"], "regex": "(.+)", "target_label": "__metrics_path__"},
        {"source_labels": ["__address__", prefix + "port"], "regex": r"(.+?)(?::\d+)?;(\d+)", "replacement": "$1:$2",
         "target_label": "__address__"},
    ]


def _annotation_jobs(part_of):
    """Targets outside the stack annotated prometheus.io/scrape; the stack's own objects are dropped."""
    def drop_stack(kind):
        return {"source_labels": ["__meta_kubernetes_%s_label_app_kubernetes_io_part_of" % kind], "regex": part_of,
                "action": "drop"}

    return [
        {
            "job_name": "kubernetes-service-endpoints",
            "kubernetes_sd_configs": [{"role": "endpointslice"}],
            "relabel_configs": [
                drop_stack("service"), drop_stack("pod"),
                {"source_labels": ["__meta_kubernetes_service_annotation_prometheus_io_scrape"], "regex": "true",
                 "action": "keep"},
                {"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "regex": "true",
                 "action": "drop"},
            ] + _annotation_rules("service")
            + _copy_labels((("__meta_kubernetes_service_name", "service"),) + _TARGET_LABELS),
        },
        {
            "job_name": "kubernetes-pods",
            "kubernetes_sd_configs": [{"role": "pod"}],
            "relabel_configs": [
                drop_stack("pod"),
                {"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "regex": "true",
                 "action": "keep"},
                {"source_labels": ["__meta_kubernetes_pod_phase"], "regex": "Pending|Succeeded|Failed",
                 "action": "drop"},
                {"source_labels": ["__meta_kubernetes_pod_container_init"], "regex": "true", "action": "drop"},
            ] + _annotation_rules("pod") + _copy_labels(_TARGET_LABELS),
        },
    ]
