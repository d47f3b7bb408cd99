"""Source records for the files a report reads and the publications its cited figures come from."""

from __future__ import annotations

from ccpolicy.comparison.backend import CitedFigure
from ccpolicy.report.bench_results_file import BenchResultsFile
from ccpolicy.report.json_reading import join_pointer
from ccpolicy.report.model import Provenance, Quantity, Source, SourceFact, Unit
from ccpolicy.report.verifier_bench_file import LIBRARIES_KEY, VerifierBenchFile


def results_source(source_id: str, loaded: BenchResultsFile) -> Source:
    results = loaded.results
    machine = results.machine
    settings = results.settings
    facts = [
        SourceFact(label="date", text=results.created, pointer="/created"),
        SourceFact(label="ccpolicy", text=results.ccpolicy_version, pointer="/ccpolicy_version"),
        SourceFact(label="CPU", text=machine.cpu_model, pointer="/machine/cpu_model"),
    ]
    if machine.logical_cpus is not None:
        facts.append(
            SourceFact(
                label="logical CPUs",
                quantity=Quantity(
                    value=machine.logical_cpus, unit=Unit.COUNT, source_id=source_id, pointer="/machine/logical_cpus"
                ),
            )
        )
    if machine.memory_bytes is not None:
        facts.append(
            SourceFact(
                label="memory",
                quantity=Quantity(
                    value=machine.memory_bytes, unit=Unit.BYTES, source_id=source_id, pointer="/machine/memory_bytes"
                ),
            )
        )
    facts += [
        SourceFact(label="system", text=machine.system, pointer="/machine/system"),
        SourceFact(label="Python", text=machine.python, pointer="/machine/python"),
        SourceFact(
            label="threads per backend",
            quantity=Quantity(
                value=settings.threads, unit=Unit.COUNT, source_id=source_id, pointer="/settings/threads"
            ),
        ),
        SourceFact(
            label="repetitions",
            quantity=Quantity(value=settings.repeat, unit=Unit.COUNT, source_id=source_id, pointer="/settings/repeat"),
        ),
        SourceFact(label="seed", text=str(settings.seed), pointer="/settings/seed"),
    ]
    libraries = tuple(
        SourceFact(label=name, text=version or "not installed", pointer=join_pointer("/libraries", name))
        for name, version in results.libraries
    )
    return Source(
        source_id=source_id,
        provenance=Provenance.MEASURED,
        title=f"ccpolicy bench{' --quick' if settings.quick else ''} results",
        location=str(loaded.path),
        facts=tuple(fact for fact in facts if fact.text is not None or fact.quantity is not None),
        libraries=libraries,
    )


def verifier_bench_source(source_id: str, loaded: VerifierBenchFile) -> Source:
    facts = [
        SourceFact(label="date", text=loaded.created, pointer="/datetime"),
        SourceFact(label="pytest-benchmark", text=loaded.tool_version, pointer="/version"),
        SourceFact(label="CPU", text=loaded.cpu, pointer="/machine_info/cpu/brand_raw"),
    ]
    if loaded.logical_cpus is not None:
        facts.append(
            SourceFact(
                label="logical CPUs",
                quantity=Quantity(
                    value=loaded.logical_cpus, unit=Unit.COUNT, source_id=source_id, pointer="/machine_info/cpu/count"
                ),
            )
        )
    facts += [
        SourceFact(label="Python", text=loaded.python, pointer="/machine_info/python_version"),
        SourceFact(label="commit", text=loaded.commit, pointer="/commit_info/id"),
    ]
    libraries = tuple(
        SourceFact(
            label=name,
            text=version or "not installed",
            pointer=join_pointer("/machine_info", LIBRARIES_KEY, name),
        )
        for name, version in loaded.libraries
    )
    return Source(
        source_id=source_id,
        provenance=Provenance.MEASURED,
        title="pytest-benchmark run of the verifier suites",
        location=str(loaded.path),
        facts=tuple(fact for fact in facts if fact.text is not None or fact.quantity is not None),
        libraries=libraries,
    )


def citation_source(source_id: str, cited: CitedFigure, carried_by: str, pointer: str) -> Source:
    """A publication cited by a figure that a results file carries at ``pointer``."""
    return Source(
        source_id=source_id,
        provenance=Provenance.CITED,
        title=cited.source,
        location=cited.url,
        carried_by=carried_by,
        title_pointer=pointer + "/source",
        location_pointer=pointer + "/url",
    )
