"""Verification of one parsed report at ``context.now``: consistency, endorsement chain, signature.

Order: fields that must agree with each other (BindingError), then the chain of the signing key
(trust.endorse_report: collateral errors, ChainError, BindingError for TCB/chip/product), then the
ECDSA P-384 signature over bytes 000..2A0 with the endorsed key (SignatureError). The chain is checked
before the key is used, so a key is never trusted on the report's word. The signature check goes through
``context.check_before_release``: the pipeline overlaps it with the appraisal and releases nothing before
it passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.certificates import public_key
from ccpolicy.errors import BindingError, SignatureError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.report import SIGNATURE_ALGO_ECDSA_P384_SHA384, SnpReport
from ccpolicy_snp.report_signature import verify_report_signature
from ccpolicy_snp.trust import Endorsement, endorse_report


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedReport:
    report: SnpReport
    endorsement: Endorsement


def check_report_consistency(report: SnpReport) -> None:
    """Fields of a genuine report that must agree; BindingError when they do not."""
    if report.key_info.mask_chip_key and report.key_info.signing_key is SigningKey.VCEK:
        raise BindingError("MASK_CHIP_KEY says the VCEK is not used for attestation, but SIGNING_KEY names the VCEK")
    if any(report.reported_tcb.reserved):
        raise BindingError(
            f"REPORTED_TCB {report.reported_tcb.raw:#018x} has non-zero reserved bytes, which no VCEK or VLEK certifies"
        )


def verify_report(report: SnpReport, context: VerificationContext) -> VerifiedReport:
    """Verify ``report`` or raise VerificationError / CollateralError."""
    if report.signature_algo != SIGNATURE_ALGO_ECDSA_P384_SHA384:
        raise SignatureError(f"SIGNATURE_ALGO {report.signature_algo} is not ECDSA P-384 with SHA-384")
    if report.key_info.signing_key is SigningKey.NONE:
        raise SignatureError("the report says no key signed it (SIGNING_KEY = none); it cannot be verified")
    check_report_consistency(report)
    endorsement = endorse_report(report, context)
    key, signer = public_key(endorsement.leaf), endorsement.signing_key.name
    context.check_before_release(lambda: verify_report_signature(report, key, signer=signer))
    return VerifiedReport(report=report, endorsement=endorsement)
