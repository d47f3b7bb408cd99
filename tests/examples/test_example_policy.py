"""The example plugin's policy, in this environment: its Rego tests pass with full coverage and it lints clean.

(The clean-venv test runs the same against an installed ccpolicy; this one needs no installation.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ccpolicy.cli.main import main

POLICY = Path(__file__).resolve().parents[2] / "examples" / "ccpolicy-example-tee" / "policy"


def test_example_policy_tests_pass_with_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(POLICY), "--threshold", "100", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    declared = re.findall(r"^test_\w+ if", (POLICY / "example_test.rego").read_text(), re.MULTILINE)
    assert report["summary"] == {"passed": len(declared), "failed": 0}
    assert len(declared) >= 8


def test_example_policy_has_no_lint_finding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(POLICY), "--fail-level", "note"]) == 0
    assert "0 findings" in capsys.readouterr().out
