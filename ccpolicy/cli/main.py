"""Entry point of the ``ccpolicy`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ccpolicy import __version__
from ccpolicy.cli import (
    bench_command,
    collateral_command,
    explain_command,
    forge_command,
    gate_command,
    lint_command,
    plugins_command,
    policy_command,
    policy_test_command,
    refvalues_command,
    report_command,
    verify_command,
)
from ccpolicy.errors import CcpolicyError

INTERNAL_ERROR_EXIT = 6
COMMANDS = (
    plugins_command,
    verify_command,
    explain_command,
    gate_command,
    policy_test_command,
    lint_command,
    policy_command,
    forge_command,
    refvalues_command,
    collateral_command,
    bench_command,
    report_command,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccpolicy",
        description="Verify confidential-computing attestation evidence and appraise it with Rego policies.",
        epilog="exit codes: 0 affirmed, 1 usage, 2 bad evidence, 3 verification failed, "
        "4 collateral missing/expired, 5 policy denied, 6 policy/engine/plugin error",
    )
    parser.add_argument("--version", action="version", version=f"ccpolicy {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; ccpolicy's usage exit code is 1
        return 0 if exc.code == 0 else 1
    try:
        code: int = args.run(args)
    except CcpolicyError as error:
        print(f"ccpolicy: {error.diagnostics()}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("CCPOLICY_DEBUG"):
            raise
        print(
            f"ccpolicy: internal error: {type(exc).__name__}: {exc} (set CCPOLICY_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return INTERNAL_ERROR_EXIT
    return code


if __name__ == "__main__":
    sys.exit(main())
