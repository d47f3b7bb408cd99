"""The SEV platform chain PDH <- PEK <- {OCA, CEK <- ASK <- ARK} on AMD's real Naples certificates."""

from __future__ import annotations

import hashlib

import pytest

from ccpolicy.claims import Claims
from ccpolicy.errors import ChainError, CollateralMissingError, EvidenceFormatError, PluginError
from ccpolicy_sev import roots
from ccpolicy_sev.chain import verify_ark
from ccpolicy_sev.forge import ForgedPlatform
from ccpolicy_sev.formats import KeyUsage, RsaPublicKey, parse_ca_certificate, parse_sev_certificate
from ccpolicy_sev.roots import AmdGeneration, embedded_arks, embedded_certificate, embedded_certificates
from ccpolicy_sev.signatures import verify_ca_signature
from ccpolicy_sev.verifier import SevVerifier

from .conftest import ContextMaker

SEV = SevVerifier(encrypted_state=False)


def _verify(evidence: bytes, context: ContextMaker, *collateral: bytes, unsafe: bool = False) -> Claims:
    return SEV.verify(SEV.parse(evidence), context(*collateral, unsafe_trust_test_root=unsafe))


def test_real_naples_pdh_verifies_with_chain_in_collateral(naples: dict[str, bytes], context: ContextMaker) -> None:
    claims = _verify(naples["pdh"], context, naples["pek"], naples["oca"], naples["cek"], naples["ask"])
    assert claims.tee == "sev"
    assert claims.evidence.platform == {"vendor": "AMD", "product": "Naples", "technology": "SEV"}
    assert claims.vendor["generation"] == "Naples"
    assert claims.vendor["ark_key_id"] == bytes.fromhex("1bb987c359494606b174945601c9ea5b")
    assert claims.vendor["ask_key_id"] == bytes.fromhex("e139970cfc464377ae61b289e2f9e96e")
    assert claims.vendor["launch_measurement_checked"] is False
    assert claims.vendor["certificates"]["cek"]["api_minor"] == 14
    assert claims.evidence.tcb.components == {"api_major": 0, "api_minor": 16}
    assert claims.evidence.measurements == {}
    assert claims.evidence.debug is True  # nothing shows a non-debug guest
    assert claims.evidence.report_data == b""
    assert claims.collateral.source == "offline"
    assert claims.collateral.not_after is None


def test_real_naples_export_blob_verifies_without_collateral(naples: dict[str, bytes], context: ContextMaker) -> None:
    """sevctl-style concatenation; the ASK then comes from AMD's embedded Naples ASK."""
    blob = naples["pdh"] + naples["pek"] + naples["oca"] + naples["cek"]
    claims = _verify(blob, context)
    assert claims.vendor["ask_key_id"] == bytes.fromhex("e139970cfc464377ae61b289e2f9e96e")


def test_verification_is_deterministic(naples: dict[str, bytes], context: ContextMaker) -> None:
    blob = naples["pdh"] + naples["pek"] + naples["oca"] + naples["cek"] + naples["ask"]
    assert _verify(blob, context) == _verify(blob, context)


def test_naples_cek_with_rome_ask_is_a_chain_error(naples: dict[str, bytes], context: ContextMaker) -> None:
    rome_ask = embedded_certificate(AmdGeneration.ROME, KeyUsage.ASK).encoded
    with pytest.raises(ChainError, match="CEK certificate was not signed by any of the 1 ASK"):
        _verify(naples["pdh"], context, naples["pek"], naples["oca"], naples["cek"], rome_ask)


def test_naples_ask_does_not_chain_to_a_rome_ark(naples: dict[str, bytes]) -> None:
    ask = parse_ca_certificate(naples["ask"])
    rome_ark = embedded_certificate(AmdGeneration.ROME, KeyUsage.ARK)
    with pytest.raises(ChainError):
        verify_ca_signature(ask, rome_ark)


def test_truncated_ark_fails(naples: dict[str, bytes], context: ContextMaker) -> None:
    with pytest.raises(EvidenceFormatError):
        parse_ca_certificate(naples["ark_bad"])
    # presented as part of the evidence it is refused before any chain is built
    with pytest.raises(EvidenceFormatError):
        SEV.parse(naples["pdh"] + naples["ark_bad"])


def test_missing_links_are_missing_collateral(naples: dict[str, bytes], context: ContextMaker) -> None:
    with pytest.raises(CollateralMissingError, match="no PEK"):
        _verify(naples["pdh"], context)
    with pytest.raises(CollateralMissingError, match="no OCA"):
        _verify(naples["pdh"], context, naples["pek"])
    with pytest.raises(CollateralMissingError, match="no CEK"):
        _verify(naples["pdh"], context, naples["pek"], naples["oca"])


def test_wrong_certificate_in_a_role_is_a_chain_error(
    naples: dict[str, bytes], forged: ForgedPlatform, context: ContextMaker
) -> None:
    # a PEK of another (forged) platform did not sign the Naples PDH
    with pytest.raises(ChainError, match="none of the 1 PEK"):
        _verify(naples["pdh"], context, forged.pek, naples["oca"], naples["cek"])
    # a foreign OCA did not sign the Naples PEK
    with pytest.raises(ChainError, match="none of the 1 OCA"):
        _verify(naples["pdh"], context, naples["pek"], forged.oca, naples["cek"])


