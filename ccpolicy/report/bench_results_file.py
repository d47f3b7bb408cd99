"""Reading a ``ccpolicy bench`` results file back into the records of ccpolicy.comparison.results.

Record ``i`` of ``BenchResults.records`` is the JSON object at ``/results/i``: the report cites
every number by that pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.comparison.backend import ByteSizes, CitedFigure, Communication
from ccpolicy.comparison.machine import MachineDescription
from ccpolicy.comparison.results import (
    PHASES,
    SCHEMA_VERSION,
    BenchResults,
    BenchSettings,
    ResultRecord,
    ResultStatus,
    StepSummary,
    TimingSummary,
)
from ccpolicy.report.json_reading import JsonReader, read_json_file

WHAT = "bench results file"


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchResultsFile:
    path: Path
    document: Any
    """The file's JSON, kept so that numbers can be traced back by pointer."""
    results: BenchResults


def record_pointer(index: int) -> str:
    return f"/results/{index}"


def load_bench_results(path: Path) -> BenchResultsFile:
    document = read_json_file(path, WHAT)
    root = JsonReader(document, path)
    version = root.child("schema_version").integer()
    if version != SCHEMA_VERSION:
        raise root.fail(f"schema_version {version} is not supported (this ccpolicy reads {SCHEMA_VERSION})")
    results = BenchResults(
        ccpolicy_version=root.child("ccpolicy_version").text(),
        created=root.child("created").text(),
        settings=_settings(root.child("settings")),
        machine=_machine(root.child("machine")),
        libraries=root.child("libraries").text_pairs(),
        records=tuple(_record(item) for item in root.child("results").items()),
    )
    return BenchResultsFile(path=path, document=document, results=results)


def _settings(reader: JsonReader) -> BenchSettings:
    return BenchSettings(
        workloads=reader.child("workloads").texts(),
        backends=reader.child("backends").texts(),
        quick=reader.child("quick").boolean(),
        repeat=reader.child("repeat").integer(),
        timeout_s=reader.child("timeout_s").number(),
        seed=reader.child("seed").integer(),
        threads=reader.child("threads").integer(),
    )


def _machine(reader: JsonReader) -> MachineDescription:
    return MachineDescription(
        system=reader.child("system").text(),
        machine=reader.child("machine").text(),
        cpu_model=reader.child("cpu_model").optional_text(),
        logical_cpus=reader.child("logical_cpus").optional_integer(),
        memory_bytes=reader.child("memory_bytes").optional_integer(),
        python=reader.child("python").text(),
        thread_settings=reader.child("thread_settings").text_pairs(),
    )


def _timing(reader: JsonReader) -> TimingSummary | None:
    if reader.is_null():
        return None
    return TimingSummary(
        median=reader.child("median").number(),
        minimum=reader.child("min").number(),
        maximum=reader.child("max").number(),
    )


def _status(reader: JsonReader) -> ResultStatus:
    text = reader.text()
    try:
        return ResultStatus(text)
    except ValueError:
        raise reader.fail(f"'{text}' is not a result status") from None


def _record(reader: JsonReader) -> ResultRecord:
    timings = reader.child("timings_s")
    phases = () if timings.is_null() else tuple((name, _timing(timings.child(name))) for name in PHASES)
    sizes = reader.child("bytes")
    communication = reader.child("communication")
    return ResultRecord(
        backend=reader.child("backend").text(),
        technology=reader.child("technology").text(),
        library=reader.child("library").text(),
        library_version=reader.child("library_version").optional_text(),
        workload=reader.child("workload").text(),
        size=reader.child("size").integer(),
        status=_status(reader.child("status")),
        correct=reader.child("correct").optional_boolean(),
        detail=reader.child("detail").optional_text(),
        repeat=reader.child("repeat").integer(),
        phases=phases,
        extra_steps=tuple(
            StepSummary(
                name=step.child("name").text(),
                timing=_timing(step.child("timing_s")),
                unavailable=step.child("unavailable").optional_text(),
            )
            for step in reader.child("extra_steps").items()
        ),
        sizes=None
        if sizes.is_null()
        else ByteSizes(
            ciphertext=sizes.child("ciphertext").optional_integer(),
            key=sizes.child("key").optional_integer(),
            proof=sizes.child("proof").optional_integer(),
            communication=sizes.child("communication").optional_integer(),
        ),
        communication=None
        if communication.is_null()
        else Communication(
            bytes_per_party=tuple(item.integer() for item in communication.child("bytes_per_party").items()),
            rounds=communication.child("rounds").integer(),
        ),
        plaintext_baseline_s=reader.child("plaintext_baseline_s").optional_number(),
        overhead_ratio=reader.child("overhead_ratio").optional_number(),
        overhead_ratio_with_setup=reader.child("overhead_ratio_with_setup").optional_number(),
        tolerance=reader.child("tolerance").optional_number(),
        max_abs_error=reader.child("max_abs_error").optional_number(),
        parameters=tuple(
            (key, reader.child("parameters").child(key).text()) for key in reader.child("parameters").member_names()
        ),
        notes=reader.child("notes").texts(),
        cited=tuple(
            CitedFigure(
                figure=item.child("figure").text(),
                low_percent=item.child("low_percent").number(),
                high_percent=item.child("high_percent").number(),
                source=item.child("source").text(),
                url=item.child("url").text(),
            )
            for item in reader.child("cited").items()
        ),
    )
