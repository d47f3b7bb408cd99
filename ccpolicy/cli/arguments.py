"""Argument types shared by commands."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from ccpolicy.clock import parse_time
from ccpolicy.errors import CcpolicyError

UNSAFE_TEST_ROOT_WARNING = (
    "WARNING: --trust-test-root accepts evidence signed by the ccpolicy test root, which is NOT genuine "
    "hardware. Use it only for tests, never in production."
)
UNEVALUATED_TCB_NOTE = (
    "NOTE: --allow-unevaluated-tcb verifies DCAP evidence whose platform has no TCB info in the collateral with "
    "the TCB status NotEvaluated: the platform may lack security fixes. Accept NotEvaluated in a policy only "
    "where the TCB is judged another way."
)


def time_argument(text: str) -> datetime:
    try:
        return parse_time(text)
    except CcpolicyError as exc:
        raise argparse.ArgumentTypeError(exc.message) from exc


def hex_argument(text: str) -> bytes:
    try:
        return bytes.fromhex(text.removeprefix("0x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not hexadecimal") from exc


def evaluation_time(args: argparse.Namespace) -> datetime:
    """``--at`` when given; the wall clock is read here, in the CLI, and nowhere in verification."""
    at: datetime | None = args.at
    return at if at is not None else datetime.now(timezone.utc)


def warn_about_trust_arguments(args: argparse.Namespace) -> None:
    """The warnings the options of ``add_trust_arguments`` call for, on standard error."""
    if args.trust_test_root:
        print(UNSAFE_TEST_ROOT_WARNING, file=sys.stderr)
    if args.allow_unevaluated_tcb:
        print(UNEVALUATED_TCB_NOTE, file=sys.stderr)


def add_evidence_arguments(parser: argparse.ArgumentParser) -> None:
    """The evidence, how to verify it and which policy appraises it: ``verify`` and ``explain`` take the same."""
    parser.add_argument("evidence", nargs="+", type=Path, metavar="EVIDENCE")
    parser.add_argument("--tee", help="TEE id of the evidence (default: detect)")
    parser.add_argument(
        "--collateral",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="collateral file or directory (repeatable)",
    )
    parser.add_argument("--at", type=time_argument, metavar="RFC3339", help="evaluation time (default: now)")
    parser.add_argument("--nonce", type=hex_argument, metavar="HEX", help="nonce the report data must carry")
    parser.add_argument(
        "--policy",
        action="append",
        type=Path,
        default=[],
        metavar="FILE_OR_DIR",
        help="Rego policy (default: the TEE's default policy)",
    )
    parser.add_argument(
        "--data",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="JSON reference values merged into data (repeatable)",
    )
    parser.add_argument("--query", help="rule holding the appraisal (default: data.ccpolicy.<tee>.result)")
    parser.add_argument("--engine", default="regorus", help="policy engine (default: regorus)")
    add_trust_arguments(parser)


def add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    """What verification may accept beyond the defaults."""
    parser.add_argument(
        "--trust-test-root",
        action="store_true",
        help="UNSAFE: accept evidence signed by the ccpolicy forge's test root",
    )
    parser.add_argument(
        "--allow-unevaluated-tcb",
        action="store_true",
        help="without TCB collateral for the platform (Intel TCB info for its FMSPC), verify everything else "
        "and give the policy the TCB status NotEvaluated (the default policies reject it) instead of exit 4",
    )
