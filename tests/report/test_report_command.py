"""``ccpolicy report`` from the command line: inputs, formats, errors, and --quick on this machine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ccpolicy.cli.main import main
from ccpolicy.comparison.results import load_schema
from ccpolicy.errors import ConfigurationError
from ccpolicy.report.bench_results_file import load_bench_results
from ccpolicy.report.quick_run import RESULTS_NAME, VERIFIER_BENCH_NAME
from ccpolicy.report.verifier_bench_file import BenchmarkRole, load_verifier_bench, role_of
from ccpolicy.report.verifier_section import role_label
from tests.report.report_inputs import RESULTS, VERIFIER_BENCH


def test_formats_from_the_fixed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["report", "--results", str(RESULTS), "--verifier-bench", str(VERIFIER_BENCH), "--out", str(tmp_path)]
    assert main([*arguments, "--format", "html,md,json"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / name) for name in ("report.html", "report.md", "report.json")]
    model = json.loads((tmp_path / "report.json").read_text())
    assert model["schema"] == "ccpolicy-report-1"
    assert {row["key"] for row in model["matrix"]["rows"]} >= {"snp", "fhe", "mpc", "zkp", "he-partial"}
    assert [source["source_id"] for source in model["sources"]] == ["R1", "C1", "V1"]
    assert model["policies"]["views"], "the default policies' threat coverage is shown without --policy"
    markdown = (tmp_path / "report.md").read_text()
    assert markdown.startswith("## ") and "| technology |" in markdown


def test_without_results_the_report_says_so(tmp_path: Path) -> None:
    assert main(["report", "--out", str(tmp_path), "--format", "json"]) == 0
    model = json.loads((tmp_path / "report.json").read_text())
    assert model["comparison"] is None and model["verifier"] is None
    assert any("--quick" in notice["message"] for notice in model["notices"])


@pytest.mark.parametrize("formats", ["pdf", "html,xml", ","])
def test_unknown_format_is_a_usage_error(tmp_path: Path, formats: str) -> None:
    assert main(["report", "--out", str(tmp_path), "--format", formats]) == 1


def test_unreadable_results_are_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = json.loads(RESULTS.read_text())
    broken["results"][2]["timings_s"]["compute"]["median"] = "fast"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    assert main(["report", "--results", str(path), "--out", str(tmp_path / "out")]) == 1
    assert "/results/2/timings_s/compute/median: must be a number" in capsys.readouterr().err
    with pytest.raises(ConfigurationError, match="not JSON"):
        load_bench_results(RESULTS.with_name("README.md"))


def test_benchmark_roles_come_from_test_names() -> None:
    assert role_of("test_floor_ecdsa_p384") is BenchmarkRole.FLOOR
    assert role_of("test_whole_verify_warm") is BenchmarkRole.WHOLE
    assert role_of("test_peer_dcap_qvl") is BenchmarkRole.PEER
    assert role_of("test_regorus_single") is BenchmarkRole.OTHER
    assert role_of("test_sequential_whole_verify_warm") is BenchmarkRole.SEQUENTIAL
    roles = {entry.role for entry in load_verifier_bench(VERIFIER_BENCH).entries}
    assert roles == {
        BenchmarkRole.FLOOR,
        BenchmarkRole.PARSE,
        BenchmarkRole.VERIFY,
        BenchmarkRole.APPRAISE,
        BenchmarkRole.WHOLE,
    }


def test_steps_are_labelled_by_role_or_else_by_their_test() -> None:
    entry = load_verifier_bench(VERIFIER_BENCH).entries[0]
    other = replace(entry, test="test_input_document[milan-v2-vcek]", role=BenchmarkRole.OTHER)
    assert role_label(other) == "input document"
    assert role_label(replace(entry, role=BenchmarkRole.SEQUENTIAL)) == "whole call, in order"
    assert role_label(replace(entry, role=BenchmarkRole.FLOOR)) == "crypto floor"


def test_quick_measures_what_was_not_given(tmp_path: Path, vectors: Path) -> None:
    """The README's first command on a fresh machine: both measurements run here, into --out."""
    jsonschema = pytest.importorskip("jsonschema")
    code = main(["report", "--quick", "--out", str(tmp_path), "--format", "json", "--vectors", str(vectors)])
    assert code == 0
    results = json.loads((tmp_path / RESULTS_NAME).read_text())
    jsonschema.validate(results, load_schema())
    assert results["settings"]["quick"] is True
    assert all(record["status"] in ("ok", "unsupported", "unavailable") for record in results["results"])
    model = json.loads((tmp_path / "report.json").read_text())
    assert model["sources"][0]["location"] == str(tmp_path / RESULTS_NAME)
    assert (tmp_path / VERIFIER_BENCH_NAME).is_file(), model["notices"]
    suites = model["verifier"]["suites"]
    assert [suite["module"] for suite in suites] == ["test_snp_verification"]
    assert any(step["vs_floor"] for case in suites[0]["cases"] for step in case["steps"])
