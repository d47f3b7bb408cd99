"""Comparison under CKKS: the sign of a value in [-1, 1] by composing odd polynomials.

CKKS only adds and multiplies, so x > t is evaluated as sign((x - t - 1/2) / 2^bits). The odd
polynomial g3 of Cheon, Kim, Kim and Lee ("Efficient homomorphic comparison methods with optimal
complexity", ASIACRYPT 2020) has slope 4.48 at 0 and keeps [-1, 1] in [-1, 1]; four rounds of it
followed by one round of f1(x) = (3x - x^3)/2 take every |d| >= 2^-(bits+1) with bits = 8 to within
0.13 of ±1 (checked in the tests). Each g3 round costs three multiplicative levels, f1 two, and the
scaling one: 15 levels in all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

G3 = (4589 / 1024, -16577 / 1024, 25614 / 1024, -12860 / 1024)  # x, x^3, x^5, x^7
G3_ROUNDS = 4
LEVELS = 1 + 3 * G3_ROUNDS + 2


def odd_degree7(x: Any, coefficients: Sequence[float]) -> Any:
    """c0 x + c1 x^3 + c2 x^5 + c3 x^7 in three multiplicative levels (coefficients folded into x first)."""
    c0, c1, c2, c3 = coefficients
    square = x * x
    fourth = square * square
    return (x * c0) + (x * c1) * square + (x * c2) * fourth + ((x * c3) * square) * fourth


def cubic_f1(x: Any) -> Any:
    """(3x - x^3) / 2 in two levels."""
    return (x * 1.5) + (x * -0.5) * (x * x)


def approximate_sign(x: Any) -> Any:
    """sign(x) for |x| in [2^-9, 1], on anything with + and * (a CKKSVector, or a float in the tests)."""
    for _ in range(G3_ROUNDS):
        x = odd_degree7(x, G3)
    return cubic_f1(x)
