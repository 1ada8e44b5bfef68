#!/usr/bin/env python
"""A real Kubernetes control plane on loopback, with simulated nodes, for tests and for people.

    .venv/bin/python scripts/local_cluster.py up [--version v1.28.15] [--dir DIR] [--nodes 2]
    .venv/bin/python scripts/local_cluster.py down --dir DIR

`up` starts, from the pinned builds of scripts/tools.py: etcd; kube-apiserver (client-certificate
authentication, RBAC, Pod Security Admission among the default admission plugins, a service-account
signer); kube-controller-manager (every default controller, the service-account token controller and
the host-path volume provisioner, so claims are really bound); kube-scheduler; and kwok, which plays
the kubelets of a few simulated nodes: pods are scheduled, admitted, reported Running and Ready, so
rollouts complete. It writes DIR/kubeconfig (context `local`), prints `export KUBECONFIG=...` and
keeps running until Ctrl-C, or until `down` (it records the processes in DIR/pids).

What a simulated node does not do: run containers. Pod IPs are simulated, so the API server's service
proxy cannot reach a pod, and no data is written inside a volume.

Tests use the class ``LocalCluster`` (the fixtures in tests/conftest.py wrap it for pytest).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import ipaddress
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("tool_cache", ROOT / "plugins" / "module_utils" / "common" / "tool_cache.py")
tool_cache = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool_cache)

import yaml  # noqa: E402

_TOOLS = yaml.safe_load((ROOT / "scripts" / "tools.yml").read_text())
DEFAULT_VERSION = _TOOLS["kubernetes"]["versions"][0]
ETCD_VERSION = _TOOLS["etcd"]["versions"][0]
KWOK_VERSION = _TOOLS["kwok"]["versions"][0]
HOSTPATH_PROVISIONER = "kubernetes.io/host-path"
NODE_ANNOTATION = "kwok.x-k8s.io/node"


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _binary(name: str, version: str, program: str) -> str:
    path = tool_cache.find_binary(name, version, program)
    if not path:
        raise ClusterError("%s %s is not built: run scripts/tools.py --only %s" % (program, version, name))
    return path


def _write_certs(pki: Path) -> None:
    """A CA, the API server's serving certificate, an admin client certificate, the SA signing key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    pki.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    def name(cn, org=None):
        attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
        if org:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
        return x509.Name(attrs)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("local-cluster-ca")).issuer_name(name("local-cluster-ca"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=7))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))

    def issue(filename, subject, server=False):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=7))
                   .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH if server
                                                         else x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.DNSName("kubernetes.default.svc"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        (pki / (filename + ".crt")).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (pki / (filename + ".key")).write_bytes(pem_key(key))

    (pki / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (pki / "ca.key").write_bytes(pem_key(ca_key))
    issue("apiserver", name("kube-apiserver"), server=True)
    issue("admin", name("local-admin", "system:masters"))
    sa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (pki / "sa.key").write_bytes(pem_key(sa_key))
    (pki / "sa.pub").write_bytes(sa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def kubeconfig_dict(server: str, pki: Path, context: str = "local", token: str | None = None) -> dict:
    """A kubeconfig for the admin certificate (or, for tests of rejected credentials, a bearer token)."""
    user = {"token": token} if token else {"client-certificate": str(pki / "admin.crt"),
                                           "client-key": str(pki / "admin.key")}
    return {"apiVersion": "v1", "kind": "Config", "current-context": context,
            "clusters": [{"name": context, "cluster": {"server": server, "certificate-authority": str(pki / "ca.crt")}}],
            "users": [{"name": context, "user": user}],
            "contexts": [{"name": context, "context": {"cluster": context, "user": context}}]}


class LocalCluster:
    """etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on loopback."""

    def __init__(self, workdir, version: str = DEFAULT_VERSION, nodes: int = 2, context: str = "local"):
        self.dir = Path(workdir)
        self.version = version
        self.node_count = nodes
        self.context = context
        self.pki = self.dir / "pki"
        self.kubeconfig = self.dir / "kubeconfig"
        self.procs: dict[str, subprocess.Popen] = {}
        self.port = free_port()
        self.server = "https://127.0.0.1:%d" % self.port
        self.minor_version = ".".join(version.lstrip("v").split(".")[:2])

    # -- processes -------------------------------------------------------------------------------

    def _start(self, name: str, cmd: list[str]) -> None:
        log = open(self.dir / "logs" / (name + ".log"), "w")
        self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        log.close()
        with open(self.dir / "pids", "a") as pids:
            pids.write("%s %d\n" % (name, self.procs[name].pid))

    def _check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.dir / "logs" / (name + ".log")).read_text(errors="replace")[-3000:]
                raise ClusterError("%s exited with %s:\n%s" % (name, proc.returncode, tail))

    def _wait(self, what: str, probe, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                if probe():
                    return
            except Exception as exc:  # the probe may fail until the component is up
                last = exc
            time.sleep(0.3)
        raise ClusterError("timed out after %.0f s waiting for %s (%s)" % (timeout, what, last))

    def start(self) -> "LocalCluster":
        for sub in ("logs", "etcd"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "pids").write_text("")
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_all(self) -> None:
        def kube(program):
            return _binary("kubernetes", self.version, program)

        _write_certs(self.pki)
        self.kubeconfig.write_text(json.dumps(kubeconfig_dict(self.server, self.pki, self.context), indent=1))
        etcd_port, peer_port = free_port(), free_port()
        self._start("etcd", [
            _binary("etcd", ETCD_VERSION, "etcd"), "--data-dir", str(self.dir / "etcd"), "--name", "local",
            "--listen-client-urls", "http://127.0.0.1:%d" % etcd_port,
            "--advertise-client-urls", "http://127.0.0.1:%d" % etcd_port,
            "--listen-peer-urls", "http://127.0.0.1:%d" % peer_port,
            "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % peer_port,
            "--initial-cluster", "local=http://127.0.0.1:%d" % peer_port,
            "--unsafe-no-fsync", "--log-level", "warn"])
        self._wait("etcd", lambda: urllib.request.urlopen("http://127.0.0.1:%d/health" % etcd_port, timeout=2).status == 200)
        p = self.pki
        self._start("kube-apiserver", [
            kube("kube-apiserver"), "--etcd-servers", "http://127.0.0.1:%d" % etcd_port,
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", str(self.port),
            "--cert-dir", str(self.dir / "apiserver"),
            "--tls-cert-file", str(p / "apiserver.crt"), "--tls-private-key-file", str(p / "apiserver.key"),
            "--client-ca-file", str(p / "ca.crt"),
            "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file", str(p / "sa.pub"), "--service-account-signing-key-file", str(p / "sa.key"),
            "--service-cluster-ip-range", "10.96.0.0/16", "--authorization-mode", "Node,RBAC",
            "--enable-admission-plugins", "NamespaceLifecycle,ServiceAccount,DefaultStorageClass,PodSecurity,"
            "StorageObjectInUseProtection,PersistentVolumeClaimResize,Priority",
            "--endpoint-reconciler-type=none", "--allow-privileged=true", "--v=1"])
        self._wait("kube-apiserver", self._ready, timeout=180)
        # No HTTPS endpoint for the controller-manager and the scheduler (secure port 0): nothing here reads
        # their metrics, and each port picked free could be taken by another cluster before they bind it.
        common = ["--kubeconfig", str(self.kubeconfig), "--leader-elect=false", "--secure-port", "0"]
        self._start("kube-controller-manager", [
            kube("kube-controller-manager"), *common,
            "--service-account-private-key-file", str(p / "sa.key"), "--root-ca-file", str(p / "ca.crt"),
            "--use-service-account-credentials=true", "--enable-hostpath-provisioner=true",
            "--cluster-signing-cert-file", str(p / "ca.crt"), "--cluster-signing-key-file", str(p / "ca.key"),
            # A loaded machine may delay kwok's heartbeats; nodes must not flap NotReady (which marks
            # their pods unready) while a test waits for a rollout.
            "--node-monitor-grace-period", "120s",
            "--controllers", "*,-nodeipam", "--v=1"])
        self._start("kube-scheduler", [kube("kube-scheduler"), *common])
        self._start("kwok", [
            _binary("kwok", KWOK_VERSION, "kwok"), "--kubeconfig", str(self.kubeconfig),
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector", "%s=fake" % NODE_ANNOTATION,
            "--server-address", "127.0.0.1:%d" % free_port(),
            # Heartbeats through node leases, renewed well within the controller-manager's grace period.
            "--node-lease-duration-seconds", "40",
            "--cidr", "10.244.0.1/16", "--node-ip", "10.244.0.1"])
        api = self.client()
        from kubernetes import client

        core = client.CoreV1Api(api)
        for index in range(self.node_count):
            core.create_node(self._node("kwok-node-%d" % index))
        self._wait("the nodes to be Ready", lambda: all(
            any(c.type == "Ready" and c.status == "True" for c in (n.status.conditions or []))
            for n in core.list_node().items) and len(core.list_node().items) == self.node_count)
        self._wait("the default service account", lambda: core.read_namespaced_service_account("default", "default"))

    def _ready(self) -> bool:
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        ctx.load_cert_chain(str(self.pki / "admin.crt"), str(self.pki / "admin.key"))
        with urllib.request.urlopen(self.server + "/readyz", context=ctx, timeout=3) as resp:
            return resp.status == 200

    @staticmethod
    def _node(name: str) -> dict:
        capacity = {"cpu": "32", "memory": "128Gi", "pods": "110", "ephemeral-storage": "500Gi"}
        return {"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "annotations": {NODE_ANNOTATION: "fake", "node.alpha.kubernetes.io/ttl": "0"},
                             "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                        "kubernetes.io/arch": "amd64", "type": "kwok"}},
                "status": {"capacity": capacity, "allocatable": capacity}}

    def client(self):
        """A kubernetes.client.ApiClient with the admin credentials."""
        from kubernetes import config

        return config.new_client_from_config(str(self.kubeconfig))

    def create_storage_class(self, name: str, default: bool = False) -> None:
        """A StorageClass whose claims the controller-manager's host-path provisioner binds."""
        from kubernetes import client
        from kubernetes.client.rest import ApiException

        body = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                "metadata": {"name": name, "annotations": {
                    "storageclass.kubernetes.io/is-default-class": "true" if default else "false"}},
                "provisioner": HOSTPATH_PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate",
                "allowVolumeExpansion": True}
        try:
            client.StorageV1Api(self.client()).create_storage_class(body)
        except ApiException as exc:
            if exc.status != 409:
                raise

    def stop(self) -> None:
        for name in reversed(list(self.procs)):
            proc = self.procs[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()


def _down(workdir: Path) -> None:
    """Stop the `up` started in workdir (it stops its components), then anything it left behind."""
    up_pid = workdir / "up.pid"
    if not up_pid.exists():
        raise ClusterError("%s holds no running cluster (no up.pid)" % workdir)
    pid = int(up_pid.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
        for _attempt in range(100):
            os.kill(pid, 0)
            time.sleep(0.3)
    except ProcessLookupError:
        pass
    for line in (workdir / "pids").read_text().split("\n") if (workdir / "pids").exists() else []:
        if line.strip():
            try:
                os.killpg(int(line.split()[1]), signal.SIGKILL)
            except ProcessLookupError:
                pass
    up_pid.unlink(missing_ok=True)


def _interrupt(signum, frame):
    """SIGTERM stops ``up`` the way Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="A local Kubernetes control plane with kwok nodes.")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start a cluster and keep it running until Ctrl-C")
    up.add_argument("--version", default=DEFAULT_VERSION, help="Kubernetes version (default %(default)s)")
    up.add_argument("--dir", help="working folder (default: a new temporary one)")
    up.add_argument("--nodes", type=int, default=2)
    up.add_argument("--storage-class", action="append", default=[],
                    help="also create this StorageClass (repeatable); 'standard' is always created as the default")
    down = sub.add_parser("down", help="stop the cluster started in --dir")
    down.add_argument("--dir", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "down":
            _down(Path(args.dir))
            return 0
        cluster = LocalCluster(args.dir or tempfile.mkdtemp(prefix="local-cluster-"), args.version, args.nodes).start()
        cluster.create_storage_class("standard", default=True)
        for name in args.storage_class:
            cluster.create_storage_class(name)
    except ClusterError as exc:
        print("local-cluster: %s" % exc, file=sys.stderr)
        return 1
    print("Kubernetes %s on %s, %d kwok node(s); logs in %s/logs" % (args.version, cluster.server, args.nodes, cluster.dir))
    print("export KUBECONFIG=%s" % cluster.kubeconfig, flush=True)
    (cluster.dir / "up.pid").write_text(str(os.getpid()))
    try:
        signal.signal(signal.SIGTERM, _interrupt)
        while True:
            time.sleep(1)
            cluster._check_alive()
    except KeyboardInterrupt:
        pass
    except ClusterError as exc:
        print("local-cluster: %s" % exc, file=sys.stderr)
        return 1
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
