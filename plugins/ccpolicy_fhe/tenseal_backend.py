"""TenSEAL backend: BFV for the exact sum, CKKS for the dot product and for the threshold comparison."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ccpolicy.comparison.backend import ByteSizes, Measurement, PhaseTimes, RunParameters, Technology
from ccpolicy.comparison.library_check import distribution_version, missing_modules
from ccpolicy.comparison.workloads import Workload, WorkloadKind
from ccpolicy.errors import BackendError
from ccpolicy_fhe.sign_approximation import LEVELS, approximate_sign

INSTALL_HINT = "pip install 'ccpolicy[fhe]' (tenseal)"
BFV_DEGREE = 8192
BFV_ROW_SLOTS = BFV_DEGREE // 2  # TenSEAL's BFV sum() rotates within one row: at most 4096 slots
CKKS_DOT_DEGREE = 8192
CKKS_DOT_MODULI = (60, 40, 40, 60)
CKKS_SIGN_DEGREE = 32768
CKKS_SCALE_BITS = 40
DOT_TOLERANCE = 0.5  # the rounded result is then exact
THRESHOLD_TOLERANCE = 0.25  # a decrypted comparison bit within 0.25 of 0 or 1


class TensealBackend:
    name = "tenseal"
    technology = Technology.FHE
    library = "tenseal"

    def library_version(self) -> str | None:
        return distribution_version(self.library)

    def available(self) -> str | None:
        return missing_modules(("tenseal",), install_hint=INSTALL_HINT)

    def supported_workloads(self) -> Sequence[WorkloadKind]:
        return tuple(WorkloadKind)

    def run(self, workload: Workload, params: RunParameters) -> Measurement:
        if workload.kind is WorkloadKind.SUM:
            return _bfv_sum(workload, params.threads)
        if workload.kind is WorkloadKind.DOT:
            return _ckks_dot(workload, params.threads)
        return _ckks_threshold(workload, params.threads)


def bfv_plain_modulus(minimum: int, degree: int) -> int:
    """The smallest prime p > minimum with p = 1 (mod 2 * degree), as BFV batching requires."""
    step = 2 * degree
    candidate = (minimum // step + 1) * step + 1
    while not _is_prime(candidate):
        candidate += step
    return candidate


def _is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin for n < 3.3e24."""
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    if n < 2:
        return False
    for p in bases:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _key_bytes(context: Any) -> int:
    """Evaluation keys a client sends the server: public, relinearization and Galois keys, no secret key."""
    serialized: bytes = context.serialize(
        save_public_key=True, save_secret_key=False, save_galois_keys=True, save_relin_keys=True
    )
    return len(serialized)


def _bfv_sum(workload: Workload, threads: int) -> Measurement:
    import tenseal as ts

    bound = len(workload.values) * ((1 << workload.value_bits) - 1)
    plain_modulus = bfv_plain_modulus(2 * bound, BFV_DEGREE)  # TenSEAL decodes centred: [-p/2, p/2)
    if plain_modulus.bit_length() > 60:
        raise BackendError(f"a sum up to {bound} needs a plaintext modulus wider than BFV allows")
    start = time.perf_counter()
    context = ts.context(
        ts.SCHEME_TYPE.BFV, poly_modulus_degree=BFV_DEGREE, plain_modulus=plain_modulus, n_threads=threads
    )
    context.generate_galois_keys()
    keyed = time.perf_counter()
    values = list(workload.values)
    chunks = []
    for offset in range(0, len(values), BFV_ROW_SLOTS):
        chunk = values[offset : offset + BFV_ROW_SLOTS]
        chunks.append(ts.bfv_vector(context, chunk + [0] * (BFV_ROW_SLOTS - len(chunk))))
    encrypted = time.perf_counter()
    accumulated = chunks[0]
    for chunk in chunks[1:]:
        accumulated = accumulated + chunk
    total = accumulated.sum()
    computed = time.perf_counter()
    result = total.decrypt()[0]
    decrypted = time.perf_counter()
    return Measurement(
        output=(int(result),),
        times=PhaseTimes.from_clock(start, keyed, encrypted, computed, decrypted),
        sizes=ByteSizes(ciphertext=sum(len(chunk.serialize()) for chunk in chunks), key=_key_bytes(context)),
        parameters=(
            ("scheme", "BFV"),
            ("poly_modulus_degree", str(BFV_DEGREE)),
            ("plain_modulus", str(plain_modulus)),
            ("ciphertexts", str(len(chunks))),
            ("threads", str(threads)),
        ),
        notes=(f"inputs packed {BFV_ROW_SLOTS} per ciphertext (TenSEAL BFV sum() rotates within one row)",),
    )


