"""``ccpolicy gate``: run a file of evidence × policy expectations in parallel and report them together."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccpolicy.gate import load_gate, run_gate
from ccpolicy.result_formats import render

FORMATS = ("pretty", "json", "junit", "sarif", "github")
EXIT_CHECKS_FAILED = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gate", help="run a CI gate: many evidence checks from one TOML file")
    parser.add_argument("config", type=Path, metavar="CONFIG", help="TOML file of [[check]] tables")
    parser.add_argument("--format", choices=FORMATS, default="pretty")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    outcomes = run_gate(load_gate(args.config), jobs=args.jobs)
    report = render(args.format, outcomes)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    else:
        print(report)
    return 0 if all(outcome.passed for outcome in outcomes) else EXIT_CHECKS_FAILED
