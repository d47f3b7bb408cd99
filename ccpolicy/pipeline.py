"""The verification pipeline: detect, parse, verify, check freshness, appraise, and build the result.

A verifier may leave its signature check for last (``VerificationContext.check_before_release``). On a
machine with more than one CPU the pipeline then appraises the claims on a worker thread while this
thread checks the signature (which releases the GIL), and returns the appraisal only once every check
passed: the checks decide the outcome exactly as if they had run first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from pathlib import Path

from ccpolicy import __version__
from ccpolicy.appraisal import Appraisal, Status, appraisal_from_decision
from ccpolicy.claims import Claims, JsonValue, to_input_document
from ccpolicy.collateral import CollateralStore
from ccpolicy.ear import build_ear
from ccpolicy.errors import CcpolicyError, ConfigurationError, FreshnessError
from ccpolicy.host import PluginHost, guarded
from ccpolicy.interfaces import Policy, PolicyEngine, VerificationContext
from ccpolicy.policy_files import load_policy

EXIT_AFFIRMED = 0
EXIT_DENIED = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What became of one piece of evidence. Exactly one of ``appraisal`` and ``error`` is set."""

    source: str
    tee: str | None
    claims: Claims | None = None
    input_document: dict[str, JsonValue] | None = None
    appraisal: Appraisal | None = None
    result: dict[str, JsonValue] | None = None
    error: CcpolicyError | None = None

    @property
    def verified(self) -> bool:
        return self.claims is not None and self.error is None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        if self.appraisal is not None and self.appraisal.status is Status.AFFIRMING:
            return EXIT_AFFIRMED
        return EXIT_DENIED


def check_nonce(report_data: bytes, nonce: bytes) -> None:
    """The relying party's nonce must equal the evidence's report data, zero-padded. Same rule for every TEE."""
    if len(nonce) > len(report_data) or report_data != nonce.ljust(len(report_data), b"\0"):
        raise FreshnessError(
            f"nonce {nonce.hex()} does not match the evidence's report data {report_data.hex() or '(empty)'}"
        )


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@cache
def appraisal_workers() -> ThreadPoolExecutor:
    """The threads that appraise claims while the calling thread finishes the signature checks."""
    return ThreadPoolExecutor(max_workers=max(1, usable_cpus() - 1), thread_name_prefix="ccpolicy-appraisal")


# A forked child has none of the parent's threads: it starts its own pool when it needs one.
if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=appraisal_workers.cache_clear)


class AttestationVerifier:
    """Verifies and appraises evidence with the loaded plugins. Policies are loaded once per TEE.

    ``overlap_appraisal`` (default: when more than one CPU is usable) appraises on a worker thread
    while the deferred signature checks run; False does everything in the calling thread, in order.
    """

    def __init__(
        self,
        host: PluginHost,
        *,
        engine: str = "regorus",
        policy_paths: Sequence[Path] = (),
        data_paths: Sequence[Path] = (),
        query: str | None = None,
        overlap_appraisal: bool | None = None,
    ) -> None:
        self.host = host
        self.overlap_appraisal = usable_cpus() > 1 if overlap_appraisal is None else overlap_appraisal
        self.policy_paths = tuple(policy_paths)
        self.data_paths = tuple(data_paths)
        self.query = query
        self._engine_name = engine
        self._policies: dict[str, Policy] = {}

    @property
    def engine(self) -> PolicyEngine:
        try:
            return self.host.policy_engines[self._engine_name]
        except KeyError:
            known = ", ".join(sorted(self.host.policy_engines)) or "none"
            raise ConfigurationError(f"no policy engine '{self._engine_name}' (loaded: {known})") from None

    def policy_for(self, tee_id: str) -> Policy:
        policy = self._policies.get(tee_id)
        if policy is None:
            policy = self._policies[tee_id] = load_policy(
                tee_id, policy_paths=self.policy_paths, data_paths=self.data_paths, query=self.query
            )
        return policy

    def verify(
        self,
        evidence: bytes,
        *,
        now: datetime,
        collateral: CollateralStore,
        source: str = "<evidence>",
        tee: str | None = None,
        nonce: bytes | None = None,
        unsafe_trust_test_root: bool = False,
        allow_unevaluated_tcb: bool = False,
    ) -> Outcome:
        """Never raises a CcpolicyError: failures come back as an Outcome with ``error`` set."""
        tee_id = tee
        claims = None
        try:
            verifier = self.host.verifier(tee) if tee else self.host.detect(evidence)
            tee_id = verifier.tee_id
            deferred: list[Callable[[], None]] = []
            context = VerificationContext(
                now=now,
                collateral=collateral,
                unsafe_trust_test_root=unsafe_trust_test_root,
                allow_unevaluated_tcb=allow_unevaluated_tcb,
                verifier_lookup=self.host.verifier,
                deferred_checks=deferred,
            )
            report = guarded(tee_id, "parse", lambda: verifier.parse(evidence))
            unreleased = guarded(tee_id, "verify", lambda: verifier.verify(report, context))
            tee_id = unreleased.tee
            # The appraisal assumes what the remaining checks establish; it is used only if they pass.
            appraise = partial(self._appraise_claims, unreleased, now, True if nonce is not None else None)
            background = appraisal_workers().submit(appraise) if deferred and self.overlap_appraisal else None
            try:
                for check in deferred:
                    guarded(tee_id, "verify", check)
                claims = unreleased
                if nonce is not None:
                    check_nonce(claims.evidence.report_data, nonce)
            finally:
                if background is not None:
                    background.exception()  # waits: no work for this evidence outlives the call
            input_document, appraisal = background.result() if background is not None else appraise()
        except CcpolicyError as error:
            return Outcome(source=source, tee=tee_id, claims=claims, error=error)
        result = build_ear({tee_id: appraisal}, now=now, verifier_build=f"ccpolicy {__version__}", nonce=nonce)
        return Outcome(
            source=source,
            tee=tee_id,
            claims=claims,
            input_document=input_document,
            appraisal=appraisal,
            result=result,
        )

    def _appraise_claims(
        self, claims: Claims, now: datetime, nonce_verified: bool | None
    ) -> tuple[dict[str, JsonValue], Appraisal]:
        input_document = to_input_document(claims, now=now, nonce_verified=nonce_verified)
        return input_document, self.appraise(claims.tee, input_document)

    def appraise(self, tee_id: str, input_document: dict[str, JsonValue]) -> Appraisal:
        policy = self.policy_for(tee_id)
        engine = self.engine
        decision = guarded(engine.name, "evaluate", lambda: engine.evaluate(policy, input_document))
        return appraisal_from_decision(decision, policy.policy_id)
