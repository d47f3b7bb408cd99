"""Assemble the report model from the loaded inputs: sources first, then each section that has input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ccpolicy import __version__
from ccpolicy.report.bench_results_file import BenchResultsFile, record_pointer
from ccpolicy.report.comparison_section import LoadedResults, build_comparison
from ccpolicy.report.matrix_section import build_matrix
from ccpolicy.report.model import Notice, PolicySection, Report, Source
from ccpolicy.report.sources import citation_source, results_source, verifier_bench_source
from ccpolicy.report.verifier_bench_file import VerifierBenchFile
from ccpolicy.report.verifier_section import LoadedVerifierBench, build_verifier_section
from ccpolicy.threats import ThreatModel

TITLE = "Confidential computing compared: TEEs, FHE, MPC and ZKP"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportInputs:
    results: Sequence[BenchResultsFile] = ()
    verifier_benches: Sequence[VerifierBenchFile] = ()
    threat_models: Mapping[str, ThreatModel] | None = None
    policies: PolicySection | None = None
    notices: Sequence[Notice] = ()
    title: str = TITLE


def build_report(inputs: ReportInputs) -> Report:
    sources: list[Source] = []
    loaded_results = []
    for number, loaded in enumerate(inputs.results, start=1):
        source_id = f"R{number}"
        sources.append(results_source(source_id, loaded))
        loaded_results.append(LoadedResults(source_id=source_id, loaded=loaded))
    citation_ids: dict[tuple[str, str], str] = {}
    for carrier, loaded in zip(loaded_results, inputs.results, strict=True):
        for index, record in enumerate(loaded.results.records):
            for position, cited in enumerate(record.cited):
                key = (cited.source, cited.url)
                if key not in citation_ids:
                    citation_ids[key] = f"C{len(citation_ids) + 1}"
                    pointer = f"{record_pointer(index)}/cited/{position}"
                    sources.append(citation_source(citation_ids[key], cited, carrier.source_id, pointer))
    loaded_benches = []
    for number, bench in enumerate(inputs.verifier_benches, start=1):
        source_id = f"V{number}"
        sources.append(verifier_bench_source(source_id, bench))
        loaded_benches.append(LoadedVerifierBench(source_id=source_id, loaded=bench))
    return Report(
        title=inputs.title,
        ccpolicy_version=__version__,
        sources=tuple(sources),
        matrix=build_matrix(inputs.threat_models) if inputs.threat_models else None,
        comparison=build_comparison(loaded_results, citation_ids) if loaded_results else None,
        verifier=build_verifier_section(loaded_benches) if loaded_benches else None,
        policies=inputs.policies,
        notices=tuple(inputs.notices),
    )
