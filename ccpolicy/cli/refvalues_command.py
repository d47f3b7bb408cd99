"""``ccpolicy refvalues``: expected measurements from a guest's launch inputs, written as policy data.

The plugin of the TEE computes the values (hook ``ccpolicy_reference_value_generators``) and says
where they go in the data document its default policy reads. With ``--out FILE`` the document is
merged into the file: objects are merged key by key, lists gain the new entries they lack (so one
file can accept several launch configurations), other values are replaced; keys the generator does
not produce are kept. Without ``--out`` the document is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError, PluginError
from ccpolicy.host import PluginHost, guarded
from ccpolicy.interfaces import ReferenceValueGenerator


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "refvalues", help="compute expected launch measurements and write them as reference-value data"
    )
    parser.add_argument("tee", metavar="TEE", help="TEE the values are for (snp, sev, sev-es, ...)")
    parser.add_argument(
        "--mode", help="select the generator by mode name instead of TEE (snp, seves, sev: sev-snp-measure's names)"
    )
    parser.add_argument("--ovmf", "--firmware", dest="firmware", type=Path, required=True, metavar="FILE")
    parser.add_argument("--kernel", type=Path, metavar="FILE", help="kernel of a measured direct boot")
    parser.add_argument("--initrd", type=Path, metavar="FILE", help="initrd of a measured direct boot")
    parser.add_argument("--append", metavar="CMDLINE", help="kernel command line of a measured direct boot")
    parser.add_argument("--vcpus", type=int, metavar="N", help="number of guest vCPUs")
    parser.add_argument("--vcpu-type", metavar="TYPE", help="guest vCPU model, e.g. EPYC-v4")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        dest="options",
        help="generator-specific option (repeatable)",
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="data file to create or merge into (default: print)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    generator = select_generator(PluginHost.load(), args.mode or args.tee)
    options = parse_options(args.options)
    document = guarded(
        generator.tee_id,
        "reference_values",
        lambda: generator.reference_values(
            firmware=args.firmware,
            kernel=args.kernel,
            initrd=args.initrd,
            cmdline=args.append,
            vcpus=args.vcpus,
            vcpu_type=args.vcpu_type,
            options=options,
        ),
    )
    if not isinstance(document, dict) or not all(isinstance(key, str) for key in document):
        raise PluginError(f"the {generator.tee_id} reference-value generator returned no JSON object")
    if args.out is None:
        print(json.dumps(document, indent=2, sort_keys=True))
        return 0
    merged = merge_data(read_data_file(args.out), document)
    write_data_file(args.out, merged)
    print(f"{generator.tee_id} reference values ({generator.name}) written to {args.out}")
    return 0


def select_generator(host: PluginHost, name: str) -> ReferenceValueGenerator:
    """The generator whose ``tee_id`` or one of whose ``modes`` is ``name``."""
    generators = host.reference_value_generators
    found = [g for g in generators.values() if name == g.tee_id or name in g.modes]
    if not found:
        known = sorted({n for g in generators.values() for n in (g.tee_id, *g.modes)})
        raise ConfigurationError(f"no reference-value generator for '{name}' (available: {', '.join(known) or 'none'})")
    if len(found) > 1:
        raise PluginError(f"'{name}' selects several reference-value generators: {', '.join(g.tee_id for g in found)}")
    return found[0]


def parse_options(items: list[str]) -> dict[str, str]:
    options = {}
    for item in items:
        field, separator, value = item.partition("=")
        if not separator or not field.strip():
            raise ConfigurationError(f"--set takes FIELD=VALUE, got '{item}'")
        options[field.strip()] = value.strip()
    return options


def merge_data(base: Mapping[str, JsonValue], update: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    """``update`` merged into ``base``: objects recursively, lists by adding missing items, others replaced."""
    merged = dict(base)
    for key, value in update.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_data(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = current + [item for item in value if item not in current]
        else:
            merged[key] = value
    return merged


def read_data_file(path: Path) -> dict[str, JsonValue]:
    """The JSON object in ``path``; an empty object when the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the data file {path}: {exc}") from exc
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ConfigurationError(f"the data file {path} is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ConfigurationError(f"the data file {path} does not hold a JSON object")
    return document


def write_data_file(path: Path, document: Mapping[str, JsonValue]) -> None:
    """Write through a temporary file and a rename, so a failed run leaves the old file intact."""
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigurationError(f"cannot write the data file {path}: {exc.strerror or exc}") from exc
