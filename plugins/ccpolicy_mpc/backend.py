"""MPyC backend: three parties (honest majority, semi-honest, Shamir sharing) over 127.0.0.1."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.backend import (
    ByteSizes,
    Communication,
    ExtraStep,
    Measurement,
    PhaseTimes,
    RunParameters,
    Technology,
)
from ccpolicy.comparison.library_check import distribution_version, missing_modules
from ccpolicy.comparison.workloads import Workload, WorkloadKind
from ccpolicy.errors import BackendError
from ccpolicy_mpc.parties import PartySpec, run_parties

INSTALL_HINT = "pip install 'ccpolicy[mpc]' (mpyc, numpy, gmpy2)"
PARTIES = 3


class MpycBackend:
    name = "mpyc"
    technology = Technology.MPC
    library = "mpyc"

    def library_version(self) -> str | None:
        return distribution_version(self.library)

    def available(self) -> str | None:
        return missing_modules(("mpyc", "numpy"), install_hint=INSTALL_HINT)

    def supported_workloads(self) -> Sequence[WorkloadKind]:
        return tuple(WorkloadKind)

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        specs, bit_length = party_specs(workload)
        run = run_parties(specs, timeout_s=params.timeout_s)
        outputs = {report.output for report in run.reports}
        if len(outputs) != 1:
            raise BackendError("the MPC parties opened different results")
        bytes_per_party = tuple(sum(report.bytes_sent) for report in run.reports)
        rounds = max(max(report.messages_sent) for report in run.reports)
        return Measurement(
            output=run.reports[0].output,
            times=PhaseTimes(
                setup=max(report.setup_s for report in run.reports),
                encode=max(report.share_s for report in run.reports),
                compute=max(report.compute_s for report in run.reports),
                decode=max(report.open_s for report in run.reports),
                end_to_end=max(report.share_s + report.compute_s + report.open_s for report in run.reports),
            ),
            sizes=ByteSizes(communication=sum(bytes_per_party)),
            communication=Communication(bytes_per_party=bytes_per_party, rounds=rounds),
            extra_steps=(ExtraStep(name="party processes start to exit (wall)", seconds=run.wall_s),),
            parameters=(
                ("parties", str(PARTIES)),
                ("threshold", "1 (honest majority, semi-honest)"),
                ("secure_integer_bits", str(bit_length)),
                ("network", "127.0.0.1 loopback, one process per party"),
                ("inputs", _roles(workload.kind)),
            ),
            notes=(
                "rounds = most messages one party sent one peer (MPyC vectorized arrays: one message per round)",
                "on a real network, add rounds x RTT: start the parties on separate hosts with -P host:port",
            ),
        )


def _roles(kind: WorkloadKind) -> str:
    if kind is WorkloadKind.SUM:
        return "each party secret-shares a third of the values"
    if kind is WorkloadKind.DOT:
        return "party 0 shares the features, party 1 the weights"
    return "party 0 shares the values; the threshold is public"


def party_specs(workload: Workload) -> tuple[list[PartySpec], int]:
    """Each party's inputs, and a secure-integer bit length wide enough for the result."""
    values = workload.values
    size = len(values)
    if workload.kind is WorkloadKind.SUM:
        bit_length = workload.value_bits + size.bit_length() + 2
        lengths = tuple(size // PARTIES + (1 if pid < size % PARTIES else 0) for pid in range(PARTIES))
        offsets = [sum(lengths[:pid]) for pid in range(PARTIES)]
        owned = [values[offsets[pid] : offsets[pid] + lengths[pid]] for pid in range(PARTIES)]
    elif workload.kind is WorkloadKind.DOT:
        bit_length = 2 * workload.value_bits + size.bit_length() + 2
        lengths = (size, size, 0)
        owned = [values, workload.weights, ()]
    else:
        bit_length = workload.value_bits + 2
        lengths = (size, 0, 0)
        owned = [values, (), ()]
    specs = [
        PartySpec(
            workload=workload.kind.value,
            bit_length=bit_length,
            own_values=tuple(own),
            lengths=lengths,
            threshold=workload.threshold,
        )
        for own in owned
    ]
    return specs, bit_length
