"""What an answer of AMD KDS holds, and when it is valid. No network, no signature checks.

* VCEK: one certificate (KDS serves DER; PEM is accepted).
* Certificate chain: PEM with the ASK (or ASVK) and the ARK.
* CRL: one CRL (DER; PEM accepted) with a nextUpdate.

The window of certificates is the intersection of their validity periods; that of a CRL is
thisUpdate..nextUpdate. Whether the certificates chain to a pinned ARK and the CRL is signed by it is
decided by trust.py when the collateral is used; here only the shape and the window are read, so the
cache knows when to fetch again and never hands out a CRL outside its window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from ccpolicy.certificates import zero_serials_tolerated
from ccpolicy.clock import format_time
from ccpolicy.errors import CollateralExpiredError, CollateralMissingError, CollateralNotYetValidError
from ccpolicy_snp.kds import ArtifactKind

PEM_MARK = b"-----BEGIN"


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidityWindow:
    not_before: datetime
    not_after: datetime

    def contains(self, now: datetime) -> bool:
        return self.not_before <= now <= self.not_after

    def describe(self) -> str:
        return f"{format_time(self.not_before)} .. {format_time(self.not_after)}"


def artifact_window(kind: ArtifactKind, data: bytes, *, origin: str) -> ValidityWindow:
    """The validity window of a KDS artifact; CollateralMissingError when the bytes are not such an artifact."""
    try:
        with zero_serials_tolerated():
            if kind is ArtifactKind.CRL:
                return _crl_window(data, origin)
            certificates = _certificates(data)
    except ValueError as exc:
        raise CollateralMissingError(
            f"{origin} is not a {kind.value} (it does not parse)", reason="collateral.garbage"
        ) from exc
    expected = 1 if kind is ArtifactKind.VCEK else 2
    if len(certificates) != expected:
        raise CollateralMissingError(
            f"{origin} holds {len(certificates)} certificates; a {kind.value} has {expected}",
            reason="collateral.garbage",
        )
    return ValidityWindow(
        not_before=max(c.not_valid_before_utc for c in certificates),
        not_after=min(c.not_valid_after_utc for c in certificates),
    )


def chain_root_name(data: bytes) -> x509.Name:
    """The subject of the last certificate of a certificate chain (the ARK); call after artifact_window."""
    with zero_serials_tolerated():
        return _certificates(data)[-1].subject


def require_crl_issuer(data: bytes, issuer: x509.Name, *, origin: str) -> None:
    """The CRL must be the one of the chain's ARK (its signature is checked by trust.py when it is used)."""
    crl = _load_crl(data)
    if crl.issuer != issuer:
        raise CollateralMissingError(
            f"the CRL {origin} is issued by '{crl.issuer.rfc4514_string()}', not by the ARK of the chain "
            f"('{issuer.rfc4514_string()}')",
            reason="collateral.mismatch",
        )


def require_current_crl(window: ValidityWindow, now: datetime, *, origin: str) -> None:
    """A CRL is used only inside thisUpdate..nextUpdate: CollateralError naming the window otherwise."""
    if now < window.not_before:
        raise CollateralNotYetValidError(
            f"the CRL {origin} is not valid before {format_time(window.not_before)} "
            f"(window {window.describe()}, evaluated at {format_time(now)})"
        )
    if now > window.not_after:
        raise CollateralExpiredError(
            f"the CRL {origin} is stale: its window {window.describe()} ended before {format_time(now)}",
            hint="AMD KDS has not published a newer CRL; retry later, or pass a current CRL with --collateral",
        )


def _certificates(data: bytes) -> list[x509.Certificate]:
    if data.lstrip().startswith(PEM_MARK):
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _load_crl(data: bytes) -> x509.CertificateRevocationList:
    pem = data.lstrip().startswith(PEM_MARK)
    return x509.load_pem_x509_crl(data) if pem else x509.load_der_x509_crl(data)


def _crl_window(data: bytes, origin: str) -> ValidityWindow:
    crl = _load_crl(data)
    next_update = crl.next_update_utc
    if next_update is None:
        raise CollateralMissingError(
            f"the CRL {origin} has no nextUpdate, so it has no window to be used in", reason="collateral.garbage"
        )
    return ValidityWindow(not_before=crl.last_update_utc, not_after=next_update)
