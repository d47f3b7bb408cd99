"""Embedded ARKs (pinned by fingerprint), AMD certificate extensions, and AMD's hwID rule."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.utils import CryptographyDeprecationWarning

from ccpolicy.certificates import load_certificate
from ccpolicy.errors import ChainError
from ccpolicy_snp import amd_roots
from ccpolicy_snp.kds_extensions import decode_hwid, decode_ia5_string, decode_spl, read_endorsement_extensions
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.trust import hwid_matches


@pytest.mark.parametrize(
    ("product", "pem", "pinned", "bundle"),
    [
        (SevProduct.MILAN, amd_roots.ARK_MILAN_PEM, amd_roots.ARK_MILAN_SHA256, "ask_ark_milan.pem"),
        (SevProduct.MILAN, amd_roots.ARK_MILAN_PEM, amd_roots.ARK_MILAN_SHA256, "ask_ark_milan_vlek.pem"),
        (SevProduct.GENOA, amd_roots.ARK_GENOA_PEM, amd_roots.ARK_GENOA_SHA256, "ask_ark_genoa.pem"),
        (SevProduct.TURIN, amd_roots.ARK_TURIN_PEM, amd_roots.ARK_TURIN_SHA256, "ask_ark_turin_vcek.pem"),
    ],
)
def test_embedded_ark_matches_its_pin_and_amds_bundle(
    product: SevProduct, pem: str, pinned: str, bundle: str, snp_vectors: Path
) -> None:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    assert hashlib.sha256(der).hexdigest() == pinned
    ask, ark = x509.load_pem_x509_certificates((snp_vectors / bundle).read_bytes())
    assert ark.public_bytes(serialization.Encoding.DER) == der
    assert ark.subject.rfc4514_string().startswith(f"CN=ARK-{product.value},")
    assert ask.issuer == ark.subject
    roots = amd_roots.pinned_roots()
    assert roots[bytes.fromhex(pinned)][0] is product


def test_pins_are_distinct_and_complete() -> None:
    assert set(amd_roots.ARK_PEMS) == set(SevProduct)
    assert len({pinned for _, pinned in amd_roots.ARK_PEMS.values()}) == 3


def load_der(path: Path) -> x509.Certificate:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return load_certificate(path.read_bytes())


def test_vcek_extensions(snp_vectors: Path) -> None:
    extensions = read_endorsement_extensions(load_der(snp_vectors / "gsg_vcek_milan.der"))
    assert extensions.product_name == "Milan-B0"
    assert extensions.struct_version == 0
    assert extensions.tcb_components() == {"bl": 2, "tee": 0, "snp": 5, "microcode": 68}
    assert extensions.hwid is not None and extensions.hwid.hex().startswith("3ac3fe21e13fb099")
    assert extensions.csp_id is None and extensions.fmc is None


def test_vlek_extensions(snp_vectors: Path) -> None:
    extensions = read_endorsement_extensions(load_der(snp_vectors / "trustee_vlek_milan.der"))
    assert extensions.product_name == "Milan"
    assert extensions.tcb_components() == {"bl": 4, "tee": 0, "snp": 24, "microcode": 217}  # 217 = 02 02 00 D9
    assert extensions.hwid is None
    assert extensions.csp_id == "CN=cc-us-east-2.amazonaws.com"


def test_legacy_and_new_hwid_encodings(snp_vectors: Path) -> None:
    """The upstream invalid certificates: bare 64-byte hwID (legacy) and a DER OCTET STRING (new)."""
    legacy = read_endorsement_extensions(load_der(snp_vectors / "trustee_vcek_invalid_legacy.der"))
    new = read_endorsement_extensions(load_der(snp_vectors / "trustee_vcek_invalid_new.der"))
    assert legacy.hwid == new.hwid == bytes(range(64))
    assert legacy.microcode == 0xA9
    assert legacy.tcb_components() == {"bl": 3, "tee": 0, "snp": 10, "microcode": 169}
    assert new.tcb_components() == {"bl": 0, "tee": 0, "snp": 0, "microcode": 30}


@pytest.mark.parametrize(
    ("value", "expected"), [("020100", 0), ("02017f", 127), ("02020080", 128), ("020200ff", 255), ("02020005", 5)]
)
def test_spl_integers(value: str, expected: int) -> None:
    assert decode_spl(bytes.fromhex(value), what="test") == expected


@pytest.mark.parametrize("value", ["", "02", "0201", "020180", "02020100", "0203000100", "04010a", "0201000a", "0281"])
def test_malformed_spl_integers(value: str) -> None:
    with pytest.raises(ChainError):
        decode_spl(bytes.fromhex(value), what="test")


def test_hwid_encodings() -> None:
    turin = bytes(range(8))
    assert decode_hwid(turin, what="t") == turin
    assert decode_hwid(b"\x04\x08" + turin, what="t") == turin
    assert decode_hwid(b"\x04\x40" + bytes(64), what="t") == bytes(64)
    assert decode_hwid(b"\x04\x81\x40" + bytes(64), what="t") == bytes(64)
    for bad in (bytes(7), b"\x04\x07" + bytes(7), b"\x04\x41" + bytes(64), b"\x16\x40" + bytes(64)):
        with pytest.raises(ChainError):
            decode_hwid(bad, what="t")


def test_ia5_strings() -> None:
    assert decode_ia5_string(b"\x16\x05Turin", what="t") == "Turin"
    with pytest.raises(ChainError):
        decode_ia5_string(b"\x0c\x05Turin", what="t")  # UTF8String tag
    with pytest.raises(ChainError):
        decode_ia5_string(b"\x16\x02\xc3\xa9", what="t")


def test_hwid_rule() -> None:
    chip = bytes(range(1, 65))
    assert hwid_matches(chip, chip)
    assert not hwid_matches(chip[:63] + b"\0", chip)
    turin_chip = bytes(range(1, 9)) + bytes(56)
    assert hwid_matches(turin_chip[:8], turin_chip)
    assert not hwid_matches(turin_chip[:8], turin_chip[:8] + b"\x01" + bytes(55))  # the rest must be zero
    assert not hwid_matches(chip[:8], chip)
    assert not hwid_matches(chip[:16], chip)
