"""ApiError, the one exception of the Cluster adapter, from the bodies an API server (or a proxy before it) sends.

The adapter itself runs against a real API server: tests/cluster/test_api_adapter.py.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import ApiError


def test_error_bodies_become_api_errors_with_their_causes():
    error = ApiError.from_body(409, b'{"kind":"Status","code":409,"reason":"Conflict","message":"Apply failed with 1 '
                                    b'conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":'
                                    b'"conflict with \\"kubectl-edit\\" using apps/v1","field":".spec.replicas"}]}}')
    assert (error.status, error.reason) == (409, "Conflict")
    assert error.field_conflicts() == [(".spec.replicas", "kubectl-edit")]
    plain = ApiError.from_body(502, b"<html>bad gateway</html>", "Bad Gateway")
    assert plain.status == 502 and plain.message == "<html>bad gateway</html>"
