"""The benchmark comparison: per workload, every backend's timings, sizes and overhead, with charts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ccpolicy.comparison.results import ResultRecord, ResultStatus, StepSummary
from ccpolicy.comparison.workloads import WorkloadKind
from ccpolicy.report.bench_results_file import BenchResultsFile, record_pointer
from ccpolicy.report.chart_scale import scale_for
from ccpolicy.report.json_reading import join_pointer
from ccpolicy.report.model import (
    BackendResult,
    Chart,
    ChartBar,
    CitedRange,
    ComparisonSection,
    OverheadRange,
    Provenance,
    Quantity,
    ReferenceLine,
    StepResult,
    Unit,
    WorkloadComparison,
)

WORKLOAD_TEXT: dict[str, tuple[str, str]] = {
    WorkloadKind.SUM.value: ("Private sum", "the sum of n private unsigned integers"),
    WorkloadKind.DOT.value: (
        "Dot product",
        "a private feature vector of dimension n times a weight vector (linear model inference)",
    ),
    WorkloadKind.THRESHOLD.value: ("Threshold", "the comparison x > t for each of n private values and a threshold t"),
}
PHASE_SERIES = (("setup", "setup / key generation"), ("end_to_end", "end to end"))
BYTE_SERIES = (
    ("ciphertext", "ciphertext"),
    ("key", "keys"),
    ("proof", "proof"),
    ("communication", "communication"),
)
SHOWN_STATUSES = tuple(status for status in ResultStatus if status is not ResultStatus.UNAVAILABLE)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedResults:
    source_id: str
    loaded: BenchResultsFile


def build_comparison(files: Sequence[LoadedResults], citation_ids: dict[tuple[str, str], str]) -> ComparisonSection:
    """``citation_ids`` maps (source, url) of each cited figure to the citation's source id."""
    several = len(files) > 1
    entries = [
        (item.source_id, index, record, several)
        for item in files
        for index, record in enumerate(item.loaded.results.records)
    ]
    keys = sorted(
        {(record.workload, record.size) for _, _, record, _ in entries},
        key=lambda key: (_workload_order(key[0]), key[1]),
    )
    workloads = []
    for workload, size in keys:
        group = [entry for entry in entries if (entry[2].workload, entry[2].size) == (workload, size)]
        workloads.append(_workload(workload, group))
    unavailable: dict[str, str] = {}
    for _, _, record, _ in entries:
        if record.status is ResultStatus.UNAVAILABLE:
            unavailable.setdefault(record.backend, record.detail or "unavailable")
    cited = _cited_ranges(entries, citation_ids)
    return ComparisonSection(
        workloads=tuple(workloads),
        headline=_headline(workloads),
        overhead_ranges=_overhead_ranges(workloads),
        cited=cited,
        cited_chart=_cited_chart(cited),
        unavailable=tuple(sorted(unavailable.items())),
    )


def _workload_order(name: str) -> int:
    names = [kind.value for kind in WorkloadKind]
    return names.index(name) if name in names else len(names)


def workload_title(workload: str) -> str:
    return WORKLOAD_TEXT.get(workload, (workload, ""))[0]


def _workload(workload: str, group: list[tuple[str, int, ResultRecord, bool]]) -> WorkloadComparison:
    title, description = WORKLOAD_TEXT.get(workload, (workload, workload))
    results = [
        _backend_result(source_id, index, record, several)
        for source_id, index, record, several in group
        if record.status in SHOWN_STATUSES
    ]
    results.sort(key=lambda result: (result.status != ResultStatus.OK.value, _sort_time(result), result.label))
    first_source, first_index, first, _ = group[0]
    size = Quantity(
        value=first.size, unit=Unit.COUNT, source_id=first_source, pointer=record_pointer(first_index) + "/size"
    )
    plaintext = next(
        (
            Quantity(
                value=record.plaintext_baseline_s,
                unit=Unit.SECONDS,
                source_id=source_id,
                pointer=record_pointer(index) + "/plaintext_baseline_s",
            )
            for source_id, index, record, _ in group
            if record.plaintext_baseline_s is not None
        ),
        None,
    )
    chart_id = f"{workload}-{first.size}"
    ok = [result for result in results if result.status == ResultStatus.OK.value]
    charts = [
        chart
        for chart in (_latency_chart(chart_id, title, ok, plaintext), _bytes_chart(chart_id, title, ok))
        if chart is not None
    ]
    return WorkloadComparison(
        workload=workload,
        size=size,
        title=title,
        description=description,
        unit_of_work="values/s",
        plaintext=plaintext,
        results=tuple(results),
        charts=tuple(charts),
    )


def _sort_time(result: BackendResult) -> float:
    return result.end_to_end.value if result.end_to_end is not None else float("inf")


