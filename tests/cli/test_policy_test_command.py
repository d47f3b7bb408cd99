"""``ccpolicy test``: Rego tests of the default policies, coverage threshold, and CI output formats."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml

from ccpolicy.cli.main import main
from tests.sarif_schema import sarif_schema

FAILING_TEST = """package broken_test

import rego.v1

import data.ccpolicy.broken

test_passes if broken.allow with input as {"ok": true}

test_fails if broken.allow with input as {"ok": false}
"""
POLICY = """package ccpolicy.broken

import rego.v1

allow if input.ok
"""
UNTESTED = """package ccpolicy.untested

import rego.v1

never if {
	input.unreachable == 42
}
"""


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "broken"
    directory.mkdir()
    (directory / "broken.rego").write_text(POLICY)
    (directory / "broken_test.rego").write_text(FAILING_TEST)
    (directory / "untested.rego").write_text(UNTESTED)
    return directory


def test_default_policies_pass_with_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    policies = Path(__file__).resolve().parents[2] / "policies"
    assert main(["test", str(policies), "--coverage", "--threshold", "90"]) == 0
    out = capsys.readouterr().out
    assert "0 failed" in out
    assert "total" in out


def test_failure_and_threshold(broken_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(broken_dir)]) == 1
    out = capsys.readouterr().out
    assert "FAIL broken_test.test_fails" in out
    assert "1 passed, 1 failed" in out
    assert main(["test", str(broken_dir), "--run", "test_passes", "--threshold", "99"]) == 1
    assert "below the threshold" in capsys.readouterr().out
    assert main(["test", str(broken_dir), "--run", "test_passes"]) == 0


def test_junit_is_accepted_by_a_junit_parser(broken_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    assert main(["test", str(broken_dir), "--format", "junit", "--output", str(report)]) == 1
    xml = JUnitXml.fromfile(str(report))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 2
    failed = [case.name for case in cases if not case.is_passed]
    assert failed == ["broken_test.test_fails"]


def test_sarif_validates_against_the_sarif_schema(broken_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "out.sarif"
    assert main(["test", str(broken_dir), "--format", "sarif", "--output", str(report)]) == 1
    document = json.loads(report.read_text())
    schema = sarif_schema()
    jsonschema.validate(document, schema)
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["broken_test.test_fails"]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 9


@pytest.mark.parametrize("output_format", ["json", "tap", "github"])
def test_other_formats(broken_dir: Path, output_format: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(broken_dir), "--format", output_format, "--coverage"]) == 1
    out = capsys.readouterr().out
    if output_format == "json":
        document = json.loads(out)
        assert document["summary"] == {"passed": 1, "failed": 1}
        files = {Path(f["path"]).name: f for f in document["coverage"]["files"]}
        assert files["broken.rego"]["not_covered"] == []
        assert files["untested.rego"]["not_covered"] == [6]
    elif output_format == "tap":
        assert out.startswith("TAP version 13\n1..2\n")
        assert "not ok 2 - broken_test.test_fails" in out
    else:
        assert "::error file=" in out and "title=broken_test.test_fails" in out


def test_no_tests_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(tmp_path)]) == 1
    assert "no *_test.rego" in capsys.readouterr().err
