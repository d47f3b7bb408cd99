"""Rego unit tests: every ``test_*`` rule of a ``*_test.rego`` module must evaluate to true."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regorus

from ccpolicy.engines.regorus_engine import regorus_message
from ccpolicy.errors import PolicyError
from ccpolicy.interfaces import PolicyModule
from ccpolicy.policy_files import load_policy_directory


@dataclass(frozen=True, slots=True, kw_only=True)
class RegoTestResult:
    package: str
    name: str
    file: str
    line: int
    passed: bool
    message: str = ""


def discover_test_rules(engine: regorus.Engine) -> Iterator[tuple[str, str, str, int]]:
    """(package, rule name, file, line) of every ``test_*`` rule in the engine's modules."""
    seen = set()
    for module in json.loads(engine.get_ast_as_json()):
        package = ".".join(_ref_names(module["ast"]["package"]["refr"]))
        for rule in module["ast"]["rules"]:
            spec = rule.get("Spec")
            if spec is None:
                continue
            names = _ref_names(next(iter(spec["head"].values()))["refr"])
            if names and names[0].startswith("test_") and (package, names[0]) not in seen:
                seen.add((package, names[0]))
                yield package, names[0], module["source"]["file"], spec["span"]["line"]


def run_rego_tests(modules: Sequence[PolicyModule], data: dict[str, Any]) -> list[RegoTestResult]:
    """Compile all modules with the data and evaluate every test rule."""
    engine = regorus.Engine()
    for module in modules:
        try:
            engine.add_policy(module.path, module.text)
        except RuntimeError as exc:
            raise PolicyError(f"policy does not compile: {regorus_message(exc)}", reason="policy.compile") from exc
    engine.add_data_json(json.dumps(data))
    engine.set_input_json("{}")
    results = []
    for package, name, file, line in discover_test_rules(engine):
        try:
            value = json.loads(engine.eval_rule_as_json(f"data.{package}.{name}"))
            passed, message = value is True, "" if value is True else f"evaluated to {value}"
        except RuntimeError as exc:
            passed, message = False, regorus_message(exc)
        results.append(RegoTestResult(package=package, name=name, file=file, line=line, passed=passed, message=message))
    return results


def run_directory_tests(directory: Path) -> list[RegoTestResult]:
    """The Rego tests of one policy directory, with its modules, test modules and data."""
    modules, data = load_policy_directory(directory, include_tests=True)
    return run_rego_tests(modules, data)


def _ref_names(ref: dict[str, Any]) -> list[str]:
    """Flatten a RefDot/Var reference of the regorus AST into names."""
    if "Var" in ref:
        return [ref["Var"]["value"]]
    if "RefDot" in ref:
        return [*_ref_names(ref["RefDot"]["refr"]), ref["RefDot"]["field"][1]]
    return []
