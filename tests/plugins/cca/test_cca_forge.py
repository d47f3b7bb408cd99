"""The CCA forge: real-format platform + realm tokens under a test CPAK, accepted only when told to."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cbor2
import pytest
from cryptography import x509

from ccpolicy.certificates import TEST_ROOT_NAME, describe, is_test_root
from ccpolicy.claims import Claims
from ccpolicy.clock import format_time, parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import BindingError, ChainError, ConfigurationError, SignatureError
from ccpolicy.interfaces import EvidenceForge, ForgedEvidence, VerificationContext
from ccpolicy_cca import plugin
from ccpolicy_cca.forge import CcaForge
from ccpolicy_cca.verifier import CcaVerifier
from ccpolicy_cose.cose_key import ec_public_key_from_cose_key, instance_id, uncompressed_point
from ccpolicy_cose.forge_key_certificate import forge_attestation_key
from tests.plugins.cose.cose_mutations import cose_parts, flipped
from tests.plugins.cose.forge_round_trip import forge_and_verify

NOW = parse_time("2026-03-01T12:00:00Z")
VERIFIER = CcaVerifier()
PLATFORM, REALM = 44234, 44241


def forge(out: Path, **settings: str) -> ForgedEvidence:
    return CcaForge().forge(out, settings, NOW)


def verify(evidence: bytes, collateral: CollateralStore, *, unsafe: bool = True) -> Claims:
    context = VerificationContext(now=NOW, collateral=collateral, unsafe_trust_test_root=unsafe)
    return VERIFIER.verify(VERIFIER.parse(evidence), context)


def verify_forged(forged: ForgedEvidence, *, unsafe: bool = True) -> Claims:
    return verify(forged.evidence.read_bytes(), load_collateral(forged.collateral), unsafe=unsafe)


def token_parts(data: bytes) -> dict[int, bytes]:
    collection = cbor2.loads(data)
    assert isinstance(collection, cbor2.CBORTag) and collection.tag == 399
    return dict(collection.value)


def claims_of(message: bytes) -> dict[int, object]:
    parts, tagged = cose_parts(message)
    assert tagged and cbor2.loads(parts[0]) == {1: -35}  # ES384
    return dict(cbor2.loads(parts[2]))


def test_forge_is_an_evidence_forge_returned_by_the_hook() -> None:
    (forger,) = plugin.ccpolicy_evidence_forges()
    assert isinstance(forger, CcaForge) and isinstance(forger, EvidenceForge) and forger.tee_id == "cca"


def test_default_forge_writes_a_bound_token_pair_a_marked_cpak_and_reference_values(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    assert (forged.evidence.name, [p.name for p in forged.collateral]) == ("cca_token.cbor", ["cca_cpak_test_key.pem"])
    parts = token_parts(forged.evidence.read_bytes())
    platform, realm = claims_of(parts[PLATFORM]), claims_of(parts[REALM])
    rak = forge_attestation_key("cca-rak", "secp384r1").public_key()
    cpak = forge_attestation_key("cca-cpak", "secp384r1").public_key()
    assert realm[44237] == uncompressed_point(rak) and realm[44236] == "sha-256"
    assert platform[10] == hashlib.sha256(uncompressed_point(rak)).digest()
    assert platform[256] == instance_id(cpak) and platform[265] == "http://arm.com/CCA-SSD/1.0.0"
    certificate = x509.load_pem_x509_certificate(forged.collateral[0].read_bytes())
    assert describe(certificate) == f"CCA CPAK {TEST_ROOT_NAME}" and is_test_root(certificate)
    assert certificate.public_key() == cpak
    reference = json.loads(forged.reference_values.read_text())["cca"]
    assert reference["measurements"]["rim"] == [realm[44238].hex()]  # type: ignore[attr-defined]
    rems = [[rem.hex()] for rem in realm[44239]]  # type: ignore[attr-defined]
    assert [reference["measurements"][f"rem{i}"] for i in range(4)] == rems
    assert reference["platform_software_components"] == [
        {"measurement_type": c[1], "measurement_value": c[2].hex(), "signer_id": c[5].hex()}
        for c in platform[2399]  # type: ignore[attr-defined]
    ]


def test_forged_token_needs_unsafe_trust_of_the_test_cpak(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    with pytest.raises(ChainError, match="CPAK") as caught:
        verify_forged(forged, unsafe=False)
    assert caught.value.exit_code == 3
    claims = verify_forged(forged)
    assert claims.collateral.source == "test-root"
    assert claims.vendor["platform"]["cpak_matches_instance_id"] is True
    assert claims.evidence.debug is False and claims.evidence.report_data == bytes(64)
    reference = json.loads(forged.reference_values.read_text())["cca"]
    assert [claims.evidence.measurements["rim"].hex()] == reference["measurements"]["rim"]
    assert (
        claims.evidence.measurements["platform/BL"].hex()
        == (reference["platform_software_components"][0]["measurement_value"])
    )


def test_real_cpak_beside_the_test_cpak(tmp_path: Path, vectors: Path) -> None:
    forged = forge(tmp_path)
    real = load_collateral([vectors / "cca/fvp_cpak_public.pem"])
    token = forged.evidence.read_bytes()
    with pytest.raises(SignatureError):  # the FVP CPAK is the only key: it did not sign the forged platform token
        verify(token, real, unsafe=False)
    mixed = real.merged(load_collateral(forged.collateral))
    with pytest.raises(ChainError):
        verify(token, mixed, unsafe=False)
    assert verify(token, mixed).collateral.source == "test-root"


def test_forged_realm_token_with_the_real_platform_token_breaks_the_binding(tmp_path: Path, vectors: Path) -> None:
    """A realm token paired with another platform token (exit 3)."""
    forged = token_parts(forge(tmp_path).evidence.read_bytes())
    genuine = token_parts((vectors / "cca/tfrmm_cca_token.cbor").read_bytes())
    paired = cbor2.dumps(cbor2.CBORTag(399, {PLATFORM: genuine[PLATFORM], REALM: forged[REALM]}))
    with pytest.raises(BindingError) as caught:
        verify(paired, load_collateral([vectors / "cca/fvp_cpak_public.pem"]), unsafe=False)
    assert caught.value.exit_code == 3


def test_rak_binding_off_is_a_binding_error(tmp_path: Path) -> None:
    with pytest.raises(BindingError):
        verify_forged(forge(tmp_path, rak_binding="0"))


def test_settings_reach_the_claims(tmp_path: Path) -> None:
    settings = {
        "lifecycle": "0x3003",
        "implementation_id": "7f" * 32,
        "config": "c0ffee",
        "platform_hash_algorithm": "sha-384",
        "verification_service": "https://example.invalid/cca",
        "sw_components": "2",
        "sw1.type": "RMM",
        "sw1.measurement": "aa" * 64,
        "challenge": "ab" * 64,
        "personalization_value": "54" * 64,
        "hash_algorithm": "sha-384",
        "rim": "01" * 48,
        "rem3": "03" * 48,
        "rak_hash_algorithm": "sha-512",
        "rak_format": "cose_key",
        "platform_profile": "platform",
        "realm_profile": "tag:arm.com,2023:realm#1.0.0",
    }
    forged = forge(tmp_path, **settings)
    claims = verify_forged(forged)
    platform, realm = claims.vendor["platform"], claims.vendor["realm"]
    assert platform["lifecycle"] == {"value": 0x3003, "name": "secured", "secured": True}
    assert platform["implementation_id"] == b"\x7f" * 32 and platform["config"] == bytes.fromhex("c0ffee")
    assert platform["hash_algorithm"] == "sha-384" and platform["verification_service"] == "https://example.invalid/cca"
    assert platform["profile"] == "tag:arm.com,2023:cca_platform#1.0.0"
    assert [c["measurement_type"] for c in platform["software_components"]] == ["BL", "RMM"]
    assert claims.evidence.measurements["platform/RMM"] == b"\xaa" * 64
    assert claims.evidence.report_data == b"\xab" * 64 and realm["personalization_value"] == b"\x54" * 64
    assert realm["measurement_algorithm"] == "sha-384" and realm["public_key_hash_algorithm"] == "sha-512"
    assert claims.evidence.measurements["rim"] == b"\x01" * 48 and claims.evidence.measurements["rem3"] == b"\x03" * 48
    assert realm["profile"] == "tag:arm.com,2023:realm#1.0.0"
    rak = ec_public_key_from_cose_key(realm["public_key"], what="RAK")
    assert rak == forge_attestation_key("cca-rak", "secp384r1").public_key()
    assert len(platform["challenge"]) == 64 and platform["challenge"] == hashlib.sha512(realm["public_key"]).digest()


def test_debug_lifecycle(tmp_path: Path) -> None:
    claims = verify_forged(forge(tmp_path, lifecycle="recoverable_rot_debug"))
    assert claims.evidence.debug is True
    assert claims.vendor["platform"]["lifecycle"]["name"] == "recoverable_cca_platform_rot_debug"


def test_tampered_forged_tokens_are_rejected(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    store = load_collateral(forged.collateral)
    parts = token_parts(forged.evidence.read_bytes())
    for which in (PLATFORM, REALM):
        for mutated in flipped(parts[which], "signature", offsets=range(0, 96, 13)):
            token = cbor2.dumps(cbor2.CBORTag(399, {**parts, which: mutated}))
            with pytest.raises(SignatureError):
                verify(token, store)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"colour": "blue"}, "unknown cca forge settings"),
        ({"sw3.type": "X"}, "there are 3"),
        ({"rim": "00" * 48}, "32 bytes"),
        ({"challenge": "00" * 32}, "64 bytes"),
        ({"hash_algorithm": "md5"}, "hash_algorithm"),
        ({"rak_format": "pem"}, "rak_format"),
        ({"config": "00" * 4097}, "at most 4096"),
        ({"rak_binding": "perhaps"}, "rak_binding"),
    ],
)
def test_bad_settings_are_configuration_errors(tmp_path: Path, settings: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        forge(tmp_path, **settings)


AT = format_time(NOW)


def test_cli_forged_token_verifies_only_with_trust_test_root(tmp_path: Path) -> None:
    assert forge_and_verify(tmp_path / "trusted", "cca", at=AT) in {0, 5}
    assert forge_and_verify(tmp_path / "untrusted", "cca", at=AT, trust_test_root=False) == 3


def test_cli_forged_negative_cases(tmp_path: Path) -> None:
    assert forge_and_verify(tmp_path / "binding", "cca", at=AT, settings=["rak_binding=0"]) == 3
    assert forge_and_verify(tmp_path / "debug", "cca", at=AT, settings=["lifecycle=non_rot_debug"]) == 5
    challenge = "5a" * 64
    assert forge_and_verify(
        tmp_path / "fresh", "cca", at=AT, settings=[f"challenge={challenge}"], verify_options=["--nonce", challenge]
    ) in {0, 5}
    assert (
        forge_and_verify(
            tmp_path / "replay",
            "cca",
            at=AT,
            settings=[f"challenge={challenge}"],
            verify_options=["--nonce", "a5" * 64],
        )
        == 3
    )
