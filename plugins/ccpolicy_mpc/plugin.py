"""Entry module of the MPC comparison backend (entry point ``mpc = "ccpolicy_mpc.plugin"``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.hookspecs import hookimpl
from ccpolicy.threats import ThreatModel
from ccpolicy_mpc.backend import MpycBackend
from ccpolicy_mpc.threats import MPC_THREAT_MODEL


@hookimpl
def ccpolicy_comparison_backends() -> Sequence[ComparisonBackend]:
    return [MpycBackend()]


@hookimpl
def ccpolicy_threat_models() -> Sequence[ThreatModel]:
    return [MPC_THREAT_MODEL]
