"""The structure of a Rego policy as regorus parses it: rules, what they read, and what they say.

``read_structure`` walks regorus' AST (``Engine.get_ast_as_json``) generically.  References are
resolved to absolute paths rooted at ``input`` or ``data`` through imports and alias rules
(``ref := data.snp``); a rule named in a reference becomes a dependency.  ``analyze_package``
follows the dependencies from every rule of one policy package (into the shared library too) and
collects what those rules read, for a TEE: there ``input.tee`` is the package's TEE, so
``data[input.tee]`` is ``data.<tee>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import regorus

from ccpolicy.engines.regorus_engine import regorus_message
from ccpolicy.errors import PolicyError
from ccpolicy.interfaces import PolicyModule
from ccpolicy.rego_annotations import rule_annotations

Segment = str | None
"""A path segment; None is an index only known at evaluation time."""
ROOTS = ("input", "data")
_CHAIN_KINDS = ("RefDot", "RefBrack", "Var")
_MAX_ALIAS_DEPTH = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def dotted_path(root: str, path: tuple[Segment, ...]) -> str:
    """``input.snp.tcb[_].svn``: a path as Rego writes it, ``[_]`` for an index known only at evaluation."""
    return root + "".join("[_]" if segment is None else f".{segment}" for segment in path)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """A path the policy reads, rooted at ``input`` or ``data``."""

    root: str
    path: tuple[Segment, ...]
    location: Location

    @property
    def dotted(self) -> str:
        return dotted_path(self.root, self.path)

    def startswith(self, *prefix: str) -> bool:
        return self.path[: len(prefix)] == prefix


@dataclass(frozen=True, slots=True, kw_only=True)
class StringLiteral:
    value: str
    location: Location
    in_collection: tuple[str, ...] = ()
    """The other string members when the literal is an element of a set or array literal."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectField:
    """A field of an object literal whose key is a string; ``value`` is set when it is a string too."""

    key: str
    value: str | None
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """An equality between a reference and a string literal (``input.tee == "tdx"``)."""

    reference: Reference
    value: str
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class RegoRule:
    package: str
    name: str
    location: Location
    constant: Any = None
    """The value of a rule without body defined as a scalar literal (``allow_debug := true``)."""
    head_fields: Mapping[str, str] = field(default_factory=dict)
    """String fields of the value a ``contains`` rule adds (``"rule": "snp.debug_forbidden"``)."""
    threats: tuple[str, ...] = ()
    """Threats named in the rule's METADATA annotation (``custom.threats``)."""
    head_claim_reads: tuple[str, ...] = ()
    """Input paths the object a ``contains`` rule adds reads with no default: when such a claim is
    missing, the object is undefined and the rule adds nothing (``"value": input.snp.vmpl``)."""
    negated_claim_tests: tuple[str, ...] = ()
    """Input paths read with no default inside ``not`` over a call, a membership or an ordering
    (``not input.x in s``, ``not f(input.x)``, ``not input.x > 1``): with the claim missing, OPA leaves
    the negation undefined, regorus makes it true."""

    @property
    def key(self) -> str:
        return f"{self.package}.{self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageAnalysis:
    """What the rules reachable from one policy package read and say, for the package's TEE."""

    package: str
    tee: str | None
    file: str
    anchor: Location
    """Where package-wide findings point: the package's ``result`` rule, else its first rule."""
    rules: tuple[RegoRule, ...]
    references: tuple[Reference, ...]
    strings: tuple[StringLiteral, ...]
    object_fields: tuple[ObjectField, ...]
    comparisons: tuple[Comparison, ...]
    unreachable: tuple[Comparison, ...]
    """Definitions of the package's own rules that demand another TEE (never evaluated)."""
    own_files: frozenset[str]
    """The files declaring the package (not the shared library it uses)."""
    packages: frozenset[str]

    def input_paths(self) -> list[Reference]:
        return [r for r in self.references if r.root == "input"]

    def data_paths(self) -> list[Reference]:
        """Data read that is not a rule of a loaded package: reference values."""
        return [r for r in self.references if r.root == "data" and not self._in_package(r.path)]

    def _in_package(self, path: tuple[Segment, ...]) -> bool:
        return any(".".join(str(s) for s in path[:n]) in self.packages for n in range(1, len(path) + 1))


