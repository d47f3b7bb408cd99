"""Sampled bit-flip and truncation sweeps over real envelopes and the HCL report inside them.

Only EvidenceError / VerificationError may come out; a flip that verifies must leave the claims unchanged
(HCL padding, ignored by format). For TDX the unchanged evidence ends at the missing Intel collateral, so
CollateralMissingError is also expected there, and then only where the HCL report has padding or
TDREPORT fields that are MAC'ed only and not exposed.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from ccpolicy.claims import to_json_value
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import CollateralMissingError, EvidenceError, VerificationError
from ccpolicy.testing.conformance import flip_offsets
from ccpolicy_azure_vtpm.verifier import AzureVtpmVerifier
from tests.plugins.azure_vtpm.conftest import ContextFactory
from tests.plugins.azure_vtpm.vtpm_cases import verify

SAMPLES = 61


def _vcek_span(envelope: bytes) -> range:
    start = envelope.index(b'"vcek"')
    value_start = envelope.index(b'"', start + len(b'"vcek"') + 1)
    return range(value_start, envelope.index(b'"', value_start + 1))


def _with_hcl(envelope: bytes, hcl: bytes) -> bytes:
    document = json.loads(envelope)
    document["hcl_report"] = base64.urlsafe_b64encode(hcl).decode()
    return json.dumps(document).encode()


@pytest.mark.parametrize("name", ["trustee_evidence-v0.json", "trustee_evidence-v2.json"])
def test_snp_envelope_flips_and_truncations(
    name: str, snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    evidence = (snp_dir / name).read_bytes()
    context = context_for()
    baseline = to_json_value(verify(snp_verifier, evidence, context))
    vcek = _vcek_span(evidence)
    for offset in flip_offsets(len(evidence), SAMPLES):
        mutated = bytearray(evidence)
        mutated[offset] ^= 0x01
        try:
            claims = verify(snp_verifier, bytes(mutated), context)
        except (EvidenceError, VerificationError):
            continue
        except CollateralMissingError:
            # A VCEK whose issuer name changed names an ASK that no collateral holds: the snp verifier's exit 4.
            assert offset in vcek, f"flip at {offset} outside the embedded VCEK asked for collateral"
            continue
        assert to_json_value(claims) == baseline, f"flip at {offset} changed verified claims"
    for length in flip_offsets(len(evidence), SAMPLES)[:-1]:
        with pytest.raises((EvidenceError, VerificationError)):
            verify(snp_verifier, evidence[:length], context)


def test_snp_hcl_report_flips(snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory) -> None:
    envelope = (snp_dir / "trustee_evidence-v1.json").read_bytes()
    hcl = snp_verifier.parse(envelope).envelope.hcl_report
    context = context_for()
    baseline = to_json_value(verify(snp_verifier, envelope, context))
    rejected = 0
    for offset in flip_offsets(len(hcl), 97):
        mutated = bytearray(hcl)
        mutated[offset] ^= 0x04
        try:
            claims = verify(snp_verifier, _with_hcl(envelope, bytes(mutated)), context)
        except (EvidenceError, VerificationError):
            rejected += 1
            continue
        assert offset >= 2346, f"flip at {offset} inside the report verified"
        assert to_json_value(claims) == baseline
    assert rejected > 80


def test_tdx_hcl_report_and_quote_flips(
    tdx_verifier: AzureVtpmVerifier, tdx_dir: Path, context_for: ContextFactory
) -> None:
    envelope = (tdx_dir / "trustee_evidence-v1.json").read_bytes()
    parts = tdx_verifier.parse(envelope).envelope
    context = context_for(CollateralStore())
    # Without the quote verified, only the header, REPORTDATA[0:32] (the runtime claims hash) and the runtime
    # data can be checked; the other TDREPORT fields are compared with the quote after it verified.
    checked_first = set(range(32)) | set(range(32 + 128, 32 + 160)) | set(range(1216, 2437))
    for offset in flip_offsets(len(parts.hcl_report), 97):
        mutated = bytearray(parts.hcl_report)
        mutated[offset] ^= 0x04
        try:
            verify(tdx_verifier, _with_hcl(envelope, bytes(mutated)), context)
        except (EvidenceError, VerificationError):
            continue
        except CollateralMissingError:
            assert offset not in checked_first, f"flip at {offset} of the HCL report reached the collateral step"
    document = json.loads(envelope)
    for offset in flip_offsets(len(parts.tpm_quote.message), 23):
        message = bytearray(parts.tpm_quote.message)
        message[offset] ^= 0x01
        document["tpm_quote"]["message"] = message.hex()
        with pytest.raises((EvidenceError, VerificationError)):
            verify(tdx_verifier, json.dumps(document).encode(), context)
    for length in flip_offsets(len(envelope), 31)[:-1]:
        with pytest.raises((EvidenceError, VerificationError)):
            verify(tdx_verifier, envelope[:length], context)