def test_the_right_candidate_is_picked_among_several(
    naples: dict[str, bytes], forged: ForgedPlatform, context: ContextMaker
) -> None:
    claims = _verify(
        naples["pdh"], context, forged.pek, naples["pek"], forged.oca, naples["oca"], forged.cek, naples["cek"]
    )
    assert claims.vendor["generation"] == "Naples"


def test_embedded_roots_are_pinned_and_self_signed() -> None:
    generations = {anchor.generation for anchor in embedded_arks()}
    assert generations == {AmdGeneration.NAPLES, AmdGeneration.ROME, AmdGeneration.MILAN}
    for pin, certificate in embedded_certificates():
        assert hashlib.sha256(certificate.encoded).hexdigest() == pin.sha256
        ark = embedded_certificate(pin.generation, KeyUsage.ARK)
        if pin.usage is KeyUsage.ARK:
            verify_ark(certificate)
        else:
            assert certificate.certifying_id == ark.key_id
            verify_ca_signature(certificate, ark)
    assert embedded_certificate(AmdGeneration.ROME, KeyUsage.ARK).modulus_bits == 4096


def test_embedded_naples_ark_is_the_vector(naples: dict[str, bytes]) -> None:
    assert embedded_certificate(AmdGeneration.NAPLES, KeyUsage.ARK).encoded == naples["ark"]
    assert embedded_certificate(AmdGeneration.NAPLES, KeyUsage.ASK).encoded == naples["ask"]


def test_a_damaged_embedded_root_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pins = list(roots.PINNED_CERTIFICATES)
    pins[0] = roots.PinnedCertificate(
        generation=pins[0].generation, usage=pins[0].usage, file_name=pins[0].file_name, sha256="00" * 32
    )
    monkeypatch.setattr(roots, "PINNED_CERTIFICATES", tuple(pins))
    roots.embedded_certificates.cache_clear()
    try:
        with pytest.raises(PluginError, match="pinned"):
            roots.embedded_certificates()
    finally:
        monkeypatch.undo()
        roots.embedded_certificates.cache_clear()
    assert len(roots.embedded_certificates()) == 6


def test_verify_ark_refuses_an_ask(naples: dict[str, bytes]) -> None:
    with pytest.raises(ChainError, match="not a root key"):
        verify_ark(parse_ca_certificate(naples["ask"]))


def test_presented_non_pinned_ark_is_not_an_anchor(
    naples: dict[str, bytes], forged: ForgedPlatform, context: ContextMaker
) -> None:
    """A forged chain presenting its own root: refused unless test roots are allowed."""
    blob = forged.pdh + forged.pek + forged.oca + forged.cek + forged.ask + forged.ark
    with pytest.raises(ChainError, match="unsafe_trust_test_root"):
        _verify(blob, context)
    claims = _verify(blob, context, unsafe=True)
    assert claims.collateral.source == "test-root"
    assert claims.evidence.platform["product"] == "test root"


def test_test_root_needs_the_reserved_key_id_prefix(forged: ForgedPlatform, context: ContextMaker) -> None:
    ark = bytearray(forged.ark)
    ark[4] ^= 0xFF  # key id no longer starts with CCPOLICYTEST (the self-signature breaks too)
    blob = forged.pdh + forged.pek + forged.oca + forged.cek + forged.ask + bytes(ark)
    with pytest.raises(ChainError):
        _verify(blob, context, unsafe=True)


def _patch_u32(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + value.to_bytes(4, "little") + data[offset + 4 :]


SLOT_1 = 0x414
SLOT_2 = 0x414 + 520


@pytest.mark.parametrize(
    ("role", "offset", "value", "message"),
    [
        ("pek", 0x0C, 0x0003, "none of the 1 PEK"),  # PEK key marked ECDH: not a signing key
        ("pdh", SLOT_1 + 4, 0x0003, "ECDH_SHA256, not a signature"),  # PDH slot names ECDH
        ("cek", SLOT_1 + 4, 0x0002, "ECDSA signature slot but ASK"),  # ASK signature claimed ECDSA
        ("oca", SLOT_1, 0x1004, "OCA certificate is not self-signed"),  # OCA slot names the CEK
        ("pek", SLOT_2, 0x1000, "carries no signature by a CEK"),  # PEK's CEK signature removed
        ("cek", SLOT_1, 0x1000, "carries no signature by an ASK"),
        ("pdh", 0x10, 0x0001, "none of the 1 PEK"),  # PDH curve P-256: its own key changes, PEK sig fails
    ],
)
def test_role_and_algorithm_mismatches_are_chain_errors(
    *, forged: ForgedPlatform, context: ContextMaker, role: str, offset: int, value: int, message: str
) -> None:
    certificates = {name: getattr(forged, name) for name in ("pdh", "pek", "oca", "cek")}
    certificates[role] = _patch_u32(certificates[role], offset, value)
    blob = b"".join(certificates.values()) + forged.ask + forged.ark
    with pytest.raises(ChainError, match=message):
        _verify(blob, context, unsafe=True)


def test_rsa_key_layout_in_a_sev_certificate_is_parsed(forged: ForgedPlatform) -> None:
    rsa_pek = _patch_u32(_patch_u32(forged.pek, 0x0C, 0x0001), 0x10, 2048)
    certificate = parse_sev_certificate(rsa_pek)
    assert isinstance(certificate.public_key, RsaPublicKey)
    assert certificate.public_key.modulus_bits == 2048
    with pytest.raises(EvidenceFormatError, match="RSA modulus size"):
        parse_sev_certificate(_patch_u32(forged.pek, 0x0C, 0x0001))  # curve id 2 read as 2 bits