@dataclass(slots=True, kw_only=True)
class _Module:
    file: str
    contents: bytes
    package: str
    imports: dict[str, tuple[str, ...]]
    rules: list[tuple[str, dict[str, Any]]]


class PolicyStructure:
    """The parsed modules of one policy, with alias resolution and rule reachability."""

    def __init__(self, modules: Sequence[PolicyModule]) -> None:
        engine = regorus.Engine()
        for module in modules:
            try:
                engine.add_policy(module.path, module.text)
            except RuntimeError as exc:
                raise PolicyError(f"policy does not compile: {regorus_message(exc)}", reason="policy.compile") from exc
        self._modules = [_read_module(item) for item in json.loads(engine.get_ast_as_json())]
        self._rules: dict[tuple[str, str], list[tuple[_Module, dict[str, Any]]]] = {}
        for parsed in self._modules:
            for name, rule in parsed.rules:
                self._rules.setdefault((parsed.package, name), []).append((parsed, rule))
        self.packages = frozenset(parsed.package for parsed in self._modules)

    def defines(self, package: str, name: str) -> bool:
        return (package, name) in self._rules

    def rules(self) -> Iterator[RegoRule]:
        """Every rule definition of every module, in file order."""
        for module in self._modules:
            for name, rule in module.rules:
                yield self._describe(module, name, rule)

    def rule_packages(self, files: Sequence[str]) -> list[str]:
        """The packages declared by the given files, in order."""
        return list(dict.fromkeys(m.package for m in self._modules if m.file in files))

    def analyze_package(self, package: str, tee: str | None) -> PackageAnalysis:
        """Everything reachable from the package's rules, for its TEE.

        A rule definition whose body demands ``input.tee`` be another TEE cannot apply and is skipped;
        in the package itself such a definition is reported in ``unreachable``.
        """
        collector = _Collector(self, tee)
        pending = [key for key in self._rules if key[0] == package]
        seen: set[tuple[str, str]] = set()
        unreachable: list[Comparison] = []
        reached: list[RegoRule] = []
        while pending:
            key = pending.pop(0)
            if key in seen:
                continue
            seen.add(key)
            for module, rule in self._rules.get(key, []):
                other_tee = self.other_tee_condition(module, rule, tee)
                if other_tee is not None:
                    if key[0] == package:
                        unreachable.append(other_tee)
                    continue
                collector.rule = self._describe(module, key[1], rule)
                reached.append(collector.rule)
                collector.walk_rule(module, rule)
            pending += [k for k in collector.dependencies if k not in seen]
        own = [r for r in reached if r.package == package]
        file = next(m.file for m in self._modules if m.package == package)
        anchor = next((r.location for r in own if r.name == "result"), own[0].location if own else None)
        return PackageAnalysis(
            package=package,
            tee=tee,
            file=file,
            anchor=anchor or Location(file=file, line=1),
            rules=tuple(sorted(reached, key=lambda r: (r.location.file, r.location.line))),
            references=tuple(collector.references),
            strings=tuple(collector.strings),
            object_fields=tuple(collector.object_fields),
            comparisons=tuple(collector.comparisons),
            unreachable=tuple(unreachable),
            own_files=frozenset(m.file for m in self._modules if m.package == package),
            packages=self.packages,
        )

    def other_tee_condition(self, module: _Module, rule: dict[str, Any], tee: str | None) -> Comparison | None:
        """A top-level body condition ``input.tee == "<another TEE>"`` of the rule, if any."""
        if tee is None:
            return None
        kind, body = next(iter(rule.items()))
        if kind != "Spec" or len(body.get("bodies", [])) != 1:
            return None
        for statement in body["bodies"][0]["query"]["stmts"]:
            expression = statement.get("literal", {}).get("Expr", {}).get("expr", {})
            condition = expression.get("BoolExpr") if isinstance(expression, dict) else None
            if not condition or condition.get("op") != "Eq":
                continue
            for side, other in ((condition["lhs"], condition["rhs"]), (condition["rhs"], condition["lhs"])):
                names_other_tee = isinstance(other, dict) and "String" in other and other["String"]["value"] != tee
                if names_other_tee and self.resolve(module, side, tee) == ("input", ("tee",)):
                    location = Location(file=module.file, line=statement["span"]["line"])
                    reference = Reference(root="input", path=("tee",), location=location)
                    return Comparison(reference=reference, value=str(other["String"]["value"]), location=location)
        return None

    def resolve(
        self, module: _Module, expression: dict[str, Any], tee: str | None, depth: int = 0
    ) -> tuple[str, tuple[Segment, ...]] | None:
        """The absolute path of a reference expression, or None for a local variable."""
        chain = _flatten(expression)
        if chain is None or depth > _MAX_ALIAS_DEPTH:
            return None
        base, indexes = chain
        segments = [self._segment(module, index, tee, depth) for index in indexes]
        if base in ROOTS:
            return self._expand(base, tuple(segments), tee, depth)
        if base in module.imports:
            absolute = module.imports[base]
            return self._expand(absolute[0], (*absolute[1:], *segments), tee, depth)
        if (module.package, base) in self._rules:
            return self._expand("data", (*module.package.split("."), base, *segments), tee, depth)
        return None

    def _segment(self, module: _Module, index: Any, tee: str | None, depth: int) -> Segment:
        if isinstance(index, str):
            return index
        if "String" in index:
            return str(index["String"]["value"])
        resolved = self.resolve(module, index, tee, depth + 1)
        if tee is not None and resolved == ("input", ("tee",)):
            return tee
        return None

    def _expand(
        self, root: str, path: tuple[Segment, ...], tee: str | None, depth: int
    ) -> tuple[str, tuple[Segment, ...]]:
        """Replace a leading ``data.<package>.<alias rule>`` by what the alias stands for.

        A ``default`` beside the alias only supplies a fallback value; definitions for another TEE never apply.
        """
        if root != "data":
            return root, path
        for split in range(1, len(path)):
            package, name = ".".join(str(s) for s in path[:split]), path[split]
            definitions = self._rules.get((package, name)) if isinstance(name, str) else None
            if not definitions:
                continue
            definitions = [
                d for d in definitions if "Default" not in d[1] and self.other_tee_condition(d[0], d[1], tee) is None
            ]
            if len(definitions) == 1:
                module, rule = definitions[0]
                value = _alias_value(rule)
                if value is not None:
                    target = self.resolve(module, value, tee, depth + 1)
                    if target is not None:
                        return target[0], (*target[1], *path[split + 1 :])
            return root, path
        return root, path

    def _describe(self, module: _Module, name: str, rule: dict[str, Any]) -> RegoRule:
        kind, body = next(iter(rule.items()))
        location = Location(file=module.file, line=body["span"]["line"])
        constant = None
        if kind == "Default":
            constant = _scalar(body.get("value"))
        elif not body.get("bodies"):
            assign = (next(iter(body["head"].values())) or {}).get("assign")
            constant = _scalar(assign["value"]) if assign else None
        head_fields: dict[str, str] = {}
        head_claim_reads: list[str] = []
        head_set = body.get("head", {}).get("Set") if kind == "Spec" else None
        if head_set and head_set.get("key") and "Object" in head_set["key"]:
            for _, key, value in head_set["key"]["Object"]["fields"]:
                if "String" in key and "String" in value:
                    head_fields[key["String"]["value"]] = value["String"]["value"]
                head_claim_reads += self._claim_reads_without_default(module, value)
        return RegoRule(
            package=module.package,
            name=name,
            location=location,
            constant=constant,
            head_fields=head_fields,
            head_claim_reads=tuple(dict.fromkeys(head_claim_reads)),
            negated_claim_tests=tuple(dict.fromkeys(self._negated_claim_tests(module, body.get("bodies")))),
            threats=rule_annotations(module.contents.decode("utf-8", "replace"), location.line).threats,
        )

    def _claim_reads_without_default(self, module: _Module, node: Any) -> list[str]:
        """Input paths an expression reads that are undefined when the claim is missing: direct reads of
        ``input.<path>`` and reads through rules without a ``default`` that stand for one."""
        if isinstance(node, list):
            return [path for item in node for path in self._claim_reads_without_default(module, item)]
        if not isinstance(node, dict):
            return []
        chain = _flatten(node)
        if chain is not None:
            base, indexes = chain
            found = [p for i in indexes if not isinstance(i, str) for p in self._claim_reads_without_default(module, i)]
            if self._has_default(module, base):
                return found
            resolved = self.resolve(module, node, None)
            if resolved is not None and resolved[0] == "input" and resolved[1]:
                found.append(dotted_path(*resolved))
            return found
        return [
            path
            for key, value in node.items()
            if key != "span"
            for path in self._claim_reads_without_default(module, value)
        ]

    def _negated_claim_tests(self, module: _Module, node: Any) -> list[str]:
        if isinstance(node, list):
            return [path for item in node for path in self._negated_claim_tests(module, item)]
        if not isinstance(node, dict):
            return []
        negated = node.get("NotExpr")
        if isinstance(negated, dict) and _tests_beyond_equality(negated.get("expr")):
            return self._claim_reads_without_default(module, negated.get("expr"))
        return [
            path for key, value in node.items() if key != "span" for path in self._negated_claim_tests(module, value)
        ]

    def _has_default(self, module: _Module, name: str) -> bool:
        definitions = self._rules.get((module.package, name), [])
        return any("Default" in rule for _, rule in definitions)


