"""``ccpolicy gate``: evidence × policy expectations from one TOML file, in parallel, reported together."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import JUnitXml

from ccpolicy.cli.main import main
from ccpolicy.errors import ConfigurationError
from ccpolicy.gate import load_gate, run_gate

SNP = "$CCPOLICY_VECTORS/snp"
CHECKS = f"""
[[check]]
name = "debug report is contraindicated"
evidence = "{SNP}/gsg_attestation_milan_v2_debug.bin"
collateral = ["{SNP}/gsg_vcek_milan.der", "{SNP}/ask_ark_milan.pem"]
at = "2025-06-01T00:00:00Z"
nonce = "0102030405"
expect = {{ exit_code = 5, status = "contraindicated", reasons = ["snp.debug_forbidden", "snp.measurement_known"] }}

[[check]]
name = "VLEK report after the VLEK expired"
evidence = "{SNP}/trustee_report_milan_v3_vlek.bin"
collateral = ["{SNP}/trustee_vlek_milan.der", "{SNP}/ask_ark_milan_vlek.pem"]
at = "2026-06-01T00:00:00Z"
expect = {{ exit_code = 4 }}

[[check]]
name = "wrong nonce"
evidence = "{SNP}/trustee_report_milan_v2_vcek.bin"
collateral = ["{SNP}/trustee_vcek_milan.der", "{SNP}/ask_ark_milan.pem"]
at = "2025-06-01T00:00:00Z"
nonce = "00"
expect = {{ exit_code = 3 }}
"""
WRONG_EXPECTATION = f"""
[[check]]
name = "debug report claimed affirmed"
evidence = "{SNP}/gsg_attestation_milan_v2_debug.bin"
collateral = ["{SNP}/gsg_vcek_milan.der", "{SNP}/ask_ark_milan.pem"]
at = "2025-06-01T00:00:00Z"
expect = {{ exit_code = 0 }}
"""


@pytest.fixture
def gate_file(tmp_path: Path, vectors: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CCPOLICY_VECTORS", str(vectors))
    path = tmp_path / "gate.toml"
    path.write_text(CHECKS)
    return path


def test_all_expectations_met(gate_file: Path, tmp_path: Path) -> None:
    report = tmp_path / "gate.xml"
    assert main(["gate", str(gate_file), "--format", "junit", "--output", str(report)]) == 0
    cases = [case for suite in JUnitXml.fromfile(str(report)) for case in suite]
    assert [case.name for case in cases] == [
        "debug report is contraindicated",
        "VLEK report after the VLEK expired",
        "wrong nonce",
    ]
    assert all(case.is_passed for case in cases)


def test_an_unmet_expectation_fails_the_gate(gate_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gate_file.write_text(CHECKS + WRONG_EXPECTATION)
    assert main(["gate", str(gate_file), "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    assert "FAIL debug report claimed affirmed" in out and "exit code 5, expected 0" in out
    assert "3 passed, 1 failed" in out


def test_outcomes_keep_the_check_order_in_parallel(gate_file: Path) -> None:
    cases = load_gate(gate_file)
    outcomes = run_gate(cases, jobs=3)
    assert [o.name for o in outcomes] == [c.name for c in cases]
    assert all(o.passed for o in outcomes)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[check]\nevidence = 'x'\n",
        "[[check]]\nevidence = 'x'\nat = '2025-01-01T00:00:00Z'\n",
        "[[check]]\nname='a'\nevidence='x'\nat='2025-01-01T00:00:00Z'\nexpect={exit_code=0}\n"
        "[[check]]\nname='a'\nevidence='y'\nat='2025-01-01T00:00:00Z'\nexpect={exit_code=0}\n",
        "[[check]]\nevidence='x'\nat='2025-01-01T00:00:00Z'\nexpect={exit_code=0}\nunknown=1\n",
    ],
)
def test_bad_gate_files_are_configuration_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "gate.toml"
    path.write_text(text)
    with pytest.raises(ConfigurationError):
        load_gate(path)
    assert main(["gate", str(path)]) == 1
