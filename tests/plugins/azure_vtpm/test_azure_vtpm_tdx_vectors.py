"""az-tdx-vtpm: no Intel TCB info for FMSPC 00806F050000 exists in the vectors, so without
``--allow-unevaluated-tcb`` the full verification stops fail-closed with CollateralMissingError (exit 4).
Every binding and PROVENANCE fact is asserted here through the lower-level API as well; the end-to-end
verification with the TCB left unevaluated is in test_azure_vtpm_tdx_unevaluated_tcb.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import BindingError, CollateralMissingError, SignatureError, VerificationError
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier
from ccpolicy_azure_vtpm.hardware_binding import (
    check_runtime_claims_hash,
    check_td_quote_matches,
    runtime_claims_digest,
)
from ccpolicy_azure_vtpm.tpm_quote_binding import verify_tpm_quote
from ccpolicy_azure_vtpm.verifier import AzureVtpmVerifier
from ccpolicy_azure_vtpm.vtpm_evidence import AzureVtpmEvidence
from tests.plugins.azure_vtpm.conftest import ContextFactory
from tests.plugins.azure_vtpm.vtpm_cases import NOW, TDX_ENVELOPES, replace_tpm_quote, verify

MRTD = "024a32b070383331181619fa387cb4d55d1e38879f989933055ccad5bc2db795d1737b66205949d15469dc8c1ba7ab7b"
PCR_DIGEST = "6c0e21d918212d57872a752bcf358355d508d1d5b8cb632259b898b15f9f658d"
SIGNATURE_OFFSET = 48 + 584 + 4
"""A v4 TD quote: header, TD report body, signature data length, then the ECDSA quote signature."""


def all_evidence(tdx_dir: Path, loose: bytes) -> dict[str, bytes]:
    return {"loose": loose, **{name: (tdx_dir / name).read_bytes() for name in TDX_ENVELOPES}}


def quote_measurements(quote: Any) -> dict[str, bytes]:
    body = quote.report
    return {"mrtd": body.mr_td, **{f"rtmr{i}": rtmr for i, rtmr in enumerate(body.rtmrs)}, "mrseam": body.mr_seam}


@pytest.mark.parametrize("name", ["loose", *TDX_ENVELOPES])
def test_full_verification_needs_intel_collateral(
    name: str, tdx_verifier: AzureVtpmVerifier, tdx_dir: Path, tdx_loose_envelope: bytes, context_for: ContextFactory
) -> None:
    evidence = all_evidence(tdx_dir, tdx_loose_envelope)[name]
    assert tdx_verifier.detect(evidence)
    with pytest.raises(CollateralMissingError) as caught:
        verify(tdx_verifier, evidence, context_for(CollateralStore()))
    assert caught.value.exit_code == 4
    text = caught.value.diagnostics()
    assert "00806f050000" in text.lower()
    assert "https://api.trustedservices.intel.com/tdx/certification/v4/tcb" in text


@pytest.mark.parametrize("name", ["loose", *TDX_ENVELOPES])
def test_bindings_and_provenance_facts(
    name: str,
    *,
    tdx_verifier: AzureVtpmVerifier,
    tdx_dir: Path,
    tdx_loose_envelope: bytes,
    host: PluginHost,
    context_for: ContextFactory,
) -> None:
    evidence: AzureVtpmEvidence = tdx_verifier.parse(all_evidence(tdx_dir, tdx_loose_envelope)[name])
    hcl, td_report = evidence.hcl, evidence.td_report
    assert td_report is not None and evidence.envelope.td_quote is not None
    assert hcl.header.version == 2
    assert hcl.report_type.label == "tdx" and hcl.hash_type.label == "sha256"
    assert len(evidence.envelope.td_quote) == 5006

    # TPM quote signed by HCLAkPub of the runtime claims (through the host's tpm verifier), PCR digest checked.
    tpm = verify_tpm_quote(evidence, context_for(CollateralStore()), needed_for="test")
    assert tpm.claims.evidence.report_data == b"challenge"
    assert tpm.claims.vendor["quotes"][0]["pcr_digest"].hex() == PCR_DIGEST
    assert tpm.claims.vendor["quotes"][0]["qualified_signer"] == tpm.key.qualified_name

    # SHA-256(runtime claims) == TDREPORT.report_data[0:32] == TD quote report_data[0:32]; MRTD and RTMRs equal.
    quote = host.verifier("tdx").parse(evidence.envelope.td_quote)
    digest = runtime_claims_digest(hcl)
    check_runtime_claims_hash(hcl, td_report.report_data, where="the TDREPORT's")
    check_runtime_claims_hash(hcl, quote.report.report_data, where="the TD quote's")
    assert td_report.report_data[:32] == quote.report.report_data[:32] == digest
    check_td_quote_matches(td_report, quote.report.report_data, quote_measurements(quote))
    assert td_report.mr_td.hex() == quote.report.mr_td.hex() == MRTD
    assert td_report.td_attributes == bytes(8) and not td_report.debug and not quote.report.debug

    configuration = hcl.runtime_claims.vm_configuration
    assert configuration.console_enabled is True
    assert configuration.secure_boot is True
    assert configuration.tpm_enabled is True
    assert configuration.tpm_persisted is False
    assert configuration.root_cert_thumbprint == "6nZZnYaJc4KqUZ_yvA-mucFdYNouvlPnITnNMXsHl-0"
    assert configuration.vm_unique_id == "6332533D-5649-4D02-8AA7-8F64B7C3EE21"


def test_envelopes_carry_the_loose_parts(tdx_verifier: AzureVtpmVerifier, tdx_dir: Path) -> None:
    loose_quote = json.loads((tdx_dir / "trustee_tpm-quote-v1.json").read_bytes())
    for name in TDX_ENVELOPES:
        envelope = tdx_verifier.parse((tdx_dir / name).read_bytes()).envelope
        assert envelope.hcl_report == (tdx_dir / "trustee_hcl-report.bin").read_bytes()
        assert envelope.td_quote == (tdx_dir / "trustee_td-quote.bin").read_bytes()
        assert envelope.tpm_quote.message.hex() == loose_quote["message"]


def test_td_quote_mismatch_is_a_binding_error(tdx_verifier: AzureVtpmVerifier, tdx_dir: Path, host: PluginHost) -> None:
    evidence = tdx_verifier.parse((tdx_dir / "trustee_evidence-v1.json").read_bytes())
    assert evidence.td_report is not None and evidence.envelope.td_quote is not None
    quote = host.verifier("tdx").parse(evidence.envelope.td_quote)
    measurements = quote_measurements(quote) | {"mrtd": bytes(48)}
    with pytest.raises(BindingError, match="MRTD"):
        check_td_quote_matches(evidence.td_report, quote.report.report_data, measurements)
    with pytest.raises(BindingError, match="REPORTDATA"):
        check_td_quote_matches(evidence.td_report, bytes(64), quote_measurements(quote))


def test_tampered_td_quote_fails_before_collateral(
    tdx_verifier: AzureVtpmVerifier, tdx_loose_envelope: bytes, context_for: ContextFactory
) -> None:
    document = json.loads(tdx_loose_envelope)
    from ccpolicy_azure_vtpm.text_encodings import decode_base64url

    quote = bytearray(decode_base64url(document["td_quote"], what="test"))
    quote[SIGNATURE_OFFSET + 5] ^= 0x01
    import base64

    document["td_quote"] = base64.urlsafe_b64encode(bytes(quote)).decode()
    with pytest.raises(VerificationError) as caught:
        verify(tdx_verifier, json.dumps(document).encode(), context_for(CollateralStore()))
    assert caught.value.exit_code == 3


def test_swapped_tpm_quote_is_exit_3_without_collateral(
    tdx_verifier: AzureVtpmVerifier, tdx_dir: Path, vectors: Path, context_for: ContextFactory, host: PluginHost
) -> None:
    donor = (vectors / "az-snp-vtpm" / "trustee_evidence-v1.json").read_bytes()
    swapped = replace_tpm_quote((tdx_dir / "trustee_evidence-v1.json").read_bytes(), donor)
    with pytest.raises(SignatureError):
        verify(tdx_verifier, swapped, context_for(CollateralStore()))
    outcome = AttestationVerifier(host).verify(swapped, now=NOW, collateral=CollateralStore())
    assert outcome.tee == "az-tdx-vtpm" and outcome.exit_code == 3


def test_pipeline_exit_4(host: PluginHost, tdx_dir: Path) -> None:
    outcome = AttestationVerifier(host).verify(
        (tdx_dir / "trustee_evidence-v0.json").read_bytes(), now=NOW, collateral=CollateralStore(), nonce=b"challenge"
    )
    assert outcome.tee == "az-tdx-vtpm"
    assert outcome.exit_code == 4
