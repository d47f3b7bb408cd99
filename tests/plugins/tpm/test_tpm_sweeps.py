"""Bit flips and truncations over every TPM structure of the vector: only EvidenceError or VerificationError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ccpolicy.errors import EvidenceError, VerificationError
from ccpolicy_tpm.event_log import parse_event_log
from ccpolicy_tpm.protobuf_wire import parse_message
from ccpolicy_tpm.tpm_structures import parse_public_area, parse_quote_attestation, parse_signature

ALLOWED = (EvidenceError, VerificationError)
SAMPLES = 160


def _offsets(size: int, samples: int = SAMPLES) -> list[int]:
    step = max(1, size // samples)
    return sorted({*range(0, size, step), *range(min(size, 64)), size - 1})


def _sweep(data: bytes, run: Callable[[bytes], Any], *, samples: int = SAMPLES) -> int:
    """Flip one bit at sampled offsets and truncate at sampled lengths; count the inputs that raised."""
    raised = 0
    for offset in _offsets(len(data), samples):
        for bit in (0, 7):
            mutated = bytearray(data)
            mutated[offset] ^= 1 << bit
            try:
                run(bytes(mutated))
            except ALLOWED:
                raised += 1
    for length in _offsets(len(data), samples):
        try:
            run(data[:length])
        except ALLOWED:
            raised += 1
    return raised


@pytest.fixture(scope="module")
def parts(gce_evidence) -> dict[str, bytes]:
    message = parse_message(gce_evidence, what="test")
    quote = message.messages(2, "quote")[1]
    return {
        "public": message.bytes_field(1),
        "attest": quote.bytes_field(1),
        "signature": quote.bytes_field(2),
        "event_log": message.bytes_field(3),
    }


@pytest.mark.parametrize(
    ("part", "parser"),
    [
        ("public", parse_public_area),
        ("attest", parse_quote_attestation),
        ("signature", parse_signature),
        ("event_log", parse_event_log),
    ],
)
def test_structure_sweep(parts, part, parser):
    raised = _sweep(parts[part], parser)
    assert raised > 0  # truncations at least must be refused


def test_whole_attestation_sweep_parse_and_verify(verifier, gce_evidence, context_with):
    context = context_with()

    def parse_and_verify(data: bytes) -> None:
        verifier.verify(verifier.parse(data), context)

    raised = _sweep(gce_evidence, parse_and_verify, samples=400)
    assert raised > 600


def test_every_flip_of_the_signed_quote_is_caught(verifier, gce_evidence, context_with, parts):
    """Inside the signed TPMS_ATTEST no flip may go unnoticed: verification must raise for each one."""
    attest = parts["attest"]
    start = gce_evidence.index(attest)
    context = context_with()
    for offset in range(len(attest)):
        mutated = bytearray(gce_evidence)
        mutated[start + offset] ^= 0x01
        with pytest.raises(ALLOWED):
            verifier.verify(verifier.parse(bytes(mutated)), context)
