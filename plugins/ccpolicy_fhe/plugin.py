"""Entry module of the FHE comparison backends (entry point ``fhe = "ccpolicy_fhe.plugin"``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.hookspecs import hookimpl
from ccpolicy.threats import ThreatModel
from ccpolicy_fhe.tenseal_backend import TensealBackend
from ccpolicy_fhe.threats import FHE_THREAT_MODEL


@hookimpl
def ccpolicy_comparison_backends() -> Sequence[ComparisonBackend]:
    return [TensealBackend()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [FHE_THREAT_MODEL]
