"""Source records for the files a report reads and the publications its cited figures come from."""

from __future__ import annotations

from ccpolicy.comparison.backend import CitedFigure
from ccpolicy.report.bench_results_file import BenchResultsFile
from ccpolicy.report.json_reading import join_pointer
from ccpolicy.report.model import Provenance, Quantity, Source, SourceFact, Unit
from ccpolicy.report.verifier_bench_file import LIBRARIES_KEY, VerifierBenchFile


def _counted(label: str, value: float | None, unit: Unit, source_id: str, pointer: str) -> SourceFact:
    """A measured fact of the file; one without a value is left out of the source."""
    quantity = None if value is None else Quantity(value=value, unit=unit, source_id=source_id, pointer=pointer)
    return SourceFact(label=label, quantity=quantity)


def results_source(source_id: str, loaded: BenchResultsFile) -> Source:
    results = loaded.results
    machine = results.machine
    settings = results.settings
    facts = [
        SourceFact(label="date", text=results.created, pointer="/created"),
        SourceFact(label="ccpolicy", text=results.ccpolicy_version, pointer="/ccpolicy_version"),
        SourceFact(label="CPU", text=machine.cpu_model, pointer="/machine/cpu_model"),
        _counted("logical CPUs", machine.logical_cpus, Unit.COUNT, source_id, "/machine/logical_cpus"),
        _counted("memory", machine.memory_bytes, Unit.BYTES, source_id, "/machine/memory_bytes"),
        SourceFact(label="system", text=machine.system, pointer="/machine/system"),
        SourceFact(label="Python", text=machine.python, pointer="/machine/python"),
        _counted("threads per backend", settings.threads, Unit.COUNT, source_id, "/settings/threads"),
        _counted("repetitions", settings.repeat, Unit.COUNT, source_id, "/settings/repeat"),
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
    facts.append(_counted("logical CPUs", loaded.logical_cpus, Unit.COUNT, source_id, "/machine_info/cpu/count"))
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
