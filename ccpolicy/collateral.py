"""The offline collateral store.

The user passes ``--collateral PATH`` (a file or a directory, repeatable).  Every
file is read once and sorted by content, never by name: X.509 certificates (PEM
or DER, several per PEM file), CRLs (PEM or DER), JSON documents (raw bytes kept,
since vendor signatures cover the bytes as served) and anything else as a blob.
Plugins pick what they need by subject, issuer, extensions or JSON shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from ccpolicy.certificates import zero_serials_tolerated
from ccpolicy.errors import ConfigurationError

PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
PEM_CRL = b"-----BEGIN X509 CRL-----"
MAX_COLLATERAL_FILE = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralFile:
    """One file as read from disk."""

    path: Path
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralCertificate:
    certificate: x509.Certificate
    origin: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralCrl:
    crl: x509.CertificateRevocationList
    origin: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralJson:
    document: Any
    raw: bytes
    origin: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralStore:
    """Collateral items sorted by kind. Immutable; build one with :func:`load_collateral`."""

    certificates: tuple[CollateralCertificate, ...] = ()
    crls: tuple[CollateralCrl, ...] = ()
    json_documents: tuple[CollateralJson, ...] = ()
    blobs: tuple[CollateralFile, ...] = field(default=())
    source: str = "offline"

    def find_certificates(self, *, subject_contains: str | None = None) -> list[x509.Certificate]:
        """Certificates whose subject (RFC 4514 text) contains the given text."""
        found = []
        for item in self.certificates:
            if subject_contains is None or subject_contains in item.certificate.subject.rfc4514_string():
                found.append(item.certificate)
        return found

    def merged(self, other: CollateralStore) -> CollateralStore:
        return CollateralStore(
            certificates=self.certificates + other.certificates,
            crls=self.crls + other.crls,
            json_documents=self.json_documents + other.json_documents,
            blobs=self.blobs + other.blobs,
            source=self.source if self.source == other.source else "mixed",
        )


def load_collateral(paths: Iterable[Path | str], *, source: str = "offline") -> CollateralStore:
    """Read every file under ``paths`` and sort it by content.

    Raises ConfigurationError for a path that does not exist or cannot be read,
    and for a file that starts like a certificate or CRL but does not parse.
    """
    files = [CollateralFile(path=path, data=_read(path)) for path in _expand(paths)]
    return collateral_from_files(files, source=source)


def collateral_from_files(files: Sequence[CollateralFile], *, source: str = "offline") -> CollateralStore:
    certificates: list[CollateralCertificate] = []
    crls: list[CollateralCrl] = []
    documents: list[CollateralJson] = []
    blobs: list[CollateralFile] = []
    for item in files:
        with zero_serials_tolerated():
            _sort_file(item, certificates, crls, documents, blobs)
    return CollateralStore(
        certificates=tuple(certificates),
        crls=tuple(crls),
        json_documents=tuple(documents),
        blobs=tuple(blobs),
        source=source,
    )


def _sort_file(
    item: CollateralFile,
    certificates: list[CollateralCertificate],
    crls: list[CollateralCrl],
    documents: list[CollateralJson],
    blobs: list[CollateralFile],
) -> None:
    data = item.data
    if data.lstrip()[:1] in (b"{", b"["):  # JSON first: bundles such as QuoteCollateralV3 embed PEM text
        try:
            documents.append(CollateralJson(document=json.loads(data), raw=data, origin=item.path))
            return
        except (ValueError, UnicodeDecodeError):
            pass
    if PEM_CERTIFICATE in data or PEM_CRL in data:
        certificates += _pem_certificates(item)
        crls += _pem_crls(item)
    elif data[:1] == b"0":  # DER SEQUENCE
        _add_der(item, certificates, crls, blobs)
    else:
        blobs.append(item)


def _expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            yield path
        else:
            raise ConfigurationError(f"collateral path {path} does not exist", reason="collateral.path")


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_COLLATERAL_FILE:
            raise ConfigurationError(f"collateral file {path} is larger than 16 MiB", reason="collateral.size")
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read collateral file {path}: {exc.strerror}") from exc


def _pem_certificates(item: CollateralFile) -> list[CollateralCertificate]:
    if PEM_CERTIFICATE not in item.data:
        return []
    try:
        return [
            CollateralCertificate(certificate=c, origin=item.path) for c in x509.load_pem_x509_certificates(item.data)
        ]
    except ValueError as exc:
        raise ConfigurationError(
            f"collateral file {item.path} holds a PEM certificate that does not parse", reason="collateral.garbage"
        ) from exc


def _pem_crls(item: CollateralFile) -> list[CollateralCrl]:
    crls = []
    for block in item.data.split(PEM_CRL)[1:]:
        pem = PEM_CRL + block.split(b"-----END X509 CRL-----")[0] + b"-----END X509 CRL-----\n"
        try:
            crls.append(CollateralCrl(crl=x509.load_pem_x509_crl(pem), origin=item.path))
        except ValueError as exc:
            raise ConfigurationError(
                f"collateral file {item.path} holds a PEM CRL that does not parse", reason="collateral.garbage"
            ) from exc
    return crls


def _add_der(
    item: CollateralFile,
    certificates: list[CollateralCertificate],
    crls: list[CollateralCrl],
    blobs: list[CollateralFile],
) -> None:
    try:
        certificates.append(
            CollateralCertificate(certificate=x509.load_der_x509_certificate(item.data), origin=item.path)
        )
        return
    except ValueError:
        pass
    try:
        crls.append(CollateralCrl(crl=x509.load_der_x509_crl(item.data), origin=item.path))
        return
    except ValueError:
        pass
    blobs.append(item)
