"""``ccpolicy explain``: verify evidence like ``verify`` and print the decision as a readable tree."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ccpolicy.cli.arguments import (
    add_evidence_arguments,
    evaluation_time,
    warn_about_trust_arguments,
)
from ccpolicy.cli.verify_command import read_evidence
from ccpolicy.collateral import load_collateral
from ccpolicy.decision_explanation import explain, explanation_as_json, render_tree
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("explain", help="verify evidence and show why the decision came out as it did")
    add_evidence_arguments(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text")
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
