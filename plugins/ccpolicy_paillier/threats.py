"""The threat model of additively homomorphic Paillier encryption as this backend uses it (python-paillier)."""

from __future__ import annotations

from ccpolicy.threats import (
    CRYPTOGRAPHIC_ADVERSARIES_IN_SCOPE,
    CRYPTOGRAPHIC_ADVERSARIES_OUT_OF_SCOPE,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)

PAILLIER_THREAT_MODEL = ThreatModel(
    tee_id="he-partial",
    name="Partially homomorphic encryption (Paillier)",
    threats=(
        Threat(
            id="secret-key-exposure",
            description="the client's private key leaks: every ciphertext ever sent under it can be decrypted",
        ),
        Threat(
            id="wrong-computation",
            description="the server adds other ciphertexts or scales by other weights; Paillier ciphertexts are "
            "malleable and the client cannot tell",
        ),
        Threat(
            id="weak-parameters",
            description="a modulus too short to resist factoring (this backend uses a 2048-bit modulus)",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED,
            note="values stay encrypted (decisional composite residuosity); only additions and plaintext "
            "scalings are possible on them",
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="nothing shows that the server computed the agreed function"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the server can refuse the computation or return garbage"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="no evidence of the code or platform that computed"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL,
            note="keys can be replaced at any time, but data sent under a leaked key stays exposed",
        ),
    },
    tcb=(
        "the client device that holds the private key",
        "python-paillier and gmpy2 on the client",
        "the hardness of factoring the modulus",
    ),
    adversaries_in_scope=CRYPTOGRAPHIC_ADVERSARIES_IN_SCOPE,
    adversaries_out_of_scope=CRYPTOGRAPHIC_ADVERSARIES_OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.CRYPTOGRAPHIC,
    unmodified_applications=False,
    sources=(
        Source(
            title="P. Paillier, Public-Key Cryptosystems Based on Composite Degree Residuosity Classes, EUROCRYPT 1999",
            url="https://doi.org/10.1007/3-540-48910-X_16",
        ),
        Source(title="python-paillier (CSIRO Data61)", url="https://github.com/data61/python-paillier"),
    ),
)
