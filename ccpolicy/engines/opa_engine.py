"""The OPA server engine: ccpolicy's policies and reference values pushed to an Open Policy Agent server over
its REST API, and decisions queried there.

What the engine writes on the server, all under names ccpolicy owns:

- each Rego module as policy ``ccpolicy/<module path>``: a later version of the same file replaces the earlier
  one instead of merging rules with it, and other ``ccpolicy/`` modules that declare one of the policy's
  packages are removed first.  A module in one of those packages that ccpolicy did not upload is an error:
  its rules would merge with the policy's.
- the policy's data at ``data.ccpolicy_engine_state.values.p<policy hash>``, so the data of two policies
  never collide and nothing the server already holds is overwritten.  The policy still reads ``data.snp``:
  the decision module binds each top-level key with ``with data["snp"] as ...``.
- ``data.ccpolicy_engine_state.revisions.m<module id hash>``: the SHA-256 of each module text pushed.
- a generated decision module per policy, package ``ccpolicy_engine.p<policy hash>``, with ``decision``
  (one input) and ``batch`` (``input.batch``: many inputs in one request).  Both first compare the
  revisions with the texts of this policy; when another client replaced a module they answer
  ``{"stale": [...]}`` and the engine pushes again, so a decision is always made by the policy whose id
  goes into the attestation result.

A policy is pushed once per policy id and server (and again only when the server lost or replaced it).

With ``from_bundle`` the server already runs the policy from a bundle (``ccpolicy policy bundle``):
nothing is written. The bundle that owns the query (by its manifest's roots) must list this policy's id
for the query in ``metadata.ccpolicy.policies``, and each decision is taken with OPA's provenance, which
must name that bundle at the revision whose manifest was read: so the decision was made by the policy
whose id goes into the attestation result. Manifests are read again when the revision moves.
Configuration: constructor ``settings`` or the ``CCPOLICY_OPA_*`` environment variables
(see ``OpaServerSettings.from_environment``), so ``--engine opa`` works on every command.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ccpolicy.claims import JsonValue
from ccpolicy.engines.opa_connection import UNDEFINED, BundleManifest, OpaConnection, OpaServerSettings
from ccpolicy.errors import PolicyError
from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import Policy, PolicyEngine
from ccpolicy.rego_package import declared_package

MODULE_PREFIX = "ccpolicy/"
DECISION_MODULE_PREFIX = "ccpolicy_engine/"
DECISION_PACKAGE_ROOT = "ccpolicy_engine"
STATE_ROOT = "ccpolicy_engine_state"
RESERVED_ROOTS = frozenset({DECISION_PACKAGE_ROOT, STATE_ROOT})

_QUERY = re.compile(r'data(\.[A-Za-z_][A-Za-z0-9_]*|\["[^"\\]*"\])+')
_UNSAFE_ID_CHARACTERS = re.compile(r"[^A-Za-z0-9._/-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerModule:
    """One Rego module as the server holds it."""

    server_id: str
    package: str
    text: str
    revision_key: str
    text_sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerPlan:
    """Everything the engine writes on the server for one policy."""

    modules: tuple[ServerModule, ...]
    values_path: str
    decision_module_id: str
    decision_package: str
    decision_module_text: str


def module_package(text: str, path: str) -> str:
    """The dotted package of a Rego module (``ccpolicy.snp``)."""
    package = declared_package(text)
    if package is None:
        raise PolicyError(f"policy module {path} has no package declaration", reason="policy.compile")
    return package


def server_module_id(path: str) -> str:
    """``ccpolicy/<path>`` with only characters safe in a URL path, no empty or dot segments."""
    segments = [_UNSAFE_ID_CHARACTERS.sub("_", part) for part in path.replace("\\", "/").split("/")]
    return MODULE_PREFIX + "/".join(part for part in segments if part not in {"", ".", ".."})


def revision_key(server_id: str) -> str:
    """The key of a module's revision document: a hash, since module ids hold slashes."""
    return "m" + hashlib.sha256(server_id.encode()).hexdigest()[:32]


