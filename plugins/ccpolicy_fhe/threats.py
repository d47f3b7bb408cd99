"""The threat model of fully homomorphic encryption as this backend uses it (TenSEAL: BFV and CKKS on SEAL).

The server computes on ciphertexts only; the client that holds the secret key encrypts the inputs
and decrypts the result.  Confidentiality rests on Ring-LWE at the chosen parameters; nothing
gives integrity of the computation or evidence of what ran.
"""

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

FHE_THREAT_MODEL = ThreatModel(
    tee_id="fhe",
    name="Fully homomorphic encryption (BFV / CKKS)",
    threats=(
        Threat(
            id="secret-key-exposure",
            description="the client's secret key leaks: every ciphertext ever sent under it can be decrypted",
        ),
        Threat(
            id="wrong-computation",
            description="the server evaluates another function or tampers with ciphertexts; FHE ciphertexts are "
            "malleable and the client cannot tell",
        ),
        Threat(
            id="approximate-decryption-leak",
            description="CKKS decryptions shared with others reveal noise that lets them recover the secret key "
            "(IND-CPA-D attack) unless the results are rounded or noise-flooded first",
        ),
        Threat(
            id="weak-parameters",
            description="ring dimension and coefficient modulus chosen below the 128-bit security of the "
            "homomorphic encryption standard",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED,
            note="inputs, intermediate values and results stay encrypted under the client's key (Ring-LWE)",
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="nothing shows that the server computed the agreed function"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the server can refuse the computation or return garbage"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="no evidence of the code or platform that evaluated the circuit"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL,
            note="keys and parameters can be replaced at any time, but data sent under a leaked key stays exposed",
        ),
    },
    tcb=(
        "the client device that holds the secret key",
        "the FHE library (TenSEAL on Microsoft SEAL) on the client",
        "the hardness of Ring-LWE at the chosen parameters",
    ),
    adversaries_in_scope=CRYPTOGRAPHIC_ADVERSARIES_IN_SCOPE,
    adversaries_out_of_scope=CRYPTOGRAPHIC_ADVERSARIES_OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.CRYPTOGRAPHIC,
    unmodified_applications=False,
    sources=(
        Source(
            title="M. Albrecht et al., Homomorphic Encryption Security Standard, HomomorphicEncryption.org, 2018",
            url="https://homomorphicencryption.org/standard/",
        ),
        Source(
            title="J. H. Cheon, A. Kim, M. Kim, Y. Song, Homomorphic Encryption for Arithmetic of Approximate "
            "Numbers, ASIACRYPT 2017 (IACR ePrint 2016/421)",
            url="https://eprint.iacr.org/2016/421",
        ),
        Source(
            title="B. Li, D. Micciancio, On the Security of Homomorphic Encryption on Approximate Numbers, "
            "EUROCRYPT 2021 (IACR ePrint 2020/1533)",
            url="https://eprint.iacr.org/2020/1533",
        ),
        Source(
            title="A. Benaissa et al., TenSEAL: A Library for Encrypted Tensor Operations Using Homomorphic "
            "Encryption, arXiv:2104.03152",
            url="https://arxiv.org/abs/2104.03152",
        ),
    ),
)
