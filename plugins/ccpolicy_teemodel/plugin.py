"""Entry module of the TEE model comparison backend (entry point ``teemodel = "ccpolicy_teemodel.plugin"``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.hookspecs import hookimpl
from ccpolicy_teemodel.backend import TeeModelBackend


@hookimpl
def ccpolicy_comparison_backends() -> Sequence[ComparisonBackend]:
    return [TeeModelBackend()]
