"""X.509 rules shared by every TEE plugin: validity windows, issuance, CRLs, pinning.

Time is always an argument.  Expired or not-yet-valid collateral is a
CollateralError (exit 4) that names the certificate and its window; a bad
signature or a wrong issuer is a ChainError (exit 3); a revoked serial is a
RevokedError (exit 3).
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Generic, TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.utils import CryptographyDeprecationWarning

from ccpolicy.clock import format_time
from ccpolicy.errors import (
    ChainError,
    CollateralExpiredError,
    CollateralNotYetValidError,
    ConfigurationError,
    EvidenceFormatError,
    RevokedError,
)

TEST_ROOT_NAME = "ccpolicy test root - not genuine hardware"
"""Common-name marker of every certificate authority the evidence forge makes."""

_T = TypeVar("_T")
_O = TypeVar("_O")
_K = TypeVar("_K", bound=Hashable)
_PER_CERTIFICATE_LIMIT = 4096
_MEMO_LIMIT = 4096


class PerObject(Generic[_O, _T]):
    """A bounded memo of a pure function of one immutable object, keyed by the object's identity.

    Certificates, CRLs and collateral stores are immutable, so a function of one is computed once
    per object.  The key is the object's identity: hashing an ``x509.Certificate`` hashes its whole
    encoding (microseconds, as much as the lookup saves).  Each entry holds its object, so the id
    cannot be reused by another object while the entry exists.  Exceptions are not remembered.
    """

    def __init__(self, compute: Callable[[_O], _T], *, limit: int = _PER_CERTIFICATE_LIMIT) -> None:
        self._compute = compute
        self._entries: dict[int, tuple[_O, _T]] = {}
        self._limit = limit
        self.__doc__ = compute.__doc__
        self.__name__ = compute.__name__
        self.__wrapped__ = compute

    def __call__(self, item: _O) -> _T:
        entry = self._entries.get(id(item))
        if entry is not None and entry[0] is item:
            return entry[1]
        value = self._compute(item)
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[id(item)] = (item, value)
        return value

    def cache_clear(self) -> None:
        self._entries.clear()


class PerCertificate(PerObject[x509.Certificate, _T]):
    """A :class:`PerObject` memo of a pure function of one certificate."""


def per_certificate(compute: Callable[[x509.Certificate], _T]) -> PerCertificate[_T]:
    """Decorate a pure function of one certificate with :class:`PerCertificate`."""
    return PerCertificate(compute)


def per_object(compute: Callable[[_O], _T]) -> PerObject[_O, _T]:
    """Decorate a pure function of one immutable object with :class:`PerObject`."""
    return PerObject(compute)


class ContentMemo(Generic[_K, _T]):
    """A bounded memo of results keyed by content (bytes, digests, fingerprints), never by identity.

    For pure functions of immutable inputs: signature checks that succeeded, parses of exact bytes.
    Callers store a value only after the computation succeeded, so a failure is never remembered.
    Every content memo is emptied by :func:`forget_verified_issuances` (cold-start benchmarks, tests).
    """

    def __init__(self, *, limit: int = _MEMO_LIMIT) -> None:
        self._entries: dict[_K, _T] = {}
        self._limit = limit
        _CONTENT_MEMOS.add(self)  # type: ignore[arg-type]

    def get(self, key: _K) -> _T | None:
        return self._entries.get(key)

    def __contains__(self, key: _K) -> bool:
        return key in self._entries

    def remember(self, key: _K, value: _T) -> None:
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = value

    def cache_clear(self) -> None:
        self._entries.clear()


_CONTENT_MEMOS: weakref.WeakSet[ContentMemo[Hashable, object]] = weakref.WeakSet()


@contextmanager
def zero_serials_tolerated() -> Iterator[None]:
    """AMD's VCEK and VLEK certificates carry serial number 0, which cryptography warns about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        yield


def load_certificate(data: bytes) -> x509.Certificate:
    """Parse one PEM or DER certificate, quietly accepting AMD's serial number 0."""
    with zero_serials_tolerated():
        try:
            if data.lstrip().startswith(b"-----BEGIN"):
                return x509.load_pem_x509_certificate(data)
            return x509.load_der_x509_certificate(data)
        except ValueError as exc:
            raise ConfigurationError("certificate does not parse", reason="collateral.garbage") from exc


CERTIFICATE_PARSE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    UnsupportedAlgorithm,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
)
"""What cryptography raises for a damaged certificate, at load or when a lazily parsed field is first read."""


def parsed_completely(certificate: x509.Certificate) -> x509.Certificate:
    """Read every field verification uses, so a damaged one fails here and not later (cryptography parses lazily)."""
    certificate.subject.rfc4514_string()
    certificate.issuer.rfc4514_string()
    _ = certificate.not_valid_before_utc, certificate.not_valid_after_utc, certificate.serial_number
    for extension in certificate.extensions:
        _ = extension.value
    certificate.public_key()
    _ = certificate.signature_hash_algorithm, certificate.signature_algorithm_oid
    return certificate


