"""``ccpolicy plugins``: what is loaded, from which distribution, providing what."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ccpolicy.host import PluginHost


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("plugins", help="list loaded plugins and what they provide")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    host = PluginHost.load()
    provided = host.providers()
    rows = [
        {
            "name": info.name,
            "module": info.module,
            "distribution": info.distribution,
            "version": info.version,
            "provides": sorted(provided.get(info.name, [])),
        }
        for info in host.plugins()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        for info in host.plugins():
            provides = ", ".join(sorted(provided.get(info.name, [])))
            print(f"{info.name:<12} {info.distribution or '-'} {info.version or '-'}  {provides}")
    return 0
