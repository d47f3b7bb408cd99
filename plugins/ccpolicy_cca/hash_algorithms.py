"""Hash algorithms named in CCA tokens (IANA Named Information Hash Algorithm names)."""

from __future__ import annotations

import enum
import hashlib

from ccpolicy.errors import UnsupportedEvidenceError


class CcaHashAlgorithm(enum.Enum):
    SHA_256 = "sha-256"
    SHA_384 = "sha-384"
    SHA_512 = "sha-512"

    @property
    def digest_size(self) -> int:
        return {"sha-256": 32, "sha-384": 48, "sha-512": 64}[self.value]

    def digest(self, data: bytes) -> bytes:
        return hashlib.new(self.value.replace("-", ""), data).digest()

    @classmethod
    def from_name(cls, name: str, *, what: str) -> CcaHashAlgorithm:
        for algorithm in cls:
            if algorithm.value == name:
                return algorithm
        raise UnsupportedEvidenceError(
            f"{what} names hash algorithm {name!r}; supported are {', '.join(a.value for a in cls)}",
            reason="evidence.unsupported.cca_hash",
        )
