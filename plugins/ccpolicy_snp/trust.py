"""Which AMD certificates endorse a report, and whether they chain to a pinned ARK at ``now``.

Selection is by content, never by file name:

* VCEK (SIGNING_KEY 0): a certificate with CN ``SEV-VCEK`` whose hwID extension equals the report's
  CHIP_ID. Milan and Genoa hwIDs are the 64 bytes of CHIP_ID; a Turin hwID is 8 bytes, which must
  equal CHIP_ID[0:8] with the remaining 56 bytes of CHIP_ID zero (AMD's Turin rule: KDS indexes
  Turin VCEKs by the first 8 bytes). A report whose CHIP_ID is masked (all zero) is matched by TCB only.
* VLEK (SIGNING_KEY 1): a certificate with CN ``SEV-VLEK`` (VLEKs carry no hwID).
* Its TCB extensions (bl, tee, snp, microcode, and fmc on Turin) must equal REPORTED_TCB; a certificate
  for the right chip at another TCB is a BindingError naming both TCBs.
* ASK (CN ``SEV-<product>``) or ASVK (``SEV-VLEK-<product>``): the certificate whose subject is the
  leaf's issuer. The chain leaf -> ASK/ASVK -> ARK is verified with ccpolicy.certificates.verify_chain,
  every window at ``now``, against the embedded ARKs (plus forge test roots only when
  VerificationContext.unsafe_trust_test_root is set).
* CRLs in the collateral issued by the ARK (AMD's KDS ``crl``) or by the ASK are checked when present.

The chain is verified before the leaf's claims (TCB, hwID size, product) are compared with the report,
so a certificate under an untrusted root is a ChainError whatever it claims. (Validity windows are
checked by verify_chain before signatures, so an expired certificate under an untrusted root is
reported as expired.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from ccpolicy.certificates import (
    check_revocation,
    describe,
    fingerprint,
    is_test_root,
    issued_by_name,
    per_certificate,
    public_key,
    validity_window,
    verify_chain,
)
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import BindingError, ChainError, CollateralMissingError, SignatureError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp.amd_roots import pinned_root_certificates, pinned_roots
from ccpolicy_snp.kds import TURIN_HWID_SIZE, cert_chain_url, vcek_url
from ccpolicy_snp.kds_extensions import EndorsementExtensions, read_endorsement_extensions
from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.report import SnpReport
from ccpolicy_snp.report_signature import signature_verifies
from ccpolicy_snp.tcb import TcbVersion

LEAF_COMMON_NAMES = {SigningKey.VCEK: "SEV-VCEK", SigningKey.VLEK: "SEV-VLEK"}
OTHER_LEAF_NAMES = {SigningKey.VCEK: {"SEV-VLEK"}, SigningKey.VLEK: {"SEV-VCEK"}}
INTERMEDIATE_PREFIXES = {SigningKey.VCEK: "SEV-", SigningKey.VLEK: "SEV-VLEK-"}
INTERMEDIATE_ROLES = {SigningKey.VCEK: "ASK", SigningKey.VLEK: "ASVK"}
_INTERMEDIATE_PRODUCTS = {
    signing_key: {prefix + product.value: product for product in SevProduct}
    for signing_key, prefix in INTERMEDIATE_PREFIXES.items()
}
"""``SEV-Milan`` -> Milan for an ASK, ``SEV-VLEK-Milan`` -> Milan for an ASVK."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Endorsement:
    """The verified certificate chain behind one report."""

    signing_key: SigningKey
    leaf: x509.Certificate
    """The VCEK or VLEK."""
    leaf_extensions: EndorsementExtensions
    intermediate: x509.Certificate
    """The ASK or ASVK."""
    root: x509.Certificate
    """The ARK the chain ends in."""
    product: SevProduct
    test_root: bool
    """True when the root is a ccpolicy forge test root (accepted only with unsafe_trust_test_root)."""
    crl_checked: bool
    not_after: datetime
    """The earliest end of validity of the certificates and CRLs used."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidate:
    certificate: x509.Certificate
    extensions: EndorsementExtensions


def endorse_report(report: SnpReport, context: VerificationContext) -> Endorsement:
    """Find and verify the chain that endorses ``report``'s signing key. Does not check the report signature."""
    signing_key = report.key_info.signing_key
    if signing_key is SigningKey.NONE:
        raise SignatureError("the report says no key signed it (SIGNING_KEY = none); it cannot be verified")
    certificates = _certificates(context.collateral)
    candidate = _select_leaf(report, certificates, context.now)
    leaf = candidate.certificate
    intermediate, product = _select_intermediate(report, leaf, certificates)

    roots = pinned_roots()
    anchors = context.trust_anchors(pinned_root_certificates())
    intermediate_role = INTERMEDIATE_ROLES[signing_key]
    root = verify_chain([leaf, intermediate], anchors, context.now, roles=(signing_key.name, intermediate_role))
    pinned = roots.get(fingerprint(root))
    root_product = pinned[0] if pinned is not None else _test_root_product(root)
    if root_product is not product:
        raise ChainError(
            f"{intermediate_role} '{describe(intermediate)}' is for {product.value}, "
            f"but the chain ends in '{describe(root)}'"
        )
    # Only now that the certificate is trusted are its claims compared with the report.
    _check_product(report, candidate, product)
    _check_tcb(report, candidate)

    not_after = min(validity_window(leaf)[1], validity_window(intermediate)[1], validity_window(root)[1])
    crl_checked = False
    if context.collateral.crls:
        for certificate, issuer in ((intermediate, root), (leaf, intermediate)):
            crl = _newest_crl(context.collateral, issuer)
            if crl is None:
                continue
            check_revocation(certificate, crl, issuer, context.now)
            crl_checked = True
            if crl.next_update_utc is not None:
                not_after = min(not_after, crl.next_update_utc)
    return Endorsement(
        signing_key=signing_key,
        leaf=leaf,
        leaf_extensions=candidate.extensions,
        intermediate=intermediate,
        root=root,
        product=product,
        test_root=pinned is None and is_test_root(root),
        crl_checked=crl_checked,
        not_after=not_after,
    )


