"""CI gates: many evidence × policy expectations from one TOML file, run in parallel on all cores.

```toml
[[check]]
name = "Milan debug report is denied"
evidence = "$CCPOLICY_VECTORS/snp/gsg_attestation_milan_v2_debug.bin"
collateral = ["$CCPOLICY_VECTORS/snp/gsg_vcek_milan.der", "$CCPOLICY_VECTORS/snp/ask_ark_milan.pem"]
at = "2025-06-01T00:00:00Z"
# optional: tee, nonce, policy, data, query, trust_test_root, allow_unevaluated_tcb
expect = { exit_code = 5, status = "contraindicated" }
```

Each check is an evidence case (``ccpolicy.evidence_cases``): the same keys, the same expectations,
the same comparison.  Checks run in worker processes, each with its own plugin host (regorus
engines belong to one thread).
"""

from __future__ import annotations

import multiprocessing
import os
import tomllib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from ccpolicy.errors import ConfigurationError
from ccpolicy.evidence_cases import EvidenceCase, case_from_table, run_case
from ccpolicy.host import PluginHost
from ccpolicy.policy_tests import TestOutcome

CHECK_TABLE = "check"


def load_gate(path: Path) -> list[EvidenceCase]:
    """The checks of a gate file, in order; relative paths are relative to the file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read gate file {path}: {exc}") from exc
    checks = document.get(CHECK_TABLE)
    if set(document) != {CHECK_TABLE} or not isinstance(checks, list) or not checks:
        raise ConfigurationError(f"gate file {path} must hold one or more [[{CHECK_TABLE}]] tables and nothing else")
    cases = [
        case_from_table(path, table, default_name=f"check {number}") for number, table in enumerate(checks, start=1)
    ]
    names = [case.name for case in cases]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigurationError(f"gate file {path}: check names must differ; repeated: {', '.join(duplicates)}")
    return cases


def run_gate(cases: Sequence[EvidenceCase], *, jobs: int | None = None) -> list[TestOutcome]:
    """Run every check in worker processes (default: one per core); outcomes come back in check order."""
    workers = max(1, min(len(cases), jobs or os.cpu_count() or 1))
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_check, cases))


def run_check(case: EvidenceCase) -> TestOutcome:
    """One check, with this process's plugin host."""
    return run_case(case, _process_host())


@cache
def _process_host() -> PluginHost:
    return PluginHost.load()
