"""``ccpolicy verify``: verify evidence files and appraise them with a policy."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from ccpolicy.cli.arguments import (
    add_evidence_arguments,
    evaluation_time,
    warn_about_trust_arguments,
)
from ccpolicy.cli.collateral_command import add_service_options, default_cache_dir, fetched_collateral
from ccpolicy.cli.outcome_output import outcome_as_json, outcome_as_test, outcome_as_text
from ccpolicy.cli.policy_command import add_opa_arguments, configure_opa_engine
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.ear import load_signing_key, sign_jwt
from ccpolicy.errors import CcpolicyError, ConfigurationError
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier, Outcome
from ccpolicy.result_formats import render

MAX_EVIDENCE_BYTES = 16 * 1024 * 1024
REPORT_FORMATS = ("junit", "sarif", "github")
"""Formats that report all evidence files together, one test case / result per file."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("verify", help="verify evidence and appraise it with a Rego policy")
    add_evidence_arguments(parser)
    parser.add_argument(
        "--fetch-collateral",
        action="store_true",
        help="also fetch the evidence's collateral from the vendor's service (AMD KDS for snp), through a cache",
    )
    add_service_options(parser, cache_option="--collateral-cache")
    parser.add_argument("--format", choices=["text", "json", "ear", *REPORT_FORMATS], default="text")
    parser.add_argument("--sign-key", type=Path, metavar="PEM", help="EC P-256/P-384 key: --format ear prints a JWT")
    add_opa_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    warn_about_trust_arguments(args)
    if args.sign_key and args.format != "ear":
        raise ConfigurationError("--sign-key goes with --format ear")
    signing_key = load_signing_key(args.sign_key) if args.sign_key else None
    if not args.fetch_collateral and (args.collateral_cache or args.service_url):
        raise ConfigurationError("--collateral-cache and --kds-url go with --fetch-collateral")
    collateral = load_collateral(args.collateral)
    host = PluginHost.load()
    configure_opa_engine(host, args)
    verifier = AttestationVerifier(
        host, engine=args.engine, policy_paths=args.policy, data_paths=args.data, query=args.query
    )
    now = evaluation_time(args)
    worst = 0
    collected = []
    for path in args.evidence:
        evidence = read_evidence(path)
        try:
            store = (
                with_fetched_collateral(host, evidence, collateral, args, now) if args.fetch_collateral else collateral
            )
        except CcpolicyError as error:  # the fetch failed: this evidence's outcome is that error
            outcome = Outcome(source=str(path), tee=args.tee, error=error)
        else:
            outcome = verifier.verify(
                evidence,
                now=now,
                collateral=store,
                source=str(path),
                tee=args.tee,
                nonce=args.nonce,
                unsafe_trust_test_root=args.trust_test_root,
                allow_unevaluated_tcb=args.allow_unevaluated_tcb,
            )
        if args.format in REPORT_FORMATS:
            collected.append(outcome_as_test(outcome))
        else:
            print_outcome(outcome, args.format, signing_key)
        worst = max(worst, outcome.exit_code)
    if args.format in REPORT_FORMATS:
        print(render(args.format, collected))
    return worst


def with_fetched_collateral(
    host: PluginHost, evidence: bytes, offline: CollateralStore, args: argparse.Namespace, now: datetime
) -> CollateralStore:
    """The evidence's collateral from its TEE's source, added to the offline collateral given with --collateral."""
    tee_id = args.tee or host.detect(evidence).tee_id
    fetched = fetched_collateral(
        host,
        evidence,
        tee_id=tee_id,
        cache_dir=args.collateral_cache or default_cache_dir(),
        now=now,
        service_url=args.service_url,
    )
    return offline.merged(fetched) if args.collateral else fetched


def read_evidence(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_EVIDENCE_BYTES:
            raise ConfigurationError(f"evidence file {path} is larger than 16 MiB")
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read evidence file {path}: {exc.strerror}") from exc


def print_outcome(outcome: Outcome, output_format: str, signing_key: Any) -> None:
    if output_format == "json":
        print(json.dumps(outcome_as_json(outcome), sort_keys=True))
    elif output_format == "ear":
        if outcome.result is None:
            print(outcome_as_text(outcome), file=sys.stderr)
        elif signing_key is not None:
            print(sign_jwt(outcome.result, signing_key))
        else:
            print(json.dumps(outcome.result, sort_keys=True))
    else:
        print(outcome_as_text(outcome))
