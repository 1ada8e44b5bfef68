"""A test host of our own, in a network namespace made for the test run, for servers the API server's
service proxy must reach.

The API server refuses loopback addresses in Endpoints, and kwok's pod IPs lead nowhere, so a backend
the proxy can reach needs an address that is neither. This makes one: a network namespace with a
veth pair (this machine's end 198.18.N.1, the namespace's end 198.18.N.2, in the range set aside for
benchmark networks), and a listening socket bound inside the namespace, on 198.18.N.2, which a helper
process hands back over a Unix socket. The test serves on that socket from its own process, so the
traffic goes from the API server to the namespace's address and nowhere else.

Needs root and iproute2's ``ip``; without them the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

import pytest

_HANDOFF = """
import socket, sys
listener = socket.socket()
listener.bind((sys.argv[1], 0))
listener.listen(64)
channel = socket.socket(socket.AF_UNIX)
channel.connect(sys.argv[2])
socket.send_fds(channel, [b"fd"], [listener.fileno()])
"""


_PREFIX = "vmst-"
# Held while namespaces are cleaned up and an address is chosen: the xdist workers make theirs at once.
_LOCK = "/run/vmstation-test-netns.lock"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True).stdout


class NetnsHost:
    """One network namespace with one address; ``listener()`` gives a TCP socket listening on it.

    A namespace is named ``vmst-<index>-<pid>`` after its address and the process that made it. One
    whose process is gone (a run that was killed, so its exit handler never ran) is deleted before a
    new one is made: its address would otherwise stay routed to a namespace where nothing listens, and
    the proxy would reach that one instead of ours."""

    def __init__(self):
        with open(_LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            index = self._free_index()
            self.name = "%s%d-%d" % (_PREFIX, index, os.getpid())
            self.outside, self.address = "198.18.%d.1" % index, "198.18.%d.2" % index
            veth_out, veth_in = "vo%d" % os.getpid(), "vi%d" % os.getpid()
            steps = [["netns", "add", self.name],
                     ["link", "add", veth_out, "type", "veth", "peer", "name", veth_in],
                     ["link", "set", veth_in, "netns", self.name],
                     ["addr", "add", self.outside + "/30", "dev", veth_out],
                     ["link", "set", veth_out, "up"],
                     ["netns", "exec", self.name, "ip", "addr", "add", self.address + "/30", "dev", veth_in],
                     ["netns", "exec", self.name, "ip", "link", "set", veth_in, "up"],
                     ["netns", "exec", self.name, "ip", "link", "set", "lo", "up"]]
            atexit.register(self.remove)
            for step in steps:
                _ip(*step)

    @staticmethod
    def _free_index():
        """Delete the namespaces of runs that are gone; return an index no live namespace or address uses."""
        taken = set()
        for line in _ip("netns", "list").splitlines():
            name = line.split()[0] if line.split() else ""
            found = re.fullmatch(re.escape(_PREFIX) + r"(?:(\d+)-)?(\d+)", name)
            if not found:
                continue
            if _alive(int(found.group(2))):
                taken.add(int(found.group(1) or 0))
            else:
                _ip("netns", "del", name, check=False)  # its veth pair goes with it
        taken.update(int(n) for n in re.findall(r"\binet 198\.18\.(\d+)\.", _ip("-o", "-4", "addr")))
        for index in range(1, 251):
            if index not in taken:
                return index
        raise subprocess.CalledProcessError(1, "ip", stderr="every 198.18.N.0/30 from 1 to 250 is taken")

    def listener(self):
        folder = tempfile.mkdtemp(prefix="vmst-handoff-")
        path = os.path.join(folder, "s")
        try:
            with socket.socket(socket.AF_UNIX) as channel:
                channel.bind(path)
                channel.listen(1)
                helper = subprocess.Popen(["ip", "netns", "exec", self.name, sys.executable, "-c", _HANDOFF,
                                           self.address, path])
                channel.settimeout(30)
                conn, _address = channel.accept()
                with conn:
                    _msg, fds, _flags, _addr = socket.recv_fds(conn, 16, 1)
                helper.wait(timeout=30)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return socket.socket(fileno=fds[0])

    def remove(self):
        _ip("netns", "del", self.name, check=False)


_HOST = None


def netns_host():
    """The run's test host, made on first use; skips the test where it cannot be made."""
    global _HOST
    if _HOST is None:
        if os.geteuid() != 0 or not shutil.which("ip"):
            pytest.skip("a network namespace for the proxy's backends needs root and iproute2's `ip`")
        try:
            _HOST = NetnsHost()
        except subprocess.CalledProcessError as exc:
            pytest.skip("cannot make a network namespace for the proxy's backends: %s" % (exc.stderr or exc).strip())
    return _HOST
