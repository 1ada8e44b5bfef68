# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Dashboards as code: compact YAML specs rendered into Grafana dashboard JSON (spec, variables, layout,
panels, targets), exported dashboards imported for provisioning (imports), every dashboard of a Grafana
laid out as ConfigMap files (bundle). The checks of the validate phase are in validate/configs/.

The dashboard JSON model targeted is the classic one (``panels`` with ``gridPos``), which Grafana
10.0 writes with schemaVersion 38 and Grafana 12/13 load and migrate (Grafana 13 converts it to its
v2 schema on load).
"""
