"""The threat model of zero-knowledge proofs as this backend uses them (Sigma protocols over Pedersen commitments).

A ZKP does not outsource a computation: the prover computes on its own plaintext and proves a
statement about committed values.  The verifier learns only that the statement holds, and cannot
be convinced of a false one; whoever controls the prover's machine sees the plaintext.
"""

from __future__ import annotations

from ccpolicy.threats import (
    Adversary,
    IsolationUnit,
    PropertySupport,
    SecurityProperty,
    Source,
    Support,
    Threat,
    ThreatModel,
)

ZKP_THREAT_MODEL = ThreatModel(
    tee_id="zkp",
    name="Zero-knowledge proofs (Sigma protocols, Pedersen commitments)",
    threats=(
        Threat(
            id="false-statement",
            description="a dishonest prover claims a result its committed inputs do not give",
            verifier_mitigation="the proof verifies only if the statement holds, unless discrete logarithms on "
            "the curve can be computed (soundness)",
        ),
        Threat(
            id="prover-host-exposure",
            description="the prover's machine holds the plaintext: its operator, OS or hardware sees the inputs",
        ),
        Threat(
            id="nonce-reuse",
            description="a Sigma-protocol nonce reused or predictable across proofs reveals the witness",
        ),
        Threat(
            id="proof-replay",
            description="a proof made for one context is presented in another, unless the context is bound into "
            "the Fiat-Shamir challenge",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PARTIAL,
            note="the verifier learns nothing beyond the statement (zero knowledge); the prover's host sees all",
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.PROVIDED, note="soundness: a false statement does not verify (discrete logarithm)"
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="the prover can refuse to prove"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.PARTIAL,
            note="a proof attests a statement about committed values, not the code or platform that computed them",
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="commitments, once published, cannot be revoked"
        ),
    },
    tcb=(
        "the prover's machine (it holds the plaintext)",
        "the verifier's proof-checking code (zksk on petlib and OpenSSL's elliptic-curve arithmetic)",
        "the hardness of discrete logarithms on NIST P-256",
    ),
    adversaries_in_scope=frozenset({Adversary.REMOTE_NETWORK, Adversary.SILICON_VENDOR}),
    adversaries_out_of_scope=frozenset(
        {
            Adversary.CO_TENANT,
            Adversary.GUEST_SOFTWARE,
            Adversary.HOST_OS_HYPERVISOR,
            Adversary.CLOUD_OPERATOR,
            Adversary.PHYSICAL_BUS,
            Adversary.PHYSICAL_INVASIVE,
            Adversary.MICROARCHITECTURAL,
            Adversary.DENIAL_OF_SERVICE,
        }
    ),
    isolation_unit=IsolationUnit.CRYPTOGRAPHIC,
    unmodified_applications=False,
    sources=(
        Source(
            title="T. P. Pedersen, Non-Interactive and Information-Theoretic Secure Verifiable Secret Sharing, "
            "CRYPTO 1991",
            url="https://doi.org/10.1007/3-540-46766-1_9",
        ),
        Source(
            title="W. Lueks, B. Kulynych, J. Fasquelle, S. Le Bail-Collet, C. Troncoso, zksk: A Library for "
            "Composable Zero-Knowledge Proofs, WPES 2019 (arXiv:1911.02459)",
            url="https://arxiv.org/abs/1911.02459",
        ),
        Source(title="ZKProof Community Reference", url="https://docs.zkproof.org/pages/reference/reference.pdf"),
    ),
)