def hwid_matches(hwid: bytes, chip_id: bytes) -> bool:
    """AMD's rule: a 64-byte hwID equals CHIP_ID; an 8-byte (Turin) hwID equals CHIP_ID[0:8], the rest zero."""
    if len(hwid) == len(chip_id):
        return hwid == chip_id
    return len(hwid) == TURIN_HWID_SIZE and chip_id[:TURIN_HWID_SIZE] == hwid and not any(chip_id[TURIN_HWID_SIZE:])


def certifies_tcb(extensions: EndorsementExtensions, tcb: TcbVersion) -> bool:
    """Whether the certificate's TCB extensions equal ``tcb`` (exactly when tcb_mismatches is empty)."""
    return (
        extensions.bootloader == tcb.bootloader
        and extensions.tee == tcb.tee
        and extensions.snp == tcb.snp
        and extensions.microcode == tcb.microcode
        and extensions.fmc == tcb.fmc
    )


def tcb_mismatches(extensions: EndorsementExtensions, tcb: TcbVersion) -> list[str]:
    """How the certificate's TCB extensions differ from ``tcb``; empty when they are equal."""
    certified = extensions.tcb_components()
    differences = []
    for name, level in tcb.components().items():
        if certified.get(name) != level:
            shown = certified.get(name)
            differences.append(f"{name} {shown if shown is not None else 'absent'} != {level}")
    if tcb.fmc is None and extensions.fmc is not None:
        differences.append(f"fmc {extensions.fmc} certified, but the report's TCB layout has no FMC")
    return differences


def leaf_source(report: SnpReport) -> str:
    """Where the report's VCEK or VLEK comes from, for hints."""
    if report.key_info.signing_key is SigningKey.VCEK:
        return vcek_url(report.product, report.chip_id, report.reported_tcb)
    return "the cloud provider's VLEK (the certificate table of the guest's extended report)"


