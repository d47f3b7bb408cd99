"""``ccpolicy collateral fetch``: get the collateral of evidence from the vendor's service into a cache.

The TEE's plugin does the fetching (hook ``ccpolicy_collateral_sources``: AMD KDS for ``snp``) and
keeps what it fetched in a cache directory, reusing it while it is valid. The cache directory can be
passed to ``ccpolicy verify --collateral`` afterwards; ``verify --fetch-collateral`` does both at once.
Offline collateral stays the default everywhere: nothing here runs unless asked for.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from ccpolicy.cli.arguments import evaluation_time, time_argument
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import ConfigurationError
from ccpolicy.host import PluginHost, guarded

CACHE_VARIABLE = "CCPOLICY_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$CCPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/ccpolicy/collateral``, else ``~/.cache/ccpolicy/collateral``."""
    explicit = os.environ.get(CACHE_VARIABLE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ccpolicy" / "collateral"


def add_service_options(parser: argparse.ArgumentParser, *, cache_option: str) -> None:
    parser.add_argument(
        cache_option,
        dest="collateral_cache",
        type=Path,
        metavar="DIR",
        help=f"directory of fetched collateral, reused while valid (default: ${CACHE_VARIABLE} or ~/.cache/ccpolicy)",
    )
    parser.add_argument(
        "--kds-url",
        "--service-url",
        dest="service_url",
        metavar="URL",
        help="base URL of the collateral service instead of the vendor's (AMD KDS for snp)",
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("collateral", help="fetch and cache collateral from vendor services")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    fetch = actions.add_parser("fetch", help="fetch the collateral that endorses evidence into a cache directory")
    fetch.add_argument("tee", metavar="TEE")
    fetch.add_argument("evidence", nargs="+", type=Path, metavar="EVIDENCE")
    add_service_options(fetch, cache_option="--cache")
    fetch.add_argument("--at", type=time_argument, metavar="RFC3339", help="time the collateral must be valid at")
    fetch.set_defaults(run=run_fetch)


def run_fetch(args: argparse.Namespace) -> int:
    from ccpolicy.cli.verify_command import read_evidence

    host = PluginHost.load()
    cache_dir = args.collateral_cache or default_cache_dir()
    now = evaluation_time(args)
    for path in args.evidence:
        for fetched in fetch_paths(
            host, read_evidence(path), tee_id=args.tee, cache_dir=cache_dir, now=now, service_url=args.service_url
        ):
            print(fetched)
    return 0


def fetch_paths(
    host: PluginHost, evidence: bytes, *, tee_id: str, cache_dir: Path, now: datetime, service_url: str | None
) -> list[Path]:
    sources = host.collateral_sources
    source = sources.get(tee_id)
    if source is None:
        raise ConfigurationError(
            f"no collateral source for TEE '{tee_id}' (available: {', '.join(sorted(sources)) or 'none'})"
        )
    return list(
        guarded(
            tee_id,
            "fetch",
            lambda: source.fetch(evidence, cache_dir=cache_dir, now=now, service_url=service_url),
        )
    )


def fetched_collateral(
    host: PluginHost, evidence: bytes, *, tee_id: str, cache_dir: Path, now: datetime, service_url: str | None
) -> CollateralStore:
    """The collateral of ``evidence`` from its TEE's source, as a store labelled with the source's name."""
    paths = fetch_paths(host, evidence, tee_id=tee_id, cache_dir=cache_dir, now=now, service_url=service_url)
    return load_collateral(paths, source=host.collateral_sources[tee_id].name)
