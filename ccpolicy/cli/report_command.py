"""``ccpolicy report``: the technology matrix, benchmark comparison, verifier performance and policy view."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccpolicy.cli.arguments import evaluation_time, time_argument
from ccpolicy.cli.bench_command import _progress
from ccpolicy.cli.verify_command import read_evidence
from ccpolicy.collateral import load_collateral
from ccpolicy.errors import ConfigurationError
from ccpolicy.host import PluginHost
from ccpolicy.report.bench_results_file import load_bench_results
from ccpolicy.report.build import ReportInputs, build_report
from ccpolicy.report.model import Notice
from ccpolicy.report.policy_section import (
    DecisionSettings,
    EvidenceInput,
    build_policy_section,
    default_policy_paths,
)
from ccpolicy.report.quick_run import run_quick_comparison, run_quick_verifier_bench
from ccpolicy.report.rendering import render_html, render_json, render_markdown
from ccpolicy.report.template_sets import BUILTIN_TEMPLATES
from ccpolicy.report.verifier_bench_file import load_verifier_bench

FORMATS = {"html": ("report.html", render_html), "md": ("report.md", render_markdown)}
JSON_NAME = "report.json"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="render the technology matrix, benchmark comparison, verifier performance and policy view",
        description="Writes report.html (self-contained: CSS and SVG plots inline), report.md (for a pull-request "
        "comment) and/or report.json (the report model) into --out. Every number comes from a results file "
        "or a citation.",
    )
    parser.add_argument(
        "--results", action="append", type=Path, default=[], metavar="FILE", help="`ccpolicy bench` results JSON"
    )
    parser.add_argument(
        "--verifier-bench",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="pytest-benchmark JSON of the bench/ verifier suites (--benchmark-json)",
    )
    parser.add_argument(
        "--policy",
        action="append",
        type=Path,
        default=[],
        metavar="FILE_OR_DIR",
        help="policy to show threat coverage and decisions for (default: every TEE's default policy)",
    )
    parser.add_argument("--evidence", action="append", type=Path, default=[], metavar="FILE", help="evidence to decide")
    parser.add_argument(
        "--collateral", action="append", type=Path, default=[], metavar="PATH", help="collateral file or directory"
    )
    parser.add_argument("--at", type=time_argument, metavar="RFC3339", help="evaluation time (default: now)")
    parser.add_argument("--out", type=Path, default=Path("report"), metavar="DIR", help="output directory (report)")
    parser.add_argument(
        "--format", type=_formats, default=("html", "md"), metavar="LIST", help="html,md,json (default html,md)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="without --results / --verifier-bench: run the small comparison workloads and the SNP verifier "
        "benchmark first (a few minutes), writing their files into --out",
    )
    parser.add_argument(
        "--vectors", type=Path, metavar="DIR", help="real evidence vectors (default: $CCPOLICY_VECTORS)"
    )
    parser.add_argument(
        "--template-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="directory of templates overriding those of the template set (report.html.j2, report.md.j2, ...)",
    )
    parser.add_argument(
        "--templates",
        default=BUILTIN_TEMPLATES.name,
        metavar="NAME",
        help=f"template set from a plugin (default: {BUILTIN_TEMPLATES.name}; `ccpolicy plugins` lists them)",
    )
    parser.set_defaults(run=run)


def _formats(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in (*FORMATS, "json")]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"formats are html, md and json, not {', '.join(unknown) or 'nothing'}")
    return names


def run(args: argparse.Namespace) -> int:
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"cannot create {args.out}: {exc.strerror}") from exc
    host = PluginHost.load()
    templates = host.report_templates.get(args.templates)
    if templates is None:
        known = ", ".join(sorted(host.report_templates)) or "none"
        raise ConfigurationError(f"no report template set '{args.templates}' (loaded: {known})")
    notices: list[Notice] = []
    results_paths = list(args.results)
    bench_paths = list(args.verifier_bench)
    if args.quick and not results_paths:
        backends = [host.comparison_backends[name] for name in sorted(host.comparison_backends)]
        vectors = str(args.vectors) if args.vectors else None
        with _progress() as progress:
            results_paths.append(run_quick_comparison(backends, args.out, vectors, progress))
    if args.quick and not bench_paths:
        try:
            bench_paths.append(run_quick_verifier_bench(args.out))
        except ConfigurationError as error:
            notices.append(Notice(section="Verifier performance", message=f"not measured: {error.diagnostics()}"))
    if not results_paths:
        notices.append(
            Notice(section="Benchmarks", message="no results given: pass --results FILE or --quick to measure here")
        )
    threat_models = dict(host.threat_models)
    policies = list(args.policy) or default_policy_paths(list(threat_models))
    decisions = None
    if args.evidence:
        decisions = DecisionSettings(
            evidence=tuple(EvidenceInput(name=str(path), content=read_evidence(path)) for path in args.evidence),
            collateral=load_collateral(args.collateral),
            now=evaluation_time(args),
        )
    report = build_report(
        ReportInputs(
            results=[load_bench_results(path) for path in results_paths],
            verifier_benches=[load_verifier_bench(path) for path in bench_paths],
            threat_models=threat_models,
            policies=build_policy_section(host, policies, threat_models, decisions) if policies else None,
            notices=notices,
        )
    )
    for name in args.format:
        if name == "json":
            path, text = args.out / JSON_NAME, render_json(report)
        else:
            file_name, render = FORMATS[name]
            path, text = args.out / file_name, render(report, args.template_dir, templates)
        _write(path, text)
        print(path)
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot write {path}: {exc.strerror}") from exc
