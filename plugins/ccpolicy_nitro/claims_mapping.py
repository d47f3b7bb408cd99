"""Verified Nitro evidence -> ccpolicy Claims.

Normalized: ``measurements`` pcr0..pcr8 (image, kernel, application, IAM role,
instance id, ..., signing certificate), ``debug`` when PCR0, PCR1 and PCR2 are
all zero (AWS's debug-mode marker), ``signer`` = PCR8 when the image is signed,
``report_data`` = the nonce (empty when absent), ``identity`` = module id.
Vendor: every document field; ``timestamp`` in RFC 3339 with milliseconds and
``timestamp_ms`` exact, so a policy can bound the document's age against ``now``.
"""

from __future__ import annotations

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_nitro.attestation_document import NitroAttestationDocument
from ccpolicy_nitro.certificate_chain import VerifiedChain

NORMALIZED_PCRS = range(9)
DEBUG_PCRS = (0, 1, 2)
SIGNER_PCR = 8


def build_claims(document: NitroAttestationDocument, chain: VerifiedChain, *, tee: str) -> Claims:
    pcrs = document.pcrs
    debug = all(not any(pcrs.get(index, b"")) for index in DEBUG_PCRS)
    signer = pcrs.get(SIGNER_PCR)
    evidence = EvidenceClaims(
        platform={"vendor": "AWS", "product": "Nitro Enclaves"},
        measurements={f"pcr{index}": pcrs[index] for index in NORMALIZED_PCRS if index in pcrs},
        signer=signer if signer is not None and any(signer) else None,
        debug=debug,
        tcb=TcbClaims(),
        report_data=document.nonce or b"",
        identity={"module_id": document.module_id},
    )
    return Claims(
        tee=tee,
        evidence=evidence,
        vendor=vendor_claims(document),
        collateral=CollateralStatus(
            source="test-root" if chain.test_root else "embedded", not_after=chain.not_after, crl_checked=False
        ),
    )


def vendor_claims(document: NitroAttestationDocument) -> dict[str, JsonValue]:
    return {
        "module_id": document.module_id,
        "digest": document.digest.value,
        "timestamp": rfc3339_milliseconds(document),
        "timestamp_ms": document.timestamp_ms,
        "pcrs": {f"pcr{index}": value for index, value in document.pcrs.items()},
        "certificate": document.certificate_der,
        "cabundle": list(document.cabundle_der),
        "public_key": document.public_key,
        "user_data": document.user_data,
        "nonce": document.nonce,
    }


def rfc3339_milliseconds(document: NitroAttestationDocument) -> str:
    moment = document.timestamp
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{document.timestamp_ms % 1000:03d}Z"
