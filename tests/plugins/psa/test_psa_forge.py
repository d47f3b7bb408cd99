"""The PSA forge: real-format tokens signed by a test IAK that the verifier accepts only when told to."""

from __future__ import annotations

import json
from pathlib import Path

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ccpolicy.certificates import TEST_ROOT_NAME, describe, is_test_root
from ccpolicy.claims import Claims
from ccpolicy.clock import format_time, parse_time
from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files, load_collateral
from ccpolicy.errors import ChainError, ConfigurationError, EvidenceError, SignatureError, VerificationError
from ccpolicy.interfaces import EvidenceForge, ForgedEvidence, VerificationContext
from ccpolicy_cose.collateral_keys import collateral_public_keys, select_attestation_key
from ccpolicy_cose.cose_key import instance_id
from ccpolicy_cose.forge_key_certificate import forge_attestation_key
from ccpolicy_psa import plugin
from ccpolicy_psa.forge import PsaForge
from ccpolicy_psa.token_claims import LEGACY_KEYS, RFC9783_KEYS
from ccpolicy_psa.verifier import PsaVerifier
from tests.plugins.cose.cose_mutations import cose_parts, flipped
from tests.plugins.cose.forge_round_trip import forge_and_verify

NOW = parse_time("2026-03-01T12:00:00Z")
VERIFIER = PsaVerifier()


def forge(out: Path, **settings: str) -> ForgedEvidence:
    return PsaForge().forge(out, settings, NOW)


def verify(evidence: bytes, collateral: CollateralStore, *, unsafe: bool = True) -> Claims:
    context = VerificationContext(now=NOW, collateral=collateral, unsafe_trust_test_root=unsafe)
    return VERIFIER.verify(VERIFIER.parse(evidence), context)


def verify_forged(forged: ForgedEvidence, *, unsafe: bool = True) -> Claims:
    return verify(forged.evidence.read_bytes(), load_collateral(forged.collateral), unsafe=unsafe)


def public_key_pem_store(forged: ForgedEvidence) -> CollateralStore:
    """The forged IAK as a bare PUBLIC KEY PEM, stripped of its test marking."""
    certificate = x509.load_pem_x509_certificate(forged.collateral[0].read_bytes())
    pem = certificate.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return collateral_from_files([CollateralFile(path=Path("copied_iak.pem"), data=pem)])


def test_forge_is_an_evidence_forge_returned_by_the_hook() -> None:
    (forger,) = plugin.ccpolicy_evidence_forges()
    assert isinstance(forger, PsaForge) and isinstance(forger, EvidenceForge) and forger.tee_id == "psa"