def load_evidence_certificate(data: bytes, *, what: str) -> x509.Certificate:
    """A DER or PEM certificate carried inside evidence, parsed completely; damage is an EvidenceFormatError."""
    try:
        with zero_serials_tolerated():
            if data.lstrip().startswith(b"-----BEGIN"):
                return parsed_completely(x509.load_pem_x509_certificate(data))
            return parsed_completely(x509.load_der_x509_certificate(data))
    except CERTIFICATE_PARSE_ERRORS as exc:
        raise EvidenceFormatError(f"{what} is not a well-formed X.509 certificate: {exc}") from exc


@per_certificate
def describe(certificate: x509.Certificate) -> str:
    """A short name for messages: the subject's common name, else the whole subject."""
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if names:
        return str(names[0].value)
    return certificate.subject.rfc4514_string() or "<empty subject>"


def check_validity(certificate: x509.Certificate, now: datetime, *, role: str) -> None:
    """Raise a CollateralError unless ``now`` lies inside the certificate's window."""
    not_before, not_after = validity_window(certificate)
    if not_before <= now <= not_after:
        return
    window = f"{format_time(not_before)} .. {format_time(not_after)}"
    if now < not_before:
        raise CollateralNotYetValidError(
            f"{role} certificate '{describe(certificate)}' is not valid before {format_time(not_before)} "
            f"(window {window}, evaluated at {format_time(now)})"
        )
    raise CollateralExpiredError(
        f"{role} certificate '{describe(certificate)}' expired at {format_time(not_after)} "
        f"(window {window}, evaluated at {format_time(now)})",
        hint="pass --at with a time inside the window, or fetch fresh collateral",
    )


@per_certificate
def validity_window(certificate: x509.Certificate) -> tuple[datetime, datetime]:
    return certificate.not_valid_before_utc, certificate.not_valid_after_utc


@per_certificate
def subject_der(certificate: x509.Certificate) -> bytes:
    """The subject name's DER encoding: comparing bytes is far cheaper than comparing Name objects."""
    return certificate.subject.public_bytes()


@per_certificate
def issuer_der(certificate: x509.Certificate) -> bytes:
    return certificate.issuer.public_bytes()


