"""Truncated and bit-flipped real quotes raise only EvidenceError / VerificationError.

Every flip in the header, the body, the signature, the attestation key, the QE report, its
signature and the QE authentication data must be caught.  Flips inside the PEM chain may happen
to be harmless (PEM whitespace, the trailing NUL); then the verdict must be unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ccpolicy.errors import EvidenceError, VerificationError
from ccpolicy_dcap.quote import parse_quote

from .conftest import CASES, DcapCase, case_context

SAMPLED_OFFSETS = 600


def _pem_start(quote_bytes: bytes) -> tuple[int, int]:
    """(offset of the PEM chain, end of the signature data) in the quote."""
    quote = parse_quote(quote_bytes)
    end = len(quote_bytes) - quote.trailing_size
    pem = quote.qe.pck_chain_pem
    return end - len(pem), end


def _offsets(limit: int, count: int) -> list[int]:
    step = max(1, limit // count)
    return sorted(set(range(0, min(limit, 64))) | set(range(0, limit, step)) | {limit - 1})


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_truncations_are_format_errors(vectors: Path, case: DcapCase) -> None:
    data = (vectors / case.quote).read_bytes()
    _, end = _pem_start(data)
    for size in _offsets(end, 300):
        with pytest.raises(EvidenceError):
            parse_quote(data[:size])
    parse_quote(data[:end])  # the trailing padding is not part of the format


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bit_flips_are_caught(vectors: Path, case: DcapCase) -> None:
    data = (vectors / case.quote).read_bytes()
    verifier = case.verifier()
    context = case_context(vectors, case)
    expected = verifier.verify(verifier.parse(data), context).evidence.tcb.status
    pem_start, end = _pem_start(data)
    caught = 0
    for offset in _offsets(end, SAMPLED_OFFSETS) + _offsets(end - pem_start, 20):
        position = offset if offset < end else pem_start + offset % (end - pem_start)
        flipped = bytearray(data)
        flipped[position] ^= 1 << (position % 8)
        try:
            claims = verifier.verify(verifier.parse(bytes(flipped)), context)
        except (EvidenceError, VerificationError):
            caught += 1
            continue
        assert position >= pem_start, f"flip at {position} (before the PCK chain) went unnoticed"
        assert claims.evidence.tcb.status == expected
    assert caught > SAMPLED_OFFSETS // 2
