"""``ccpolicy test``: Rego unit tests and evidence cases, with coverage and CI output formats."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ccpolicy.errors import ConfigurationError
from ccpolicy.evidence_cases import CASE_SUFFIX, load_case, run_case
from ccpolicy.host import PluginHost
from ccpolicy.policy_tests import TEST_MODULE_SUFFIX, FileCoverage, TestOutcome, run_directory_tests, total_coverage
from ccpolicy.result_formats import FORMATS, render

EXIT_TESTS_FAILED = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("test", help="run Rego unit tests and evidence cases")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="policy directories or case files")
    parser.add_argument("--coverage", action="store_true", help="report covered and uncovered policy lines")
    parser.add_argument("--threshold", type=float, metavar="PCT", help="fail below this coverage (implies --coverage)")
    parser.add_argument("--format", choices=FORMATS, default="pretty")
    parser.add_argument(
        "--run", type=re.compile, dest="name_filter", metavar="REGEX", help="only tests whose name matches"
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    coverage_on = args.coverage or args.threshold is not None
    paths = args.paths or [Path("policies")]
    outcomes: list[TestOutcome] = []
    coverage: list[FileCoverage] = []
    rego_directories, case_files = discover(paths)
    if not rego_directories and not case_files:
        raise ConfigurationError(f"no *{TEST_MODULE_SUFFIX} or *{CASE_SUFFIX} files under {', '.join(map(str, paths))}")
    for directory in rego_directories:
        found, covered = run_directory_tests(directory, name_filter=args.name_filter, coverage=coverage_on)
        outcomes += found
        coverage += covered
    if case_files:
        host = PluginHost.load()
        for path in case_files:
            case = load_case(path)
            if args.name_filter is None or args.name_filter.search(case.name):
                outcomes.append(run_case(case, host))
    coverage = merge_coverage(coverage)
    report = render(args.format, outcomes, coverage)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    else:
        print(report)
    failed = any(not o.passed for o in outcomes)
    below = args.threshold is not None and total_coverage(coverage) < args.threshold
    if below:
        print(f"coverage {total_coverage(coverage):.1f}% is below the threshold {args.threshold:.1f}%")
    return EXIT_TESTS_FAILED if failed or below or not outcomes else 0


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Directories holding Rego tests, and evidence case files, under the given paths."""
    directories: dict[Path, None] = {}
    cases: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise ConfigurationError(f"{path} does not exist")
        for file in _files(path):
            if file.name.endswith(TEST_MODULE_SUFFIX):
                directories[file.parent] = None
            elif file.name.endswith(CASE_SUFFIX):
                cases[file] = None
    return sorted(directories), sorted(cases)


def merge_coverage(items: list[FileCoverage]) -> list[FileCoverage]:
    """One entry per file: a line is covered if any run covered it (the shared library runs with every suite)."""
    merged: dict[str, tuple[set[int], set[int]]] = {}
    for item in items:
        covered, not_covered = merged.setdefault(item.path, (set(), set()))
        covered.update(item.covered)
        not_covered.update(item.not_covered)
    return [
        FileCoverage(path=path, covered=tuple(sorted(c)), not_covered=tuple(sorted(n - c)))
        for path, (c, n) in sorted(merged.items())
    ]


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    else:
        yield from (p for p in sorted(path.rglob("*")) if p.is_file())
