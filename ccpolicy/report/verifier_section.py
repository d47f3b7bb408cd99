"""Verifier performance from pytest-benchmark JSON: each step next to the crypto floor of the same run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ccpolicy.report.chart_scale import scale_for
from ccpolicy.report.model import (
    Chart,
    ChartBar,
    Provenance,
    Quantity,
    Unit,
    VerifierCase,
    VerifierSection,
    VerifierStep,
    VerifierSuite,
)
from ccpolicy.report.verifier_bench_file import ROLE_ORDER, BenchmarkEntry, BenchmarkRole, VerifierBenchFile

ROLE_LABELS = {
    BenchmarkRole.FLOOR: "crypto floor",
    BenchmarkRole.PARSE: "parse",
    BenchmarkRole.VERIFY: "verify",
    BenchmarkRole.APPRAISE: "appraise",
    BenchmarkRole.WHOLE: "whole call",
    BenchmarkRole.SEQUENTIAL: "whole call, in order",
    BenchmarkRole.PEER: "peer verifier",
    BenchmarkRole.OTHER: "other",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedVerifierBench:
    source_id: str
    loaded: VerifierBenchFile


def build_verifier_section(files: Sequence[LoadedVerifierBench]) -> VerifierSection:
    suites = []
    for item in files:
        modules = list(dict.fromkeys(entry.module for entry in item.loaded.entries))
        for module in modules:
            entries = [entry for entry in item.loaded.entries if entry.module == module]
            suites.append(_suite(item.source_id, module, entries, len(files) > 1))
    return VerifierSection(suites=tuple(suites))


def suite_title(module: str) -> str:
    return module.removeprefix("test_").replace("_", " ")


def _suite(source_id: str, module: str, entries: Sequence[BenchmarkEntry], several: bool) -> VerifierSuite:
    cases = []
    for case in dict.fromkeys(entry.case for entry in entries):
        in_case = sorted(
            (entry for entry in entries if entry.case == case),
            key=lambda entry: (ROLE_ORDER.index(entry.role), entry.test),
        )
        floor = next((entry for entry in in_case if entry.role is BenchmarkRole.FLOOR), None)
        cases.append(VerifierCase(case=case, steps=tuple(_step(source_id, entry, floor) for entry in in_case)))
    title = suite_title(module) + (f" ({source_id})" if several else "")
    return VerifierSuite(
        module=module, title=title, source_id=source_id, cases=tuple(cases), chart=_chart(source_id, module, cases)
    )


def role_label(entry: BenchmarkEntry) -> str:
    """The role's label; a benchmark of no known role is named by its test (``test_input_document[x]``:
    "input document"), so that two of them in one case do not look alike."""
    if entry.role is not BenchmarkRole.OTHER:
        return ROLE_LABELS[entry.role]
    return entry.test.removeprefix("test_").split("[", 1)[0].replace("_", " ")


def _step(source_id: str, entry: BenchmarkEntry, floor: BenchmarkEntry | None) -> VerifierStep:
    def seconds(field: str, value: float) -> Quantity:
        return Quantity(value=value, unit=Unit.SECONDS, source_id=source_id, pointer=f"{entry.pointer}/stats/{field}")

    vs_floor = None
    if floor is not None and floor is not entry and floor.mean_s > 0:
        vs_floor = Quantity(
            value=entry.mean_s / floor.mean_s,
            unit=Unit.RATIO,
            source_id=source_id,
            pointer=f"{entry.pointer}/stats/mean",
            divisor_pointer=f"{floor.pointer}/stats/mean",
        )
    rate = None
    if entry.decisions_per_second is not None:
        rate = Quantity(
            value=entry.decisions_per_second,
            unit=Unit.PER_SECOND,
            source_id=source_id,
            pointer=f"{entry.pointer}/extra_info/decisions_per_second",
        )
    return VerifierStep(
        pointer=entry.pointer,
        test=entry.test,
        role=role_label(entry),
        mean=seconds("mean", entry.mean_s),
        median=seconds("median", entry.median_s),
        minimum=seconds("min", entry.min_s),
        rounds=Quantity(
            value=entry.rounds, unit=Unit.COUNT, source_id=source_id, pointer=f"{entry.pointer}/stats/rounds"
        ),
        vs_floor=vs_floor,
        decisions_per_second=rate,
    )


def _chart(source_id: str, module: str, cases: Sequence[VerifierCase]) -> Chart | None:
    steps = [(case.case, step) for case in cases for step in case.steps]
    if not steps:
        return None
    rates = [(case, step) for case, step in steps if step.decisions_per_second is not None]
    if rates:
        bars = [
            ChartBar(category=step.test.removeprefix("test_"), series="decisions per second", value=rate)
            for _, step in rates
            if (rate := step.decisions_per_second) is not None
        ]
        return Chart(
            chart_id=f"verifier-{module}",
            title=f"{suite_title(module)}: decisions per second",
            caption="Policy decisions per second (higher is better).",
            unit=Unit.PER_SECOND,
            scale=scale_for(bar.value.value for bar in bars),
            categories=tuple(dict.fromkeys(bar.category for bar in bars)),
            series=("decisions per second",),
            bars=tuple(bars),
            provenance=Provenance.MEASURED,
            source_ids=(source_id,),
            colors=(("decisions per second", "role-whole"),),
        )
    bars = [ChartBar(category=case or "-", series=step.role, value=step.mean) for case, step in steps]
    series = tuple(dict.fromkeys(bar.series for bar in bars))
    return Chart(
        chart_id=f"verifier-{module}",
        title=f"{suite_title(module)}: mean time per call",
        caption="Mean seconds per call for each evidence vector; the crypto floor is the bare signature check "
        "no verifier can undercut.",
        unit=Unit.SECONDS,
        scale=scale_for(bar.value.value for bar in bars),
        categories=tuple(dict.fromkeys(bar.category for bar in bars)),
        series=series,
        bars=tuple(bars),
        provenance=Provenance.MEASURED,
        source_ids=(source_id,),
        colors=tuple((label, "role-" + label.split()[0]) for label in series),
    )
