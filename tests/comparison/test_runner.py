from __future__ import annotations

import copy

import jsonschema
import pytest

from ccpolicy.comparison.results import ResultStatus, results_to_json
from ccpolicy.comparison.runner import BenchPlan, run_bench
from ccpolicy.comparison.workloads import WorkloadKind
from tests.comparison.fake_backends import (
    ABSENT_HINT,
    AbsentBackend,
    CrashingBackend,
    FakeBackend,
    HangingBackend,
    WrongBackend,
)
from tests.comparison.schema_check import assert_valid_results

PLAN = BenchPlan(workloads=(WorkloadKind.DOT,), quick=True, repeat=2, timeout_s=2.0)


def test_misbehaving_backends_do_not_stop_the_run() -> None:
    backends = [
        AbsentBackend("absent"),
        HangingBackend("hanging"),
        WrongBackend("wrong"),
        CrashingBackend("crashing"),
        FakeBackend("good"),
    ]
    results = run_bench(backends, PLAN)
    by_name = {record.backend: record for record in results.records}
    assert [record.backend for record in results.records] == ["absent", "hanging", "wrong", "crashing", "good"]

    assert by_name["absent"].status is ResultStatus.UNAVAILABLE
    assert by_name["absent"].detail == ABSENT_HINT
    assert by_name["hanging"].status is ResultStatus.TIMEOUT
    assert by_name["wrong"].status is ResultStatus.WRONG
    assert by_name["wrong"].correct is False
    assert by_name["wrong"].phases == ()  # a wrong result is never timed as a success
    assert by_name["crashing"].status is ResultStatus.ERROR
    assert by_name["crashing"].detail is not None and "segfault stand-in" in by_name["crashing"].detail
    good = by_name["good"]
    assert good.status is ResultStatus.OK and good.correct is True and good.repeat == 2
    assert good.overhead_ratio is not None and good.plaintext_baseline_s is not None
    assert good.overhead_ratio == pytest.approx(0.001 / good.plaintext_baseline_s)
    assert_valid_results(results_to_json(results))


def test_schema_rejects_a_timed_wrong_result() -> None:
    results = run_bench([FakeBackend("good")], PLAN)
    document = results_to_json(results)
    assert_valid_results(document)
    tampered = copy.deepcopy(document)
    tampered["results"][0]["status"] = "wrong"
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_results(tampered)
    tampered = copy.deepcopy(document)
    tampered["results"][0]["technology"] = "quantum"
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_results(tampered)


def test_threads_are_pinned_and_recorded() -> None:
    results = run_bench([FakeBackend("good")], BenchPlan(workloads=(WorkloadKind.SUM,), quick=True, repeat=1))
    assert dict(results.machine.thread_settings)["OMP_NUM_THREADS"] == "1"
    assert results.settings.threads == 1
    assert dict(results.libraries)["cryptography"]