def _select_leaf(report: SnpReport, certificates: Sequence[x509.Certificate], now: datetime) -> _Candidate:
    signing_key = report.key_info.signing_key
    common_name = LEAF_COMMON_NAMES[signing_key]
    candidates = _unique(
        _Candidate(certificate=certificate, extensions=extensions)
        for certificate in certificates
        if describe(certificate) == common_name
        for extensions in _extensions_or_none(certificate)
    )
    if signing_key is SigningKey.VCEK:
        chip_masked = not any(report.chip_id)
        for_other_chips = candidates
        if not chip_masked:
            candidates = [
                c
                for c in candidates
                if c.extensions.hwid is not None and hwid_matches(c.extensions.hwid, report.chip_id)
            ]
        if not candidates:
            url = leaf_source(report)
            what = "the masked chip" if chip_masked else f"chip {report.chip_id.hex()}"
            other_chips = [c.extensions.hwid.hex() for c in for_other_chips if c.extensions.hwid is not None]
            if other_chips:
                # A VCEK is there, for another chip: the report and its collateral disagree (exit 3, not 4).
                raise BindingError(
                    f"the report names {what}, but the VCEK certificates in the collateral are for "
                    f"hwID {', '.join(other_chips)}",
                    hint=f"the VCEK of this chip is at {url}",
                )
            _refuse_other_key_kind(signing_key, certificates)
            raise CollateralMissingError(
                f"no VCEK certificate (CN SEV-VCEK) for {what} is in the collateral",
                hint=f"fetch the VCEK from AMD KDS: {url}",
            )
    elif not candidates:
        _refuse_other_key_kind(signing_key, certificates)
        raise CollateralMissingError(
            "the report is signed by a VLEK, and no VLEK certificate (CN SEV-VLEK) is in the collateral",
            hint=f"pass {leaf_source(report)}",
        )
    tcb = report.reported_tcb
    matching = [c for c in candidates if certifies_tcb(c.extensions, tcb)]
    return _prefer(matching or candidates, report, now)


def _refuse_other_key_kind(signing_key: SigningKey, certificates: Sequence[x509.Certificate]) -> None:
    """The collateral endorses this platform with the other kind of key: SIGNING_KEY and collateral disagree."""
    other_keys = [c for c in certificates if describe(c) in OTHER_LEAF_NAMES[signing_key]]
    if other_keys:
        raise BindingError(
            f"the report says a {signing_key.name} signed it, but the collateral holds "
            f"{', '.join(sorted({describe(c) for c in other_keys}))} and no {LEAF_COMMON_NAMES[signing_key]}"
        )


def _check_tcb(report: SnpReport, candidate: _Candidate) -> None:
    tcb = report.reported_tcb
    if certifies_tcb(candidate.extensions, tcb):
        return
    differences = tcb_mismatches(candidate.extensions, tcb)
    name = report.key_info.signing_key.name
    raise BindingError(
        f"the {name} in the collateral certifies TCB {_describe_certified(candidate.extensions)}, "
        f"but the report's REPORTED_TCB is {tcb.describe()} ({'; '.join(differences)})",
        hint=f"the {name} for this TCB is at {leaf_source(report)}",
    )


def _prefer(candidates: list[_Candidate], report: SnpReport, now: datetime) -> _Candidate:
    """One of several matching leaves: one whose key signed the report, valid at ``now``, newest."""
    if len(candidates) == 1:
        return candidates[0]
    signing = [c for c in candidates if signature_verifies(report, public_key(c.certificate))] or candidates
    current = [
        c for c in signing if c.certificate.not_valid_before_utc <= now <= c.certificate.not_valid_after_utc
    ] or signing
    return max(current, key=lambda c: c.certificate.not_valid_after_utc)


