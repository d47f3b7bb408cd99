"""Entry module of the Paillier comparison backend (entry point ``paillier = "ccpolicy_paillier.plugin"``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.hookspecs import hookimpl
from ccpolicy.threats import ThreatModel
from ccpolicy_paillier.backend import PaillierBackend
from ccpolicy_paillier.threats import PAILLIER_THREAT_MODEL


@hookimpl
def ccpolicy_comparison_backends() -> Sequence[ComparisonBackend]:
    return [PaillierBackend()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [PAILLIER_THREAT_MODEL]