class _Collector:
    """Walks rule ASTs, recording references, literals and rule dependencies."""

    def __init__(self, structure: PolicyStructure, tee: str | None) -> None:
        self.structure = structure
        self.tee = tee
        self.rule: RegoRule | None = None
        self.references: list[Reference] = []
        self.strings: list[StringLiteral] = []
        self.object_fields: list[ObjectField] = []
        self.comparisons: list[Comparison] = []
        self.dependencies: list[tuple[str, str]] = []
        self._module: _Module | None = None

    def walk_rule(self, module: _Module, rule: dict[str, Any]) -> None:
        self._module = module
        kind, body = next(iter(rule.items()))
        if kind == "Default":
            self.walk(body.get("value"))
            return
        head = next(iter(body["head"].values()))
        self.walk({key: value for key, value in head.items() if key != "refr"})
        self.walk(body.get("bodies"))

    def walk(self, node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item)
            return
        if not isinstance(node, dict):
            return
        if len(node) == 1:
            ((kind, inner),) = node.items()
            if kind in _CHAIN_KINDS:
                self._reference(node, inner["span"]["line"])
                return
            if isinstance(inner, dict):
                self._literal(kind, inner)
        for key, value in node.items():
            if key != "span":
                self.walk(value)

    def _location(self, line: int) -> Location:
        assert self._module is not None
        return Location(file=self._module.file, line=line)

    def _reference(self, node: dict[str, Any], line: int) -> None:
        assert self._module is not None
        resolved = self.structure.resolve(self._module, node, self.tee)
        if resolved is not None:
            root, path = resolved
            reference = Reference(root=root, path=path, location=self._location(line))
            self.references.append(reference)
            if root == "data":
                self._dependency(path)
        chain = _flatten(node)
        if chain is not None:  # dynamic indexes are expressions of their own
            for index in chain[1]:
                if not isinstance(index, str):
                    self.walk(index)

    def _dependency(self, path: tuple[Segment, ...]) -> None:
        for split in range(1, len(path)):
            name = path[split]
            key = (".".join(str(s) for s in path[:split]), name)
            if isinstance(name, str) and self.structure.defines(key[0], name):
                self.dependencies.append((key[0], name))
                return

    def _literal(self, kind: str, inner: dict[str, Any]) -> None:
        line = inner.get("span", {}).get("line", 0)
        if kind == "String":
            self.strings.append(StringLiteral(value=str(inner["value"]), location=self._location(line)))
        elif kind in ("Set", "Array") and isinstance(inner.get("items"), list):
            members = tuple(i["String"]["value"] for i in inner["items"] if isinstance(i, dict) and "String" in i)
            for member in members:
                self.strings.append(StringLiteral(value=member, location=self._location(line), in_collection=members))
        elif kind == "Object":
            for _, key, value in inner.get("fields", []):
                if "String" in key:
                    self.object_fields.append(
                        ObjectField(
                            key=key["String"]["value"],
                            value=value["String"]["value"] if "String" in value else None,
                            location=self._location(key["String"]["span"]["line"]),
                        )
                    )
        elif kind == "BoolExpr" and inner.get("op") == "Eq":
            self._comparison(inner["lhs"], inner["rhs"], line)
            self._comparison(inner["rhs"], inner["lhs"], line)

    def _comparison(self, side: Any, other: Any, line: int) -> None:
        assert self._module is not None
        if not isinstance(other, dict) or "String" not in other:
            return
        resolved = self.structure.resolve(self._module, side, self.tee)
        if resolved is not None:
            reference = Reference(root=resolved[0], path=resolved[1], location=self._location(line))
            self.comparisons.append(
                Comparison(reference=reference, value=str(other["String"]["value"]), location=reference.location)
            )


