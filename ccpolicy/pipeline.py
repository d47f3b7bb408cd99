"""The verification pipeline: detect, parse, verify, check freshness, appraise, and build the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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


class AttestationVerifier:
    """Verifies and appraises evidence with the loaded plugins. Policies are loaded once per TEE."""

    def __init__(
        self,
        host: PluginHost,
        *,
        engine: str = "regorus",
        policy_paths: Sequence[Path] = (),
        data_paths: Sequence[Path] = (),
        query: str | None = None,
    ) -> None:
        self.host = host
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
    ) -> Outcome:
        """Never raises a CcpolicyError: failures come back as an Outcome with ``error`` set."""
        tee_id = tee
        claims = None
        try:
            verifier = self.host.verifier(tee) if tee else self.host.detect(evidence)
            tee_id = verifier.tee_id
            context = VerificationContext(
                now=now,
                collateral=collateral,
                unsafe_trust_test_root=unsafe_trust_test_root,
                verifier_lookup=self.host.verifier,
            )
            report = guarded(tee_id, "parse", lambda: verifier.parse(evidence))
            claims = guarded(tee_id, "verify", lambda: verifier.verify(report, context))
            tee_id = claims.tee
            nonce_verified = None
            if nonce is not None:
                check_nonce(claims.evidence.report_data, nonce)
                nonce_verified = True
            input_document = to_input_document(claims, now=now, nonce_verified=nonce_verified)
            appraisal = self.appraise(tee_id, input_document)
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

    def appraise(self, tee_id: str, input_document: dict[str, JsonValue]) -> Appraisal:
        policy = self.policy_for(tee_id)
        engine = self.engine
        decision = guarded(engine.name, "evaluate", lambda: engine.evaluate(policy, input_document))
        return appraisal_from_decision(decision, policy.policy_id)
