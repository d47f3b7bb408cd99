"""Hash functions by TPM algorithm id."""

from __future__ import annotations

import hashlib

from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm

_HASHLIB_NAMES = {
    HashAlgorithm.SHA1: "sha1",
    HashAlgorithm.SHA256: "sha256",
    HashAlgorithm.SHA384: "sha384",
    HashAlgorithm.SHA512: "sha512",
    HashAlgorithm.SM3_256: "sm3",
    HashAlgorithm.SHA3_256: "sha3_256",
    HashAlgorithm.SHA3_384: "sha3_384",
    HashAlgorithm.SHA3_512: "sha3_512",
}


def is_available(algorithm: HashAlgorithm) -> bool:
    return _HASHLIB_NAMES[algorithm] in hashlib.algorithms_available


def digest(algorithm: HashAlgorithm, data: bytes) -> bytes:
    name = _HASHLIB_NAMES[algorithm]
    if name not in hashlib.algorithms_available:
        raise UnsupportedEvidenceError(f"hash algorithm {algorithm.label} is not available here")
    return hashlib.new(name, data).digest()


def tpm_name(name_algorithm: HashAlgorithm, public_area: bytes) -> bytes:
    """The TPM name of an object: nameAlg (2 bytes, big-endian) || H_nameAlg(TPMT_PUBLIC)."""
    return name_algorithm.value.to_bytes(2, "big") + digest(name_algorithm, public_area)
