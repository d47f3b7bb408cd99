"""Every evidence case under tests/cases passes: real vectors through verification and the default policies.

The cases are the data ``ccpolicy test tests/cases`` runs (see ccpolicy.evidence_cases); here each one is a
pytest item of its own, run through the same API, and the command itself must report them all passed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ccpolicy.cli.main import main
from ccpolicy.cli.policy_test_command import discover
from ccpolicy.errors import ConfigurationError
from ccpolicy.evidence_cases import CASE_SUFFIX, case_from_table, load_case, run_case
from ccpolicy.host import PluginHost

CASES_DIRECTORY = Path(__file__).resolve().parent
CASE_FILES = sorted(CASES_DIRECTORY.rglob(f"*{CASE_SUFFIX}"))
TEES_WITH_CASES = ("az-snp-vtpm", "az-tdx-vtpm", "cca", "nitro", "psa", "sgx", "snp", "tdx", "tpm")
EXIT_AFFIRMED, EXIT_DENIED = 0, 5


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load()


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: str(path.relative_to(CASES_DIRECTORY)))
def test_evidence_case(path: Path, vectors: Path, host: PluginHost) -> None:
    case = load_case(path)
    assert case.evidence.is_relative_to(vectors), f"{path.name} does not read its evidence from the vectors"
    outcome = run_case(case, host)
    assert outcome.passed, f"{path.relative_to(CASES_DIRECTORY)}: {outcome.message}"


@pytest.mark.parametrize("tee", TEES_WITH_CASES)
def test_each_tee_has_affirmed_and_denied_real_evidence(tee: str) -> None:
    paths = (CASES_DIRECTORY / tee).glob(f"*{CASE_SUFFIX}")
    expectations = [tomllib.loads(path.read_text(encoding="utf-8"))["expect"] for path in paths]
    exit_codes = {expect["exit_code"] for expect in expectations}
    assert {EXIT_AFFIRMED, EXIT_DENIED} <= exit_codes, f"{tee}: exit codes {sorted(exit_codes)}"
    denied = [expect for expect in expectations if expect["exit_code"] == EXIT_DENIED]
    assert all(expect.get("reasons") for expect in denied), f"{tee}: a denied case does not name its reasons"


def test_command_runs_the_same_cases(vectors: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, discovered = discover([CASES_DIRECTORY])
    assert discovered == CASE_FILES
    assert main(["test", str(CASES_DIRECTORY)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"{len(CASE_FILES)} passed, 0 failed")


@pytest.mark.parametrize("switch", ["trust_test_root", "allow_unevaluated_tcb"])
def test_a_switch_must_be_a_boolean(switch: str) -> None:
    table = {"evidence": "e.bin", "at": "2025-01-01T00:00:00Z", switch: "yes", "expect": {"exit_code": 0}}
    with pytest.raises(ConfigurationError, match=f"'{switch}' must be true or false"):
        case_from_table(CASES_DIRECTORY / "x.case.toml", table, default_name="x")
