"""The proved statements, one per workload, over Pedersen commitments C_i = x_i G + r_i H on NIST P-256.

sum / dot  PK{(x_i, r_i)_i, R : C_i = x_i G + r_i H for all i  and  sum_i w_i C_i - y G = R H}
           (w_i = 1 for the sum). With log_G H unknown this binds sum_i w_i x_i = y, the public result.
threshold  for each i with public bit b_i: b_i = 1 proves C_i - (t + 1) G commits to a value in
           [0, 2^8) (x_i > t); b_i = 0 proves t G - C_i does (x_i <= t). Range proofs are
           Schoenmakers' bit decomposition with one OR-proof per bit (zksk PowerTwoRangeStmt).

All proofs are non-interactive (Fiat-Shamir, as zksk builds them) and travel serialized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

P256_NID = 415  # OpenSSL NID of prime256v1
GENERATOR_SEEDS = (b"ccpolicy pedersen G", b"ccpolicy pedersen H")


@dataclass(frozen=True, slots=True, kw_only=True)
class PedersenParameters:
    group: Any
    g: Any
    h: Any
    order: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitments:
    points: tuple[Any, ...]
    openings: tuple[Any, ...]  # the prover's randomizers; never sent

    def encoded_size(self) -> int:
        return sum(len(point.export()) for point in self.points)


def pedersen_parameters() -> PedersenParameters:
    """G and H hashed to the curve from fixed seeds, so nobody knows log_G H."""
    from petlib.ec import EcGroup

    group = EcGroup(P256_NID)
    return PedersenParameters(
        group=group,
        g=group.hash_to_point(GENERATOR_SEEDS[0]),
        h=group.hash_to_point(GENERATOR_SEEDS[1]),
        order=group.order(),
    )


def commit(parameters: PedersenParameters, values: Sequence[int]) -> Commitments:
    openings = tuple(parameters.order.random() for _ in values)
    points = tuple(
        _scalar(parameters, value) * parameters.g + opening * parameters.h
        for value, opening in zip(values, openings, strict=True)
    )
    return Commitments(points=points, openings=openings)


def _weighted_total(parameters: PedersenParameters, points: Sequence[Any], weights: Sequence[int]) -> Any:
    total = parameters.group.infinite()
    for point, weight in zip(points, weights, strict=True):
        total = total + _scalar(parameters, weight) * point
    return total


def _scalar(parameters: PedersenParameters, value: int) -> Any:
    from petlib.bn import Bn

    return Bn.from_decimal(str(value % int(parameters.order)))


def prove_linear(
    parameters: PedersenParameters, commitments: Commitments, values: Sequence[int], weights: Sequence[int], result: int
) -> bytes:
    """Prove knowledge of the committed values and that sum_i w_i x_i = result."""
    from zksk import DLRep, Secret
    from zksk.composition import AndProofStmt

    order = int(parameters.order)
    g, h = parameters.g, parameters.h
    combined = sum(weight * int(opening) for weight, opening in zip(weights, commitments.openings, strict=True)) % order
    parts = [
        DLRep(point, Secret(value=_scalar(parameters, value)) * g + Secret(value=opening) * h)
        for point, value, opening in zip(commitments.points, values, commitments.openings, strict=True)
    ]
    target = _weighted_total(parameters, commitments.points, weights) - _scalar(parameters, result) * g
    parts.append(DLRep(target, Secret(value=_scalar(parameters, combined)) * h))
    proof: bytes = AndProofStmt(*parts).prove().serialize()
    return proof


def verify_linear(
    parameters: PedersenParameters, points: Sequence[Any], weights: Sequence[int], result: int, proof: bytes
) -> bool:
    """True only if the proof shows the committed values have sum_i w_i x_i = result."""
    from zksk import DLRep, Secret
    from zksk.composition import AndProofStmt

    g, h = parameters.g, parameters.h
    parts = [DLRep(point, Secret() * g + Secret() * h) for point in points]
    target = _weighted_total(parameters, points, weights) - _scalar(parameters, result) * g
    parts.append(DLRep(target, Secret() * h))
    return _verified(AndProofStmt(*parts), proof)


def _range_commitment(parameters: PedersenParameters, point: Any, threshold: int, above: bool) -> Any:
    """The commitment whose value must lie in [0, 2^bits): x - t - 1 when above, t - x otherwise."""
    if above:
        return point - _scalar(parameters, threshold + 1) * parameters.g
    return _scalar(parameters, threshold) * parameters.g - point


def prove_threshold(
    parameters: PedersenParameters, commitments: Commitments, values: Sequence[int], threshold: int, bits: int
) -> tuple[tuple[int, ...], tuple[bytes, ...]]:
    """The public bits [x_i > t] and, for each, a range proof that the bit is right."""
    from zksk import Secret
    from zksk.primitives.rangeproof import PowerTwoRangeStmt

    order = int(parameters.order)
    outcomes = []
    proofs = []
    for point, value, opening in zip(commitments.points, values, commitments.openings, strict=True):
        above = value > threshold
        difference, randomizer = (value - threshold - 1, int(opening)) if above else (threshold - value, -int(opening))
        statement = PowerTwoRangeStmt(
            com=_range_commitment(parameters, point, threshold, above),
            g=parameters.g,
            h=parameters.h,
            num_bits=bits,
            x=Secret(value=_scalar(parameters, difference)),
            randomizer=Secret(value=_scalar(parameters, randomizer % order)),
        )
        outcomes.append(int(above))
        proofs.append(statement.prove().serialize())
    return tuple(outcomes), tuple(proofs)


def verify_threshold(
    parameters: PedersenParameters,
    *,
    points: Sequence[Any],
    threshold: int,
    bits: int,
    outcomes: Sequence[int],
    proofs: Sequence[bytes],
) -> bool:
    from zksk import Secret
    from zksk.primitives.rangeproof import PowerTwoRangeStmt

    if not len(points) == len(outcomes) == len(proofs):
        return False
    for point, outcome, proof in zip(points, outcomes, proofs, strict=True):
        if outcome not in (0, 1):
            return False
        statement = PowerTwoRangeStmt(
            com=_range_commitment(parameters, point, threshold, bool(outcome)),
            g=parameters.g,
            h=parameters.h,
            num_bits=bits,
            x=Secret(),
            randomizer=Secret(),
        )
        if not _verified(statement, proof):
            return False
    return True


def _verified(statement: Any, proof: bytes) -> bool:
    """zksk signals a rejected proof by False or by one of its exceptions; both are a rejection."""
    from zksk import exceptions
    from zksk.base import NIZK

    rejections = (
        exceptions.StatementMismatch,
        exceptions.ValidationError,
        exceptions.VerificationError,
        exceptions.InconsistentChallengeError,
        exceptions.GroupMismatchError,
    )
    try:
        return bool(statement.verify(NIZK.deserialize(proof)))
    except rejections:
        return False
