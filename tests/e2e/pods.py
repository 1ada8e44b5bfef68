"""The programs of a rendered pod, run on this machine: the container's arguments with the pod's mount paths
moved into the test's folder and its ports onto free ports of 127.0.0.1, and waits that fail with the programs'
logs. Shared by the end-to-end tests."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def configmap(run, name):
    return run.find("local", "ConfigMap", name)["data"]


def mounts(workload, container_name, folder):
    """{mount path in the pod: folder of this test}, for every volume mount of a rendered container."""
    container = next(c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == container_name)
    found = {}
    for mount in container.get("volumeMounts") or []:
        local = folder / container_name / mount["name"]
        local.mkdir(parents=True, exist_ok=True)
        found[mount["mountPath"].rstrip("/")] = local
    return container, found


def relocate(value, folders):
    """``value`` with a leading pod mount path replaced by its folder here."""
    for path in sorted(folders, key=len, reverse=True):
        if value == path or value.startswith(path + "/"):
            return str(folders[path]) + value[len(path):]
    return value


def arguments(container, folders, values):
    """The rendered container's arguments, with paths moved under ``folders`` (``mounts``) and the flags of
    ``values`` (``{"--web.listen-address": "127.0.0.1:9090"}``: where it listens here) given those values."""
    args = []
    for arg in list(container.get("command") or [])[1:] + list(container.get("args") or []):
        flag, sep, value = arg.partition("=")
        if flag in values:
            value = values[flag]
        elif sep:
            value = relocate(value, folders)
        args.append(flag + sep + value)
    return args


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
        return response.status, response.read()


def api(url):
    return json.loads(get(url)[1])["data"]


def wait_until(what, predicate, timeout, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, proc, log in processes:
            if proc.poll() is not None:
                pytest.fail("%s exited with %s while waiting for %s:\n%s"
                            % (name, proc.returncode, what, Path(log).read_text()[-3000:]))
        try:
            result = predicate()
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            result = None
        if result:
            return result
        time.sleep(0.1)
    logs = "".join("\n--- %s (last lines)\n%s" % (name, Path(log).read_text()[-2000:]) for name, _p, log in processes)
    pytest.fail("timed out after %.0fs waiting for %s%s" % (timeout, what, logs))


def version(path, expected):
    """What ``path --version`` says of the pinned build: its version, which must be the pinned one.

    A build without the release's version stamp reports none; the path (named by version) is then
    what identifies it.
    """
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r"version v?(\d+\.\d+\.\d+\S*)", out.stdout + out.stderr)
    if not found:
        return "%s (the build reports no version)" % expected
    assert found.group(1) == expected.lstrip("v"), (
        "%s is not the pinned %s: %s" % (path, expected, (out.stdout + out.stderr).strip()[:300]))
    return found.group(1)


def stop(processes, servers):
    for _name, proc, _log in processes:
        if proc.poll() is None:
            proc.terminate()
    for _name, proc, _log in processes:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    for server in servers:
        try:
            server.shutdown()
            server.server_close()
        except OSError:
            pass
