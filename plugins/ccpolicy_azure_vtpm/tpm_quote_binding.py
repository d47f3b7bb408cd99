"""The vTPM quote, verified by the host's ``tpm`` verifier with the AK pinned to HCLAkPub.

The quote is handed over in the tpm plugin's plain JSON form (``application/vnd.ccpolicy.tpm.quote+json``):
TPMS_ATTEST, the signature as a TPMT_SIGNATURE, the SHA-256 PCRs 0..23, and the AK's TPMT_PUBLIC rebuilt
from the HCLAkPub JWK (ak_public_area). Its collateral is only a pin of that AK's TPM name, so no other key
can be trusted for it. The tpm verifier checks the AK is a restricted signing key, the signature over
TPMS_ATTEST (magic, type quote), and the PCR values against the signed pcrDigest. Then the quote's signed
qualifiedSigner must be the qualified name of the rebuilt key: the proof that the rebuilt public area
(restricted attribute included) is the TPM's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ccpolicy.claims import Claims
from ccpolicy.collateral import CollateralJson, CollateralStore
from ccpolicy.errors import BindingError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_azure_vtpm.ak_public_area import AttestationKey, hcl_attestation_key, rsassa_sha256_signature
from ccpolicy_azure_vtpm.nested_verification import nested_claims
from ccpolicy_azure_vtpm.vtpm_evidence import AzureVtpmEvidence

TPM_TEE_ID = "tpm"
AK_PIN_ORIGIN = Path("<HCLAkPub of the HCL runtime claims>")


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedTpmQuote:
    key: AttestationKey
    claims: Claims
    """The tpm verifier's claims."""


def plain_quote_document(evidence: AzureVtpmEvidence, key: AttestationKey) -> bytes:
    quote = evidence.envelope.tpm_quote
    document = {
        "quote": quote.message.hex(),
        "signature": rsassa_sha256_signature(quote.signature).hex(),
        "pcrs": {"sha256": {str(index): value.hex() for index, value in enumerate(quote.pcrs)}},
        "ak_public": key.public_area.hex(),
    }
    return json.dumps(document).encode()


def ak_pin(key: AttestationKey) -> CollateralStore:
    document = {"tpm": {"ak_names": [key.name.hex()]}}
    raw = json.dumps(document).encode()
    return CollateralStore(json_documents=(CollateralJson(document=document, raw=raw, origin=AK_PIN_ORIGIN),))


def verify_tpm_quote(evidence: AzureVtpmEvidence, context: VerificationContext, *, needed_for: str) -> VerifiedTpmQuote:
    key = hcl_attestation_key(evidence.hcl.runtime_claims.ak)
    tpm_context = VerificationContext(now=context.now, collateral=ak_pin(key), verifier_lookup=context.verifier_lookup)
    claims = nested_claims(context, TPM_TEE_ID, plain_quote_document(evidence, key), tpm_context, needed_for=needed_for)
    check_qualified_signer(claims, key)
    return VerifiedTpmQuote(key=key, claims=claims)


def check_qualified_signer(claims: Claims, key: AttestationKey) -> None:
    quotes = claims.vendor.get("quotes")
    signers = (
        {quote.get("qualified_signer") for quote in quotes if isinstance(quote, dict)}
        if isinstance(quotes, list)
        else set()
    )
    if not signers or any(not isinstance(signer, bytes) for signer in signers):
        raise BindingError("the tpm verifier's claims name no qualifiedSigner, so the AK's template is unproven")
    if signers != {key.qualified_name}:
        shown = ", ".join(sorted(signer.hex() for signer in signers if isinstance(signer, bytes)))
        raise BindingError(
            f"the quote's qualifiedSigner {shown} is not the qualified name {key.qualified_name.hex()} of HCLAkPub "
            "under Azure's AK template (restricted RSASSA/SHA-256 signing key in the endorsement hierarchy): "
            "the key that signed cannot be shown to be a restricted attestation key",
            reason="verification.binding.ak_template",
        )
