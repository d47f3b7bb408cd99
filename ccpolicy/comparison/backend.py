"""The ComparisonBackend protocol and the records a backend hands back to the runner."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ccpolicy.comparison.workloads import Workload, WorkloadKind


class Technology(enum.Enum):
    """How a backend protects data in use."""

    FHE = "fhe"
    MPC = "mpc"
    ZKP = "zkp"
    TEE = "tee"
    HE_PARTIAL = "he-partial"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunParameters:
    """What the runner tells a backend about one run.

    ``threads`` is the thread count the backend must use (OMP_NUM_THREADS is pinned to it too);
    ``timeout_s`` bounds anything the backend waits on itself (MPC parties); ``vectors`` is the
    root of the real evidence vectors, for backends that verify attestation evidence.
    """

    threads: int = 1
    timeout_s: float = 120.0
    vectors: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseTimes:
    """Seconds spent in each phase of one run; None where the phase does not exist for the technology.

    setup: key generation, context or party start-up (once per session, outside ``end_to_end``);
    encode: encode/encrypt/secret-share/commit the inputs; compute: homomorphic evaluation, the MPC
    protocol, or proving; decode: decrypt/open the output or verify the proof; end_to_end: from
    plaintext inputs to the plaintext output, setup excluded.
    """

    setup: float | None = None
    encode: float | None = None
    compute: float | None = None
    decode: float | None = None
    end_to_end: float

    @classmethod
    def from_clock(cls, start: float, ready: float, encoded: float, computed: float, finished: float) -> PhaseTimes:
        """The phases between five readings of the clock: before and after setup, after encode, compute, decode."""
        return cls(
            setup=ready - start,
            encode=encoded - ready,
            compute=computed - encoded,
            decode=finished - computed,
            end_to_end=finished - ready,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ByteSizes:
    """Sizes in bytes of what a run produced or sent; None where not applicable."""

    ciphertext: int | None = None
    key: int | None = None
    proof: int | None = None
    communication: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Communication:
    """Network cost of an MPC run: bytes each party sent, and message rounds."""

    bytes_per_party: tuple[int, ...]
    rounds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtraStep:
    """A measured step outside the common phases (TEE sealing, attestation), or why it could not run."""

    name: str
    seconds: float | None
    unavailable: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CitedFigure:
    """A published figure, never measured here: it is reported apart, with its source."""

    figure: str
    low_percent: float
    high_percent: float
    source: str
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    """One run of one workload by one backend.

    ``output`` is what the backend decrypted/opened; the runner checks it against the workload's
    reference with ``tolerance`` (0 = exact; approximate schemes state theirs).
    """

    output: tuple[int | float, ...]
    tolerance: float = 0.0
    times: PhaseTimes
    sizes: ByteSizes = field(default_factory=ByteSizes)
    communication: Communication | None = None
    extra_steps: tuple[ExtraStep, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    cited: tuple[CitedFigure, ...] = ()


@runtime_checkable
class ComparisonBackend(Protocol):
    """Runs the reference workloads with one privacy technology.

    ``available()`` returns None when the backend can run here, else the reason with the install
    hint; it must be cheap and must not start threads (the runner forks after calling it).
    ``run`` raises ccpolicy.errors.BackendError when it cannot produce an output.
    """

    name: str
    technology: Technology
    library: str

    def library_version(self) -> str | None: ...

    def available(self) -> str | None: ...

    def supported_workloads(self) -> Sequence[WorkloadKind]: ...

    def run(self, workload: Workload, params: RunParameters) -> Measurement: ...
