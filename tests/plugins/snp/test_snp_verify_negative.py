"""Real SEV-SNP evidence with wrong, missing or mismatched collateral, and altered reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import BindingError, ChainError, CollateralMissingError, SignatureError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.report import parse_report
from ccpolicy_snp.report_signature import P384_ORDER
from ccpolicy_snp.verifier import SnpVerifier

AT = parse_time("2025-06-01T00:00:00Z")
TRUSTEE_V2 = "trustee_report_milan_v2_vcek.bin"
GSG_V2 = "gsg_attestation_milan_v2_debug.bin"
VLEK_V3 = "trustee_report_milan_v3_vlek.bin"
PLACEHOLDER_HWID = bytes(range(64))


def patched(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value) :]


def verify_bytes(data: bytes, store: CollateralStore) -> None:
    verifier = SnpVerifier()
    verifier.verify(verifier.parse(data), VerificationContext(now=AT, collateral=store))


@pytest.mark.parametrize("vcek", ["trustee_vcek_invalid_legacy.der", "trustee_vcek_invalid_new.der"])
def test_known_invalid_vceks_fail_the_chain(
    vcek: str, snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    """The upstream invalid VCEKs are not signed by the Milan ASK: ChainError.

    Their hwID is the placeholder 00 01 .. 3F, so the report's CHIP_ID is set to it to make them the
    selected VCEK. It is ChainError and not BindingError (their TCB does not match the report either)
    because the chain is verified before any claim of the certificate is compared with the report.
    """
    data = patched((snp_vectors / TRUSTEE_V2).read_bytes(), 0x1A0, PLACEHOLDER_HWID)
    with pytest.raises(ChainError, match="VCEK certificate 'SEV-VCEK' has a signature that 'SEV-Milan' did not make"):
        verify_bytes(data, snp_collateral(vcek, "ask_ark_milan.pem"))


def test_missing_vcek_names_the_kds_url(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    data = (snp_vectors / TRUSTEE_V2).read_bytes()
    with pytest.raises(CollateralMissingError) as caught:
        verify_bytes(data, snp_collateral("ask_ark_milan.pem"))
    chip_id = parse_report(data).chip_id.hex()
    assert chip_id in caught.value.message
    assert caught.value.hint is not None
    assert (
        f"https://kdsintf.amd.com/vcek/v1/{{Milan|Genoa}}/{chip_id}?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115"
        in caught.value.hint
    )


def test_vcek_of_another_chip_is_a_binding_error(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    with pytest.raises(BindingError, match="VCEK certificates in the collateral are for hwID c38427a3"):
        verify_bytes((snp_vectors / GSG_V2).read_bytes(), snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem"))


def test_missing_ask_names_the_cert_chain_url(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    with pytest.raises(CollateralMissingError, match="ASK 'SEV-Milan'") as caught:
        verify_bytes((snp_vectors / GSG_V2).read_bytes(), snp_collateral("gsg_vcek_milan.der"))
    assert caught.value.hint is not None and "https://kdsintf.amd.com/vcek/v1/Milan/cert_chain" in caught.value.hint


def test_missing_vlek(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    with pytest.raises(CollateralMissingError, match="VLEK"):
        verify_bytes((snp_vectors / VLEK_V3).read_bytes(), snp_collateral("ask_ark_milan_vlek.pem"))


def test_vcek_where_the_report_names_a_vlek(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    with pytest.raises(BindingError, match="says a VLEK signed it, but the collateral holds SEV-VCEK"):
        verify_bytes(
            (snp_vectors / VLEK_V3).read_bytes(), snp_collateral("ask_ark_milan_vlek.pem", "gsg_vcek_milan.der")
        )


def test_vlek_needs_the_asvk_not_the_ask(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    with pytest.raises(CollateralMissingError, match="ASVK 'SEV-VLEK-Milan'") as caught:
        verify_bytes(
            (snp_vectors / VLEK_V3).read_bytes(), snp_collateral("trustee_vlek_milan.der", "ask_ark_milan.pem")
        )
    assert caught.value.hint is not None and "https://kdsintf.amd.com/vlek/v1/Milan/cert_chain" in caught.value.hint


def test_cpuid_product_must_match_the_chain(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    genoa = patched((snp_vectors / VLEK_V3).read_bytes(), 0x189, b"\x11")
    assert parse_report(genoa).product is SevProduct.GENOA
    with pytest.raises(BindingError, match="CPUID says Genoa"):
        verify_bytes(genoa, snp_collateral("trustee_vlek_milan.der", "ask_ark_milan_vlek.pem"))


def test_mask_chip_key_contradicts_a_vcek_signature(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    data = patched((snp_vectors / TRUSTEE_V2).read_bytes(), 0x48, b"\x02")
    with pytest.raises(BindingError, match="MASK_CHIP_KEY"):
        verify_bytes(data, snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem"))


def test_reserved_tcb_bytes_are_not_certified(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    data = patched((snp_vectors / TRUSTEE_V2).read_bytes(), 0x182, b"\x01")
    with pytest.raises(BindingError, match="reserved bytes"):
        verify_bytes(data, snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem"))


def test_unsigned_report_is_rejected(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    data = patched((snp_vectors / TRUSTEE_V2).read_bytes(), 0x48, b"\x1c")  # SIGNING_KEY = 7 (none)
    with pytest.raises(SignatureError, match="no key signed it"):
        verify_bytes(data, snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem"))


@pytest.mark.parametrize(
    ("r", "s"),
    [(0, 1), (1, 0), (P384_ORDER, 1), (1, P384_ORDER), (2**384, 1)],
    ids=["r-zero", "s-zero", "r-order", "s-order", "r-too-big"],
)
def test_out_of_range_signature_values(
    r: int, s: int, snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    data = (snp_vectors / TRUSTEE_V2).read_bytes()
    data = patched(data, 0x2A0, r.to_bytes(72, "little"))
    data = patched(data, 0x2E8, s.to_bytes(72, "little"))
    with pytest.raises(SignatureError):
        verify_bytes(data, snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem"))


def test_swapped_signature_components_fail(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    data = (snp_vectors / TRUSTEE_V2).read_bytes()
    r, s = data[0x2A0:0x2E8], data[0x2E8:0x330]
    with pytest.raises(SignatureError, match="does not verify with the VCEK key"):
        verify_bytes(
            patched(patched(data, 0x2A0, s), 0x2E8, r), snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem")
        )


def test_report_signed_by_another_vcek_fails(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    """The gsg signature pasted onto the trustee report body: the right VCEK, the wrong signature."""
    trustee = (snp_vectors / TRUSTEE_V2).read_bytes()
    gsg = (snp_vectors / GSG_V2).read_bytes()
    with pytest.raises(SignatureError):
        verify_bytes(trustee[:0x2A0] + gsg[0x2A0:], snp_collateral("trustee_vcek_milan.der", "ask_ark_milan.pem"))
