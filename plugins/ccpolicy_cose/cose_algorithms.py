"""The COSE signature algorithms ccpolicy accepts: ECDSA with the curve and hash RFC 9053 pairs them with."""

from __future__ import annotations

import enum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.errors import UnsupportedEvidenceError


class CoseAlgorithm(enum.Enum):
    """COSE ``alg`` values (IANA COSE Algorithms registry)."""

    ES256 = -7
    ES384 = -35
    ES512 = -36

    @property
    def curve(self) -> ec.EllipticCurve:
        return {
            CoseAlgorithm.ES256: ec.SECP256R1(),
            CoseAlgorithm.ES384: ec.SECP384R1(),
            CoseAlgorithm.ES512: ec.SECP521R1(),
        }[self]

    @property
    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return {
            CoseAlgorithm.ES256: hashes.SHA256(),
            CoseAlgorithm.ES384: hashes.SHA384(),
            CoseAlgorithm.ES512: hashes.SHA512(),
        }[self]

    @property
    def coordinate_size(self) -> int:
        """Bytes of one of r, s (the curve order's size); the signature is r || s, twice this."""
        return (self.curve.key_size + 7) // 8

    @property
    def signature_size(self) -> int:
        return 2 * self.coordinate_size

    @classmethod
    def from_label(cls, value: int | str, *, what: str) -> CoseAlgorithm:
        for algorithm in cls:
            if algorithm.value == value and type(value) is int:
                return algorithm
        supported = ", ".join(f"{a.name} ({a.value})" for a in cls)
        raise UnsupportedEvidenceError(
            f"{what} uses COSE algorithm {value!r}; supported are {supported}", reason="evidence.unsupported.cose_alg"
        )

    @classmethod
    def for_curve(cls, curve: ec.EllipticCurve) -> CoseAlgorithm:
        for algorithm in cls:
            if algorithm.curve.name == curve.name:
                return algorithm
        raise ValueError(f"no COSE ECDSA algorithm for curve {curve.name}")
