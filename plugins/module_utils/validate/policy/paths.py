# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""JSON paths inside an object, as users read them: ``spec.template.spec.containers[0].resources``.

Keys that are not plain identifiers are quoted: ``metadata.labels["app.kubernetes.io/name"]``,
``data["prometheus.yml"].scrape_configs[2].sample_limit``.
"""

from __future__ import annotations

import json
import re

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def json_path(*parts) -> str:
    """Join path parts: ints become ``[i]``, plain keys ``.key``, other keys ``["key"]``."""
    out = []
    for part in parts:
        if isinstance(part, bool):  # bool is an int; never a list index
            part = str(part).lower()
        if isinstance(part, int):
            out.append("[%d]" % part)
        elif _PLAIN_KEY.match(str(part)):
            out.append(("." if out else "") + str(part))
        else:
            out.append("[%s]" % json.dumps(str(part)))
    return "".join(out)
