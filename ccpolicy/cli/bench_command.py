"""``ccpolicy bench``: run the comparison backends on the reference workloads and write a results file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.comparison.results import ResultRecord, ResultStatus, results_to_json
from ccpolicy.comparison.runner import BenchPlan, run_bench
from ccpolicy.comparison.summary import HEADERS, markdown_table, summary_rows
from ccpolicy.comparison.workloads import WorkloadKind
from ccpolicy.errors import ConfigurationError
from ccpolicy.host import PluginHost

FAILED = (ResultStatus.WRONG, ResultStatus.ERROR, ResultStatus.TIMEOUT)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="run FHE, MPC, ZKP, partially homomorphic and TEE-model backends on the same workloads",
        description="Exit 0 when every run result is correct (unavailable backends are reported, not failed); "
        "1 when a result is wrong, a backend failed or timed out.",
    )
    parser.add_argument(
        "--workload",
        action="append",
        choices=[kind.value for kind in WorkloadKind],
        help="workload to run (repeatable; default: all)",
    )
    parser.add_argument("--backend", action="append", metavar="NAME", help="backend to run (repeatable; default: all)")
    parser.add_argument("--quick", action="store_true", help="smallest size of each workload, one repetition")
    parser.add_argument(
        "--repeat", type=_positive_int, metavar="N", help="repetitions per run (default 3; 1 with --quick)"
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the results JSON here")
    parser.add_argument(
        "--timeout", type=_positive_float, default=300.0, metavar="S", help="seconds one backend run may take (300)"
    )
    parser.add_argument("--seed", type=int, default=2025, help="seed of the workload inputs (2025)")
    parser.add_argument(
        "--threads", type=_positive_int, default=1, help="threads per backend; pins OMP_NUM_THREADS (1)"
    )
    parser.add_argument(
        "--vectors", type=Path, metavar="DIR", help="real evidence vectors (default: $CCPOLICY_VECTORS)"
    )
    parser.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="summary on stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    backends = select_backends(PluginHost.load().comparison_backends, args.backend)
    plan = BenchPlan(
        workloads=tuple(WorkloadKind(name) for name in dict.fromkeys(args.workload or [k.value for k in WorkloadKind])),
        quick=args.quick,
        repeat=args.repeat or (1 if args.quick else 3),
        timeout_s=args.timeout,
        seed=args.seed,
        threads=args.threads,
        vectors=str(args.vectors) if args.vectors else None,
    )
    with _progress() as progress:
        results = run_bench(backends, plan, progress)
    document = results_to_json(results)
    if args.out:
        try:
            args.out.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"cannot write {args.out}: {exc.strerror}") from exc
    if args.format == "json":
        print(json.dumps(document, indent=2, sort_keys=True))
    elif args.format == "markdown":
        print(markdown_table(results.records))
    else:
        _print_table(results.records)
    return 1 if any(record.status in FAILED for record in results.records) else 0


def select_backends(available: Any, names: list[str] | None) -> list[ComparisonBackend]:
    if not names:
        return [available[name] for name in sorted(available)]
    unknown = [name for name in names if name not in available]
    if unknown:
        known = ", ".join(sorted(available)) or "none"
        raise ConfigurationError(f"no comparison backend named {', '.join(unknown)} (loaded: {known})")
    return [available[name] for name in dict.fromkeys(names)]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _print_table(records: Any) -> None:
    rows = summary_rows(records)
    widths = [max(len(str(cell)) for cell in column) for column in zip(HEADERS, *rows, strict=False)]
    for row in (HEADERS, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


class _PlainProgress:
    """Progress lines on stderr, for when rich is not installed or stderr is not a terminal."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0

    def __enter__(self) -> _PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def planned(self, total: int) -> None:
        self.total = total

    def running(self, description: str) -> None:
        print(f"[{self.done + 1}/{self.total}] {description} ...", file=sys.stderr, flush=True)

    def finished(self, record: ResultRecord) -> None:
        self.done += 1
        if record.status is not ResultStatus.OK:
            print(f"    {record.status.value}: {record.detail or ''}", file=sys.stderr, flush=True)


class _RichProgress:
    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
        )
        self.task = self.progress.add_task("bench", total=None)

    def __enter__(self) -> _RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def planned(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def running(self, description: str) -> None:
        self.progress.update(self.task, description=description)

    def finished(self, record: ResultRecord) -> None:
        self.progress.advance(self.task)
        if record.status is not ResultStatus.OK:
            self.progress.console.print(
                f"{record.backend} {record.workload} {record.size}: {record.status.value}: {record.detail or ''}"
            )


def _progress() -> _PlainProgress | _RichProgress:
    if not sys.stderr.isatty():
        return _PlainProgress()
    try:
        return _RichProgress()
    except ImportError:
        return _PlainProgress()