def plan_policy(policy: Policy) -> ServerPlan:
    """Module ids, data paths and the decision module of a policy; bad queries or data keys are PolicyErrors."""
    if not _QUERY.fullmatch(policy.query):
        raise PolicyError(
            f"the OPA engine needs a data reference as query (data.ccpolicy.snp.result), got {policy.query!r}",
            reason="policy.query",
        )
    modules = [
        ServerModule(
            server_id=server_module_id(source.path),
            package=module_package(source.text, source.path),
            text=source.text,
            revision_key=revision_key(server_module_id(source.path)),
            text_sha256=hashlib.sha256(source.text.encode()).hexdigest(),
        )
        for source in policy.modules
    ]
    rule_roots = {module.package.split(".")[0] for module in modules}
    for key in policy.data:
        if key in rule_roots or key in RESERVED_ROOTS:
            raise PolicyError(
                f"the policy's data key '{key}' is also the root of Rego packages or of the OPA engine's own documents",
                reason="policy.data",
            )
    for module in modules:
        if module.package.split(".")[0] in RESERVED_ROOTS:
            raise PolicyError(f"package {module.package} is reserved for the OPA engine", reason="policy.compile")
    key = "p" + policy.policy_id.removeprefix("sha256:")[:32]
    values_path = f"{STATE_ROOT}/values/{key}"
    decision_package = f"{DECISION_PACKAGE_ROOT}.{key}"
    return ServerPlan(
        modules=tuple(modules),
        values_path=values_path,
        decision_module_id=DECISION_MODULE_PREFIX + key,
        decision_package=decision_package,
        decision_module_text=decision_module_text(policy, decision_package, modules, values_path),
    )


def decision_module_text(policy: Policy, package: str, modules: Sequence[ServerModule], values_path: str) -> str:
    """The generated module that checks the revisions and evaluates the policy's query with its data bound."""
    values_ref = "data." + values_path.replace("/", ".")
    overrides = "".join(
        f" with data[{json.dumps(key)}] as {values_ref}[{json.dumps(key)}]" for key in sorted(policy.data)
    )
    revisions = json.dumps({module.revision_key: module.text_sha256 for module in modules}, sort_keys=True)
    evaluated = f"{policy.query}{overrides}"
    return f"""# Generated by ccpolicy's OPA engine for policy {policy.policy_id}. Do not edit.
package {package}

import rego.v1

expected_revisions := {revisions}

stale contains module if {{
	some module, text_sha256 in expected_revisions
	not data.{STATE_ROOT}.revisions[module].sha256 == text_sha256
}}

defined_for(document) if {{
	_ = {policy.query} with input as document{overrides}
}}

decision := {{"stale": stale}} if count(stale) > 0

decision := {{"result": result}} if {{
	count(stale) == 0
	result := {evaluated}
}}

decision := {{"undefined": true}} if {{
	count(stale) == 0
	not defined_for(input)
}}

batch := {{"stale": stale}} if count(stale) > 0

batch := {{"results": {{index: result |
	some index, document in input.batch
	result := {policy.query} with input as document{overrides}
}}}} if count(stale) == 0
"""


