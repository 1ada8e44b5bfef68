"""The full rendered stack of every example inventory and both version profiles has no unwaived policy
violation, and the only waivers it carries are the ones docs/policy.md lists as the stack's own."""

from __future__ import annotations

import re

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects

from conftest import INVENTORIES, PROFILES, ROOT

pytestmark = pytest.mark.render

CASES = [(inv, prof) for inv in INVENTORIES for prof in PROFILES]
# A line of the validate phase's failure message: "[K010 error] DaemonSet/ns/name at ...".
_REPORT_LINE = re.compile(r"\[(?P<rule>[KM]\d{3}|WAIVER) (?P<state>error|warning|waived)\] "
                          r"(?P<kind>\w+)/(?:(?P<namespace>[^/ ]+)/)?(?P<name>[^/ ]+) at (?P<path>\S+)")


def _documented_waivers():
    """(kind, app, rule) of the table "The stack's own waivers" in docs/policy.md."""
    text = (ROOT / "docs" / "policy.md").read_text()
    table = text.split("### The stack's own waivers", 1)[1].split("\n### ", 1)[0]
    found = set()
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.match(r"^[KM]\d{3}$", cells[2]):
            found.update((cells[1], app.strip(), cells[2]) for app in cells[0].split(","))
    return found


def test_the_documented_waivers_are_few_and_named():
    waivers = _documented_waivers()
    assert ("DaemonSet", "node-exporter", "K010") in waivers
    assert len(waivers) <= 12


def _skip_missing(inventory):
    if not (ROOT / "inventory" / inventory).is_dir():
        pytest.skip("inventory/%s does not exist yet" % inventory)


@pytest.mark.parametrize("inventory,profile", CASES)
def test_the_rendered_stack_has_no_unwaived_policy_violation(render, inventory, profile):
    _skip_missing(inventory)
    run = render(inventory, profile)
    documented = _documented_waivers()
    if run.returncode != 0:
        # The validate phase stopped the run: its message lists every finding of the whole stack.
        assert "Validation found" in run.output, "the stack did not render:\n%s" % run.output[-6000:]
        lines = [m.groupdict() for m in _REPORT_LINE.finditer(run.output)]
        blocking = sorted({"[%(rule)s] %(kind)s/%(name)s at %(path)s" % m for m in lines if m["state"] == "error"})
        assert blocking == [], "policy violations of %s/%s:\n%s" % (inventory, profile, "\n".join(blocking))
        waived = {(m["kind"], m["name"], m["rule"]) for m in lines if m["state"] == "waived"}
        assert waived <= documented, "undocumented waivers: %s" % sorted(waived - documented)
        return
    assert run.clusters(), run.output[-3000:]
    for cluster in run.clusters():
        violations = check_objects(run.objects(cluster))
        blocking = [v.format() for v in violations if v.blocking]
        assert blocking == [], "cluster %s (%s/%s):\n%s" % (cluster, inventory, profile, "\n".join(blocking))
        waived = {(v.kind, v.name, v.rule) for v in violations if v.waived}
        assert waived <= documented, "undocumented waivers: %s" % sorted(waived - documented)
        assert all(v.waiver_reason.strip() for v in violations if v.waived)
