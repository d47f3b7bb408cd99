"""Entry module of the ZKP comparison backend (entry point ``zkp = "ccpolicy_zkp.plugin"``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.hookspecs import hookimpl
from ccpolicy.threats import ThreatModel
from ccpolicy_zkp.backend import ZkskBackend
from ccpolicy_zkp.threats import ZKP_THREAT_MODEL


@hookimpl
def ccpolicy_comparison_backends() -> Sequence[ComparisonBackend]:
    return [ZkskBackend()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [ZKP_THREAT_MODEL]