def _select_intermediate(
    report: SnpReport, leaf: x509.Certificate, certificates: Sequence[x509.Certificate]
) -> tuple[x509.Certificate, SevProduct]:
    signing_key = report.key_info.signing_key
    role = INTERMEDIATE_ROLES[signing_key]
    issuer_name = issuer_common_name(leaf)
    product = _product_from_intermediate_name(issuer_name, signing_key)
    if product is None:
        raise ChainError(
            f"{signing_key.name} '{describe(leaf)}' is issued by '{issuer_name or leaf.issuer.rfc4514_string()}', "
            f"which is not an AMD {role} name ({INTERMEDIATE_PREFIXES[signing_key]}<product>)"
        )
    found = _unique_certificates(c for c in certificates if issued_by_name(leaf, c))
    if not found and any(describe(c) == issuer_name for c in certificates):
        # An ASK of that common name is there, but not with the exact issuer name: a name was altered.
        raise ChainError(
            f"the {signing_key.name}'s issuer name '{leaf.issuer.rfc4514_string()}' matches no {role} in the "
            f"collateral, although a '{issuer_name}' is there: the name was altered or the {role} is another one"
        )
    if not found:
        raise CollateralMissingError(
            f"the {role} '{issuer_name}' that issued the {signing_key.name} is not in the collateral",
            hint=f"fetch the {role} and ARK from AMD KDS: {cert_chain_url(product, signing_key)}",
        )
    if len(found) == 1:
        return found[0], product  # verify_chain checks the signature
    for certificate in found:
        try:
            leaf.verify_directly_issued_by(certificate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return certificate, product
    return found[0], product


@per_certificate
def issuer_common_name(certificate: x509.Certificate) -> str:
    """The issuer's common name, or the empty string when it has none."""
    names = certificate.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def _check_product(report: SnpReport, candidate: _Candidate, product: SevProduct) -> None:
    if report.product is not None and report.product is not product:
        raise BindingError(
            f"the report's CPUID says {report.product.value}, but its {report.key_info.signing_key.name} "
            f"chain is for {product.value}"
        )
    if report.product is None and product is SevProduct.TURIN:
        raise BindingError(
            f"a version {report.version} report has no CPUID and the Milan/Genoa TCB layout, "
            "but its signing key chain is for Turin"
        )
    hwid = candidate.extensions.hwid
    if hwid is not None and (len(hwid) == TURIN_HWID_SIZE) != (product is SevProduct.TURIN):
        raise BindingError(f"the VCEK hwID has {len(hwid)} bytes, which does not fit a {product.value} VCEK")


def _product_from_intermediate_name(name: str, signing_key: SigningKey) -> SevProduct | None:
    return _INTERMEDIATE_PRODUCTS[signing_key].get(name)


def _test_root_product(root: x509.Certificate) -> SevProduct | None:
    """Forge roots are named ``ARK-<product> ccpolicy test root - not genuine hardware``."""
    name = describe(root)
    if not name.startswith("ARK-"):
        return None
    return SevProduct.from_name(name[len("ARK-") :].split(" ", 1)[0])


def _describe_certified(extensions: EndorsementExtensions) -> str:
    return " ".join(f"{name}={level}" for name, level in extensions.tcb_components().items())


def _newest_crl(store: CollateralStore, issuer: x509.Certificate) -> x509.CertificateRevocationList | None:
    crls = [item.crl for item in store.crls if item.crl.issuer == issuer.subject]
    return max(crls, key=lambda crl: crl.last_update_utc, default=None)


def _certificates(store: CollateralStore) -> list[x509.Certificate]:
    return [item.certificate for item in store.certificates]


def _extensions_or_none(certificate: x509.Certificate) -> Sequence[EndorsementExtensions]:
    """The certificate's AMD extensions, or nothing when they are malformed (it cannot be the signer)."""
    try:
        return (_cached_extensions(certificate),)
    except ChainError:
        return ()


@per_certificate
def _cached_extensions(certificate: x509.Certificate) -> EndorsementExtensions:
    return read_endorsement_extensions(certificate)


def _unique(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    listed = list(candidates)
    if len(listed) < 2:
        return listed
    seen: dict[bytes, _Candidate] = {}
    for candidate in listed:
        seen.setdefault(fingerprint(candidate.certificate), candidate)
    return list(seen.values())


def _unique_certificates(certificates: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    listed = list(certificates)
    if len(listed) < 2:
        return listed
    seen: dict[bytes, x509.Certificate] = {}
    for certificate in listed:
        seen.setdefault(fingerprint(certificate), certificate)
    return list(seen.values())
