# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The policy engine of STANDARDS.md: rules K001-K018 over Kubernetes objects and M001-M008 over the
configs they carry, with waivers. Entry point: ``check_objects``; catalogue: ``rule_catalog``."""
