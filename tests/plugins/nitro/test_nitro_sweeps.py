"""Bit flips, truncations, algorithm swaps and fuzzing of real Nitro documents: only clean rejections."""

from __future__ import annotations

import base64
import contextlib

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import EvidenceError, SignatureError, VerificationError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_nitro.attestation_document import parse_evidence
from ccpolicy_nitro.verifier import NitroVerifier
from tests.plugins.cose.cose_mutations import assert_rejected, flipped, part_size, sampled_offsets

VERIFIER = NitroVerifier()


def run(evidence: bytes, at) -> None:
    VERIFIER.verify(VERIFIER.parse(evidence), VerificationContext(now=at, collateral=CollateralStore()))


def raw(vector) -> bytes:
    return base64.b64decode(vector.text)


def test_protected_header_flips(production, debug_mode):
    for vector in (production, debug_mode):
        for mask in (0x01, 0x80, 0xFF):
            for mutated in flipped(raw(vector), "protected", mask=mask):
                assert_rejected(lambda m=mutated, v=vector: run(m, v.at))


def test_signature_flips(production, debug_mode):
    for vector in (production, debug_mode):
        for mutated in flipped(raw(vector), "signature"):
            error = assert_rejected(lambda m=mutated, v=vector: run(m, v.at))
            assert isinstance(error, SignatureError)


def test_payload_flips_sampled(production, debug_mode):
    for vector in (production, debug_mode):
        data = raw(vector)
        offsets = sampled_offsets(part_size(data, "payload"), head=128, stride=11)
        for mutated in flipped(data, "payload", offsets):
            error = assert_rejected(lambda m=mutated, v=vector: run(m, v.at))
            assert isinstance(error, EvidenceError | SignatureError), error


def test_truncations(production):
    data = raw(production)
    for cut in [*range(0, 64), *range(64, len(data), 97), len(data) - 1]:
        assert_rejected(lambda c=cut: run(data[:c], production.at))
        assert_rejected(lambda c=cut: run(base64.b64encode(data[:c]), production.at))


def test_trailing_bytes_are_rejected(production):
    assert_rejected(lambda: run(raw(production) + b"\x00", production.at))


def test_algorithm_swap_is_rejected(production):
    for alg in (-7, -36, -8, 0):
        message = cbor2.loads(raw(production))
        message[0] = cbor2.dumps({1: alg})
        assert_rejected(lambda m=message: run(cbor2.dumps(m), production.at))


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_documents(production, data):
    document = bytearray(raw(production))
    for _ in range(data.draw(st.integers(1, 4))):
        offset = data.draw(st.integers(0, len(document) - 1))
        document[offset] = data.draw(st.integers(0, 255))
    with contextlib.suppress(EvidenceError, VerificationError):
        run(bytes(document), production.at)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["module_id", "digest", "timestamp", "pcrs", "nonce", "x"]),
        st.integers(-3, 3)
        | st.binary(max_size=8)
        | st.text(max_size=4)
        | st.dictionaries(st.integers(-1, 40), st.binary(max_size=64), max_size=3),
        max_size=6,
    )
)
def test_fuzz_document_fields(fields):
    message = [cbor2.dumps({1: -35}), {}, cbor2.dumps(fields), bytes(96)]
    with contextlib.suppress(EvidenceError):
        parse_evidence(cbor2.dumps(message))
