# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Phase apply: plan, server-side apply, prune, immutable fields, releases, Secrets."""
