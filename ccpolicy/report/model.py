"""The report model: everything a report shows, as typed records, before any template sees it.

Every number is a :class:`Quantity` that names its source (a results file, a benchmark file or a
citation) and the JSON pointer of the value in that source's file, so a reader, a test or the JSON
dump can trace it.  A quotient (throughput, ratio to the crypto floor) names both pointers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Provenance(enum.Enum):
    MEASURED = "measured here"
    CITED = "cited"
    DECLARED = "declared by a plugin"


class Unit(enum.Enum):
    SECONDS = "s"
    BYTES = "B"
    RATIO = "x"
    PER_SECOND = "/s"
    COUNT = "count"
    PERCENT = "%"


class Scale(enum.Enum):
    LINEAR = "linear"
    LOG = "log"


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    value: float
    unit: Unit
    source_id: str
    pointer: str
    """RFC 6901 pointer of the value in the source's file."""
    divisor_pointer: str | None = None
    """When set, ``value`` is the value at ``pointer`` divided by the value here."""
    cited_by: str | None = None
    """The source id of the citation when the number is a published figure carried in a results file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartBar:
    category: str
    series: str
    value: Quantity
    start: Quantity | None = None
    """For range bars (cited low..high): where the bar starts."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceLine:
    label: str
    value: Quantity


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A horizontal bar chart: one row group per category, one bar per series in it."""

    chart_id: str
    title: str
    caption: str
    unit: Unit
    scale: Scale
    categories: tuple[str, ...]
    series: tuple[str, ...]
    bars: tuple[ChartBar, ...]
    provenance: Provenance
    source_ids: tuple[str, ...]
    references: tuple[ReferenceLine, ...] = ()
    colors: tuple[tuple[str, str], ...] = ()
    """Series name -> colour key (a technology or a benchmark role)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFact:
    """One fact about a source (date, CPU, a library version), with its pointer in the source's file."""

    label: str
    text: str | None = None
    quantity: Quantity | None = None
    pointer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where numbers come from. Measured sources say on what machine, with what libraries, when."""

    source_id: str
    provenance: Provenance
    title: str
    location: str
    """The file as given on the command line, or the URL of a citation."""
    facts: tuple[SourceFact, ...] = ()
    libraries: tuple[SourceFact, ...] = ()
    carried_by: str | None = None
    """For a citation carried in a results file: that file's source id; the pointers below are into it."""
    title_pointer: str | None = None
    location_pointer: str | None = None


# --- benchmark comparison -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StepResult:
    name: str
    seconds: Quantity | None
    unavailable: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BackendResult:
    label: str
    backend: str
    technology: str
    library: str
    library_version: str | None
    status: str
    detail: str | None
    source_id: str
    pointer: str
    end_to_end: Quantity | None = None
    setup: Quantity | None = None
    encode: Quantity | None = None
    compute: Quantity | None = None
    decode: Quantity | None = None
    throughput: Quantity | None = None
    overhead: Quantity | None = None
    overhead_with_setup: Quantity | None = None
    ciphertext_bytes: Quantity | None = None
    key_bytes: Quantity | None = None
    proof_bytes: Quantity | None = None
    communication_bytes: Quantity | None = None
    rounds: Quantity | None = None
    max_abs_error: Quantity | None = None
    steps: tuple[StepResult, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadComparison:
    workload: str
    size: Quantity
    title: str
    description: str
    unit_of_work: str
    plaintext: Quantity | None
    results: tuple[BackendResult, ...]
    charts: tuple[Chart, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CitedRange:
    figure: str
    technology: str
    low: Quantity
    high: Quantity
    citation_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OverheadRange:
    """The lowest and highest overhead versus plaintext of one technology over the workloads measured."""

    technology: str
    backends: tuple[str, ...]
    lowest: Quantity
    highest: Quantity


@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonSection:
    workloads: tuple[WorkloadComparison, ...]
    headline: Chart | None
    overhead_ranges: tuple[OverheadRange, ...]
    cited: tuple[CitedRange, ...]
    cited_chart: Chart | None
    unavailable: tuple[tuple[str, str], ...]
    """Backends that did not run anywhere, with the reason (install hint)."""


# --- verifier performance -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierStep:
    pointer: str
    """The benchmark's object in the pytest-benchmark file."""
    test: str
    role: str
    mean: Quantity
    median: Quantity
    minimum: Quantity
    rounds: Quantity
    vs_floor: Quantity | None
    decisions_per_second: Quantity | None


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierCase:
    case: str
    steps: tuple[VerifierStep, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierSuite:
    module: str
    title: str
    source_id: str
    cases: tuple[VerifierCase, ...]
    chart: Chart | None


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierSection:
    suites: tuple[VerifierSuite, ...]


# --- technology matrix ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyCell:
    name: str
    support: str
    """``provided``, ``partial`` or ``not provided``, as declared."""
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AdversaryCell:
    adversary: str
    label: str
    scope: str
    """``in scope``, ``out of scope`` or ``not declared``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreatLine:
    threat_id: str
    description: str
    mitigating_claims: tuple[str, ...]
    verifier_mitigation: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    title: str
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TechnologyRow:
    key: str
    """The TEE id or technology the declaration is for (``snp``, ``fhe``)."""
    name: str
    family: str
    """``tee`` (hardware-isolated) or ``cryptography``."""
    isolation_unit: str
    unmodified_applications: bool
    properties: tuple[PropertyCell, ...]
    adversaries: tuple[AdversaryCell, ...]
    tcb: tuple[str, ...]
    threats: tuple[ThreatLine, ...]
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixSection:
    properties: tuple[str, ...]
    adversaries: tuple[tuple[str, str], ...]
    """(adversary, short column label) in the declarations' enumeration order."""
    rows: tuple[TechnologyRow, ...]


# --- policy view ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyThreat:
    threat_id: str
    description: str
    state: str
    """``policy`` (an annotated rule mitigates it), ``verifier`` (mitigated whatever the policy says) or ``open``."""
    mitigated_by: tuple[str, ...]
    """Rule locations (``file:line``) or the verifier's mitigation."""
    claims: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyCoverage:
    tee: str
    package: str
    model_declared: bool
    threats: tuple[PolicyThreat, ...]
    unknown: tuple[str, ...]
    """Threat ids annotated in the policy that the TEE's model does not declare."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LintLine:
    level: str
    rule: str
    message: str
    location: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasonLine:
    trust_claim: str | None
    message: str
    rule: str
    claim: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceDecision:
    evidence: str
    tee: str | None
    status: str
    """The AR4SI status, or ``error``."""
    exit_code: int | None
    trust_vector: tuple[tuple[str, int], ...]
    reasons: tuple[ReasonLine, ...]
    error: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyView:
    policy: str
    coverage: tuple[PolicyCoverage, ...]
    findings: tuple[LintLine, ...]
    decisions: tuple[EvidenceDecision, ...]
    error: str | None = None
    """Why the policy could not be read or linted; the other policies are shown all the same."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySection:
    views: tuple[PolicyView, ...]
    evaluated_at: str | None
    """The evaluation time of the decisions (``--at``), when evidence was given."""
    undecided: tuple[str, ...] = ()
    """Evidence of a TEE that none of the policies covers."""


# --- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """Something the reader must know about how complete the report is."""

    section: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    title: str
    ccpolicy_version: str
    sources: tuple[Source, ...]
    matrix: MatrixSection | None
    comparison: ComparisonSection | None
    verifier: VerifierSection | None
    policies: PolicySection | None
    notices: tuple[Notice, ...] = ()
