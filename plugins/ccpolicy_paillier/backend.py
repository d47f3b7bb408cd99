"""Paillier (additively homomorphic) on the sum and the dot product; it cannot compare ciphertexts."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ccpolicy.comparison.backend import ByteSizes, Measurement, PhaseTimes, RunParameters, Technology
from ccpolicy.comparison.library_check import distribution_version, missing_modules
from ccpolicy.comparison.workloads import Workload, WorkloadKind
from ccpolicy.errors import BackendError

KEY_BITS = 2048
INSTALL_HINT = "pip install 'ccpolicy[he-partial]' (phe, gmpy2)"


class PaillierBackend:
    name = "paillier"
    technology = Technology.HE_PARTIAL
    library = "phe"

    def library_version(self) -> str | None:
        return distribution_version(self.library)

    def available(self) -> str | None:
        return missing_modules(("phe",), install_hint=INSTALL_HINT)

    def supported_workloads(self) -> Sequence[WorkloadKind]:
        return (WorkloadKind.SUM, WorkloadKind.DOT)

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        import phe

        if workload.kind not in self.supported_workloads():
            raise BackendError(f"Paillier cannot evaluate the {workload.kind.value} workload")
        start = time.perf_counter()
        public_key, private_key = phe.generate_paillier_keypair(n_length=KEY_BITS)
        keyed = time.perf_counter()
        ciphertexts = [public_key.encrypt(value) for value in workload.values]
        encrypted = time.perf_counter()
        if workload.kind is WorkloadKind.SUM:
            total = ciphertexts[0]
            for ciphertext in ciphertexts[1:]:
                total = total + ciphertext
        else:
            total = ciphertexts[0] * workload.weights[0]
            for ciphertext, weight in zip(ciphertexts[1:], workload.weights[1:], strict=True):
                total = total + ciphertext * weight
        computed = time.perf_counter()
        result = private_key.decrypt(total)
        decrypted = time.perf_counter()
        ciphertext_bytes = (public_key.nsquare.bit_length() + 7) // 8
        return Measurement(
            output=(int(result),),
            times=PhaseTimes.from_clock(start, keyed, encrypted, computed, decrypted),
            sizes=ByteSizes(
                ciphertext=ciphertext_bytes * len(ciphertexts),
                key=(public_key.n.bit_length() + 7) // 8,
            ),
            parameters=(("scheme", "Paillier"), ("modulus_bits", str(KEY_BITS)), ("weights", "plaintext scalars")),
            notes=("additively homomorphic only: no comparison; the dot product multiplies by plaintext weights",),
        )