def _ckks_context(ts: Any, degree: int, moduli: Sequence[int], threads: int) -> Any:
    context = ts.context(
        ts.SCHEME_TYPE.CKKS, poly_modulus_degree=degree, coeff_mod_bit_sizes=list(moduli), n_threads=threads
    )
    context.global_scale = 2.0**CKKS_SCALE_BITS
    return context


def _ckks_dot(workload: Workload, threads: int) -> Measurement:
    import tenseal as ts

    if len(workload.values) > CKKS_DOT_DEGREE // 2:
        raise BackendError(f"the dot product packs at most {CKKS_DOT_DEGREE // 2} values in one ciphertext")
    start = time.perf_counter()
    context = _ckks_context(ts, CKKS_DOT_DEGREE, CKKS_DOT_MODULI, threads)
    context.generate_galois_keys()
    keyed = time.perf_counter()
    features = ts.ckks_vector(context, [float(value) for value in workload.values])
    encrypted = time.perf_counter()
    product = features.dot([float(weight) for weight in workload.weights])
    computed = time.perf_counter()
    result = product.decrypt()[0]
    decrypted = time.perf_counter()
    return Measurement(
        output=(float(result),),
        tolerance=DOT_TOLERANCE,
        times=PhaseTimes.from_clock(start, keyed, encrypted, computed, decrypted),
        sizes=ByteSizes(ciphertext=len(features.serialize()), key=_key_bytes(context)),
        parameters=(
            ("scheme", "CKKS"),
            ("poly_modulus_degree", str(CKKS_DOT_DEGREE)),
            ("coeff_mod_bit_sizes", ",".join(map(str, CKKS_DOT_MODULI))),
            ("scale_bits", str(CKKS_SCALE_BITS)),
            ("weights", "plaintext"),
            ("threads", str(threads)),
        ),
        notes=(f"CKKS is approximate: correct when within {DOT_TOLERANCE} of the exact integer",),
    )


def _ckks_threshold(workload: Workload, threads: int) -> Measurement:
    import tenseal as ts

    moduli = (60, *([CKKS_SCALE_BITS] * LEVELS), 60)
    start = time.perf_counter()
    context = _ckks_context(ts, CKKS_SIGN_DEGREE, moduli, threads)
    keyed = time.perf_counter()
    values = ts.ckks_vector(context, [float(value) for value in workload.values])
    encrypted = time.perf_counter()
    centred = (values - (workload.threshold + 0.5)) * (1.0 / (1 << workload.value_bits))
    signs = approximate_sign(centred)
    computed = time.perf_counter()
    bits = tuple((float(sign) + 1.0) / 2.0 for sign in signs.decrypt())
    decrypted = time.perf_counter()
    return Measurement(
        output=bits,
        tolerance=THRESHOLD_TOLERANCE,
        times=PhaseTimes.from_clock(start, keyed, encrypted, computed, decrypted),
        sizes=ByteSizes(ciphertext=len(values.serialize()), key=_key_bytes(context)),
        parameters=(
            ("scheme", "CKKS"),
            ("poly_modulus_degree", str(CKKS_SIGN_DEGREE)),
            ("coeff_mod_bit_sizes", ",".join(map(str, moduli))),
            ("scale_bits", str(CKKS_SCALE_BITS)),
            ("comparison", "sign((x - t - 1/2) / 2^8) by 4 rounds of g3 and 1 of f1"),
            ("threads", str(threads)),
        ),
        notes=(
            "comparison by polynomial sign approximation: the decrypted bit is approximate, "
            f"correct when within {THRESHOLD_TOLERANCE} of 0 or 1",
            "all values are packed in one ciphertext: 1 and 128 comparisons cost about the same",
        ),
    )
