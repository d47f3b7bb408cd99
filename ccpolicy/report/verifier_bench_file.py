"""Reading pytest-benchmark's ``--benchmark-json`` output of the bench/ verifier suites.

A benchmark's role comes from its test name, ``test_<role>_...``: floor (the bare cryptographic
operation no verifier can undercut), parse, verify, appraise, whole (the full pipeline call), peer
(another verifier measured in the same run); anything else is ``other``. The case is the test's
parameter (the evidence vector).  Benchmark ``i`` is the JSON object at ``/benchmarks/i``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.report.json_reading import JsonReader, read_json_file

WHAT = "pytest-benchmark JSON file"
LIBRARIES_KEY = "ccpolicy_libraries"
"""Key under ``machine_info`` where ccpolicy.report.benchmark_machine_info records library versions."""


class BenchmarkRole(enum.Enum):
    FLOOR = "floor"
    PARSE = "parse"
    VERIFY = "verify"
    APPRAISE = "appraise"
    WHOLE = "whole"
    SEQUENTIAL = "sequential"
    """The whole call with every step in the calling thread, in order (``test_sequential_whole_...``)."""
    PEER = "peer"
    OTHER = "other"


ROLE_ORDER = tuple(BenchmarkRole)


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchmarkEntry:
    pointer: str
    module: str
    """The benchmark file's stem, e.g. ``test_snp_verification``."""
    test: str
    """The test function's name without its parameter."""
    case: str
    role: BenchmarkRole
    mean_s: float
    median_s: float
    min_s: float
    max_s: float
    stddev_s: float
    rounds: int
    decisions_per_second: float | None
    """Set by suites that measure policy decisions (``extra_info``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierBenchFile:
    path: Path
    document: Any
    created: str
    tool_version: str
    cpu: str | None
    logical_cpus: int | None
    python: str | None
    system: str | None
    commit: str | None
    libraries: tuple[tuple[str, str | None], ...]
    entries: tuple[BenchmarkEntry, ...]


def role_of(test: str) -> BenchmarkRole:
    word = test.removeprefix("test_").split("_", 1)[0]
    for role in BenchmarkRole:
        if role.value == word:
            return role
    return BenchmarkRole.OTHER


def load_verifier_bench(path: Path) -> VerifierBenchFile:
    document = read_json_file(path, WHAT)
    root = JsonReader(document, path)
    machine = root.child("machine_info")
    cpu = machine.child("cpu") if machine.has("cpu") else None
    commit = root.child("commit_info") if root.has("commit_info") else None
    return VerifierBenchFile(
        path=path,
        document=document,
        created=root.child("datetime").text(),
        tool_version=root.child("version").text(),
        cpu=cpu.child("brand_raw").optional_text() if cpu is not None and cpu.has("brand_raw") else None,
        logical_cpus=cpu.child("count").optional_integer() if cpu is not None and cpu.has("count") else None,
        python=_optional(machine, "python_version"),
        system=" ".join(part for part in (_optional(machine, "system"), _optional(machine, "release")) if part) or None,
        commit=_optional(commit, "id") if commit is not None else None,
        libraries=machine.child(LIBRARIES_KEY).text_pairs() if machine.has(LIBRARIES_KEY) else (),
        entries=tuple(_entry(item) for item in root.child("benchmarks").items()),
    )


def _optional(reader: JsonReader, key: str) -> str | None:
    return reader.child(key).optional_text() if reader.has(key) else None


def _entry(reader: JsonReader) -> BenchmarkEntry:
    name = reader.child("name").text()
    test = name.split("[", 1)[0]
    fullname = reader.child("fullname").text()
    module = Path(fullname.split("::", 1)[0]).stem
    case = reader.child("param").optional_text() if reader.has("param") else None
    stats = reader.child("stats")
    extra = reader.child("extra_info") if reader.has("extra_info") else None
    rate = (
        extra.child("decisions_per_second").number()
        if extra is not None and extra.has("decisions_per_second")
        else None
    )
    return BenchmarkEntry(
        pointer=reader.pointer,
        module=module,
        test=test,
        case=case or "",
        role=role_of(test),
        mean_s=stats.child("mean").number(),
        median_s=stats.child("median").number(),
        min_s=stats.child("min").number(),
        max_s=stats.child("max").number(),
        stddev_s=stats.child("stddev").number(),
        rounds=stats.child("rounds").integer(),
        decisions_per_second=rate,
    )
