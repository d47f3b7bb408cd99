"""The report signature: ECDSA P-384 with SHA-384 over bytes 000..2A0, R and S little-endian."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ccpolicy.errors import SignatureError
from ccpolicy_snp.report import SnpReport

P384_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973
_ECDSA_SHA384 = ec.ECDSA(hashes.SHA384())
"""The report signature algorithm (an immutable description; made once)."""


def der_signature(report: SnpReport) -> bytes:
    """R and S of the report as a DER ECDSA-Sig-Value; SignatureError if out of range for P-384."""
    r = int.from_bytes(report.signature_r, "little")
    s = int.from_bytes(report.signature_s, "little")
    if not (0 < r < P384_ORDER and 0 < s < P384_ORDER):
        raise SignatureError("report signature R or S is outside the range of a P-384 signature")
    return encode_dss_signature(r, s)


def verify_report_signature(report: SnpReport, public_key: object, *, signer: str) -> None:
    """Raise SignatureError unless ``public_key`` (a P-384 key) signed the report."""
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name != "secp384r1":
        raise SignatureError(f"{signer} key is not an ECDSA P-384 key; SEV-SNP reports are signed with P-384")
    signature = der_signature(report)
    try:
        public_key.verify(signature, report.signed_bytes, _ECDSA_SHA384)
    except InvalidSignature as exc:
        raise SignatureError(f"the report signature does not verify with the {signer} key") from exc


def signature_verifies(report: SnpReport, public_key: object) -> bool:
    try:
        verify_report_signature(report, public_key, signer="candidate")
    except SignatureError:
        return False
    return True
