"""Finding and reading Rego policies and their reference data.

A policy is a set of ``*.rego`` modules (``*_test.rego`` excluded) plus JSON
data files merged into ``data``.  The shared library ``policies/lib`` is always
loaded beside it.  The default policy of a TEE is ``policies/<tee>/``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import Policy, PolicyModule

POLICY_PACKAGE = "ccpolicy_policies"
LIBRARY_DIRECTORY = "lib"


def rego_package_name(tee_id: str) -> str:
    """The Rego package segment of a TEE: ``sev-es`` -> ``sev_es``."""
    return tee_id.replace("-", "_")


def default_query(tee_id: str) -> str:
    return f"data.ccpolicy.{rego_package_name(tee_id)}.result"


def policies_root() -> Traversable:
    return resources.files(POLICY_PACKAGE)


def default_policy_directory(tee_id: str) -> Traversable:
    directory = policies_root() / tee_id
    if not directory.is_dir():
        raise ConfigurationError(f"no default policy for TEE '{tee_id}'", hint="pass --policy FILE_OR_DIR")
    return directory


def load_policy(
    tee_id: str,
    *,
    policy_paths: Sequence[Path] = (),
    data_paths: Sequence[Path] = (),
    query: str | None = None,
) -> Policy:
    """The user's policy (files or directories) or the TEE's default, with the shared library and data."""
    sources: Sequence[Traversable] = policy_paths or [default_policy_directory(tee_id)]
    modules, data = load_policy_directory(*sources)
    for data_path in data_paths:
        deep_merge(data, _read_json(data_path))
    return make_policy(modules, data, query or default_query(tee_id))


def load_policy_directory(
    *sources: Traversable, include_tests: bool = False
) -> tuple[list[PolicyModule], dict[str, Any]]:
    """Modules (the shared library first) and merged data of policy files or directories."""
    modules = _modules_in(policies_root() / LIBRARY_DIRECTORY, include_tests=False)
    data: dict[str, Any] = {}
    for source in sources:
        modules += _modules_in(source, include_tests=include_tests)
        for data_file in _data_files_in(source):
            deep_merge(data, _read_json(data_file))
    return modules, data


def make_policy(modules: Sequence[PolicyModule], data: Mapping[str, JsonValue], query: str) -> Policy:
    if not any(not m.path.startswith(LIBRARY_DIRECTORY + "/") for m in modules):
        raise ConfigurationError("the policy has no Rego modules")
    digest = hashlib.sha256()
    for module in modules:
        digest.update(module.path.encode() + b"\0" + module.text.encode() + b"\0")
    digest.update(json.dumps(data, sort_keys=True).encode())
    return Policy(modules=tuple(modules), data=data, query=query, policy_id=f"sha256:{digest.hexdigest()}")


def deep_merge(target: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Merge ``update`` into ``target``; objects merge key by key, other values are replaced."""
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = value


def _entries(source: Traversable) -> Iterable[Traversable]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise ConfigurationError(f"policy path {source} does not exist")
    return sorted(_walk(source), key=str)


def _walk(directory: Traversable) -> Iterable[Traversable]:
    for entry in directory.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry


def _modules_in(source: Traversable, *, include_tests: bool) -> list[PolicyModule]:
    modules = []
    for entry in _entries(source):
        if entry.name.endswith(".rego") and (include_tests or not entry.name.endswith("_test.rego")):
            modules.append(PolicyModule(path=_display_path(entry), text=_read_text(entry)))
    return modules


def _data_files_in(source: Traversable) -> list[Traversable]:
    if source.is_file():
        return []
    return [entry for entry in _entries(source) if entry.name.endswith(".json")]


def _display_path(entry: Traversable) -> str:
    """A stable name: relative to the shipped policies for defaults, else the path as given."""
    text = str(entry)
    root = str(policies_root())
    return text[len(root) + 1 :] if text.startswith(root + "/") else text


def _read_text(entry: Traversable) -> str:
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read policy file {entry}: {exc}") from exc


def _read_json(entry: Traversable) -> dict[str, Any]:
    try:
        value = json.loads(entry.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"data file {entry} is not readable JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ConfigurationError(f"data file {entry} must hold a JSON object")
    return value
