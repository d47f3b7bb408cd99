"""Verification of parsed example evidence at a given time: the signature, then the claims."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, TcbClaims
from ccpolicy.errors import SignatureError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_example_tee.attestation_keys import PinnedKey, trusted_keys
from ccpolicy_example_tee.evidence_format import FORMAT, ExampleEvidence

TEE_ID = "example"


def verify_evidence(evidence: ExampleEvidence, context: VerificationContext) -> Claims:
    """Claims of evidence signed by a trusted pinned key; SignatureError when no pinned key signed it."""
    key = signing_key(evidence, trusted_keys(context.collateral, unsafe_trust_test_root=context.unsafe_trust_test_root))
    return build_claims(evidence, key, context)


def signing_key(evidence: ExampleEvidence, keys: list[PinnedKey]) -> PinnedKey:
    for key in keys:
        try:
            key.ed25519().verify(evidence.signature, evidence.signed_bytes)
        except InvalidSignature:
            continue
        return key
    raise SignatureError(f"the report's Ed25519 signature does not verify with any of the {len(keys)} pinned key(s)")


def build_claims(evidence: ExampleEvidence, key: PinnedKey, context: VerificationContext) -> Claims:
    report = evidence.report
    return Claims(
        tee=TEE_ID,
        evidence=EvidenceClaims(
            platform={"vendor": "ccpolicy example", "product": "example TEE"},
            measurements={"workload": report.measurement},
            signer=None,
            debug=report.debug,
            tcb=TcbClaims(components={"svn": report.svn}),
            report_data=report.report_data,
            identity={"instance_id": report.instance_id},
        ),
        vendor={
            "format": FORMAT,
            "measurement": report.measurement,
            "report_data": report.report_data,
            "debug": report.debug,
            "svn": report.svn,
            "instance_id": report.instance_id,
            "attestation_key": key.public_key,
        },
        collateral=CollateralStatus(
            source="test-root" if key.test_key else context.collateral.source, not_after=None, crl_checked=False
        ),
    )
