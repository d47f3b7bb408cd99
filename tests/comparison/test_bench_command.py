from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccpolicy.cli import bench_command, main
from ccpolicy.comparison.workloads import SIZES
from ccpolicy.host import PluginHost
from tests.comparison.comparison_host import comparison_host
from tests.comparison.fake_backends import ABSENT_HINT, MisbehavingPlugin
from tests.comparison.schema_check import assert_valid_results


@pytest.fixture
def bench_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """`ccpolicy bench` wired into the CLI, whether or not main.COMMANDS lists it yet."""
    if bench_command not in main.COMMANDS:
        monkeypatch.setattr(main, "COMMANDS", (*main.COMMANDS, bench_command))


def _use_host(monkeypatch: pytest.MonkeyPatch, host: PluginHost) -> None:
    monkeypatch.setattr(PluginHost, "load", classmethod(lambda cls, disabled=None: host))


def test_every_builtin_backend_is_provided() -> None:
    names = set(comparison_host().comparison_backends)
    assert {"tenseal", "mpyc", "zksk", "paillier", "tee-model"} <= names


def test_quick_bench_is_correct_and_valid(
    bench_cli: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _use_host(monkeypatch, comparison_host())
    out = tmp_path / "results.json"
    code = main.main(["bench", "--quick", "--timeout", "120", "--out", str(out)])
    document = json.loads(out.read_text())
    assert_valid_results(document)
    records = document["results"]
    for record in records:
        assert record["size"] == SIZES[next(k for k in SIZES if k.value == record["workload"])][0]
        assert record["status"] in ("ok", "unsupported"), record
    ran = [record for record in records if record["status"] == "ok"]
    assert all(record["correct"] is True for record in ran)
    assert {record["technology"] for record in ran} == {"fhe", "mpc", "zkp", "tee", "he-partial"}
    assert {(record["backend"], record["workload"]) for record in records if record["status"] == "unsupported"} == {
        ("paillier", "threshold")
    }
    mpc = next(record for record in ran if record["backend"] == "mpyc" and record["workload"] == "threshold")
    assert len(mpc["communication"]["bytes_per_party"]) == 3 and mpc["communication"]["rounds"] > 1
    tee = next(record for record in ran if record["backend"] == "tee-model" and record["workload"] == "sum")
    assert tee["cited"] and all(not cited["measured_here"] for cited in tee["cited"])
    assert code == 0
    assert "tenseal" in capsys.readouterr().out


def test_unavailable_and_hanging_backends_are_reported(
    bench_cli: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _use_host(monkeypatch, comparison_host(MisbehavingPlugin()))
    out = tmp_path / "results.json"
    arguments = ["bench", "--quick", "--workload", "dot", "--timeout", "2", "--out", str(out)]
    code = main.main([*arguments, "--backend", "absent", "--backend", "hanging", "--backend", "tee-model"])
    document = json.loads(out.read_text())
    assert_valid_results(document)
    status = {record["backend"]: record for record in document["results"]}
    assert status["absent"]["status"] == "unavailable"
    assert status["absent"]["detail"] == ABSENT_HINT
    assert status["hanging"]["status"] == "timeout"
    assert status["tee-model"]["status"] == "ok"
    assert code == 1
    captured = capsys.readouterr()
    assert "pip install 'ccpolicy[absent]'" in captured.out + captured.err


def test_unknown_backend_is_a_usage_error(bench_cli: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_host(monkeypatch, comparison_host())
    assert main.main(["bench", "--backend", "nope"]) == 1
