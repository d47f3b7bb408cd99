"""The security lifecycle claim shared by Arm PSA tokens and CCA platform tokens.

The major state is the high byte (``0xMM00``), the low byte is an
implementation-defined minor state (RFC 9783 section 4.3.1; Arm CCA Security
Model, platform lifecycle).  Values outside the seven ranges are malformed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError


class LifecycleState(enum.Enum):
    """Major lifecycle states; the value is the range's base."""

    UNKNOWN = 0x0000
    ASSEMBLY_AND_TEST = 0x1000
    ROT_PROVISIONING = 0x2000
    SECURED = 0x3000
    NON_ROT_DEBUG = 0x4000
    RECOVERABLE_ROT_DEBUG = 0x5000
    DECOMMISSIONED = 0x6000


DEBUG_STATES = frozenset({LifecycleState.NON_ROT_DEBUG, LifecycleState.RECOVERABLE_ROT_DEBUG})


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityLifecycle:
    value: int
    state: LifecycleState

    @property
    def minor(self) -> int:
        return self.value & 0xFF

    @property
    def secured(self) -> bool:
        return self.state is LifecycleState.SECURED

    @property
    def debug(self) -> bool:
        """The root of trust, or software outside it, may be debugged."""
        return self.state in DEBUG_STATES

    def name(self, root_of_trust: str) -> str:
        """The state's name in a specification's words: ``root_of_trust`` is ``psa`` or ``cca_platform``."""
        rot = f"{root_of_trust}_rot"
        return {
            LifecycleState.UNKNOWN: "unknown",
            LifecycleState.ASSEMBLY_AND_TEST: "assembly_and_test",
            LifecycleState.ROT_PROVISIONING: f"{rot}_provisioning",
            LifecycleState.SECURED: "secured",
            LifecycleState.NON_ROT_DEBUG: f"non_{rot}_debug",
            LifecycleState.RECOVERABLE_ROT_DEBUG: f"recoverable_{rot}_debug",
            LifecycleState.DECOMMISSIONED: "decommissioned",
        }[self.state]


def decode_lifecycle(value: int, *, what: str) -> SecurityLifecycle:
    for state in LifecycleState:
        if state.value <= value <= state.value + 0xFF:
            return SecurityLifecycle(value=value, state=state)
    raise EvidenceFormatError(f"{what} {value:#06x} is in no lifecycle range", reason="evidence.format.lifecycle")
