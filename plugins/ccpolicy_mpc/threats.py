"""The threat model of secure multiparty computation as this backend runs it (MPyC, Shamir sharing).

Three parties, threshold one: honest majority, semi-honest.  Any single party, and its host, its
cloud operator and its hardware, learns nothing beyond the output; two colluding parties learn
everything, and a party that deviates from the protocol can change the output unnoticed.
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

MPC_THREAT_MODEL = ThreatModel(
    tee_id="mpc",
    name="Secure multiparty computation (Shamir, honest majority)",
    threats=(
        Threat(
            id="party-collusion",
            description="more parties than the threshold collude (two of three here) and reconstruct every input",
        ),
        Threat(
            id="active-deviation",
            description="a party deviates from the protocol; the semi-honest protocol does not detect it and the "
            "output can be wrong",
        ),
        Threat(
            id="channel-eavesdropping",
            description="shares travel between parties; without authenticated encryption on every channel "
            "(MPyC's --ssl) an eavesdropper collects them",
        ),
        Threat(
            id="output-leakage",
            description="the opened output itself reveals inputs (the sum of two values gives the other's value)",
        ),
    ),
    security_properties={
        SecurityProperty.CONFIDENTIALITY: PropertySupport(
            support=Support.PROVIDED,
            note="each party sees only random-looking shares, as long as at most the threshold of parties collude",
        ),
        SecurityProperty.INTEGRITY: PropertySupport(
            support=Support.NOT_PROVIDED,
            note="semi-honest security: a deviating party can change the output unnoticed",
        ),
        SecurityProperty.AVAILABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="every party must take part: one leaving stops the computation"
        ),
        SecurityProperty.ATTESTABILITY: PropertySupport(
            support=Support.NOT_PROVIDED, note="no evidence of the code or platform each party ran"
        ),
        SecurityProperty.RECOVERABILITY: PropertySupport(
            support=Support.PARTIAL,
            note="a compromised party can be replaced and the shares refreshed; inputs already reconstructed stay "
            "exposed",
        ),
    },
    tcb=(
        "an honest majority of the parties, with their hosts",
        "the MPyC runtime and the channels between the parties",
        "information-theoretic secrecy of Shamir sharing (no computational assumption)",
    ),
    adversaries_in_scope=CRYPTOGRAPHIC_ADVERSARIES_IN_SCOPE,
    adversaries_out_of_scope=CRYPTOGRAPHIC_ADVERSARIES_OUT_OF_SCOPE,
    isolation_unit=IsolationUnit.CRYPTOGRAPHIC,
    unmodified_applications=False,
    sources=(
        Source(
            title="A. Shamir, How to Share a Secret, Communications of the ACM 22(11), 1979",
            url="https://doi.org/10.1145/359168.359176",
        ),
        Source(
            title="Y. Lindell, Secure Multiparty Computation, Communications of the ACM 64(1), 2021",
            url="https://doi.org/10.1145/3387108",
        ),
        Source(
            title="B. Schoenmakers, MPyC: Secure Multiparty Computation in Python", url="https://github.com/lschoe/mpyc"
        ),
    ),
)
