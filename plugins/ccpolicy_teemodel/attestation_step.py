"""One attestation verification and appraisal with ccpolicy's own pipeline, on a real SEV-SNP vector.

The report, its VCEK and the Milan ASK/ARK come from the shared vectors (see their PROVENANCE.md),
evaluated at a pinned time inside the VCEK's validity. The step is reported unavailable, with the
reason, when the vectors are absent or no loaded plugin provides the ``snp`` verifier; it is never faked.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from ccpolicy.clock import parse_time
from ccpolicy.collateral import load_collateral
from ccpolicy.errors import CcpolicyError
from ccpolicy.host import PluginHost
from ccpolicy.pipeline import AttestationVerifier

TEE_ID = "snp"
REPORT = Path("snp/trustee_report_milan_v2_vcek.bin")
COLLATERAL = (Path("snp/trustee_vcek_milan.der"), Path("snp/ask_ark_milan.pem"))
EVALUATION_TIME = "2025-06-01T00:00:00Z"


@dataclass(frozen=True, slots=True, kw_only=True)
class AttestationTiming:
    """Seconds to load the plugins and the policy (first verification), and for one warm verification."""

    load_s: float | None
    verify_s: float | None
    unavailable: str | None = None
    verdict: str | None = None


def default_vectors_root() -> Path:
    configured = os.environ.get("CCPOLICY_VECTORS")
    return Path(configured) if configured else Path.cwd().resolve().parent / "shared" / "vectors"


def time_attestation(vectors: Path | None) -> AttestationTiming:
    root = vectors or default_vectors_root()
    report_path = root / REPORT
    if not report_path.is_file():
        return _unavailable(f"the SEV-SNP vector {report_path} is absent (set CCPOLICY_VECTORS or --vectors)")
    try:
        start = time.perf_counter()
        host = PluginHost.load()
        if TEE_ID not in host.tee_verifiers:
            return _unavailable(f"no loaded plugin provides the '{TEE_ID}' verifier")
        verifier = AttestationVerifier(host)
        collateral = load_collateral([root / path for path in COLLATERAL])
        evidence = report_path.read_bytes()
        now = parse_time(EVALUATION_TIME)
        first = verifier.verify(evidence, now=now, collateral=collateral, tee=TEE_ID)
        loaded = time.perf_counter()
        warm_start = time.perf_counter()
        outcome = verifier.verify(evidence, now=now, collateral=collateral, tee=TEE_ID)
        warm = time.perf_counter() - warm_start
    except CcpolicyError as error:
        return _unavailable(f"the '{TEE_ID}' plugin could not be used: {error.diagnostics()}")
    if first.error is not None or outcome.error is not None:
        failure = outcome.error or first.error
        detail = failure.diagnostics() if failure is not None else "unknown"
        return _unavailable(f"verification of the real vector failed, nothing to time: {detail}")
    verdict = outcome.appraisal.status.value if outcome.appraisal is not None else None
    return AttestationTiming(load_s=loaded - start, verify_s=warm, verdict=verdict)


def _unavailable(reason: str) -> AttestationTiming:
    return AttestationTiming(load_s=None, verify_s=None, unavailable=reason)
