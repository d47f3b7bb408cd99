from __future__ import annotations

import pytest

from ccpolicy.comparison.plaintext_baseline import time_plaintext
from ccpolicy.comparison.workloads import (
    SIZES,
    WorkloadKind,
    check_output,
    make_workload,
    plaintext_result,
    workload_sizes,
)
from ccpolicy.errors import ConfigurationError


def test_sizes_are_the_issue_sizes() -> None:
    assert SIZES[WorkloadKind.SUM] == (1000, 10000)
    assert SIZES[WorkloadKind.DOT] == (128,)
    assert SIZES[WorkloadKind.THRESHOLD] == (1, 128)
    assert workload_sizes(WorkloadKind.SUM, quick=True) == (1000,)


@pytest.mark.parametrize("kind", list(WorkloadKind))
def test_inputs_come_from_the_seed_and_reference_matches(kind: WorkloadKind) -> None:
    size = SIZES[kind][-1]
    first = make_workload(kind, size, seed=7)
    assert first == make_workload(kind, size, seed=7)
    assert first.values != make_workload(kind, size, seed=8).values
    assert len(first.values) == size
    assert plaintext_result(first) == first.reference
    assert all(0 <= value < 1 << first.value_bits for value in first.values) or kind is WorkloadKind.DOT


def test_reference_values() -> None:
    total = make_workload(WorkloadKind.SUM, 1000, seed=1)
    assert total.reference == (sum(total.values),)
    dot = make_workload(WorkloadKind.DOT, 128, seed=1)
    assert dot.reference == (sum(x * w for x, w in zip(dot.values, dot.weights, strict=True)),)
    assert any(value < 0 for value in dot.values)
    threshold = make_workload(WorkloadKind.THRESHOLD, 128, seed=1)
    assert threshold.reference == tuple(int(x > threshold.threshold) for x in threshold.values)
    assert 0 < sum(threshold.reference) < 128


def test_check_is_exact_without_tolerance() -> None:
    workload = make_workload(WorkloadKind.SUM, 1000, seed=1)
    assert check_output(workload, workload.reference, 0).correct
    off_by_one = check_output(workload, (workload.reference[0] + 1,), 0)
    assert not off_by_one.correct
    assert off_by_one.detail is not None
    assert not check_output(workload, (workload.reference[0] + 0.4,), 0).correct


def test_check_with_tolerance_and_wrong_length() -> None:
    workload = make_workload(WorkloadKind.THRESHOLD, 128, seed=1)
    close = tuple(bit + (0.2 if bit == 0 else -0.2) for bit in workload.reference)
    assert check_output(workload, close, 0.25).correct
    assert not check_output(workload, close, 0.1).correct
    assert not check_output(workload, workload.reference[:-1], 0.25).correct


def test_bad_size_and_baseline() -> None:
    with pytest.raises(ConfigurationError):
        make_workload(WorkloadKind.SUM, 0, seed=1)
    assert 0 < time_plaintext(make_workload(WorkloadKind.DOT, 128, seed=1)) < 0.01
