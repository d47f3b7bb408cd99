"""Rego unit tests: every ``test_*`` rule of a ``*_test.rego`` module must evaluate to true.

Tests of a directory run with the directory's policy modules, the shared library and the
directory's data.  With coverage on, the lines of the policy modules (not the tests) that
evaluation touched are reported per file.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regorus

from ccpolicy.engines.regorus_engine import regorus_message
from ccpolicy.errors import PolicyError
from ccpolicy.interfaces import PolicyModule
from ccpolicy.policy_files import LIBRARY_DIRECTORY, load_policy_directory

TEST_MODULE_SUFFIX = "_test.rego"


@dataclass(frozen=True, slots=True, kw_only=True)
class TestOutcome:
    """One test: a Rego test rule or an evidence case."""

    kind: str
    """``rego`` or ``case``."""
    suite: str
    name: str
    file: str
    line: int
    passed: bool
    message: str = ""
    duration: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCoverage:
    path: str
    covered: tuple[int, ...]
    not_covered: tuple[int, ...]

    @property
    def percent(self) -> float:
        total = len(self.covered) + len(self.not_covered)
        return 100.0 if total == 0 else 100.0 * len(self.covered) / total


def total_coverage(files: Sequence[FileCoverage]) -> float:
    covered = sum(len(f.covered) for f in files)
    total = covered + sum(len(f.not_covered) for f in files)
    return 100.0 if total == 0 else 100.0 * covered / total


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


def run_rego_tests(
    modules: Sequence[PolicyModule],
    data: dict[str, Any],
    *,
    suite: str = "rego",
    name_filter: re.Pattern[str] | None = None,
    coverage: bool = False,
) -> tuple[list[TestOutcome], list[FileCoverage]]:
    """Compile all modules with the data, evaluate every (matching) test rule, and collect coverage."""
    engine = regorus.Engine()
    engine.set_enable_coverage(coverage)
    for module in modules:
        try:
            engine.add_policy(module.path, module.text)
        except RuntimeError as exc:
            raise PolicyError(f"policy does not compile: {regorus_message(exc)}", reason="policy.compile") from exc
    engine.add_data_json(json.dumps(data))
    engine.set_input_json("{}")
    outcomes = []
    for package, name, file, line in discover_test_rules(engine):
        if name_filter is not None and not name_filter.search(f"{package}.{name}"):
            continue
        started = time.perf_counter()
        try:
            value = json.loads(engine.eval_rule_as_json(f"data.{package}.{name}"))
            passed, message = value is True, "" if value is True else f"evaluated to {json.dumps(value)}"
        except RuntimeError as exc:
            passed, message = False, regorus_message(exc)
        outcomes.append(
            TestOutcome(
                kind="rego",
                suite=suite,
                name=f"{package}.{name}",
                file=file,
                line=line,
                passed=passed,
                message=message,
                duration=time.perf_counter() - started,
            )
        )
    return outcomes, _coverage(engine) if coverage else []


def run_directory_tests(
    directory: Path, *, name_filter: re.Pattern[str] | None = None, coverage: bool = False
) -> tuple[list[TestOutcome], list[FileCoverage]]:
    """The Rego tests of one policy directory, with its modules, test modules and data."""
    modules, data = load_policy_directory(directory, include_tests=True)
    return run_rego_tests(modules, data, suite=directory.name, name_filter=name_filter, coverage=coverage)


def _coverage(engine: regorus.Engine) -> list[FileCoverage]:
    """Lines regorus saw evaluated, against every rule head and statement line of the policy modules.

    regorus leaves out modules it never entered, so the coverable lines come from the AST.
    """
    report = {f["path"]: f for f in json.loads(engine.get_coverage_report_as_json())["files"]}
    files = []
    for module in json.loads(engine.get_ast_as_json()):
        path = module["source"]["file"]
        if path.endswith(TEST_MODULE_SUFFIX) or path.startswith(LIBRARY_DIRECTORY + "/"):
            continue  # tests and ccpolicy's shared library are not the policy under test
        entry = report.get(path, {})
        covered = set(entry.get("covered", []))
        coverable = set(_rule_lines(module["ast"])) | set(entry.get("not_covered", []))
        files.append(
            FileCoverage(path=path, covered=tuple(sorted(covered)), not_covered=tuple(sorted(coverable - covered)))
        )
    return files


def _rule_lines(ast: dict[str, Any]) -> Iterator[int]:
    """The statement lines of every rule body; the head line only for rules without a body.

    regorus marks a multi-line rule's head (``x if {``) as evaluated only for some rule kinds, so its
    statements stand for it.
    """
    for rule in ast["rules"]:
        body = next(iter(rule.values()))
        statements = [s["span"]["line"] for query in body.get("bodies", []) for s in query["query"]["stmts"]]
        yield from statements or [body["span"]["line"]]


def _ref_names(ref: dict[str, Any]) -> list[str]:
    """Flatten a RefDot/Var reference of the regorus AST into names."""
    if "Var" in ref:
        return [ref["Var"]["value"]]
    if "RefDot" in ref:
        return [*_ref_names(ref["RefDot"]["refr"]), ref["RefDot"]["field"][1]]
    return []
