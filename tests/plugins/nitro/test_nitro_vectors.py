"""Real AWS Nitro attestation documents (blocky/nitrite vectors), facts from PROVENANCE.md."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509

from ccpolicy.certificates import fingerprint
from ccpolicy.claims import to_input_document
from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import CollateralExpiredError, CollateralNotYetValidError
from ccpolicy.interfaces import TeeVerifier, VerificationContext
from ccpolicy_nitro import plugin
from ccpolicy_nitro.aws_root import ROOT_SHA256, aws_nitro_root
from ccpolicy_nitro.verifier import NitroVerifier

PCR0 = "e72a46ca80a260fb044a125442f0c7e331813bcbaf9724d9f3857758992766f2d65710a27aa94ae3949dd54e7c9fe86a"
PCR1 = "0343b056cd8485ca7890ddd833476d78460aed2aa161548e4e26bedf321726696257d623e8805f3f605946b3d8b0c6aa"
PCR2 = "d5dcbdea0aa39c802f9d55ced2ea6e4d74ecec5f08fe40c508882639c9090642669106a062a3e24ee2805a3024b9b75c"
PCR4 = "45706d7b621e4620a332e147a5ddb000b049f73d47d3e61f6b03d2069152d4df6a4a786ad1c10102b955799a9dc96b44"
ZERO = bytes(48)
VERIFIER = NitroVerifier()


def verify(evidence: bytes, at, collateral: CollateralStore | None = None):
    context = VerificationContext(now=at, collateral=collateral or CollateralStore())
    return VERIFIER.verify(VERIFIER.parse(evidence), context)


def test_plugin_provides_the_verifier():
    (verifier,) = plugin.ccpolicy_tee_verifiers()
    assert isinstance(verifier, TeeVerifier)
    assert verifier.tee_id == "nitro"


def test_embedded_root_is_the_published_aws_root(vectors):
    published = x509.load_pem_x509_certificate((vectors / "nitro" / "aws_nitro_enclaves_root_g1.pem").read_bytes())
    assert aws_nitro_root() == published
    assert fingerprint(aws_nitro_root()).hex() == ROOT_SHA256


def test_production_document(production):
    claims = verify(production.text, production.at)
    evidence = claims.evidence
    assert claims.tee == "nitro"
    assert evidence.measurements["pcr0"].hex() == PCR0
    assert evidence.measurements["pcr1"].hex() == PCR1
    assert evidence.measurements["pcr2"].hex() == PCR2
    assert evidence.measurements["pcr3"] == ZERO
    assert evidence.measurements["pcr4"].hex() == PCR4
    assert evidence.measurements["pcr8"] == ZERO
    assert sorted(evidence.measurements) == [f"pcr{i}" for i in range(9)]
    assert len(claims.vendor["pcrs"]) == 16
    assert evidence.debug is False
    assert evidence.signer is None  # PCR8 zero: unsigned image
    assert evidence.identity == {"module_id": "i-0a22e5c5f24d22174-enc0191cceb4289903f"}
    assert evidence.report_data == b"\x01" * 1024
    assert claims.vendor["user_data"] == b"\x01" * 1024
    assert claims.vendor["public_key"] == b"\x01" * 1024
    assert claims.vendor["timestamp"] == "2024-09-07T14:37:39.545Z"
    assert claims.vendor["timestamp_ms"] == 1725719859545
    assert claims.vendor["digest"] == "SHA384"
    assert claims.collateral.source == "embedded"
    assert claims.collateral.not_after == parse_time("2024-09-07T17:37:39Z")


def test_debug_document(debug_mode):
    claims = verify(debug_mode.text, debug_mode.at)
    measurements = claims.evidence.measurements
    assert claims.evidence.debug is True
    for index in (0, 1, 2, 3, 8):
        assert measurements[f"pcr{index}"] == ZERO
    assert measurements["pcr4"].hex() == PCR4
    assert claims.evidence.identity["module_id"] == "i-0a22e5c5f24d22174-enc0191ccebaf8feaba"
    assert claims.vendor["timestamp"] == "2024-09-07T14:38:06.508Z"


def test_input_document_serializes(production):
    claims = verify(production.text, production.at)
    document = to_input_document(claims, now=production.at, nonce_verified=None)
    assert document["evidence"]["measurements"]["pcr0"] == PCR0
    assert document["nitro"]["pcrs"]["pcr4"] == PCR4
    assert document["nitro"]["timestamp"] == "2024-09-07T14:37:39.545Z"


def test_raw_cbor_and_base64_are_both_accepted(production):
    raw = base64.b64decode(production.text)
    assert VERIFIER.detect(raw) and VERIFIER.detect(production.text)
    urlsafe = base64.urlsafe_b64encode(raw).rstrip(b"=")
    assert VERIFIER.parse(urlsafe).document == VERIFIER.parse(raw).document
    wrapped = b"\n".join(production.text[i : i + 76] for i in range(0, len(production.text), 76))
    assert verify(wrapped, production.at).evidence.measurements["pcr0"].hex() == PCR0


@pytest.mark.parametrize("fixture", ["production", "debug_mode"])
def test_expired_at_collection_time(request, fixture):
    vector = request.getfixturevalue(fixture)
    with pytest.raises(CollateralExpiredError) as caught:
        verify(vector.text, parse_time("2026-11-27T00:00:00Z"))
    module_id = VERIFIER.parse(vector.text).document.module_id
    assert f"'{module_id}.us-east-1.aws'" in caught.value.message
    assert "expired at 2024-09-07T17:3" in caught.value.message


def test_not_yet_valid_before_the_signing_certificate(production):
    with pytest.raises(CollateralNotYetValidError):
        verify(production.text, parse_time("2024-09-07T14:37:00Z"))


def test_instance_certificate_expiry_is_named(production):
    """After the leaf expires every later check is moot; the earliest failing certificate is the leaf."""
    with pytest.raises(CollateralExpiredError, match="signing certificate"):
        verify(production.text, parse_time("2024-09-07T18:00:00Z"))


def test_unrelated_collateral_changes_nothing(production, vectors):
    store = load_collateral([vectors / "nitro" / "aws_nitro_enclaves_root_g1.pem"])
    claims = verify(production.text, production.at, store)
    assert claims.evidence.measurements["pcr0"].hex() == PCR0


def test_detect_rejects_other_evidence(vectors):
    assert not VERIFIER.detect((vectors / "psa" / "tfm_psa-2_0_0_sign1.cbor").read_bytes())
    assert not VERIFIER.detect((vectors / "cca" / "tfrmm_cca_token.cbor").read_bytes())
    assert not VERIFIER.detect(b"hello world")
