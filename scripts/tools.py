#!/usr/bin/env python
"""Build the real programs the test suite runs, at pinned versions, into a cache outside the checkout.

Usage: scripts/tools.py [--list] [--only NAME[,NAME...]] [--binaries PROGRAM[,PROGRAM...]] [--jobs N]

What is built and at which version is data: scripts/tools.yml, plus the image tags of the roles for
the component binaries. Each build lands in $VMSTATION_TOOLS_CACHE (default ~/.cache/vmstation-tools)
as <name>-<version>/bin/<binary>; a build whose binaries are all there is not redone, so a second run
costs nothing; a build whose main package is a folder of this checkout (``source:``, promtail-check) is
redone when that folder's files change. `--list` prints one line per binary: name, version, path, and
ok / missing / stale (what tests/tools.py reads).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import importlib.util

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "scripts" / "tools.yml"
PROFILES = ("current", "seed")

# The cache layout is the collection's (the validate phase reads it too); load that file on its own.
_spec = importlib.util.spec_from_file_location("tool_cache", ROOT / "plugins" / "module_utils" / "common" / "tool_cache.py")
tool_cache = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool_cache)


def cache_root() -> Path:
    return Path(tool_cache.cache_root())


def _role_tags(variable: str, role: str | None = None) -> dict[str, str]:
    """profile -> pinned tag of a role's image (``role``: the role whose defaults hold ``variable``, else its
    prefix)."""
    role = role or variable.removesuffix("_image_tags")
    defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())
    return {profile: str(defaults[variable][profile]).split("@", maxsplit=1)[0] for profile in PROFILES}


def module_version(scheme: str, tag: str) -> str:
    """The Go module version of a release tag (Prometheus tags v3.13.3 as v0.313.3)."""
    if scheme == "prometheus":
        major, minor, patch = (int(x) for x in tag.lstrip("v").split("."))
        return f"v0.{minor if major < 3 else major * 100 + minor}.{patch}"
    return tag if tag.startswith("v") else f"v{tag}"


class Build:
    """One Go module at one version, and the binaries built from it."""

    def __init__(self, name: str, spec: dict, version: str, mod_version: str, ldflags: list[str],
                 packages: dict[str, str]):
        self.name, self.spec, self.version, self.mod_version = name, spec, version, mod_version
        self.packages = packages
        self.key = tool_cache.build_key(name, version)
        self.dest = cache_root() / self.key
        major, minor = (version.lstrip("v").split(".") + ["0"])[:2]
        fields = {"version": version if version.startswith("v") else f"v{version}",
                  "bare": version.lstrip("v"), "major": major, "minor": minor}
        self.ldflags = [flag.format(**fields) for flag in ldflags]

    def binaries(self) -> dict[str, Path]:
        return {binary: Path(tool_cache.binary_path(self.name, self.version, binary)) for binary in self.packages}

    def source_files(self) -> list[Path]:
        """The files of a build whose main package is a folder of this repository (``source:``), else []."""
        folder = self.spec.get("source")
        return sorted(p for p in (ROOT / folder).iterdir() if p.is_file()) if folder else []

    def source_digest(self) -> str:
        digest = hashlib.sha256()
        for path in self.source_files():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def stamp(self) -> Path:
        return self.dest / "source.sha256"

    def is_stale(self) -> bool:
        """Whether our own program (``source:``) changed since it was built."""
        return bool(self.spec.get("source")) and not (
            self.stamp().is_file() and self.stamp().read_text().strip() == self.source_digest())

    def is_cached(self) -> bool:
        if self.is_stale():
            return False
        return all(path.is_file() and os.access(path, os.X_OK) for path in self.binaries().values())


def load_builds(unavailable_out: list[str] | None = None) -> list[Build]:
    spec = yaml.safe_load(SPEC.read_text())
    unavailable = spec.get("unavailable", {})
    builds = []
    for name, item in spec.items():
        if not isinstance(item, dict) or "module" not in item:
            continue
        if "versions" in item:
            pairs = [(v, v, item["packages"]) for v in item["versions"]]
        else:
            scheme = spec["module_versions"][name]
            by_tag: dict[str, dict[str, str]] = {}
            for profile, tag in _role_tags(item["image_tags"], item.get("role")).items():
                wanted = by_tag.setdefault(tag, {})
                for binary, pkg in item["packages"].items():
                    if profile in item.get("profiles", {}).get(binary, PROFILES):
                        wanted[binary] = pkg
            pairs = [(t, module_version(scheme, t), pkgs) for t, pkgs in sorted(by_tag.items())]
        for version, mod_version, packages in pairs:
            reason = unavailable.get(f"{name} {version.lstrip('v')}")
            if reason:
                if unavailable_out is not None:
                    unavailable_out.append(f"{name} {version}: {' '.join(reason.split())}")
                continue
            builds.append(Build(name, item, version, mod_version, spec.get("ldflags", {}).get(name, []), packages))
    if unavailable_out is not None:
        unavailable_out.extend(f"{k}: {' '.join(v.split())}" for k, v in unavailable.items() if " " not in k)
    return builds


def _go_env() -> dict[str, str]:
    env = dict(os.environ, GOTOOLCHAIN="local", CGO_ENABLED="0", GOFLAGS="-mod=mod -buildvcs=false")
    env.setdefault("GOPROXY", "https://proxy.golang.org")
    return env


def _run(cmd: list[str], cwd: Path, log) -> None:
    log.write(f"$ {' '.join(cmd)}\n")
    log.flush()
    proc = subprocess.run(cmd, cwd=cwd, env=_go_env(), stdout=log, stderr=subprocess.STDOUT, check=False)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited {proc.returncode}")


def _module_gomod(module: str, version: str, cwd: Path, log) -> tuple[dict, dict]:
    """The required module's download info (Dir, GoMod) and its go.mod as `go mod edit -json` sees it."""
    out = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"], cwd=cwd, env=_go_env(),
                         capture_output=True, text=True, check=False)
    log.write(out.stdout + out.stderr)
    info = json.loads(out.stdout or "{}")
    if out.returncode or "GoMod" not in info:
        raise RuntimeError(f"cannot download {module}@{version}: {info.get('Error') or out.stderr.strip()}")
    edit = subprocess.run(["go", "mod", "edit", "-json", info["GoMod"]], cwd=cwd, env=_go_env(),
                          capture_output=True, text=True, check=True)
    return info, json.loads(edit.stdout)


