"""A tiny TEE plugin for host tests: evidence is b"FAKE" + 32 bytes of report data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, TcbClaims
from ccpolicy.errors import EvidenceFormatError
from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import TeeVerifier, VerificationContext

MAGIC = b"FAKE"


@dataclass
class FakeVerifier:
    tee_id: str = "fake"
    name: str = "fake"
    version: str = "1"
    media_types: Sequence[str] = ("application/x-fake",)
    explode: bool = False
    final_check: Callable[[], None] | None = None
    """Handed to ``context.check_before_release``, as a real verifier does with its signature check."""

    def detect(self, evidence: bytes) -> bool:
        return evidence.startswith(MAGIC)

    def parse(self, evidence: bytes) -> bytes:
        if len(evidence) != 36 or not evidence.startswith(MAGIC):
            raise EvidenceFormatError("fake evidence is FAKE + 32 bytes")
        return evidence[4:]

    def verify(self, report: Any, context: VerificationContext) -> Claims:
        if self.explode:
            raise RuntimeError("boom")
        if self.final_check is not None:
            context.check_before_release(self.final_check)
        return Claims(
            tee=self.tee_id,
            evidence=EvidenceClaims(
                platform={"vendor": "test"},
                measurements={"launch": b"\x01" * 4},
                signer=None,
                debug=False,
                tcb=TcbClaims(),
                report_data=report,
            ),
            vendor={"report_data": report},
            collateral=CollateralStatus(source="offline", not_after=None, crl_checked=False),
        )


class FakePlugin:
    def __init__(self, *verifiers: TeeVerifier) -> None:
        self.verifiers = list(verifiers)

    @hookimpl
    def ccpolicy_tee_verifiers(self) -> Sequence[TeeVerifier]:
        return self.verifiers


FAKE_POLICY = """
package ccpolicy.fake

import rego.v1

import data.ccpolicy.lib.ar4si

result := ar4si.result({"executables": ar4si.approved_boot, "hardware": ar4si.affirming}, problems)

problems contains {"rule": "fake.known", "claim": "evidence.measurements.launch", "trust_claim": "executables",
	"ar4si": ar4si.unrecognized_executables, "message": "unknown"} if {
	not input.evidence.measurements.launch in {m | some m in data.fake.measurements}
}
"""