def _read_module(item: dict[str, Any]) -> _Module:
    ast = item["ast"]
    contents = str(item["source"]["contents"]).encode("utf-8")
    package_chain = _flatten(ast["package"]["refr"])
    package = ".".join(str(s) for s in _static(package_chain)) if package_chain else ""
    imports: dict[str, tuple[str, ...]] = {}
    for entry in ast.get("imports", []):
        chain = _flatten(entry["refr"])
        if chain is None or chain[0] not in ROOTS:
            continue  # rego.v1, future keywords
        path = tuple(str(s) for s in _static(chain))
        alias_span = entry.get("as")
        alias = contents[alias_span["start"] : alias_span["end"]].decode() if alias_span else path[-1]
        imports[alias] = path
    rules = []
    for rule in ast.get("rules", []):
        kind, body = next(iter(rule.items()))
        refr = body["refr"] if kind == "Default" else next(iter(body["head"].values()))["refr"]
        chain = _flatten(refr)
        if chain is not None:
            rules.append((chain[0], rule))
    return _Module(file=str(item["source"]["file"]), contents=contents, package=package, imports=imports, rules=rules)


def _flatten(node: Any) -> tuple[str, list[Any]] | None:
    """A reference chain as its base variable and its indexes (names, or index expressions)."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    kind, inner = next(iter(node.items()))
    if kind == "Var":
        return str(inner["value"]), []
    if kind == "RefDot":
        base = _flatten(inner["refr"])
        return None if base is None else (base[0], [*base[1], str(inner["field"][1])])
    if kind == "RefBrack":
        base = _flatten(inner["refr"])
        return None if base is None else (base[0], [*base[1], inner["index"]])
    return None


def _static(chain: tuple[str, list[Any]]) -> list[str]:
    base, indexes = chain
    names = [base]
    for index in indexes:
        if isinstance(index, str):
            names.append(index)
        elif isinstance(index, dict) and "String" in index:
            names.append(str(index["String"]["value"]))
    return names


def _tests_beyond_equality(node: Any) -> bool:
    """Whether an expression holds a call, a membership or a comparison other than ``==``."""
    if isinstance(node, list):
        return any(_tests_beyond_equality(item) for item in node)
    if not isinstance(node, dict):
        return False
    if "Call" in node or "Membership" in node:
        return True
    comparison = node.get("BoolExpr")
    if isinstance(comparison, dict) and comparison.get("op") != "Eq":
        return True
    return any(_tests_beyond_equality(value) for key, value in node.items() if key != "span")


def _alias_value(rule: dict[str, Any]) -> dict[str, Any] | None:
    """The reference a rule stands for (``ref := data.snp``, maybe with one condition body), else None."""
    kind, body = next(iter(rule.items()))
    if kind != "Spec" or len(body.get("bodies", [])) > 1:
        return None
    head = body["head"].get("Compr")
    if not head or not head.get("assign"):
        return None
    value = head["assign"]["value"]
    return value if isinstance(value, dict) and next(iter(value)) in _CHAIN_KINDS else None


def _scalar(node: Any) -> Any:
    if isinstance(node, dict) and len(node) == 1:
        kind, inner = next(iter(node.items()))
        if kind in ("Bool", "Number", "String"):
            return inner["value"]
    return None
