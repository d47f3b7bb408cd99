"""Evidence test cases written as data: one TOML file per case (``*.case.toml``).

```toml
evidence = "$CCPOLICY_VECTORS/snp/gsg_attestation_milan_v2_debug.bin"
collateral = ["$CCPOLICY_VECTORS/snp/gsg_vcek_milan.der", "$CCPOLICY_VECTORS/snp/ask_ark_milan.pem"]
at = "2025-06-01T00:00:00Z"
# optional: tee, nonce (hex), policy = [...], data = [...], query, trust_test_root = true,
#           allow_unevaluated_tcb = true
[expect]
exit_code = 5
status = "contraindicated"                 # optional
trust_vector = { configuration = 96 }      # optional: only the claims named are compared
reasons = ["snp.debug_forbidden"]          # optional: the exact set of rules with reasons
```

Relative paths are relative to the case file; ``$CCPOLICY_VECTORS`` expands to the vectors root.
"""

from __future__ import annotations

import os
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.clock import parse_time
from ccpolicy.collateral import load_collateral
from ccpolicy.errors import CcpolicyError, ConfigurationError
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier, Outcome
from ccpolicy.policy_tests import TestOutcome

CASE_SUFFIX = ".case.toml"
VECTORS_VARIABLE = "CCPOLICY_VECTORS"
SWITCHES = ("trust_test_root", "allow_unevaluated_tcb")
KNOWN_KEYS = {"name", "evidence", "collateral", "at", "tee", "nonce", "policy", "data", "query", *SWITCHES}
KNOWN_EXPECTATIONS = {"exit_code", "status", "trust_vector", "reasons"}


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceCase:
    path: Path
    name: str
    evidence: Path
    collateral: tuple[Path, ...]
    at: str
    expect: Mapping[str, Any]
    tee: str | None = None
    nonce: bytes | None = None
    policy: tuple[Path, ...] = ()
    data: tuple[Path, ...] = ()
    query: str | None = None
    trust_test_root: bool = False
    allow_unevaluated_tcb: bool = False


def load_case(path: Path) -> EvidenceCase:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read evidence case {path}: {exc}") from exc
    return case_from_table(path, document, default_name=path.name.removesuffix(CASE_SUFFIX))


def case_from_table(path: Path, document: Mapping[str, Any], *, default_name: str) -> EvidenceCase:
    """A case from its TOML table; ``path`` is the file it came from (relative paths start there)."""
    unknown = set(document) - KNOWN_KEYS - {"expect"}
    expect = document.get("expect")
    if unknown or not isinstance(expect, dict) or not expect or set(expect) - KNOWN_EXPECTATIONS:
        raise ConfigurationError(
            f"evidence case {path}: keys must be among {sorted(KNOWN_KEYS)} plus an [expect] table "
            f"of {sorted(KNOWN_EXPECTATIONS)}"
        )
    for required in ("evidence", "at"):
        if not isinstance(document.get(required), str):
            raise ConfigurationError(f"evidence case {path}: '{required}' is required and must be a string")
    for switch in SWITCHES:
        if not isinstance(document.get(switch, False), bool):
            raise ConfigurationError(f"evidence case {path}: '{switch}' must be true or false")
    nonce = document.get("nonce")
    try:
        return EvidenceCase(
            path=path,
            name=str(document.get("name") or default_name),
            evidence=_resolve(path, document["evidence"]),
            collateral=tuple(_resolve(path, p) for p in _strings(path, document, "collateral")),
            at=document["at"],
            expect=expect,
            tee=document.get("tee"),
            nonce=bytes.fromhex(nonce) if isinstance(nonce, str) else None,
            policy=tuple(_resolve(path, p) for p in _strings(path, document, "policy")),
            data=tuple(_resolve(path, p) for p in _strings(path, document, "data")),
            query=document.get("query"),
            trust_test_root=document.get("trust_test_root", False),
            allow_unevaluated_tcb=document.get("allow_unevaluated_tcb", False),
        )
    except ValueError as exc:
        raise ConfigurationError(f"evidence case {path}: nonce is not hexadecimal") from exc


def run_case(case: EvidenceCase, host: PluginHost) -> TestOutcome:
    started = time.perf_counter()
    try:
        verifier = AttestationVerifier(host, policy_paths=case.policy, data_paths=case.data, query=case.query)
        outcome = verifier.verify(
            case.evidence.read_bytes(),
            now=parse_time(case.at),
            collateral=load_collateral(case.collateral),
            source=str(case.evidence),
            tee=case.tee,
            nonce=case.nonce,
            unsafe_trust_test_root=case.trust_test_root,
            allow_unevaluated_tcb=case.allow_unevaluated_tcb,
        )
        problems = compare(outcome, case.expect)
    except (CcpolicyError, OSError) as exc:
        message = exc.diagnostics() if isinstance(exc, CcpolicyError) else str(exc)
        problems = [f"the case could not run: {message}"]
    return TestOutcome(
        kind="case",
        suite=case.path.parent.name,
        name=case.name,
        file=str(case.path),
        line=1,
        passed=not problems,
        message="; ".join(problems),
        duration=time.perf_counter() - started,
    )


def compare(outcome: Outcome, expect: Mapping[str, Any]) -> list[str]:
    """What differs between an outcome and the expectations; empty when the case passes."""
    problems = []
    if "exit_code" in expect and outcome.exit_code != expect["exit_code"]:
        detail = f" ({outcome.error.diagnostics()})" if outcome.error else ""
        problems.append(f"exit code {outcome.exit_code}, expected {expect['exit_code']}{detail}")
    appraisal = outcome.appraisal
    if "status" in expect and (appraisal is None or appraisal.status.value != expect["status"]):
        problems.append(f"status {appraisal.status.value if appraisal else None}, expected {expect['status']}")
    for claim, value in dict(expect.get("trust_vector", {})).items():
        actual = appraisal.trust_vector.get(claim) if appraisal else None
        if actual != value:
            problems.append(f"trust claim {claim} = {actual}, expected {value}")
    if "reasons" in expect:
        rules = sorted({reason.rule for reason in appraisal.reasons}) if appraisal else []
        if rules != sorted(set(expect["reasons"])):
            problems.append(f"reasons {rules}, expected {sorted(set(expect['reasons']))}")
    return problems


def vectors_root() -> Path:
    """``$CCPOLICY_VECTORS``, else ``../shared/vectors`` beside the working directory's checkout."""
    configured = os.environ.get(VECTORS_VARIABLE)
    if configured:
        return Path(configured)
    return Path.cwd().resolve().parent / "shared" / "vectors"


def _resolve(case_path: Path, text: str) -> Path:
    expanded = text.replace("$CCPOLICY_VECTORS", str(vectors_root())).replace(
        "${CCPOLICY_VECTORS}", str(vectors_root())
    )
    path = Path(os.path.expanduser(expanded))
    return path if path.is_absolute() else (case_path.parent / path)


def _strings(path: Path, document: Mapping[str, Any], key: str) -> list[str]:
    value = document.get(key, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigurationError(f"evidence case {path}: '{key}' must be a string or a list of strings")
    return value
