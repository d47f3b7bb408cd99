"""zksk backend: commit to the private inputs, prove the workload's statement, verify the serialized proof."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ccpolicy.comparison.backend import ByteSizes, Measurement, PhaseTimes, RunParameters, Technology
from ccpolicy.comparison.library_check import distribution_version, missing_modules
from ccpolicy.comparison.workloads import Workload, WorkloadKind
from ccpolicy.errors import BackendError
from ccpolicy_zkp import statements

INSTALL_HINT = "pip install 'ccpolicy[zkp]' (zksk-fork, petlib-fork; petlib builds against the OpenSSL headers)"
MSGPACK_HINT = (
    "msgpack-python 0.5 (a dependency of bplib-fork) has overwritten msgpack >= 1.0 that petlib needs; "
    "repair with: pip install --force-reinstall --no-deps 'msgpack>=1.0'"
)


class ZkskBackend:
    name = "zksk"
    technology = Technology.ZKP
    library = "zksk-fork"

    def library_version(self) -> str | None:
        return distribution_version(self.library)

    def available(self) -> str | None:
        missing = missing_modules(("zksk", "petlib", "msgpack"), install_hint=INSTALL_HINT)
        if missing is not None:
            return missing
        import msgpack

        if tuple(msgpack.version[:1]) < (1,):
            return MSGPACK_HINT
        return None

    def supported_workloads(self) -> Sequence[WorkloadKind]:
        return tuple(WorkloadKind)

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        start = time.perf_counter()
        parameters = statements.pedersen_parameters()
        ready = time.perf_counter()
        commitments = statements.commit(parameters, workload.values)
        committed = time.perf_counter()
        if workload.kind is WorkloadKind.THRESHOLD:
            outcomes, proofs = statements.prove_threshold(
                parameters, commitments, workload.values, workload.threshold, workload.value_bits
            )
            proved = time.perf_counter()
            accepted = statements.verify_threshold(
                parameters,
                points=commitments.points,
                threshold=workload.threshold,
                bits=workload.value_bits,
                outcomes=outcomes,
                proofs=proofs,
            )
            output: tuple[int, ...] = outcomes
            proof_bytes = sum(len(proof) for proof in proofs)
            statement = "per value: range proof of x - t - 1 or t - x in [0, 2^8)"
        else:
            weights = workload.weights if workload.kind is WorkloadKind.DOT else (1,) * len(workload.values)
            result = sum(weight * value for weight, value in zip(weights, workload.values, strict=True))
            proof = statements.prove_linear(parameters, commitments, workload.values, weights, result)
            proved = time.perf_counter()
            accepted = statements.verify_linear(parameters, commitments.points, weights, result, proof)
            output = (result,)
            proof_bytes = len(proof)
            statement = "openings of all commitments and sum_i w_i C_i - y G = R H"
        verified = time.perf_counter()
        if not accepted:
            raise BackendError(f"the verifier rejected the honest proof for {workload.kind.value}")
        return Measurement(
            output=output,
            times=PhaseTimes.from_clock(start, ready, committed, proved, verified),
            sizes=ByteSizes(ciphertext=commitments.encoded_size(), proof=proof_bytes),
            parameters=(
                ("group", "NIST P-256"),
                ("commitment", "Pedersen"),
                ("proof", "Sigma protocol, Fiat-Shamir (zksk)"),
                ("statement", statement),
            ),
            notes=(
                "ciphertext bytes are the commitments sent to the verifier; the output is the public result "
                "the verifier accepted",
            ),
        )
