"""The reference workloads, defined once: inputs drawn from a seed, the plaintext reference computed with them.

sum        private sum of N unsigned 16-bit integers; output (sum,)
dot        128-dimensional dot product of a private signed 8-bit feature vector with a signed 8-bit
           weight vector (linear model inference); output (w·x,)
threshold  x > t for each private unsigned 8-bit value and a public threshold t; output one 0/1 per value
"""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ccpolicy.errors import ConfigurationError

SUM_VALUE_BITS = 16
DOT_VALUE_BITS = 8
THRESHOLD_VALUE_BITS = 8
DOT_DIMENSION = 128


class WorkloadKind(enum.Enum):
    SUM = "sum"
    DOT = "dot"
    THRESHOLD = "threshold"


SIZES: dict[WorkloadKind, tuple[int, ...]] = {
    WorkloadKind.SUM: (1000, 10000),
    WorkloadKind.DOT: (DOT_DIMENSION,),
    WorkloadKind.THRESHOLD: (1, 128),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload:
    """One workload instance. ``values`` are the private inputs; ``weights`` (dot) and ``threshold``
    (threshold) belong to the other party or are public; ``reference`` is the plaintext result."""

    kind: WorkloadKind
    size: int
    seed: int
    values: tuple[int, ...]
    weights: tuple[int, ...] = ()
    threshold: int = 0
    value_bits: int
    reference: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputCheck:
    correct: bool
    max_abs_error: float | None
    detail: str | None = None


def workload_sizes(kind: WorkloadKind, *, quick: bool) -> tuple[int, ...]:
    """The sizes run for a workload; ``quick`` keeps the smallest only."""
    sizes = SIZES[kind]
    return sizes[:1] if quick else sizes


def make_workload(kind: WorkloadKind, size: int, seed: int) -> Workload:
    """Draw the inputs from ``seed`` and compute the plaintext reference."""
    if size < 1:
        raise ConfigurationError(f"workload size must be positive, not {size}")
    draw = random.Random(f"ccpolicy-bench:{seed}:{kind.value}:{size}")
    if kind is WorkloadKind.SUM:
        values = tuple(draw.randrange(1 << SUM_VALUE_BITS) for _ in range(size))
        return Workload(
            kind=kind, size=size, seed=seed, values=values, value_bits=SUM_VALUE_BITS, reference=(sum(values),)
        )
    if kind is WorkloadKind.DOT:
        low, high = -(1 << (DOT_VALUE_BITS - 1)), 1 << (DOT_VALUE_BITS - 1)
        values = tuple(draw.randrange(low, high) for _ in range(size))
        weights = tuple(draw.randrange(low, high) for _ in range(size))
        return Workload(
            kind=kind,
            size=size,
            seed=seed,
            values=values,
            weights=weights,
            value_bits=DOT_VALUE_BITS,
            reference=(plaintext_dot(values, weights),),
        )
    values = tuple(draw.randrange(1 << THRESHOLD_VALUE_BITS) for _ in range(size))
    threshold = draw.randrange(1, (1 << THRESHOLD_VALUE_BITS) - 1)
    return Workload(
        kind=kind,
        size=size,
        seed=seed,
        values=values,
        threshold=threshold,
        value_bits=THRESHOLD_VALUE_BITS,
        reference=plaintext_threshold(values, threshold),
    )


def plaintext_dot(values: Sequence[int], weights: Sequence[int]) -> int:
    return sum(value * weight for value, weight in zip(values, weights, strict=True))


def plaintext_threshold(values: Sequence[int], threshold: int) -> tuple[int, ...]:
    return tuple(int(value > threshold) for value in values)


def plaintext_result(workload: Workload) -> tuple[int, ...]:
    """The workload computed in the clear, from its inputs (what the baseline times)."""
    if workload.kind is WorkloadKind.SUM:
        return (sum(workload.values),)
    if workload.kind is WorkloadKind.DOT:
        return (plaintext_dot(workload.values, workload.weights),)
    return plaintext_threshold(workload.values, workload.threshold)


def check_output(workload: Workload, output: Sequence[int | float], tolerance: float) -> OutputCheck:
    """Compare a backend's output with the reference: exactly when ``tolerance`` is 0, else within it."""
    if len(output) != len(workload.reference):
        return OutputCheck(
            correct=False,
            max_abs_error=None,
            detail=f"output has {len(output)} values, the reference {len(workload.reference)}",
        )
    errors = [abs(got - expected) for got, expected in zip(output, workload.reference, strict=True)]
    worst = max(errors, default=0.0)
    if tolerance == 0:
        correct = all(got == expected for got, expected in zip(output, workload.reference, strict=True))
    else:
        correct = worst <= tolerance
    detail = None if correct else f"max |output - reference| = {worst:g} exceeds the tolerance {tolerance:g}"
    return OutputCheck(correct=correct, max_abs_error=float(worst), detail=detail)
