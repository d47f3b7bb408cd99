"""Arm PSA tokens: the TF-M vector (facts from PROVENANCE.md), legacy claim keys, keys and sweeps."""

from __future__ import annotations

import contextlib
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files, load_collateral
from ccpolicy.errors import (
    CollateralMissingError,
    EvidenceError,
    EvidenceFormatError,
    SignatureError,
    UnsupportedEvidenceError,
    VerificationError,
)
from ccpolicy.interfaces import VerificationContext
from ccpolicy_cose.cose_key import instance_id
from ccpolicy_cose.cose_signature import sign_cose_sign1
from ccpolicy_psa import plugin
from ccpolicy_psa.verifier import PsaVerifier
from tests.plugins.cose.cose_mutations import assert_rejected, cose_parts, flipped, rebuild

NOW = parse_time("2025-01-01T00:00:00Z")
VERIFIER = PsaVerifier()


@pytest.fixture(scope="module")
def token(vectors) -> bytes:
    return (vectors / "psa" / "tfm_psa-2_0_0_sign1.cbor").read_bytes()


@pytest.fixture(scope="module")
def iak(vectors) -> CollateralStore:
    return load_collateral([vectors / "psa" / "tfm_iak_public.pem"])


def key_store(*keys: ec.EllipticCurvePublicKey) -> CollateralStore:
    pem = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    return collateral_from_files(
        [CollateralFile(path=Path(f"k{i}.pem"), data=k.public_bytes(*pem)) for i, k in enumerate(keys)]
    )


def verify(evidence: bytes, collateral: CollateralStore):
    return VERIFIER.verify(VERIFIER.parse(evidence), VerificationContext(now=NOW, collateral=collateral))


def test_plugin_provides_the_verifier():
    assert [v.tee_id for v in plugin.ccpolicy_tee_verifiers()] == ["psa"]


def test_tfm_token_claims(token, iak):
    claims = verify(token, iak)
    vendor = claims.vendor
    assert vendor["profile"] == "http://arm.com/psa/2.0.0"
    assert vendor["client_id"] == 3002
    assert vendor["lifecycle"] == {"value": 0x3000, "name": "secured", "secured": True}
    assert vendor["implementation_id"].hex() == "aa" * 8 + "bb" * 8 + "cc" * 8 + "dd" * 8
    assert vendor["boot_seed"] == bytes(range(0xA0, 0xC0))
    assert vendor["certification_reference"] == "0604565272829-10010"
    assert vendor["instance_id"].hex() == "01fa58755f658627ce5460f29b75296713248cae7ad9e2984b90280efcbcb50248"
    assert vendor["verification_service"] == "www.trustedfirmware.org"
    assert vendor["nonce"] == bytes(64)
    assert vendor["iak_matches_instance_id"] is True
    spe, nspe = vendor["software_components"]
    assert (spe["measurement_type"], spe["version"]) == ("SPE", "1.6.0")
    assert spe["measurement_value"].hex() == "96a2ec56c65120a60ce3a53ef8d2082233772aacd5b17935a92be12ac577f685"
    assert spe["signer_id"].hex() == "bfe6d86f8826f4ff97fb96c4e6fbc4993e4619fc565da26adf34c329489adc38"
    assert (nspe["measurement_type"], nspe["version"]) == ("NSPE", "0.0.0")
    assert nspe["measurement_value"].hex() == "087d13c68f32aaafb8c4fc0a2253445432009765e216fb85c398c9580522c1bf"
    assert nspe["signer_id"].hex() == "b360caf5c98c6b942a4882fa9d4823efb166a9ef6a6e4aa37c1919ed1fccc049"
    assert claims.evidence.measurements == {"SPE": spe["measurement_value"], "NSPE": nspe["measurement_value"]}
    assert claims.evidence.report_data == bytes(64)
    assert claims.evidence.debug is False
    assert claims.collateral.source == "offline"


def test_iak_selection(token, iak):
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    genuine = iak.blobs[0]
    with pytest.raises(CollateralMissingError):
        verify(token, CollateralStore())
    with pytest.raises(SignatureError):  # the only key given, and it is not the IAK
        verify(token, key_store(other))
    mixed = key_store(other).merged(CollateralStore(blobs=(genuine,)))
    assert verify(token, mixed).vendor["iak_matches_instance_id"] is True
    with pytest.raises(CollateralMissingError):  # several keys, none with the token's instance id
        verify(token, key_store(other, ec.generate_private_key(ec.SECP256R1()).public_key()))


def test_algorithm_the_key_does_not_fit_is_rejected(token, iak):
    parts, tagged = cose_parts(token)
    parts[0] = cbor2.dumps({1: -35})  # ES384 against the P-256 IAK
    parts[3] = parts[3] + bytes(32)
    with pytest.raises(SignatureError):
        verify(rebuild(parts, tagged), iak)
    parts[3] = parts[3][:64]
    with pytest.raises(EvidenceFormatError):  # ES384 with a 64-byte signature
        verify(rebuild(parts, tagged), iak)


