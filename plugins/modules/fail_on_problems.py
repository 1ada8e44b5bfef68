#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: fail_on_problems
short_description: Fail with every problem of a check listed once, or pass quietly
description:
  - Passes, changing nothing, when O(problems) is empty.
  - Otherwise fails with a one-line C(msg) (how many problems, with what, for which host, and what was not done)
    and returns the problems in RV(problems), one line each. ansible-core prints a failed task's C(msg) twice
    (the C([ERROR]) line and the C(fatal:) result); the problems, beside it, are printed once.
  - The roles' preflight checks, the validate phase and the connection to a cluster report their failures this way.
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  become:
    support: none
  bypass_host_loop:
    support: none
  connection:
    support: none
  delegation:
    support: none
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: all
options:
  problems:
    description: The messages, each naming what is wrong (a variable, or an object and a path) and how to fix it.
    type: list
    elements: raw
    required: true
  subject:
    description: What was checked, for the headline, for example C(the Prometheus settings).
    type: str
    required: true
  consequence:
    description: What did not happen because of the problems, for the headline.
    type: str
    default: nothing was written or applied
  counts:
    description: How many of what there are, for the headline, instead of C(N problems).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Check the Loki settings
  vmstation.monitoring.fail_on_problems:
    problems: "{{ _loki_checks | vmstation.monitoring.failed_checks }}"
    subject: the Loki settings
    consequence: nothing was rendered or written
"""

RETURN = r"""
msg:
  description: The headline, when there are problems.
  type: str
  returned: failure
  sample: 2 problems in the Loki settings for local, each listed below under problems; nothing was rendered or written.
problems:
  description:
    - The problems, one line each (C(- <problem>), whitespace folded), empty when there is none. A text rather than a
      list, so that the C(fatal:) result shows it as a YAML block, as written.
  type: str
  returned: always
"""
