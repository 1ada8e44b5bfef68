# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The checkers of the configs inside ConfigMaps, by component (their own programs first)."""
