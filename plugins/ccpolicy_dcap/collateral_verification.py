"""Intel collateral at time ``now``: CRLs, TCB info and QE identity, each signed, chained and in its window.

QVL 4.1.2.4.6-9 and Intel's PCS documentation: the TCB info and QE identity signatures (ECDSA
P-256, raw r||s) cover the exact bytes of the ``tcbInfo`` / ``enclaveIdentity`` value, made by the
Intel SGX TCB Signing key, which chains to the root.  The root CA CRL covers the PCK CA and the
TCB signing certificate; the PCK CA's CRL covers the PCK certificate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from ccpolicy.certificates import (
    ContentMemo,
    check_revocation,
    crl_signed_by,
    crl_window,
    describe,
    fingerprint,
    is_test_root,
    per_certificate,
    per_object,
    public_key,
    subject_der,
    validity_window,
    verify_chain,
)
from ccpolicy.clock import format_time
from ccpolicy.errors import (
    CollateralExpiredError,
    CollateralMissingError,
    CollateralNotYetValidError,
    SignatureError,
)
from ccpolicy_dcap.collateral_selection import DcapCollateralPool, SignedDocument
from ccpolicy_dcap.ecdsa_signatures import verify_raw_signature
from ccpolicy_dcap.intel_collateral import QeIdentity, TcbInfo, parse_qe_identity, parse_tcb_info
from ccpolicy_dcap.quote_verification import PckChain

T = TypeVar("T", TcbInfo, QeIdentity)


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedCollateral:
    tcb_info: TcbInfo | None
    """None only when the caller allowed an unevaluated TCB and the collateral has no TCB info for the platform."""
    tcb_info_origin: str | None
    qe_identity: QeIdentity
    qe_identity_origin: str
    not_after: datetime
    """The earliest end of validity of every certificate, CRL and document used."""
    test_root: bool


def verify_collateral(
    pool: DcapCollateralPool,
    *,
    pck: PckChain,
    tee_id: str,
    qe_identity_id: str,
    anchors: Sequence[x509.Certificate],
    now: datetime,
    allow_unevaluated_tcb: bool = False,
) -> VerifiedCollateral:
    """Every piece of collateral the quote needs, verified at ``now``.

    ``allow_unevaluated_tcb``: with no TCB info for the platform at all, go on without it (``tcb_info``
    None); a TCB info that exists but is expired, not yet valid or badly signed still fails.
    """
    fmspc, pce_id = pck.extensions.fmspc, pck.extensions.pce_id

    def for_this_platform(info: TcbInfo) -> bool:
        return info.fmspc == fmspc and info.pce_id == pce_id and info.id == tee_id

    tcb_document: SignedDocument | None = None
    tcb_info: TcbInfo | None = None
    if not allow_unevaluated_tcb or any(for_this_platform(parsed_tcb_info(d)) for d in pool.tcb_infos):
        tcb_document, tcb_info = pick_document(
            pool.tcb_infos,
            parsed_tcb_info,
            for_this_platform,
            now,
            what=f"TCB info ({tee_id}, FMSPC {fmspc.hex()}, PCE-ID {pce_id.hex()})",
        )
    qe_document, qe_identity = pick_document(
        pool.qe_identities,
        parsed_qe_identity,
        lambda identity: identity.id == qe_identity_id,
        now,
        what=f"QE identity ({qe_identity_id})",
    )
    root_crl = pick_crl(pool, pck.root, now)
    pck_crl = pick_crl(pool, pck.intermediate, now)
    check_revocation(pck.intermediate, root_crl, pck.root, now)
    check_revocation(pck.leaf, pck_crl, pck.intermediate, now)
    used: list[x509.Certificate] = [pck.leaf, pck.intermediate, pck.root]
    crls = [root_crl, pck_crl]
    documents = [(tcb_document, "TCB info")] if tcb_document is not None else []
    for document, what in [*documents, (qe_document, "QE identity")]:
        signer, anchor = verify_document_signer(pool, document, anchors, now, what=what)
        same_root = subject_der(anchor) == subject_der(pck.root) or anchor.subject == pck.root.subject
        anchor_crl = root_crl if same_root else pick_crl(pool, anchor, now)
        check_revocation(signer, anchor_crl, anchor, now)
        used += [signer, anchor]
        crls.append(anchor_crl)
    ends = [validity_window(certificate)[1] for certificate in used]
    ends += [end for crl in crls if (end := crl_window(crl)[1]) is not None]
    ends += [document.next_update for document in (tcb_info, qe_identity) if document is not None]
    return VerifiedCollateral(
        tcb_info=tcb_info,
        tcb_info_origin=tcb_document.origin if tcb_document is not None else None,
        qe_identity=qe_identity,
        qe_identity_origin=qe_document.origin,
        not_after=min(ends),
        test_root=any(is_test_root(certificate) for certificate in used),
    )


def pick_crl(pool: DcapCollateralPool, issuer: x509.Certificate, now: datetime) -> x509.CertificateRevocationList:
    """The newest CRL signed by ``issuer``, preferring one inside its window at ``now``."""
    candidates = [crl for crl in pool.crls if crl_signed_by(crl, issuer)]
    if not candidates:
        raise CollateralMissingError(
            f"no CRL issued by '{describe(issuer)}' in the collateral",
            hint="pass the Intel PCS root CA CRL and PCK CRL (or a dcap-qvl collateral bundle) with --collateral",
        )
    current = [
        crl
        for crl in candidates
        if (window := crl_window(crl))[0] <= now and window[1] is not None and now <= window[1]
    ]
    return max(current or candidates, key=lambda crl: crl_window(crl)[0])


def pick_document(
    documents: Sequence[SignedDocument],
    parse: Callable[[SignedDocument], T],
    wanted: Callable[[T], bool],
    now: datetime,
    *,
    what: str,
) -> tuple[SignedDocument, T]:
    """The newest matching document valid at ``now``; expired or future ones raise naming their window."""
    matching = [(document, parsed) for document in documents if wanted(parsed := parse(document))]
    if not matching:
        raise CollateralMissingError(
            f"no {what} in the collateral",
            hint="fetch it from Intel PCS (or pass a dcap-qvl collateral bundle) with --collateral",
        )
    current = [item for item in matching if item[1].issue_date <= now <= item[1].next_update]
    if current:
        return max(current, key=lambda item: (item[1].evaluation_data_number, item[1].issue_date))
    past = [item for item in matching if item[1].next_update < now]
    if past:
        document, parsed = max(past, key=lambda item: item[1].next_update)
        raise CollateralExpiredError(
            f"{what} from {document.origin} expired at {format_time(parsed.next_update)} "
            f"(window {_window(parsed)}, evaluated at {format_time(now)})",
            hint="pass --at with a time inside the window, or fetch fresh collateral",
        )
    document, parsed = min(matching, key=lambda item: item[1].issue_date)
    raise CollateralNotYetValidError(
        f"{what} from {document.origin} is not valid before {format_time(parsed.issue_date)} "
        f"(window {_window(parsed)}, evaluated at {format_time(now)})"
    )


@per_object
def parsed_tcb_info(document: SignedDocument) -> TcbInfo:
    """The typed TCB info of a pooled document (parsed once per document object)."""
    return parse_tcb_info(document.document)


@per_object
def parsed_qe_identity(document: SignedDocument) -> QeIdentity:
    """The typed QE identity of a pooled document (parsed once per document object)."""
    return parse_qe_identity(document.document)


def _window(document: TcbInfo | QeIdentity) -> str:
    return f"{format_time(document.issue_date)} .. {format_time(document.next_update)}"


def verify_document_signer(
    pool: DcapCollateralPool,
    document: SignedDocument,
    anchors: Sequence[x509.Certificate],
    now: datetime,
    *,
    what: str,
) -> tuple[x509.Certificate, x509.Certificate]:
    """The certificate whose key made ``document``'s signature, chained to an anchor: (signer, anchor)."""
    signers = [certificate for certificate in pool.certificates if _is_leaf(certificate)]
    if not signers:
        raise CollateralMissingError(
            f"no TCB signing certificate in the collateral to check the {what} signature",
            hint="pass the TCB-Info-Issuer-Chain / Enclave-Identity-Issuer-Chain PEM with --collateral",
        )
    digest = signed_document_digest(document)
    for certificate in signers:
        if not _signed_document(document, digest, certificate, what=what):
            continue
        anchor = verify_chain([certificate], anchors, now, roles=(f"{what} signing",))
        return certificate, anchor
    raise SignatureError(f"{what} from {document.origin}: no signing certificate in the collateral made its signature")


_VERIFIED_DOCUMENTS: ContentMemo[tuple[bytes, bytes], bool] = ContentMemo()
"""(SHA-256 of a document's signed bytes and signature, signer fingerprint) pairs whose signature verified."""


def _signed_document(document: SignedDocument, digest: bytes, certificate: x509.Certificate, *, what: str) -> bool:
    """Whether ``certificate``'s key made ``document``'s signature; only a signature that verified is remembered."""
    key = (digest, fingerprint(certificate))
    if key in _VERIFIED_DOCUMENTS:
        return True
    try:
        verify_raw_signature(public_key(certificate), document.signature, document.body, what=what)
    except SignatureError:
        return False
    _VERIFIED_DOCUMENTS.remember(key, True)
    return True


@per_object
def signed_document_digest(document: SignedDocument) -> bytes:
    """SHA-256 over the signed bytes and then the r||s signature (fixed size, so unambiguous)."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(document.body)
    digest.update(document.signature)
    return digest.finalize()


@per_certificate
def _is_leaf(certificate: x509.Certificate) -> bool:
    if certificate.subject == certificate.issuer:
        return False
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except (x509.ExtensionNotFound, ValueError):
        return True
    return not constraints.ca
