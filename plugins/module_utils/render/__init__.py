# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Phase render: one config builder per component, dashboards, rule files."""
