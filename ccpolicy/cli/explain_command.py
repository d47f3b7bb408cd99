"""``ccpolicy explain``: verify evidence like ``verify`` and print the decision as a readable tree."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ccpolicy.cli.arguments import (
    add_trust_arguments,
    evaluation_time,
    hex_argument,
    time_argument,
    warn_about_trust_arguments,
)
from ccpolicy.cli.verify_command import read_evidence
from ccpolicy.collateral import load_collateral
from ccpolicy.decision_explanation import explain, explanation_as_json, render_tree
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("explain", help="verify evidence and show why the decision came out as it did")
    parser.add_argument("evidence", nargs="+", type=Path, metavar="EVIDENCE")
    parser.add_argument("--tee", help="TEE id of the evidence (default: detect)")
    parser.add_argument("--collateral", action="append", type=Path, default=[], metavar="PATH")
    parser.add_argument("--at", type=time_argument, metavar="RFC3339", help="evaluation time (default: now)")
    parser.add_argument("--nonce", type=hex_argument, metavar="HEX", help="nonce the report data must carry")
    parser.add_argument("--policy", action="append", type=Path, default=[], metavar="FILE_OR_DIR")
    parser.add_argument("--data", action="append", type=Path, default=[], metavar="FILE")
    parser.add_argument("--query", help="rule holding the appraisal (default: data.ccpolicy.<tee>.result)")
    parser.add_argument("--engine", default="regorus", help="policy engine (default: regorus)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_trust_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    warn_about_trust_arguments(args)
    collateral = load_collateral(args.collateral)
    verifier = AttestationVerifier(
        PluginHost.load(), engine=args.engine, policy_paths=args.policy, data_paths=args.data, query=args.query
    )
    now = evaluation_time(args)
    worst = 0
    for path in args.evidence:
        outcome = verifier.verify(
            read_evidence(path),
            now=now,
            collateral=collateral,
            source=str(path),
            tee=args.tee,
            nonce=args.nonce,
            unsafe_trust_test_root=args.trust_test_root,
            allow_unevaluated_tcb=args.allow_unevaluated_tcb,
        )
        policy = verifier.policy_for(outcome.tee) if outcome.appraisal is not None and outcome.tee else None
        explanation = explain(outcome, policy)
        if args.format == "json":
            print(json.dumps(explanation_as_json(explanation), sort_keys=True))
        else:
            print(render_tree(explanation))
        worst = max(worst, outcome.exit_code)
    return worst
