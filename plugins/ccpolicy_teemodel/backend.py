"""TEE model: the workload in plaintext in-process, with AES-GCM sealing and one attestation verification.

What a TEE costs that this machine can measure: sealing the inputs for the enclave and unsealing them
inside it, sealing the output for the client, and verifying + appraising the enclave's attestation
(once per session). What it cannot measure, memory-encryption overhead, is cited, never measured.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ccpolicy.comparison.backend import ByteSizes, ExtraStep, Measurement, PhaseTimes, RunParameters, Technology
from ccpolicy.comparison.library_check import distribution_version
from ccpolicy.comparison.workloads import Workload, WorkloadKind, plaintext_dot, plaintext_threshold
from ccpolicy_teemodel.attestation_step import EVALUATION_TIME, time_attestation
from ccpolicy_teemodel.cited_overheads import CITED_OVERHEADS
from ccpolicy_teemodel.sealing import decode_integers, encode_integers, seal, unseal

KEY_BITS = 256


class TeeModelBackend:
    name = "tee-model"
    technology = Technology.TEE
    library = "cryptography"

    def library_version(self) -> str | None:
        return distribution_version(self.library)

    def available(self) -> str | None:
        return None  # cryptography is a core dependency of ccpolicy

    def supported_workloads(self) -> Sequence[WorkloadKind]:
        return tuple(WorkloadKind)

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        attestation = time_attestation(Path(params.vectors) if params.vectors else None)
        start = time.perf_counter()
        key = AESGCM.generate_key(bit_length=KEY_BITS)
        keyed = time.perf_counter()
        sealed_values = seal(key, encode_integers(workload.values), b"values")
        sealed_weights = seal(key, encode_integers(workload.weights), b"weights")
        values = decode_integers(unseal(key, sealed_values, b"values"))
        weights = decode_integers(unseal(key, sealed_weights, b"weights"))
        unsealed = time.perf_counter()
        output = _compute(workload, values, weights)
        computed = time.perf_counter()
        sealed_output = seal(key, encode_integers(output), b"output")
        result = decode_integers(unseal(key, sealed_output, b"output"))
        finished = time.perf_counter()
        steps = (
            ExtraStep(
                name="attestation: load plugins and policy, first verification",
                seconds=attestation.load_s,
                unavailable=attestation.unavailable,
            ),
            ExtraStep(
                name="attestation: verify + appraise one SEV-SNP report",
                seconds=attestation.verify_s,
                unavailable=attestation.unavailable,
            ),
        )
        notes = [
            "encode = seal inputs (client) + unseal them (enclave); decode = seal output (enclave) + unseal (client)",
            "runs on this machine without a TEE: memory-encryption overhead is cited, not measured",
        ]
        if attestation.verdict is not None:
            notes.append(f"attestation appraisal status with the default snp policy: {attestation.verdict}")
        return Measurement(
            output=result,
            times=PhaseTimes.from_clock(start, keyed, unsealed, computed, finished),
            sizes=ByteSizes(
                ciphertext=sealed_values.size() + sealed_weights.size() + sealed_output.size(),
                key=KEY_BITS // 8,
            ),
            extra_steps=steps,
            parameters=(
                ("sealing", "AES-256-GCM"),
                ("attestation_vector", "snp/trustee_report_milan_v2_vcek.bin"),
                ("attestation_time", EVALUATION_TIME),
            ),
            notes=tuple(notes),
            cited=CITED_OVERHEADS,
        )


def _compute(workload: Workload, values: Sequence[int], weights: Sequence[int]) -> tuple[int, ...]:
    if workload.kind is WorkloadKind.SUM:
        return (sum(values),)
    if workload.kind is WorkloadKind.DOT:
        return (plaintext_dot(values, weights),)
    return plaintext_threshold(values, workload.threshold)
