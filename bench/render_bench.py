#!/usr/bin/env python
"""Wall time and peak memory of a full render + validate + export, per phase.

  .venv/bin/python bench/render_bench.py [--inventory prod] [--profile current] [--runs 3]

1. Runs `ansible-playbook site.yml` (fresh build folder each run) with the phase_timer callback:
   wall time of the whole run and per phase (from the tasks' <role>_<phase> tags), and the peak RSS
   of the largest process of the run (ansible-playbook or one of its module processes).
2. Re-runs the validate and export steps in this process on the rendered objects, so that their own
   time and peak Python memory (tracemalloc) show apart from Ansible's overhead.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "collections"))

import yaml  # noqa: E402

from ansible_collections.vmstation.monitoring.plugins.module_utils.export.kustomize import (  # noqa: E402
    plan_tree, write_tree)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import validate_objects  # noqa: E402


def run_playbook(inventory, profile, build):
    timings = Path(build) / "phases.json"
    env = dict(os.environ, ANSIBLE_CALLBACK_PLUGINS=str(ROOT / "bench" / "callback_plugins"),
               ANSIBLE_CALLBACKS_ENABLED="phase_timer", PHASE_TIMER_OUT=str(timings))
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(ROOT / "inventory" / inventory),
           "site.yml", "-e", json.dumps({"monitoring_build_dir": str(Path(build) / "tree"),
                                         "monitoring_version_profile": profile})]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("ansible-playbook failed:\n" + proc.stdout[-4000:])
    return wall, json.loads(timings.read_text()), Path(build) / "tree"


def read_tree(tree):
    components = []
    for cluster in sorted(p for p in tree.iterdir() if p.is_dir()):
        for folder in sorted(p for p in cluster.iterdir() if p.is_dir()):
            objects = []
            for path in sorted(folder.glob("*.yaml")):
                if path.name != "kustomization.yaml":
                    objects.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
            components.append((folder.name, objects))
        break
    return components


def measure(func):
    tracemalloc.start()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", default="prod")
    parser.add_argument("--profile", default="current", choices=["current", "seed"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kubernetes-version", default="1.28")
    args = parser.parse_args()

    walls, phases = [], {}
    tree = None
    for _run in range(args.runs):
        build = tempfile.mkdtemp(prefix="vmstation-bench-")
        wall, timings, tree = run_playbook(args.inventory, args.profile, build)
        walls.append(wall)
        for phase, seconds in timings.items():
            phases.setdefault(phase, []).append(seconds)
    peak_child_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print("ansible-playbook site.yml -i inventory/%s (profile %s), %d run(s):" % (args.inventory, args.profile, args.runs))
    print("  %-12s %8.2f s (median)" % ("whole run", statistics.median(walls)))
    for phase in ("preflight", "render", "validate", "export", "other"):
        if phase in phases:
            print("  %-12s %8.2f s" % (phase, statistics.median(phases[phase])))
    print("  %-12s %8.1f MiB (largest process of the runs)" % ("peak RSS", peak_child_mib))

    components = read_tree(tree)
    objects = [obj for _name, objs in components for obj in objs]
    print("\nIn-process, on the %d objects of the first cluster:" % len(objects))
    seconds, peak, violations = measure(lambda: validate_objects(objects, args.kubernetes_version))
    print("  %-12s %8.3f s  peak %6.1f MiB  (%d findings)" % ("validate", seconds, peak / 2**20, len(violations)))
    out = tempfile.mkdtemp(prefix="vmstation-bench-export-")
    seconds, peak, _result = measure(lambda: write_tree(os.path.join(out, "c"), plan_tree(components)))
    print("  %-12s %8.3f s  peak %6.1f MiB" % ("export", seconds, peak / 2**20))
    seconds, peak, result = measure(lambda: write_tree(os.path.join(out, "c"), plan_tree(components)))
    print("  %-12s %8.3f s  peak %6.1f MiB  (%d files rewritten)" % (
        "re-export", seconds, peak / 2**20, len(result["created"]) + len(result["updated"])))


if __name__ == "__main__":
    main()
