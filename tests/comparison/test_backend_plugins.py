from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ccpolicy.comparison.backend import ComparisonBackend, RunParameters
from ccpolicy.comparison.workloads import WorkloadKind, make_workload
from ccpolicy.errors import BackendError
from ccpolicy_fhe.sign_approximation import LEVELS, approximate_sign
from ccpolicy_fhe.tenseal_backend import TensealBackend, bfv_plain_modulus
from ccpolicy_mpc.backend import MpycBackend, party_specs
from ccpolicy_mpc.parties import PartySpec, run_parties, validate_specs
from ccpolicy_paillier.backend import PaillierBackend
from ccpolicy_teemodel.attestation_step import time_attestation
from ccpolicy_teemodel.backend import TeeModelBackend
from ccpolicy_teemodel.sealing import SealedBlob, seal, unseal
from ccpolicy_zkp import statements
from ccpolicy_zkp.backend import ZkskBackend
from tests.comparison.comparison_host import COMPARISON_PLUGINS

BACKENDS = [TensealBackend(), MpycBackend(), ZkskBackend(), PaillierBackend(), TeeModelBackend()]


@pytest.mark.parametrize("module", list(COMPARISON_PLUGINS.values()), ids=list(COMPARISON_PLUGINS))
def test_hook_returns_backends(module: object) -> None:
    provided = module.ccpolicy_comparison_backends()  # type: ignore[attr-defined]
    assert provided and all(isinstance(backend, ComparisonBackend) for backend in provided)


@pytest.mark.parametrize("backend", BACKENDS[:4], ids=lambda backend: backend.name)
def test_missing_library_gives_install_hint(backend: ComparisonBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    assert backend.available() is None
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    reason = backend.available()
    assert reason is not None and "pip install 'ccpolicy[" in reason


def test_sign_approximation_covers_the_whole_8_bit_domain() -> None:
    worst = 0.0
    for threshold in range(1, 255):
        for value in range(256):
            sign = approximate_sign((value - threshold - 0.5) / 256)
            worst = max(worst, abs(sign - (1 if value > threshold else -1)))
    assert worst < 0.13  # the decrypted bit (sign + 1) / 2 is then within 0.065, inside the 0.25 tolerance
    assert LEVELS == 15


def test_bfv_plain_modulus_is_an_ntt_prime_above_the_bound() -> None:
    modulus = bfv_plain_modulus(2 * 10000 * 65535, 8192)
    assert modulus > 2 * 10000 * 65535 and modulus % 16384 == 1
    assert all(modulus % p for p in range(2, 50000))


def test_tenseal_bfv_sum_beyond_one_row() -> None:
    workload = make_workload(WorkloadKind.SUM, 10000, seed=3)
    measurement = TensealBackend().run(workload, RunParameters())
    assert measurement.output == workload.reference
    assert ("ciphertexts", "3") in measurement.parameters


def test_zkp_rejects_false_statements() -> None:
    parameters = statements.pedersen_parameters()
    values = (5, -3, 7, 100)
    weights = (2, 4, -1, 1)
    commitments = statements.commit(parameters, values)
    result = sum(w * v for w, v in zip(weights, values, strict=True))
    proof = statements.prove_linear(parameters, commitments, values, weights, result)
    assert statements.verify_linear(parameters, commitments.points, weights, result, proof)
    assert not statements.verify_linear(parameters, commitments.points, weights, result + 1, proof)
    other = statements.commit(parameters, (5, -3, 7, 101)).points
    assert not statements.verify_linear(parameters, other, weights, result, proof)
    cheat = statements.prove_linear(parameters, commitments, values, weights, result + 1)
    assert not statements.verify_linear(parameters, commitments.points, weights, result + 1, cheat)


def test_zkp_threshold_bits_cannot_be_flipped() -> None:
    parameters = statements.pedersen_parameters()
    values = (10, 200)
    commitments = statements.commit(parameters, values)
    outcomes, proofs = statements.prove_threshold(parameters, commitments, values, 100, 8)
    assert outcomes == (0, 1)

    def verify(claimed: tuple[int, ...], shown: tuple[bytes, ...]) -> bool:
        return statements.verify_threshold(
            parameters, points=commitments.points, threshold=100, bits=8, outcomes=claimed, proofs=shown
        )

    assert verify(outcomes, proofs)
    assert not verify((1, 1), proofs)
    assert not verify((0, 1), proofs[::-1])


def test_mpc_inputs_are_validated_before_any_party_starts() -> None:
    specs, _ = party_specs(make_workload(WorkloadKind.DOT, 128, seed=1))
    validate_specs(specs)
    short = PartySpec(workload="dot", bit_length=specs[0].bit_length, own_values=(1,) * 127, lengths=specs[0].lengths)
    with pytest.raises(BackendError, match="holds 127 values"):
        validate_specs([short, *specs[1:]])
    disagreeing = PartySpec(
        workload="dot", bit_length=specs[1].bit_length, own_values=specs[1].own_values, lengths=(128, 128, 1)
    )
    with pytest.raises(BackendError, match="disagrees"):
        validate_specs([specs[0], disagreeing, specs[2]])


def test_mpc_party_deadline() -> None:
    specs, _ = party_specs(make_workload(WorkloadKind.THRESHOLD, 1, seed=1))
    with pytest.raises(BackendError, match="did not finish"):
        run_parties(specs, timeout_s=0.05)


def test_sealing_detects_tampering() -> None:
    key = bytes(32)
    blob = seal(key, b"inputs", b"values")
    assert unseal(key, blob, b"values") == b"inputs"
    flipped = SealedBlob(nonce=blob.nonce, ciphertext=bytes([blob.ciphertext[0] ^ 1]) + blob.ciphertext[1:])
    with pytest.raises(BackendError):
        unseal(key, flipped, b"values")
    with pytest.raises(BackendError):
        unseal(key, blob, b"output")


def test_attestation_step_on_the_real_vector(vectors: Path) -> None:
    timing = time_attestation(vectors)
    if timing.unavailable is not None:
        # Only acceptable reason: the SNP plugin is not loadable in this checkout; never a fake number.
        assert "snp" in timing.unavailable
        assert timing.verify_s is None
    else:
        assert timing.verify_s is not None and 0 < timing.verify_s < 5
        assert timing.verdict is not None


def test_attestation_step_without_vectors(tmp_path: Path) -> None:
    timing = time_attestation(tmp_path)
    assert timing.unavailable is not None and "absent" in timing.unavailable
    assert timing.load_s is None and timing.verify_s is None