def _quantity(source_id: str, pointer: str, value: float | None, unit: Unit) -> Quantity | None:
    if value is None:
        return None
    return Quantity(value=value, unit=unit, source_id=source_id, pointer=pointer)


def _backend_result(source_id: str, index: int, record: ResultRecord, several: bool) -> BackendResult:
    base = record_pointer(index)
    label = f"{record.backend} ({source_id})" if several else record.backend
    identity = BackendResult(
        label=label,
        backend=record.backend,
        technology=record.technology,
        library=record.library,
        library_version=record.library_version,
        status=record.status.value,
        detail=record.detail,
        source_id=source_id,
        pointer=base,
    )
    if record.status is not ResultStatus.OK:
        return identity

    def phase(name: str) -> Quantity | None:
        timing = record.phase(name)
        return _quantity(
            source_id,
            join_pointer(base, "timings_s", name, "median"),
            timing.median if timing else None,
            Unit.SECONDS,
        )

    def size(name: str) -> Quantity | None:
        value = getattr(record.sizes, name) if record.sizes is not None else None
        return _quantity(source_id, join_pointer(base, "bytes", name), value, Unit.BYTES)

    end_to_end = record.phase("end_to_end")
    throughput = None
    if end_to_end is not None and end_to_end.median > 0:
        throughput = Quantity(
            value=record.size / end_to_end.median,
            unit=Unit.PER_SECOND,
            source_id=source_id,
            pointer=join_pointer(base, "size"),
            divisor_pointer=join_pointer(base, "timings_s", "end_to_end", "median"),
        )
    steps = tuple(_step(source_id, base, position, step) for position, step in enumerate(record.extra_steps))
    return replace(
        identity,
        end_to_end=phase("end_to_end"),
        setup=phase("setup"),
        encode=phase("encode"),
        compute=phase("compute"),
        decode=phase("decode"),
        throughput=throughput,
        overhead=_quantity(source_id, join_pointer(base, "overhead_ratio"), record.overhead_ratio, Unit.RATIO),
        overhead_with_setup=_quantity(
            source_id, join_pointer(base, "overhead_ratio_with_setup"), record.overhead_ratio_with_setup, Unit.RATIO
        ),
        ciphertext_bytes=size("ciphertext"),
        key_bytes=size("key"),
        proof_bytes=size("proof"),
        communication_bytes=size("communication"),
        rounds=_quantity(
            source_id,
            join_pointer(base, "communication", "rounds"),
            record.communication.rounds if record.communication is not None else None,
            Unit.COUNT,
        ),
        max_abs_error=_quantity(
            source_id,
            join_pointer(base, "max_abs_error"),
            record.max_abs_error if record.tolerance else None,
            Unit.COUNT,
        ),
        steps=steps,
        parameters=record.parameters,
        notes=record.notes,
    )


def _step(source_id: str, base: str, position: int, step: StepSummary) -> StepResult:
    return StepResult(
        name=step.name,
        seconds=_quantity(
            source_id,
            join_pointer(base, "extra_steps", position, "timing_s", "median"),
            step.timing.median if step.timing else None,
            Unit.SECONDS,
        ),
        unavailable=step.unavailable,
    )


def _latency_chart(
    chart_id: str, title: str, results: Sequence[BackendResult], plaintext: Quantity | None
) -> Chart | None:
    bars = [
        ChartBar(category=result.label, series=label, value=value)
        for result in results
        for name, label in PHASE_SERIES
        if (value := getattr(result, name)) is not None
    ]
    if not bars:
        return None
    references = (ReferenceLine(label="plaintext", value=plaintext),) if plaintext is not None else ()
    return Chart(
        chart_id=f"latency-{chart_id}",
        title=f"{title}: time",
        caption="Median seconds per run; setup (key generation, context, party start-up) is paid once per session. "
        "The dashed line is the same workload in plaintext.",
        unit=Unit.SECONDS,
        scale=scale_for([bar.value.value for bar in bars] + [ref.value.value for ref in references]),
        categories=tuple(dict.fromkeys(bar.category for bar in bars)),
        series=tuple(label for _, label in PHASE_SERIES if any(bar.series == label for bar in bars)),
        bars=tuple(bars),
        provenance=Provenance.MEASURED,
        source_ids=tuple(dict.fromkeys(result.source_id for result in results)),
        references=references,
        colors=tuple((label, name) for name, label in PHASE_SERIES),
    )