def _replaces(build: Build, gomod: dict) -> list[str]:
    """The required module's replace directives, with its local ones turned into published versions."""
    required = {r["Path"]: r["Version"] for r in gomod.get("Require") or []}
    out = []
    for rep in gomod.get("Replace") or []:
        old, new = rep["Old"], rep["New"]
        if new.get("Version"):
            left = old["Path"] + (f" {old['Version']}" if old.get("Version") else "")
            out.append(f"{left} => {new['Path']} {new['Version']}")
        elif required.get(old["Path"], "").startswith("v0.0.0") and old["Path"].startswith("k8s.io/"):
            # k8s.io/kubernetes requires its staging modules as v0.0.0 and points them at its own tree;
            # each is published as v0.<minor>.<patch> of the same release.
            out.append(f"{old['Path']} => {old['Path']} v0.{build.mod_version.split('.', 1)[1]}")
        # Any other local replace points at a module the required version already names.
    # Versions the proxy does not serve, replaced by the nearest it does (scripts/tools.yml says why).
    out += [f"{path} => {path} {version}" for path, version in (build.spec.get("replace_versions") or {}).items()]
    return out


def build(b: Build) -> str:
    if b.is_cached():  # another run built it meanwhile
        return f"{b.key} cached"
    work = cache_root() / "src" / b.key
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    logs = cache_root() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(logs / f"{b.key}.log", "w") as log:
        try:
            (work / "go.mod").write_text(f"module vmstation.tools/{b.name}\n\ngo 1.22\n")
            info, gomod = _module_gomod(b.spec["module"], b.mod_version, work, log)
            lines = [f"module vmstation.tools/{b.name}", "", f"go {gomod.get('Go') or '1.22'}", "",
                     f"require {b.spec['module']} {b.mod_version}", ""]
            lines += [f"replace {r}" for r in _replaces(b, gomod)]
            if b.spec.get("placeholders"):
                # Files a release build generates before `go build` (embedded web assets) are not in the
                # module: build from a copy of it that has empty stand-ins for them.
                src = work / "module-src"
                shutil.copytree(info["Dir"], src)
                for dirpath, dirnames, _files in os.walk(src):
                    os.chmod(dirpath, 0o755)
                for rel in b.spec["placeholders"]:
                    (src / rel).parent.mkdir(parents=True, exist_ok=True)
                    (src / rel).write_text("<!-- web UI assets are not part of the Go module -->\n")
                lines.append(f"replace {b.spec['module']} => ./module-src")
            lines += [f"exclude {e['Path']} {e['Version']}" for e in gomod.get("Exclude") or []]
            (work / "go.mod").write_text("\n".join(lines) + "\n")
            if b.spec.get("source"):
                # Our own main package: its files become the build module's, which imports `module`'s packages.
                for path in b.source_files():
                    shutil.copy(path, work / path.name)
                pkgs = [f"./{p}".removesuffix("/.") for p in b.packages.values()]
                _run(["go", "get", f"{b.spec['module']}@{b.mod_version}"], work, log)
                _run(["go", "mod", "tidy"], work, log)
            else:
                pkgs = [f"{b.spec['module']}/{p}".removesuffix("/.") for p in b.packages.values()]
                _run(["go", "get", *(f"{p}@{b.mod_version}" for p in pkgs)], work, log)
            tmp = b.dest.with_name(b.dest.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            (tmp / "bin").mkdir(parents=True)
            flags = " ".join(f"-X '{f}'" for f in b.ldflags)
            # Only the binaries not built yet (scripts/setup.sh builds the checkers of a build first).
            stale, paths = b.is_stale(), b.binaries()
            wanted = [(binary, pkg) for binary, pkg in zip(b.packages, pkgs)
                      if stale or not (paths[binary].is_file() and os.access(paths[binary], os.X_OK))]
            for binary, pkg in wanted:
                _run(["go", "build", "-trimpath", "-ldflags", f"-s -w {flags}", "-o", str(tmp / "bin" / binary), pkg],
                     work, log)
            # Each binary lands whole or not at all; binaries of the same build built before stay.
            (b.dest / "bin").mkdir(parents=True, exist_ok=True)
            for binary, _pkg in wanted:
                os.replace(tmp / "bin" / binary, b.dest / "bin" / binary)
            shutil.rmtree(tmp)
            if b.spec.get("source"):
                b.stamp().write_text(b.source_digest() + "\n")
        except Exception as exc:
            log.write(f"\nFAILED: {exc}\n")
            raise RuntimeError(f"{b.key}: {exc} (log: {logs / (b.key + '.log')})") from exc
    shutil.rmtree(work, ignore_errors=True)
    return f"built {b.key} in {time.monotonic() - started:.0f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--list", action="store_true",
                        help="print name, version, path and state (ok, missing, stale) of each binary")
    parser.add_argument("--only", default="", help="comma-separated tool names (kubernetes, etcd, loki, ...)")
    parser.add_argument("--binaries", default="", help="comma-separated programs (promtool, amtool, loki, ...)")
    parser.add_argument("--jobs", type=int, default=2, help="builds run at once (default 2)")
    args = parser.parse_args(argv)
    unavailable: list[str] = []
    builds = load_builds(unavailable)
    if args.only:
        wanted = set(args.only.split(","))
        builds = [b for b in builds if b.name in wanted]
    if args.binaries:
        programs = set(args.binaries.split(","))
        for b in builds:
            b.packages = {k: v for k, v in b.packages.items() if k in programs}
        builds = [b for b in builds if b.packages]
    if args.list:
        for b in builds:
            for binary, path in b.binaries().items():
                state = ("stale" if b.is_stale() else "ok") if path.is_file() else "missing"
                print(f"{binary}\t{b.version}\t{path}\t{state}")
        return 0
    if shutil.which("go") is None:
        print("tools: the Go toolchain is needed (apt-get install golang, or https://go.dev/dl)", file=sys.stderr)
        return 1
    todo = [b for b in builds if not b.is_cached()]
    for b in builds:
        if b not in todo:
            print(f"==> tools: {b.key} cached in {b.dest}")
    for line in unavailable:
        print(f"==> tools: not built: {line}")
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(build, b): b for b in todo}
        for fut in concurrent.futures.as_completed(futures):
            try:
                print(f"==> tools: {fut.result()}", flush=True)
            except RuntimeError as exc:
                failed.append(str(exc))
                print(f"==> tools: FAILED {exc}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
