"""The technology matrix: security properties, adversaries and TCB of every declared threat model.

Everything in it comes from the plugins' ThreatModel declarations (with their sources); the report
only arranges it: hardware TEEs first, then the cryptographic technologies, each group by name.
"""

from __future__ import annotations

from collections.abc import Mapping

from ccpolicy.comparison.backend import Technology
from ccpolicy.report.model import (
    AdversaryCell,
    Citation,
    MatrixSection,
    PropertyCell,
    TechnologyRow,
    ThreatLine,
)
from ccpolicy.threats import Adversary, SecurityProperty, ThreatModel

CRYPTOGRAPHIC = frozenset(technology.value for technology in Technology if technology is not Technology.TEE)
ADVERSARY_LABELS = {
    Adversary.REMOTE_NETWORK: "network attacker",
    Adversary.CO_TENANT: "co-tenant",
    Adversary.GUEST_SOFTWARE: "software in the same guest",
    Adversary.HOST_OS_HYPERVISOR: "host OS / hypervisor",
    Adversary.CLOUD_OPERATOR: "cloud operator",
    Adversary.PHYSICAL_BUS: "bus / DRAM probing",
    Adversary.PHYSICAL_INVASIVE: "invasive physical",
    Adversary.MICROARCHITECTURAL: "side channels",
    Adversary.DENIAL_OF_SERVICE: "denial of service",
    Adversary.SILICON_VENDOR: "silicon vendor",
}
IN_SCOPE = "in scope"
OUT_OF_SCOPE = "out of scope"
NOT_DECLARED = "not declared"
NOT_DECLARED_PROPERTY = "not declared"


def build_matrix(models: Mapping[str, ThreatModel]) -> MatrixSection:
    rows = sorted(
        (_row(key, model) for key, model in models.items()),
        key=lambda row: (row.family != "tee", row.name.lower()),
    )
    return MatrixSection(
        properties=tuple(prop.value for prop in SecurityProperty),
        adversaries=tuple((adversary.value, adversary_label(adversary)) for adversary in Adversary),
        rows=tuple(rows),
    )


def adversary_label(adversary: Adversary) -> str:
    return ADVERSARY_LABELS.get(adversary, adversary.value)


def _row(key: str, model: ThreatModel) -> TechnologyRow:
    properties = []
    for prop in SecurityProperty:
        declared = model.security_properties.get(prop)
        properties.append(
            PropertyCell(
                name=prop.value,
                support=declared.support.value if declared is not None else NOT_DECLARED_PROPERTY,
                note=declared.note if declared is not None else "",
            )
        )
    adversaries = tuple(
        AdversaryCell(
            adversary=adversary.value,
            label=adversary_label(adversary),
            scope=IN_SCOPE
            if adversary in model.adversaries_in_scope
            else OUT_OF_SCOPE
            if adversary in model.adversaries_out_of_scope
            else NOT_DECLARED,
        )
        for adversary in Adversary
    )
    return TechnologyRow(
        key=key,
        name=model.name,
        family="cryptography" if key in CRYPTOGRAPHIC else "tee",
        isolation_unit=model.isolation_unit.value,
        unmodified_applications=model.unmodified_applications,
        properties=tuple(properties),
        adversaries=adversaries,
        tcb=model.tcb,
        threats=tuple(
            ThreatLine(
                threat_id=threat.id,
                description=threat.description,
                mitigating_claims=threat.mitigating_claims,
                verifier_mitigation=threat.verifier_mitigation,
            )
            for threat in model.threats
        ),
        sources=tuple(Citation(title=source.title, url=source.url) for source in model.sources),
    )