class OpaEngine:
    """Evaluates policies on an OPA server through its REST API."""

    name = "opa"

    def __init__(self, settings: OpaServerSettings | None = None) -> None:
        self._settings = settings
        self._lock = threading.RLock()
        self._local = threading.local()
        self._generation = 0
        self._pushed: set[str] = set()
        self._plans: dict[str, ServerPlan] = {}
        self._manifests: dict[str, BundleManifest] = {}

    @property
    def settings(self) -> OpaServerSettings:
        """The configured settings, else those of the environment (read at first use)."""
        with self._lock:
            if self._settings is None:
                self._settings = OpaServerSettings.from_environment()
            return self._settings

    def configure(self, settings: OpaServerSettings) -> None:
        """Use another server or other options; what was pushed before counts as not pushed."""
        with self._lock:
            self._settings = settings
            self._generation += 1
            self._pushed.clear()
            self._manifests.clear()

    def connection(self) -> OpaConnection:
        """This thread's connection (a requests session is not shared between threads)."""
        settings = self.settings
        current: tuple[int, OpaConnection] | None = getattr(self._local, "connection", None)
        if current is None or current[0] != self._generation:
            current = self._local.connection = (self._generation, OpaConnection(settings))
        return current[1]

    def evaluate(self, policy: Policy, input_document: Mapping[str, JsonValue]) -> JsonValue:
        if self.settings.from_bundle:
            return self._ask_bundle(policy, input_document)
        answer = self._ask(policy, "decision", input_document)
        if "undefined" in answer:
            raise PolicyError(f"{policy.query} is undefined for this input", reason="policy.undefined")
        return answer["result"]

    def evaluate_batch(self, policy: Policy, input_documents: Sequence[Mapping[str, JsonValue]]) -> list[JsonValue]:
        """The query's value for each input, in one request (``input.batch``); any undefined value is a PolicyError."""
        if not input_documents:
            return []
        if self.settings.from_bundle:  # a bundle holds no batch rule: one query per input
            return [self._ask_bundle(policy, document) for document in input_documents]
        answer = self._ask(policy, "batch", {"batch": [dict(document) for document in input_documents]})
        results = answer.get("results")
        if not isinstance(results, Mapping):
            raise PolicyError(f"the OPA server's batch answer has no results: {answer!r}", reason="policy.opa")
        by_index = {int(index): value for index, value in results.items()}
        missing = [index for index in range(len(input_documents)) if index not in by_index]
        if missing:
            raise PolicyError(f"{policy.query} is undefined for batch inputs {missing}", reason="policy.undefined")
        return [by_index[index] for index in range(len(input_documents))]

    def push(self, policy: Policy, *, force: bool = False) -> ServerPlan:
        """Upload the policy's modules, data and decision module unless this server already has them."""
        with self._lock:
            plan = self._plans.get(policy.policy_id)
            if plan is None:
                plan = self._plans[policy.policy_id] = plan_policy(policy)
            if force or policy.policy_id not in self._pushed:
                upload_policy(self.connection(), plan, policy.data)
                self._pushed.add(policy.policy_id)
            return plan

    def _ask(self, policy: Policy, rule: str, input_document: Mapping[str, JsonValue]) -> Mapping[str, JsonValue]:
        plan = self.push(policy)
        rule_path = f"{plan.decision_package}.{rule}"
        for attempt in range(2):
            answer = self.connection().query(rule_path, input_document, action=f"evaluating {policy.query}")
            if isinstance(answer, Mapping) and "stale" not in answer:
                return answer
            if attempt == 0:  # the server lost the policy (restart) or another client replaced a module
                plan = self.push(policy, force=True)
        if answer is UNDEFINED:
            raise PolicyError(
                f"the OPA server at {self.settings.url} has no decision module {plan.decision_module_id} "
                "even after uploading it again",
                reason="policy.opa",
            )
        raise PolicyError(
            f"the OPA server at {self.settings.url} holds other versions of this policy's modules "
            f"({answer!r}): another client keeps replacing them",
            reason="policy.opa.conflict",
        )

    def _ask_bundle(self, policy: Policy, input_document: Mapping[str, JsonValue]) -> JsonValue:
        rule_path = query_rule_path(policy.query)
        connection = self.connection()
        for _attempt in range(2):
            name, manifest = self._owning_bundle(connection, policy, rule_path)
            value, revisions = connection.query_with_provenance(
                rule_path, input_document, action=f"evaluating {policy.query} from bundle {name}"
            )
            if revisions.get(name) == manifest.revision:
                if value is UNDEFINED:
                    raise PolicyError(f"{policy.query} is undefined for this input", reason="policy.undefined")
                return value
            with self._lock:  # the bundle was replaced after its manifest was read: read it again
                self._manifests.pop(name, None)
        raise PolicyError(
            f"the OPA server at {self.settings.url} replaced bundle {name} during two decisions in a row",
            reason="policy.opa.revision",
        )

    def _owning_bundle(self, connection: OpaConnection, policy: Policy, rule_path: str) -> tuple[str, BundleManifest]:
        """The bundle that owns the query, from the manifests read before unless they no longer fit."""
        with self._lock:
            known = _owner(self._manifests, rule_path)
        if known is None or known[1].policy_ids.get(policy.query) != policy.policy_id:
            manifests = connection.bundle_manifests()
            with self._lock:
                self._manifests = dict(manifests)
            known = _owner(manifests, rule_path)
        if known is None:
            raise PolicyError(
                f"no bundle on the OPA server at {self.settings.url} owns {policy.query}",
                reason="policy.opa.bundle",
                hint="load the bundle `ccpolicy policy bundle` writes (opa run --bundle, or a bundle service)",
            )
        name, manifest = known
        listed = manifest.policy_ids.get(policy.query)
        if listed != policy.policy_id or not manifest.revision:
            raise PolicyError(
                f"bundle {name} on the OPA server at {self.settings.url} (revision {manifest.revision}) runs "
                f"{policy.query} as policy {listed or '(not a ccpolicy bundle)'}, not this policy ({policy.policy_id})",
                reason="policy.opa.revision",
                hint="build the bundle from the same policy and data (`ccpolicy policy bundle`), or pass the "
                "--policy/--data the server's bundle was built from",
            )
        return name, manifest


