"""``ccpolicy forge``: test evidence in a TEE's real format, signed under the ccpolicy test root."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccpolicy.cli.arguments import evaluation_time, time_argument
from ccpolicy.errors import ConfigurationError
from ccpolicy.host import PluginHost


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("forge", help="make test evidence signed by the ccpolicy test root")
    parser.add_argument("tee", metavar="TEE")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        dest="settings",
        help="override a field of the forged evidence (repeatable)",
    )
    parser.add_argument("--at", type=time_argument, metavar="RFC3339", help="time the collateral is valid around")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    forges = PluginHost.load().evidence_forges
    forge = forges.get(args.tee)
    if forge is None:
        raise ConfigurationError(f"no forge for TEE '{args.tee}' (available: {', '.join(sorted(forges)) or 'none'})")
    settings = {}
    for item in args.settings:
        field, separator, value = item.partition("=")
        if not separator or not field:
            raise ConfigurationError(f"--set takes FIELD=VALUE, got '{item}'")
        settings[field.strip()] = value.strip()
    args.out.mkdir(parents=True, exist_ok=True)
    forged = forge.forge(args.out, settings, evaluation_time(args))
    print(f"evidence:         {forged.evidence}")
    for path in forged.collateral:
        print(f"collateral:       {path}")
    print(f"reference values: {forged.reference_values}")
    print(
        "This evidence is signed by the ccpolicy test root, not genuine hardware; "
        "it verifies only with --trust-test-root.",
        file=sys.stderr,
    )
    return 0
