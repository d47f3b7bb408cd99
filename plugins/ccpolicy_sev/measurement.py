"""The SEV LAUNCH_MEASURE: an HMAC only the guest owner, who holds the TIK, can check.

SEV API #55766, LAUNCH_MEASURE::

    MEASURE = HMAC-SHA256(key = TIK,
                          0x04 || API_MAJOR || API_MINOR || BUILD
                          || GCTX.POLICY (u32 LE) || GCTX.LD (32 B) || MNONCE (16 B))

The TIK (transport integrity key, 16 bytes) is chosen by the guest owner and
wrapped for the platform's PDH in the LAUNCH_START session; nobody else can
verify (or forge) the measurement.  Checked against a known answer of
virtee/sev (``src/session/mod.rs``, test ``verify``).
"""

from __future__ import annotations

import hashlib
import hmac

from ccpolicy.errors import SignatureError
from ccpolicy_sev.evidence import LaunchEvidence

MEASURE_CONTEXT = 0x04
TIK_SIZE = 16


def launch_measure(
    *, tik: bytes, api_major: int, api_minor: int, build: int, policy: int, launch_digest: bytes, mnonce: bytes
) -> bytes:
    """MEASURE as the AMD secure processor computes it."""
    if len(tik) != TIK_SIZE:
        raise ValueError(f"the TIK is {TIK_SIZE} bytes, not {len(tik)}")
    message = (
        bytes((MEASURE_CONTEXT, api_major, api_minor, build)) + policy.to_bytes(4, "little") + launch_digest + mnonce
    )
    return hmac.new(tik, message, hashlib.sha256).digest()


def verify_launch_measurement(evidence: LaunchEvidence, tik: bytes) -> None:
    """Recompute MEASURE with ``tik`` and compare in constant time; SignatureError when it differs."""
    expected = launch_measure(
        tik=tik,
        api_major=evidence.api_major,
        api_minor=evidence.api_minor,
        build=evidence.build,
        policy=evidence.policy.value,
        launch_digest=evidence.launch_digest,
        mnonce=evidence.mnonce,
    )
    if not hmac.compare_digest(expected, evidence.measure):
        raise SignatureError(
            "SEV launch measurement does not match: the TIK, API version, build, guest policy, launch digest "
            "or MNONCE differ from what the secure processor measured",
            reason="verification.signature.sev_launch_measure",
        )
