"""``ccpolicy policy bundle``: an OPA bundle of a policy directory, optionally signed.

Also the ``--opa-*`` options that choose the OPA server of ``--engine opa`` (``add_opa_arguments`` and
``configure_opa_engine``, for every command that evaluates policies).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ccpolicy.bundle import BundledPolicy, build_bundle, bundle_revision, load_bundle_signing_key
from ccpolicy.engines.opa_connection import OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine
from ccpolicy.errors import ConfigurationError
from ccpolicy.host import PluginHost
from ccpolicy.policy_files import load_policy


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("policy", help="package policies for Open Policy Agent servers")
    commands = parser.add_subparsers(dest="policy_command", required=True, metavar="POLICY_COMMAND")
    bundle = commands.add_parser(
        "bundle",
        help="write an OPA bundle (.manifest, Rego modules, data.json; optionally signed)",
        description="Write the policy directory, the shared library and its data as an OPA bundle that "
        "`opa run --server --bundle FILE` loads or a bundle server serves. Several directories (one policy per "
        "TEE) go into one bundle: an OPA server refuses two ccpolicy bundles, whose roots overlap.",
    )
    bundle.add_argument(
        "policy_dirs", type=Path, nargs="+", metavar="POLICY_DIR", help="policy directory, e.g. policies/snp"
    )
    bundle.add_argument("--out", type=Path, required=True, metavar="FILE", help="bundle file to write (.tar.gz)")
    bundle.add_argument(
        "--data", action="append", type=Path, default=[], metavar="FILE", help="JSON merged into data.json (repeatable)"
    )
    bundle.add_argument(
        "--revision",
        help="manifest revision (default: the policy id, or a digest of the ids of several policies)",
    )
    bundle.add_argument(
        "--signing-key", type=Path, metavar="PEM", help="EC P-256 (ES256) or RSA (RS256) key: add .signatures.json"
    )
    bundle.add_argument("--key-id", help="key id in the signature (OPA: --verification-key-id)")
    bundle.add_argument("--scope", help="scope claim in the signature (OPA: --scope)")
    bundle.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.policy_command == "bundle":
        return run_bundle(args)
    raise ConfigurationError(f"unknown policy command {args.policy_command!r}")


def run_bundle(args: argparse.Namespace) -> int:
    for directory in args.policy_dirs:
        if not directory.is_dir():
            raise ConfigurationError(f"policy directory {directory} does not exist")
    if (args.key_id or args.scope) and not args.signing_key:
        raise ConfigurationError("--key-id and --scope go with --signing-key")
    policies = [
        BundledPolicy(
            policy=load_policy(directory.name, policy_paths=[directory], data_paths=args.data), base=str(directory)
        )
        for directory in args.policy_dirs
    ]
    signing_key = (
        load_bundle_signing_key(args.signing_key, key_id=args.key_id, scope=args.scope) if args.signing_key else None
    )
    content = build_bundle(policies, revision=args.revision, signing_key=signing_key)
    try:
        args.out.write_bytes(content)
    except OSError as exc:
        raise ConfigurationError(f"cannot write bundle {args.out}: {exc.strerror}") from exc
    signed = " (signed, " + signing_key.algorithm.value + ")" if signing_key else ""
    revision = args.revision or bundle_revision([item.policy for item in policies])
    names = ", ".join(directory.name for directory in args.policy_dirs)
    print(f"wrote {args.out}: policies {names}, revision {revision}{signed}", file=sys.stderr)
    return 0


def add_opa_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the OPA server used by ``--engine opa`` (defaults: the CCPOLICY_OPA_* variables)."""
    group = parser.add_argument_group("OPA server (--engine opa; defaults from CCPOLICY_OPA_* variables)")
    group.add_argument("--opa-url", metavar="URL", help="OPA server, e.g. https://opa.internal:8181")
    group.add_argument("--opa-token-file", type=Path, metavar="FILE", help="file holding the bearer token")
    group.add_argument("--opa-ca-bundle", type=Path, metavar="PEM", help="CA certificates that verify the server")
    group.add_argument("--opa-client-cert", type=Path, metavar="PEM", help="client certificate (mutual TLS)")
    group.add_argument("--opa-client-key", type=Path, metavar="PEM", help="client certificate's key")
    group.add_argument("--opa-timeout", type=float, metavar="SECONDS", help="time-out of each request")
    group.add_argument(
        "--unsafe-opa-skip-tls-verify", action="store_true", help="UNSAFE: do not verify the OPA server's certificate"
    )
    group.add_argument(
        "--opa-from-bundle",
        action="store_true",
        help="the server runs the policies from a `ccpolicy policy bundle` bundle: query only, and accept a "
        "decision only from a bundle that lists this policy's id for the query",
    )


def opa_settings(args: argparse.Namespace) -> OpaServerSettings:
    """The environment's settings with the command line's options on top."""
    base = OpaServerSettings.from_environment()
    token = base.token
    if args.opa_token_file is not None:
        try:
            token = args.opa_token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"cannot read the OPA token file {args.opa_token_file}: {exc}") from exc
    return OpaServerSettings(
        url=args.opa_url or base.url,
        token=token,
        ca_bundle=args.opa_ca_bundle or base.ca_bundle,
        client_certificate=args.opa_client_cert or base.client_certificate,
        client_key=args.opa_client_key or base.client_key,
        timeout=args.opa_timeout if args.opa_timeout is not None else base.timeout,
        unsafe_skip_tls_verify=args.unsafe_opa_skip_tls_verify,
        from_bundle=args.opa_from_bundle or base.from_bundle,
    )


def configure_opa_engine(host: PluginHost, args: argparse.Namespace) -> None:
    """Give the loaded ``opa`` engine the command line's server options (when it is the chosen engine)."""
    if getattr(args, "engine", None) != OpaEngine.name:
        return
    engine = host.policy_engines.get(OpaEngine.name)
    if isinstance(engine, OpaEngine):
        engine.configure(opa_settings(args))
