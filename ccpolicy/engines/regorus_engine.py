"""The embedded Rego engine: regorus (a Rust Rego interpreter) behind the PolicyEngine protocol.

Input and data go in as JSON text.  A regorus engine may only be touched, and
dropped, by the thread that made it, so each thread compiles its own engine per
policy and keeps the most recently used ones in storage of its own (freed by that
thread when it evicts them or ends).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import regorus

from ccpolicy.claims import JsonValue
from ccpolicy.errors import PolicyError
from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import Policy, PolicyEngine

UNDEFINED = "<undefined>"
_LOCATION = re.compile(r"-->\s*(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+)")
ENGINES_PER_THREAD = 32
_compiled = threading.local()
"""``engines``: this thread's compiled engines by policy id (which covers modules and data), oldest first."""


def regorus_message(exc: BaseException) -> str:
    """The useful part of a regorus error: location and message, without the Rust backtrace."""
    text = str(exc).split("Stack backtrace:")[0].strip()
    location = _LOCATION.search(text)
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    message = lines[0].removeprefix("error:").strip() if lines else text.splitlines()[0] if text else "unknown error"
    if location:
        return f"{location['file']}:{location['line']}:{location['col']}: {message}"
    return message


class RegorusEngine:
    """Evaluates policies in-process with regorus."""

    name = "regorus"

    def compile(self, policy: Policy, *, coverage: bool = False) -> regorus.Engine:
        """A fresh regorus engine holding the policy's modules and data (for this thread only)."""
        engine = regorus.Engine()
        if coverage:
            engine.set_enable_coverage(True)
        for module in policy.modules:
            try:
                engine.add_policy(module.path, module.text)
            except RuntimeError as exc:
                raise PolicyError(f"policy does not compile: {regorus_message(exc)}", reason="policy.compile") from exc
        try:
            engine.add_data_json(json.dumps(policy.data))
        except RuntimeError as exc:
            raise PolicyError(f"policy data rejected: {regorus_message(exc)}", reason="policy.data") from exc
        return engine

    def _engine_for(self, policy: Policy) -> regorus.Engine:
        engines: OrderedDict[str, regorus.Engine] | None = getattr(_compiled, "engines", None)
        if engines is None:
            engines = _compiled.engines = OrderedDict()
        engine = engines.get(policy.policy_id)
        if engine is None:
            engine = engines[policy.policy_id] = self.compile(policy)
            if len(engines) > ENGINES_PER_THREAD:
                engines.popitem(last=False)
        else:
            engines.move_to_end(policy.policy_id)
        return engine

    def evaluate(self, policy: Policy, input_document: Mapping[str, JsonValue]) -> JsonValue:
        return evaluate_rule(self._engine_for(policy), policy.query, input_document)


def evaluate_rule(engine: regorus.Engine, query: str, input_document: Mapping[str, JsonValue]) -> JsonValue:
    """Set the input and evaluate one rule; undefined or failing evaluation is a PolicyError."""
    try:
        engine.set_input_json(json.dumps(input_document))
        value = json.loads(engine.eval_rule_as_json(query))
    except RuntimeError as exc:
        raise PolicyError(f"evaluating {query} failed: {regorus_message(exc)}", reason="policy.eval") from exc
    if value == UNDEFINED:
        raise PolicyError(f"{query} is undefined for this input", reason="policy.undefined")
    return value


@hookimpl
def ccpolicy_policy_engines() -> Sequence[PolicyEngine]:
    return [RegorusEngine()]
