"""The recursive merge the config builders share (module_utils/common/dicts.py)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.dicts import merge


def test_mappings_merge_key_by_key_and_the_rest_is_replaced():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    assert merge(base, {"a": {"y": [3], "z": 2}}, {"c": 3}) == {"a": {"x": 1, "y": [3], "z": 2}, "b": 1, "c": 3}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1}


def test_keys_keep_their_place_and_new_ones_come_last():
    assert list(merge({"a": 1, "b": 2}, {"c": 3, "a": 4})) == ["a", "b", "c"]
    assert merge({"a": {"x": 1}}, {"a": 2}, None) == {"a": 2}


def test_the_result_shares_nothing_with_the_inputs():
    override = {"a": {"list": [1]}}
    result = merge({}, override, override)
    result["a"]["list"].append(2)
    assert override == {"a": {"list": [1]}}
