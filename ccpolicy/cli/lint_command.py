"""``ccpolicy lint``: attestation-specific lint rules over Rego policies, and their threat coverage."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccpolicy.host import PluginHost
from ccpolicy.lint_reports import FORMATS, render_lint
from ccpolicy.policy_lint import Level, at_or_above, lint_policy, lint_targets

EXIT_FINDINGS = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("lint", help="find attestation mistakes in Rego policies")
    parser.add_argument("paths", nargs="+", type=Path, metavar="POLICY", help="policy files or directories")
    parser.add_argument("--format", choices=FORMATS, default="pretty")
    parser.add_argument(
        "--fail-level",
        choices=[level.value for level in Level],
        default=Level.WARNING.value,
        help="exit 1 when a finding at or above this level exists (default: warning)",
    )
    parser.add_argument(
        "--threats",
        action="store_true",
        help="also list, per TEE, the threats its plugin declares that no annotated rule mitigates",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report here instead of stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    host = PluginHost.load()
    threat_models = host.threat_models
    known_tees = set(host.tee_verifiers) | set(threat_models)
    lints = [
        lint_policy(target, known_tees=known_tees, threat_models=threat_models, report_threats=args.threats)
        for target in lint_targets(args.paths)
    ]
    report = render_lint(args.format, lints)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    else:
        print(report)
    failing = at_or_above([finding for lint in lints for finding in lint.findings], Level(args.fail_level))
    return EXIT_FINDINGS if failing else 0
