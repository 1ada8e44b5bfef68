# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Phase validate: schema, policy rules, per-component config checkers, the one front end."""