def _owner(manifests: Mapping[str, BundleManifest], rule_path: str) -> tuple[str, BundleManifest] | None:
    return next(((name, manifest) for name, manifest in sorted(manifests.items()) if manifest.owns(rule_path)), None)


def query_rule_path(query: str) -> str:
    """``data.ccpolicy.snp.result`` -> ``ccpolicy.snp.result``; only plain references can be queried."""
    if not _QUERY.fullmatch(query) or "[" in query:
        raise PolicyError(f"only a plain data reference can be queried in a bundle, not {query!r}", reason="policy.opa")
    return query.removeprefix("data.")


def upload_policy(connection: OpaConnection, plan: ServerPlan, data: Mapping[str, JsonValue]) -> None:
    """Remove conflicting ccpolicy modules, then upload modules, revisions, data and the decision module."""
    ours = {module.server_id for module in plan.modules}
    packages = {module.package for module in plan.modules}
    for server_id, package in sorted(connection.policy_packages().items()):
        if package not in packages or server_id in ours:
            continue
        if not server_id.startswith(MODULE_PREFIX):
            raise PolicyError(
                f"the OPA server at {connection.url} holds module {server_id} in package {package}, which ccpolicy "
                "did not upload: its rules would merge with the policy's. Remove it or use another server",
                reason="policy.opa.conflict",
            )
        connection.delete_policy(server_id)
        connection.delete_data(f"{STATE_ROOT}/revisions/{revision_key(server_id)}")
    for module in plan.modules:  # decisions made while a module changes see a missing revision: stale
        connection.delete_data(f"{STATE_ROOT}/revisions/{module.revision_key}")
    _upload_modules(connection, plan.modules)
    for module in plan.modules:
        connection.put_data(
            f"{STATE_ROOT}/revisions/{module.revision_key}", {"module": module.server_id, "sha256": module.text_sha256}
        )
    connection.put_data(plan.values_path, data)
    connection.put_policy(plan.decision_module_id, plan.decision_module_text)


def _upload_modules(connection: OpaConnection, modules: Sequence[ServerModule]) -> None:
    """Upload modules in order; one that needs a later module (OPA compiles on every upload) is tried again after it."""
    pending = list(modules)
    while pending:
        failed: list[ServerModule] = []
        last_error: PolicyError | None = None
        for module in pending:
            try:
                connection.put_policy(module.server_id, module.text)
            except PolicyError as error:
                if error.reason != "policy.opa.rejected":
                    raise
                failed.append(module)
                last_error = error
        if last_error is not None and len(failed) == len(pending):
            raise last_error
        pending = failed


@hookimpl
def ccpolicy_policy_engines() -> Sequence[PolicyEngine]:
    return [OpaEngine()]
