"""One flipped bit anywhere in a real report never verifies.

For every offset of the signed bytes [0x000, 0x2A0) one bit is flipped (a different bit index per
report). Allowed outcomes:

* EvidenceError from parse(), only in the structural fields: VERSION, SIGNATURE_ALGO, the key-info word
  and the reserved regions (which must be zero), the CPUID bytes (an unknown CPU is unsupported);
* otherwise a VerificationError from verify() (signature, binding);
* where the flip changes which certificate the report asks for (CHIP_ID of a VCEK-signed report, the
  SIGNING_KEY bits), a BindingError: the collateral's key is for another chip or of the other kind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import (
    CcpolicyError,
    EvidenceError,
    EvidenceFormatError,
    SignatureError,
    VerificationError,
)
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp.report import SIGNED_SIZE, parse_report
from ccpolicy_snp.verifier import SnpVerifier

AT = parse_time("2025-06-01T00:00:00Z")
CASES = {
    "vcek-v2": ("trustee_report_milan_v2_vcek.bin", ("trustee_vcek_milan.der", "ask_ark_milan.pem")),
    "vlek-v3": ("trustee_report_milan_v3_vlek.bin", ("trustee_vlek_milan.der", "ask_ark_milan_vlek.pem")),
}
STRUCTURAL = [(0x00, 0x04), (0x34, 0x38), (0x48, 0x50), (0x188, 0x1A0), (0x1EB, 0x1EC), (0x1EF, 0x1F0), (0x1F8, 0x2A0)]
CHIP_ID = (0x1A0, 0x1E0)


def in_ranges(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in ranges)


def bit_for(case: str, offset: int) -> int:
    return offset % 8 if case == "vcek-v2" else (offset + 3) % 8


def outcome(data: bytes, store: CollateralStore) -> CcpolicyError:
    verifier = SnpVerifier()
    try:
        report = verifier.parse(data)
        verifier.verify(report, VerificationContext(now=AT, collateral=store))
    except CcpolicyError as exc:
        return exc
    raise AssertionError("an altered report verified")


def check(case: str, offset: int, bit: int, error: CcpolicyError) -> None:
    where = f"{case} offset {offset:#05x} bit {bit}: {type(error).__name__}: {error}"
    if isinstance(error, EvidenceError):
        assert in_ranges(offset, STRUCTURAL), where
    else:
        assert isinstance(error, VerificationError), where


@pytest.fixture(scope="module")
def originals(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> dict[str, tuple[bytes, CollateralStore]]:
    found = {}
    for case, (report, collateral) in CASES.items():
        data = (snp_vectors / report).read_bytes()
        store = snp_collateral(*collateral)
        SnpVerifier().verify(parse_report(data), VerificationContext(now=AT, collateral=store))  # the original verifies
        found[case] = (data, store)
    return found


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("offset", range(SIGNED_SIZE), ids=lambda o: f"{o:#05x}")
def test_bit_flip_in_signed_bytes(case: str, offset: int, originals: dict[str, tuple[bytes, CollateralStore]]) -> None:
    data, store = originals[case]
    bit = bit_for(case, offset)
    flipped = bytearray(data)
    flipped[offset] ^= 1 << bit
    check(case, offset, bit, outcome(bytes(flipped), store))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_bit_of_the_structural_fields(case: str, originals: dict[str, tuple[bytes, CollateralStore]]) -> None:
    data, store = originals[case]
    for start, end in [*STRUCTURAL, CHIP_ID]:
        for offset in range(start, min(end, start + 16)):
            for bit in range(8):
                flipped = bytearray(data)
                flipped[offset] ^= 1 << bit
                check(case, offset, bit, outcome(bytes(flipped), store))


def test_signature_field_flips(originals: dict[str, tuple[bytes, CollateralStore]]) -> None:
    """R and S (72 bytes each, the upper 24 beyond P-384) give SignatureError; the unused tail is malformed."""
    data, store = originals["vcek-v2"]
    for offset in range(SIGNED_SIZE, len(data)):
        flipped = bytearray(data)
        flipped[offset] ^= 1 << (offset % 8)
        error = outcome(bytes(flipped), store)
        expected = SignatureError if offset < 0x330 else EvidenceFormatError
        assert isinstance(error, expected), f"offset {offset:#05x}: {type(error).__name__}: {error}"
