"""scripts/*.sh run under `set -euo pipefail`: a pipe into a reader that stops early (head) kills the writer with a
broken pipe, and a Python writer prints a traceback, the first thing a new user sees."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "scripts").glob("*.sh"))
VENV = Path(sys.executable).parent.parent


def test_no_script_pipes_into_a_reader_that_stops_early():
    for script in SCRIPTS:
        for number, line in enumerate(script.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            assert not re.search(r"\|\s*head\b", code), "%s:%d pipes into head: %s" % (script.name, number, line)


def test_the_ready_line_of_setup_prints_the_ansible_version_and_nothing_on_stderr(tmp_path):
    [line] = [line for line in (ROOT / "scripts" / "setup.sh").read_text().splitlines() if line.startswith('say "Ready')]
    (tmp_path / ".venv").symlink_to(VENV)
    proc = subprocess.run(["bash", "-c", 'set -euo pipefail\nsay() { printf "%%s\\n" "$*"; }\n%s' % line],
                          cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert re.fullmatch(r"Ready: \.venv \(ansible-core 2\.\d+\.\d+\)\n", proc.stdout), proc.stdout