def issued_by_name(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s subject is ``certificate``'s issuer name (no signature check)."""
    return issuer_der(certificate) == subject_der(issuer)


_VERIFIED_ISSUANCES: dict[tuple[bytes, bytes], None] = {}
_VERIFIED_ISSUANCES_LIMIT = 4096


def forget_verified_issuances() -> None:
    """Empty the memo of verified certificate signatures and every :class:`ContentMemo` (cold starts, tests)."""
    _VERIFIED_ISSUANCES.clear()
    for memo in list(_CONTENT_MEMOS):
        memo.cache_clear()


def verify_issued_by(certificate: x509.Certificate, issuer: x509.Certificate, *, role: str) -> None:
    """Check that ``issuer`` issued ``certificate``: names and signature (RSA, RSA-PSS, ECDSA, EdDSA).

    A signature that verified once is remembered by the two certificates' fingerprints, so warm
    collateral costs no public-key operation; validity windows are never cached.
    """
    pair = (fingerprint(certificate), fingerprint(issuer))
    if pair in _VERIFIED_ISSUANCES:
        return
    _verify_issuance(certificate, issuer, role=role)
    if len(_VERIFIED_ISSUANCES) >= _VERIFIED_ISSUANCES_LIMIT:
        _VERIFIED_ISSUANCES.clear()
    _VERIFIED_ISSUANCES[pair] = None


def _verify_issuance(certificate: x509.Certificate, issuer: x509.Certificate, *, role: str) -> None:
    try:
        certificate.verify_directly_issued_by(issuer)
    except ValueError as exc:
        raise ChainError(
            f"{role} certificate '{describe(certificate)}' was not issued by '{describe(issuer)}': {exc}"
        ) from exc
    except InvalidSignature as exc:
        raise ChainError(
            f"{role} certificate '{describe(certificate)}' has a signature that '{describe(issuer)}' did not make"
        ) from exc
    except TypeError as exc:
        raise ChainError(f"{role} certificate '{describe(certificate)}' uses an unsupported signature: {exc}") from exc


def verify_chain(
    chain: Sequence[x509.Certificate], anchors: Iterable[x509.Certificate], now: datetime, *, roles: Sequence[str]
) -> x509.Certificate:
    """Verify ``chain`` (leaf first, each issued by the next) up to one of ``anchors``.

    The last certificate of ``chain`` must itself be one of the anchors (compared
    by DER bytes, i.e. pinned) or be issued by one.  Signatures are checked first;
    then every certificate, anchor included, must be valid at ``now``.  Returns the
    anchor used.
    """
    if len(roles) != len(chain):
        raise ValueError("one role name per chain element")
    for certificate, issuer, role in zip(chain, chain[1:], roles, strict=False):
        verify_issued_by(certificate, issuer, role=role)
    top, top_role = chain[-1], roles[-1]
    anchor = _anchor_of(top, top_role, anchors)
    # Windows after signatures: a certificate with forged dates is a forgery (exit 3), not expired (exit 4).
    for certificate, role in zip(chain, roles, strict=True):
        check_validity(certificate, now, role=role)
    if anchor is not top:
        check_validity(anchor, now, role="root")
    return anchor


def _anchor_of(top: x509.Certificate, role: str, anchors: Iterable[x509.Certificate]) -> x509.Certificate:
    """The pinned anchor that is ``top`` itself (same DER) or that issued it, with signatures checked."""
    pinned = {fingerprint(anchor): anchor for anchor in anchors}
    anchor = pinned.get(fingerprint(top))
    if anchor is not None:
        verify_issued_by(anchor, anchor, role=role)
        return top
    for anchor in pinned.values():
        if issued_by_name(top, anchor):
            verify_issued_by(top, anchor, role=role)
            verify_issued_by(anchor, anchor, role="root")
            return anchor
    hint = None
    if TEST_ROOT_NAME in top.issuer.rfc4514_string() or is_test_root(top):
        hint = "it chains to the ccpolicy test root (forged evidence); pass --trust-test-root in tests only"
    raise ChainError(f"{role} certificate '{describe(top)}' does not chain to a pinned root", hint=hint)


def check_revocation(
    certificate: x509.Certificate, crl: x509.CertificateRevocationList, issuer: x509.Certificate, now: datetime
) -> None:
    """Verify the CRL (issuer signature, window at ``now``) and that ``certificate`` is not on it.

    The signature check is remembered (see :func:`crl_signed_by`); the window and the serial lookup
    are done on every call.
    """
    if not crl_signed_by(crl, issuer):
        raise ChainError(f"CRL is not signed by '{describe(issuer)}'")
    this_update, next_update = crl_window(crl)
    if now < this_update:
        raise CollateralNotYetValidError(
            f"CRL of '{describe(issuer)}' is not valid before {format_time(this_update)} "
            f"(window {_crl_window_text(crl)})"
        )
    if next_update is None or now > next_update:
        raise CollateralExpiredError(
            f"CRL of '{describe(issuer)}' is outside its window {_crl_window_text(crl)} at {format_time(now)}",
            hint="fetch a current CRL",
        )
    if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
        raise RevokedError(f"certificate '{describe(certificate)}' (serial {certificate.serial_number:#x}) is revoked")


def _crl_window_text(crl: x509.CertificateRevocationList) -> str:
    this_update, next_update = crl_window(crl)
    return f"{format_time(this_update)} .. {format_time(next_update) if next_update else 'open'}"


_VERIFIED_CRLS: ContentMemo[tuple[bytes, bytes], bool] = ContentMemo()


def crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` is the CRL's issuer by name and made its signature.

    A signature that verified is remembered by the CRL's and the issuer's SHA-256 fingerprints; a
    failed check is not remembered.
    """
    if not _same_name(crl_issuer_der(crl), subject_der(issuer), crl, issuer):
        return False
    key = (crl_fingerprint(crl), fingerprint(issuer))
    if key in _VERIFIED_CRLS:
        return True
    if not crl.is_signature_valid(public_key(issuer)):  # type: ignore[arg-type]
        return False
    _VERIFIED_CRLS.remember(key, True)
    return True


_SAME_NAMES: ContentMemo[tuple[bytes, bytes], bool] = ContentMemo()


def _same_name(
    crl_issuer: bytes, subject: bytes, crl: x509.CertificateRevocationList, issuer: x509.Certificate
) -> bool:
    """Whether the CRL's issuer name is the certificate's subject: equal DER, else equal as Names (remembered)."""
    if crl_issuer == subject:
        return True
    key = (crl_issuer, subject)
    same = _SAME_NAMES.get(key)
    if same is None:
        same = crl.issuer == issuer.subject
        _SAME_NAMES.remember(key, same)
    return same


@per_object
def crl_fingerprint(crl: x509.CertificateRevocationList) -> bytes:
    """SHA-256 over the CRL's DER encoding."""
    return crl.fingerprint(hashes.SHA256())


@per_object
def crl_issuer_der(crl: x509.CertificateRevocationList) -> bytes:
    return crl.issuer.public_bytes()


@per_object
def crl_window(crl: x509.CertificateRevocationList) -> tuple[datetime, datetime | None]:
    """(thisUpdate, nextUpdate) of a CRL."""
    return crl.last_update_utc, crl.next_update_utc


@per_certificate
def fingerprint(certificate: x509.Certificate) -> bytes:
    """SHA-256 over the DER encoding (remembered per certificate: chains are checked on every verification)."""
    return certificate.fingerprint(hashes.SHA256())


@per_certificate
def public_key(certificate: x509.Certificate) -> CertificatePublicKeyTypes:
    """The certificate's public key, loaded once: loading validates the point, which costs as much as a verify."""
    return certificate.public_key()


def public_key_der(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def is_test_root(certificate: x509.Certificate) -> bool:
    """True for certificate authorities made by ccpolicy's evidence forge."""
    return TEST_ROOT_NAME in describe(certificate)
