"""fail_on_problems: a one-line headline and each problem once, as written."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.problems import problem_result


def test_no_problem_passes_quietly():
    assert problem_result([], "the Loki settings", "local") == {"changed": False, "problems": ""}
    assert problem_result(["", "  "], "the Loki settings") == {"changed": False, "problems": ""}


def test_problems_fail_with_a_headline_and_one_line_each():
    result = problem_result(['loki_tenant is "fake": it must be a Loki tenant ID.',
                             "loki_ingestion_rate_mb is 4:\n  it must be at least 10."], "the Loki settings", "local",
                            "nothing was rendered or written")
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == ("2 problems in the Loki settings for local, each listed below under problems; "
                             "nothing was rendered or written.")
    assert result["problems"] == ('- loki_tenant is "fake": it must be a Loki tenant ID.\n'
                                  "- loki_ingestion_rate_mb is 4: it must be at least 10.\n")
    # The headline names none of the problems: ansible-core prints it twice, the problems once.
    assert "fake" not in result["msg"]


def test_the_counts_can_say_what_the_problems_are():
    result = problem_result(["[K001 error] Deployment/a/b at spec: no limits. Fix: set them"], "the rendered stack",
                            "prod-eu1", counts="1 blocking violation(s), 0 warning(s), 8 waived")
    assert result["msg"].startswith("1 blocking violation(s), 0 warning(s), 8 waived in the rendered stack for prod-eu1")
    assert result["msg"].endswith("; nothing was written or applied.")
