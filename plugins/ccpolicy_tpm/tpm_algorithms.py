"""TPM 2.0 algorithm, curve and attribute identifiers (TCG Algorithm Registry; Library spec Part 2)."""

from __future__ import annotations

import enum

from ccpolicy.errors import UnsupportedEvidenceError


class HashAlgorithm(enum.Enum):
    """TPM_ALG_ID values of hash algorithms; the value is (id, name, digest size)."""

    SHA1 = 0x0004
    SHA256 = 0x000B
    SHA384 = 0x000C
    SHA512 = 0x000D
    SM3_256 = 0x0012
    SHA3_256 = 0x0027
    SHA3_384 = 0x0028
    SHA3_512 = 0x0029

    @property
    def label(self) -> str:
        """Lowercase name used in claims and the JSON form: ``sha256``."""
        return self.name.lower()

    @property
    def digest_size(self) -> int:
        return _DIGEST_SIZES[self]

    @classmethod
    def from_id(cls, value: int, *, what: str) -> HashAlgorithm:
        try:
            return cls(value)
        except ValueError:
            raise UnsupportedEvidenceError(f"{what}: hash algorithm 0x{value:04x} is not supported") from None

    @classmethod
    def from_label(cls, label: str, *, what: str) -> HashAlgorithm:
        for algorithm in cls:
            if algorithm.label == label.lower():
                return algorithm
        raise UnsupportedEvidenceError(f"{what}: hash algorithm '{label}' is not supported")


_DIGEST_SIZES = {
    HashAlgorithm.SHA1: 20,
    HashAlgorithm.SHA256: 32,
    HashAlgorithm.SHA384: 48,
    HashAlgorithm.SHA512: 64,
    HashAlgorithm.SM3_256: 32,
    HashAlgorithm.SHA3_256: 32,
    HashAlgorithm.SHA3_384: 48,
    HashAlgorithm.SHA3_512: 64,
}


class SignatureScheme(enum.Enum):
    """Signature schemes of TPMT_SIGNATURE that ccpolicy verifies."""

    RSASSA = 0x0014
    RSAPSS = 0x0016
    ECDSA = 0x0018


class ObjectType(enum.Enum):
    """TPMI_ALG_PUBLIC values for keys that can sign quotes."""

    RSA = 0x0001
    ECC = 0x0023


class EccCurve(enum.Enum):
    """TPM_ECC_CURVE values."""

    NIST_P192 = 0x0001
    NIST_P224 = 0x0002
    NIST_P256 = 0x0003
    NIST_P384 = 0x0004
    NIST_P521 = 0x0005
    BN_P256 = 0x0010
    BN_P638 = 0x0011
    SM2_P256 = 0x0020


class ObjectAttributes(enum.IntFlag):
    """TPMA_OBJECT bits."""

    FIXED_TPM = 1 << 1
    ST_CLEAR = 1 << 2
    FIXED_PARENT = 1 << 4
    SENSITIVE_DATA_ORIGIN = 1 << 5
    USER_WITH_AUTH = 1 << 6
    ADMIN_WITH_POLICY = 1 << 7
    NO_DA = 1 << 10
    ENCRYPTED_DUPLICATION = 1 << 11
    RESTRICTED = 1 << 16
    DECRYPT = 1 << 17
    SIGN_ENCRYPT = 1 << 18
    X509_SIGN = 1 << 19

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(flag.name.lower() for flag in ObjectAttributes if flag in self and flag.name)


ALG_NULL = 0x0010
ALG_RSAES = 0x0015
ALG_ECDAA = 0x001A
TPM_GENERATED_VALUE = 0xFF544347
TPM_ST_ATTEST_QUOTE = 0x8018
