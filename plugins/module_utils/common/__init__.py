# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Shared by every phase: labels, units, objects, findings, YAML loading, the tool cache."""
