"""Bit-flip and truncation sweeps: damaged SEV evidence raises only EvidenceError or VerificationError.

A damaged input may still verify only when the damage is in bytes no signature
covers (reserved tails of signature slots, unused slots), which the sweeps check
by comparing the parsed certificates' signed content.
"""

from __future__ import annotations

import json

import pytest

from ccpolicy.errors import ChainError, EvidenceError, VerificationError
from ccpolicy_sev.chain import verify_ark
from ccpolicy_sev.evidence import LaunchEvidence
from ccpolicy_sev.forge import ForgedPlatform, LaunchInputs, launch_document, tik_document
from ccpolicy_sev.formats import (
    SEV_CERTIFICATE_SIZE,
    AmdCaCertificate,
    AmdCertificate,
    SevCertificate,
    parse_ca_certificate,
    parse_certificate_sequence,
)
from ccpolicy_sev.signatures import verify_ca_signature
from ccpolicy_sev.verifier import SevVerifier

from .conftest import ContextMaker

SEV = SevVerifier(encrypted_state=False)
SEV_ES = SevVerifier(encrypted_state=True)


def _significant(certificate: AmdCertificate) -> tuple[object, ...]:
    """What the signatures of a chain depend on."""
    if isinstance(certificate, AmdCaCertificate):
        return (certificate.encoded,)
    slots = tuple(
        (s.usage, s.algorithm, s.value if s.algorithm.is_rsa else s.value[:144])
        for s in certificate.signatures
        if not s.is_empty
    )
    return (certificate.signed_bytes, slots)


def _positions(blob: bytes, headers: list[int], stride: int) -> list[int]:
    """Every byte of each certificate's header, then every ``stride``-th byte."""
    chosen = set(range(0, len(blob), stride))
    for start in headers:
        chosen.update(range(start, min(start + 0x40, len(blob))))
    return sorted(chosen)


def test_bit_flips_over_the_real_naples_export(naples: dict[str, bytes], context: ContextMaker) -> None:
    blob = naples["pdh"] + naples["pek"] + naples["oca"] + naples["cek"] + naples["ask"]
    original = [_significant(c) for c in parse_certificate_sequence(blob)]
    headers = [i * SEV_CERTIFICATE_SIZE for i in range(5)]
    failures = successes = 0
    for position in _positions(blob, headers, stride=5):
        damaged = bytearray(blob)
        damaged[position] ^= 1 << (position % 8)
        try:
            SEV.verify(SEV.parse(bytes(damaged)), context())
        except (EvidenceError, VerificationError):
            failures += 1
            continue
        successes += 1
        assert [_significant(c) for c in parse_certificate_sequence(bytes(damaged))] == original, position
    assert failures > 0
    assert successes > 0  # flips in reserved signature bytes are harmless, and the sweep reaches them


@pytest.mark.parametrize("name", ["ark", "ask"])
def test_bit_flips_over_amd_ca_certificates(naples: dict[str, bytes], name: str) -> None:
    data = naples[name]
    ark = parse_ca_certificate(naples["ark"])
    for position in _positions(data, [0], stride=3):
        damaged = bytearray(data)
        damaged[position] ^= 1 << (position % 8)
        with pytest.raises((EvidenceError, VerificationError)):
            certificate = parse_ca_certificate(bytes(damaged))
            if name == "ark":
                verify_ark(certificate)
            else:
                verify_ask(certificate, ark)


def verify_ask(ask: AmdCaCertificate, ark: AmdCaCertificate) -> None:
    if ask.certifying_id != ark.key_id:
        raise ChainError("certified by another key")
    verify_ca_signature(ask, ark)


def test_truncations_of_the_real_naples_export(naples: dict[str, bytes], context: ContextMaker) -> None:
    """Cut anywhere: a format error, except at certificate boundaries where the rest comes from collateral."""
    blob = naples["pdh"] + naples["pek"] + naples["oca"] + naples["cek"]
    collateral = (naples["pek"], naples["oca"], naples["cek"])
    boundaries = {SEV_CERTIFICATE_SIZE * i for i in range(1, 5)}
    for length in [*range(0, len(blob), 37), *boundaries, *(b - 1 for b in boundaries)]:
        evidence = blob[:length]
        if length in boundaries:
            assert SEV.verify(SEV.parse(evidence), context(*collateral)).vendor["generation"] == "Naples"
        else:
            with pytest.raises(EvidenceError):
                SEV.verify(SEV.parse(evidence), context(*collateral))


@pytest.mark.parametrize(("verifier", "policy"), [(SEV, 0x01), (SEV_ES, 0x05)])
def test_bit_flips_over_a_launch_document(
    forged: ForgedPlatform, context: ContextMaker, verifier: SevVerifier, policy: int
) -> None:
    tik = bytes(range(16))
    inputs = LaunchInputs(
        tik=tik, policy=policy, api_major=0, api_minor=22, build=3, launch_digest=bytes(32), mnonce=bytes(16)
    )
    document = json.dumps(json.loads(launch_document(forged, inputs, include_chain=False))).encode()
    collateral = (forged.pek + forged.oca + forged.cek + forged.ask + forged.ark, tik_document(tik))
    original = verifier.parse(document)
    assert isinstance(original, LaunchEvidence)
    verifier.verify(original, context(*collateral, unsafe_trust_test_root=True))
    for position in range(0, len(document), 2):
        damaged = bytearray(document)
        damaged[position] ^= 1 << (position % 7)
        try:
            report = verifier.parse(bytes(damaged))
            verifier.verify(report, context(*collateral, unsafe_trust_test_root=True))
        except (EvidenceError, VerificationError):
            continue
        assert isinstance(report, LaunchEvidence)
        # hex is case-insensitive and the PDH's unsigned reserved bytes are free: nothing signed changed
        assert _significant(report.platform.pdh) == _significant(original.platform.pdh), position
        assert (report.measure, report.mnonce, report.launch_digest) == (
            original.measure,
            original.mnonce,
            original.launch_digest,
        )


def test_damaged_collateral_is_skipped_not_crashing(naples: dict[str, bytes], context: ContextMaker) -> None:
    """Collateral blobs that are not SEV certificates belong to other plugins and are ignored."""
    for damaged in (naples["ark_bad"], naples["pek"][:100], b"\x01\x00\x00\x00" + bytes(60), bytes(16 * 3)):
        claims = SEV.verify(
            SEV.parse(naples["pdh"]), context(damaged, naples["pek"], naples["oca"], naples["cek"], naples["ask"])
        )
        assert claims.vendor["generation"] == "Naples"
    assert isinstance(parse_certificate_sequence(naples["pek"])[0], SevCertificate)