def test_every_single_byte_flip_is_rejected(token, iak):
    for part in ("protected", "payload", "signature"):
        for mask in (0x01, 0xFF):
            for mutated in flipped(token, part, mask=mask):
                assert_rejected(lambda m=mutated: verify(m, iak))


def test_truncations_are_rejected(token, iak):
    for cut in range(len(token)):
        assert_rejected(lambda c=cut: verify(token[:c], iak))


def legacy_claims(key: ec.EllipticCurvePrivateKey) -> dict:
    return {
        -75000: "PSA_IOT_PROFILE_1",
        -75001: -1,
        -75002: 0x4001,
        -75003: bytes(range(32)),
        -75004: bytes(32),
        -75005: "1234567890123",
        -75006: [{1: "BL", 2: bytes(32), 4: "1.0", 5: bytes(32)}],
        -75008: b"\x07" * 32,
        -75009: instance_id(key.public_key()),
        -75010: "https://verifier.example",
    }


def test_legacy_profile_token():
    key = ec.generate_private_key(ec.SECP256R1())
    claims = verify(sign_cose_sign1(cbor2.dumps(legacy_claims(key)), key), key_store(key.public_key()))
    assert claims.vendor["profile"] == "PSA_IOT_PROFILE_1"
    assert claims.vendor["client_id"] == -1
    assert claims.vendor["lifecycle"]["name"] == "non_psa_rot_debug"
    assert claims.evidence.debug is True
    assert claims.evidence.report_data == b"\x07" * 32
    assert claims.vendor["certification_reference"] == "1234567890123"
    assert claims.evidence.measurements == {"BL": bytes(32)}


def test_legacy_no_software_measurements():
    key = ec.generate_private_key(ec.SECP256R1())
    fields = legacy_claims(key)
    del fields[-75006]
    fields[-75007] = 1
    claims = verify(sign_cose_sign1(cbor2.dumps(fields), key), key_store(key.public_key()))
    assert claims.vendor["software_components"] == []
    fields[-75006] = [{2: bytes(32), 5: bytes(32)}]
    with pytest.raises(EvidenceFormatError):
        VERIFIER.parse(sign_cose_sign1(cbor2.dumps(fields), key))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({265: "http://arm.com/psa/9.9.9"}, UnsupportedEvidenceError),
        ({265: "PSA_IOT_PROFILE_1"}, UnsupportedEvidenceError),
        ({-75001: 5}, EvidenceFormatError),  # mixed key sets
        ({2395: 0x7000}, EvidenceFormatError),
        ({2395: True}, EvidenceFormatError),
        ({10: bytes(31)}, EvidenceFormatError),
        ({256: b"\x02" + bytes(32)}, EvidenceFormatError),
        ({2396: bytes(31)}, EvidenceFormatError),
        ({2397: bytes(7)}, EvidenceFormatError),
        ({2398: "12345"}, EvidenceFormatError),
        ({2399: []}, EvidenceFormatError),
        ({2399: [{1: "X", 2: bytes(32)}]}, EvidenceFormatError),  # no signer id
        ({2394: 2**31}, EvidenceFormatError),
    ],
)
def test_claim_rules(token, change, error):
    claims = cbor2.loads(cose_parts(token)[0][2])
    claims.update(change)
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(error):
        VERIFIER.parse(sign_cose_sign1(cbor2.dumps(claims), key))


def test_detect(token, vectors):
    assert VERIFIER.detect(token)
    assert not VERIFIER.detect((vectors / "cca" / "tfrmm_cca_token.cbor").read_bytes())
    assert not VERIFIER.detect(b"\xd2\x84")


claim_values = (
    st.integers(-(2**40), 2**40)
    | st.binary(max_size=70)
    | st.text(max_size=20)
    | st.lists(st.dictionaries(st.integers(0, 7), st.binary(max_size=40) | st.text(max_size=5), max_size=5), max_size=3)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([10, 256, 265, 2394, 2395, 2396, 2397, 2398, 2399, 2400, -75000, -75006, 7]),
        claim_values,
        max_size=12,
    )
)
def test_fuzz_claims(fields):
    message = [cbor2.dumps({1: -7}), {}, cbor2.dumps(fields), bytes(64)]
    with contextlib.suppress(EvidenceError):
        VERIFIER.parse(cbor2.dumps(cbor2.CBORTag(18, message)))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fuzz_mutated_token(token, iak, data):
    mutated = bytearray(token)
    for _ in range(data.draw(st.integers(1, 3))):
        mutated[data.draw(st.integers(0, len(token) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(EvidenceError, VerificationError):
        verify(bytes(mutated), iak)
