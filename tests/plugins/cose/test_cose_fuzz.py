"""Fuzzing the CBOR/COSE layer: nothing but ccpolicy evidence errors may escape."""

from __future__ import annotations

import contextlib

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.errors import EvidenceError
from ccpolicy_cose.cose_key import ec_public_key_from_evidence
from ccpolicy_cose.cose_sign1 import parse_cose_sign1
from ccpolicy_cose.cose_signature import sign_cose_sign1

KEY = ec.derive_private_key(0x1234567, ec.SECP256R1())
VALID = sign_cose_sign1(cbor2.dumps({10: bytes(32), 265: "http://arm.com/psa/2.0.0"}), KEY)

cbor_leaves = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.binary(max_size=40)
    | st.text(max_size=10)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=True)
)
cbor_values = st.recursive(
    cbor_leaves,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.integers(-10, 300) | st.text(max_size=3), children, max_size=5)
        | st.builds(cbor2.CBORTag, st.sampled_from([0, 1, 2, 18, 28, 29, 30, 37, 258, 399, 55799]), children)
    ),
    max_leaves=20,
)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_reject(data: bytes) -> None:
    with contextlib.suppress(EvidenceError):
        parse_cose_sign1(data, what="fuzz", max_size=4096)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data):
    parse_or_reject(data)


@FUZZ
@given(cbor_values)
def test_random_cbor_values(value):
    parse_or_reject(cbor2.dumps(value))


@FUZZ
@given(cbor_values, cbor_values, cbor_values, cbor_values, st.booleans())
def test_random_cose_shaped_arrays(protected, unprotected, payload, signature, tagged):
    if isinstance(protected, dict):
        protected = cbor2.dumps(protected)
    parts = [protected, unprotected, payload, signature]
    parse_or_reject(cbor2.dumps(cbor2.CBORTag(18, parts) if tagged else parts))


@FUZZ
@given(st.dictionaries(st.integers(-5, 40) | st.text(max_size=2), cbor_values, max_size=6))
def test_random_protected_headers(header):
    parts = [cbor2.dumps(header), {}, b"payload", bytes(64)]
    parse_or_reject(cbor2.dumps(cbor2.CBORTag(18, parts)))


@FUZZ
@given(st.integers(0, len(VALID) - 1), st.integers(1, 255), st.integers(0, len(VALID)))
def test_mutated_valid_message(offset, mask, cut):
    data = bytearray(VALID)
    data[offset] ^= mask
    parse_or_reject(bytes(data[:cut]) if cut < offset else bytes(data))


@FUZZ
@given(st.binary(max_size=140) | cbor_values.map(cbor2.dumps))
def test_evidence_keys(encoded):
    with contextlib.suppress(EvidenceError):
        ec_public_key_from_evidence(encoded, what="fuzz")
