# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""How a failed check of the inputs reads: a one-line headline, then each problem once.

ansible-core shows the ``msg`` of a failed task twice (its ``[ERROR]`` line and the ``fatal:`` result), so a
message that held every problem printed each one twice. Here ``msg`` is only the headline and the problems are a
text beside it, one ``- <problem>`` line each, which the ``fatal:`` result shows once, as a YAML block: as written,
neither wrapped nor quoted."""

from __future__ import annotations


def problem_result(problems, subject, host="", consequence="nothing was written or applied", counts="") -> dict:
    """The result of the fail_on_problems task: ok when ``problems`` is empty, else failed with a headline.

    ``problems`` are the messages, each naming what is wrong (a variable, an object and path) and the fix;
    ``subject`` what was checked ("the Prometheus settings"); ``host`` the cluster they are for; ``counts``, when
    given, says how many of what there are instead of "N problems" ("3 blocking violation(s), 8 waived")."""
    problems = [" ".join(str(p).split()) for p in problems or [] if str(p).strip()]
    if not problems:
        return {"changed": False, "problems": ""}
    where = " for %s" % host if host else ""
    count = counts or ("1 problem" if len(problems) == 1 else "%d problems" % len(problems))
    return {"failed": True, "changed": False, "problems": "".join("- %s\n" % p for p in problems),
            "msg": "%s in %s%s, each listed below under problems; %s." % (count, subject, where, consequence)}