def _bytes_chart(chart_id: str, title: str, results: Sequence[BackendResult]) -> Chart | None:
    bars = [
        ChartBar(category=result.label, series=label, value=value)
        for result in results
        for name, label in BYTE_SERIES
        if (value := getattr(result, f"{name}_bytes")) is not None
    ]
    if not bars:
        return None
    return Chart(
        chart_id=f"bytes-{chart_id}",
        title=f"{title}: bytes",
        caption="Ciphertexts, keys, proofs and bytes sent over the network by one run.",
        unit=Unit.BYTES,
        scale=scale_for(bar.value.value for bar in bars),
        categories=tuple(dict.fromkeys(bar.category for bar in bars)),
        series=tuple(label for _, label in BYTE_SERIES if any(bar.series == label for bar in bars)),
        bars=tuple(bars),
        provenance=Provenance.MEASURED,
        source_ids=tuple(dict.fromkeys(result.source_id for result in results)),
        colors=tuple((label, f"bytes-{name}") for name, label in BYTE_SERIES),
    )


def workload_label(comparison: WorkloadComparison) -> str:
    return f"{comparison.title}, n={comparison.size.value:g}"


def _headline(workloads: Sequence[WorkloadComparison]) -> Chart | None:
    bars = [
        ChartBar(category=workload_label(workload), series=result.label, value=result.overhead)
        for workload in workloads
        for result in workload.results
        if result.overhead is not None
    ]
    if not bars:
        return None
    technologies = {result.label: result.technology for workload in workloads for result in workload.results}
    series = tuple(sorted(dict.fromkeys(bar.series for bar in bars), key=lambda label: _typical(bars, label)))
    return Chart(
        chart_id="overhead",
        title="Overhead versus plaintext, per workload",
        caption="End-to-end median time divided by the same computation in plaintext, on the same machine "
        "(setup excluded). A ratio of one would mean no cost at all.",
        unit=Unit.RATIO,
        scale=scale_for(bar.value.value for bar in bars),
        categories=tuple(dict.fromkeys(bar.category for bar in bars)),
        series=series,
        bars=tuple(bars),
        provenance=Provenance.MEASURED,
        source_ids=tuple(dict.fromkeys(result.source_id for workload in workloads for result in workload.results)),
        colors=tuple((label, technologies[label]) for label in series),
    )


def _overhead_ranges(workloads: Sequence[WorkloadComparison]) -> tuple[OverheadRange, ...]:
    by_technology: dict[str, list[BackendResult]] = {}
    for workload in workloads:
        for result in workload.results:
            if result.overhead is not None:
                by_technology.setdefault(result.technology, []).append(result)
    ranges = []
    for technology, results in by_technology.items():
        overheads = [result.overhead for result in results if result.overhead is not None]
        ranges.append(
            OverheadRange(
                technology=technology,
                backends=tuple(dict.fromkeys(result.backend for result in results)),
                lowest=min(overheads, key=lambda quantity: quantity.value),
                highest=max(overheads, key=lambda quantity: quantity.value),
            )
        )
    ranges.sort(key=lambda item: item.lowest.value)
    return tuple(ranges)


def _typical(bars: Sequence[ChartBar], series: str) -> float:
    """The geometric mean of a series' values, to order the legend from cheapest to dearest."""
    values = [bar.value.value for bar in bars if bar.series == series and bar.value.value > 0]
    return math.exp(sum(math.log(value) for value in values) / len(values)) if values else math.inf


def _cited_ranges(
    entries: Sequence[tuple[str, int, ResultRecord, bool]], citation_ids: dict[tuple[str, str], str]
) -> tuple[CitedRange, ...]:
    seen: dict[str, CitedRange] = {}
    for source_id, index, record, _ in entries:
        for position, cited in enumerate(record.cited):
            if cited.figure in seen:
                continue
            citation = citation_ids[(cited.source, cited.url)]
            base = join_pointer(record_pointer(index), "cited", position)
            seen[cited.figure] = CitedRange(
                figure=cited.figure,
                technology=record.technology,
                low=Quantity(
                    value=cited.low_percent,
                    unit=Unit.PERCENT,
                    source_id=source_id,
                    pointer=base + "/low_percent",
                    cited_by=citation,
                ),
                high=Quantity(
                    value=cited.high_percent,
                    unit=Unit.PERCENT,
                    source_id=source_id,
                    pointer=base + "/high_percent",
                    cited_by=citation,
                ),
                citation_id=citation,
            )
    return tuple(seen.values())


def _cited_chart(cited: Sequence[CitedRange]) -> Chart | None:
    if not cited:
        return None
    series = "published range"
    return Chart(
        chart_id="cited-overheads",
        title="Cited: slowdown of running inside a TEE (not measured here)",
        caption="Published ranges, each with its source; they describe other workloads and machines and are "
        "never mixed into the measured figures.",
        unit=Unit.PERCENT,
        scale=scale_for([item.high.value for item in cited] + [item.low.value for item in cited]),
        categories=tuple(item.figure for item in cited),
        series=(series,),
        bars=tuple(ChartBar(category=item.figure, series=series, value=item.high, start=item.low) for item in cited),
        provenance=Provenance.CITED,
        source_ids=tuple(dict.fromkeys(item.citation_id for item in cited)),
        colors=((series, "cited"),),
    )