def test_default_forge_writes_a_token_a_marked_iak_and_reference_values(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    assert (forged.evidence.name, [p.name for p in forged.collateral]) == ("psa_token.cbor", ["psa_iak_test_key.pem"])
    parts, tagged = cose_parts(forged.evidence.read_bytes())
    assert tagged and cbor2.loads(parts[0]) == {1: -7}  # ES256
    claims = cbor2.loads(parts[2])
    assert claims[RFC9783_KEYS.profile] == "http://arm.com/psa/2.0.0"
    iak = forge_attestation_key("psa-iak", "secp256r1").public_key()
    assert claims[RFC9783_KEYS.instance_id] == instance_id(iak)
    certificate = x509.load_pem_x509_certificate(forged.collateral[0].read_bytes())
    assert describe(certificate) == f"PSA IAK {TEST_ROOT_NAME}" and is_test_root(certificate)
    assert certificate.subject == certificate.issuer and certificate.public_key() == iak
    certificate.verify_directly_issued_by(certificate)  # signed by the IAK itself
    assert b"PUBLIC KEY" not in forged.collateral[0].read_bytes()
    reference = json.loads(forged.reference_values.read_text())["psa"]
    components = claims[RFC9783_KEYS.software_components]
    assert reference["software_components"] == [
        {"measurement_type": c[1], "measurement_value": c[2].hex(), "signer_id": c[5].hex()} for c in components
    ]


def test_forged_token_needs_unsafe_trust_of_the_test_key(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    with pytest.raises(ChainError, match="key of the ccpolicy evidence forge") as caught:
        verify_forged(forged, unsafe=False)
    assert caught.value.exit_code == 3 and caught.value.hint is not None
    claims = verify_forged(forged)
    assert claims.collateral.source == "test-root"
    assert claims.vendor["iak_matches_instance_id"] is True
    assert claims.vendor["lifecycle"] == {"value": 0x3000, "name": "secured", "secured": True}
    assert list(claims.evidence.measurements) == ["SPE", "NSPE"]
    assert claims.evidence.debug is False and claims.evidence.report_data == bytes(32)


def test_an_unmarked_copy_of_the_test_key_stays_a_test_key(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    marked = load_collateral(forged.collateral)
    both = public_key_pem_store(forged).merged(marked)
    with pytest.raises(ChainError):
        verify(forged.evidence.read_bytes(), both, unsafe=False)
    assert verify(forged.evidence.read_bytes(), both).collateral.source == "test-root"
    # The copy alone is indistinguishable from a real key: that is why the forge never writes one.
    assert verify(forged.evidence.read_bytes(), public_key_pem_store(forged), unsafe=False).collateral.source == (
        "offline"
    )


def test_real_iak_beside_the_test_key(tmp_path: Path, vectors: Path) -> None:
    forged = forge(tmp_path)
    real = load_collateral([vectors / "psa/tfm_iak_public.pem"])
    token = forged.evidence.read_bytes()
    with pytest.raises(SignatureError):  # the real IAK is the only key: it did not sign the forged token
        verify(token, real, unsafe=False)
    mixed = real.merged(load_collateral(forged.collateral))
    with pytest.raises(ChainError):  # the instance id picks the test key
        verify(token, mixed, unsafe=False)
    assert verify(token, mixed).vendor["iak_matches_instance_id"] is True
    genuine = (vectors / "psa/tfm_psa-2_0_0_sign1.cbor").read_bytes()
    genuine_claims = verify(genuine, mixed, unsafe=False)  # the real token still verifies with the real key
    assert genuine_claims.collateral.source == "offline"


def test_collateral_keys_mark_only_self_issued_test_certificates(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    keys = collateral_public_keys(load_collateral(forged.collateral))
    assert [(key.test_key, key.origin.name) for key in keys] == [(True, "psa_iak_test_key.pem")]
    selected = select_attestation_key(
        load_collateral(forged.collateral), b"\x01" + bytes(32), role="IAK", unsafe_trust_test_root=True
    )
    assert selected.test_key and not selected.matches_instance_id


def test_settings_reach_the_claims(tmp_path: Path) -> None:
    settings = {
        "client_id": "-1",
        "lifecycle": "0x3001",
        "implementation_id": "ab" * 32,
        "boot_seed": "bb" * 32,
        "certification_reference": "1234567890123-12345",
        "verification_service": "https://example.invalid/verify",
        "nonce": "11" * 64,
        "sw_components": "3",
        "sw0.type": "BL",
        "sw0.measurement": "01" * 48,
        "sw0.signer": "02" * 32,
        "sw0.version": "2.1.0",
        "sw2.description": "sha-256",
    }
    claims = verify_forged(forge(tmp_path, **settings))
    vendor = claims.vendor
    assert vendor["client_id"] == -1 and vendor["lifecycle"]["value"] == 0x3001 and vendor["lifecycle"]["secured"]
    assert vendor["implementation_id"] == b"\xab" * 32 and vendor["boot_seed"] == b"\xbb" * 32
    assert vendor["certification_reference"] == "1234567890123-12345"
    assert vendor["verification_service"] == "https://example.invalid/verify"
    assert claims.evidence.report_data == b"\x11" * 64
    bl, nspe, third = vendor["software_components"]
    assert (bl["measurement_type"], bl["measurement_value"], bl["signer_id"], bl["version"]) == (
        "BL",
        b"\x01" * 48,
        b"\x02" * 32,
        "2.1.0",
    )
    assert nspe["measurement_type"] == "NSPE"
    assert (third["measurement_type"], third["measurement_description"]) == ("component2", "sha-256")


@pytest.mark.parametrize(
    ("lifecycle", "name", "debug"),
    [("secured", "secured", False), ("non_rot_debug", "non_psa_rot_debug", True), ("0x5001", None, True)],
)
def test_lifecycle_names_and_values(tmp_path: Path, lifecycle: str, name: str | None, debug: bool) -> None:
    claims = verify_forged(forge(tmp_path, lifecycle=lifecycle))
    assert claims.evidence.debug is debug
    if name is not None:
        assert claims.vendor["lifecycle"]["name"] == name


@pytest.mark.parametrize(
    ("profile", "value", "keys"),
    [("tfm", "tag:psacertified.org,2023:psa#tfm", RFC9783_KEYS), ("legacy", "PSA_IOT_PROFILE_1", LEGACY_KEYS)],
)
def test_profiles(tmp_path: Path, profile: str, value: str, keys: object) -> None:
    forged = forge(tmp_path, profile=profile)
    parts, _ = cose_parts(forged.evidence.read_bytes())
    assert cbor2.loads(parts[2])[keys.profile] == value  # type: ignore[attr-defined]
    assert verify_forged(forged).vendor["profile"] == value


def test_tampered_forged_token_is_rejected(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    store = load_collateral(forged.collateral)
    token = forged.evidence.read_bytes()
    for mutated in flipped(token, "signature", offsets=range(0, 64, 9)):
        with pytest.raises(SignatureError):
            verify(mutated, store)
    for mutated in flipped(token, "payload", offsets=range(0, 300, 23)):
        with pytest.raises((EvidenceError, VerificationError)):
            verify(mutated, store)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"colour": "blue"}, "unknown psa forge settings"),
        ({"sw2.type": "X"}, "there are 2"),
        ({"sw0.flavour": "X"}, "unknown psa forge settings"),
        ({"lifecycle": "0x7000"}, "no lifecycle range"),
        ({"lifecycle": "sleepy"}, "integer"),
        ({"nonce": "00" * 33}, "32 or 48 or 64 bytes"),
        ({"implementation_id": "xyz"}, "hexadecimal"),
        ({"profile": "psa3"}, "profile"),
        ({"sw_components": "0"}, "sw_components"),
    ],
)
def test_bad_settings_are_configuration_errors(tmp_path: Path, settings: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        forge(tmp_path, **settings)


AT = format_time(NOW)


def test_cli_forged_token_verifies_only_with_trust_test_root(tmp_path: Path) -> None:
    assert forge_and_verify(tmp_path / "trusted", "psa", at=AT) in {0, 5}
    assert forge_and_verify(tmp_path / "untrusted", "psa", at=AT, trust_test_root=False) == 3


def test_cli_forged_negative_cases(tmp_path: Path) -> None:
    assert forge_and_verify(tmp_path / "debug", "psa", at=AT, settings=["lifecycle=non_rot_debug"]) == 5
    nonce = "22" * 32
    assert forge_and_verify(
        tmp_path / "nonce", "psa", at=AT, settings=[f"nonce={nonce}"], verify_options=["--nonce", nonce]
    ) in {0, 5}
    assert (
        forge_and_verify(
            tmp_path / "replay", "psa", at=AT, settings=[f"nonce={nonce}"], verify_options=["--nonce", "33" * 32]
        )
        == 3
    )
