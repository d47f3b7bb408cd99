"""Appraisals: the AR4SI trust vector, the status it implies, and the reasons behind it.

A policy returns ``{"trust_vector": {claim: int}, "reasons": [{rule, claim, message, ...}]}``.
The status follows from the vector (draft-ietf-rats-ar4si): the worst tier of any claim.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from ccpolicy.claims import JsonValue
from ccpolicy.errors import PolicyError


class TrustClaim(enum.Enum):
    """The eight AR4SI trustworthiness claims."""

    INSTANCE_IDENTITY = "instance-identity"
    CONFIGURATION = "configuration"
    EXECUTABLES = "executables"
    FILE_SYSTEM = "file-system"
    HARDWARE = "hardware"
    RUNTIME_OPAQUE = "runtime-opaque"
    STORAGE_OPAQUE = "storage-opaque"
    SOURCED_DATA = "sourced-data"


class Status(enum.Enum):
    """AR4SI trustworthiness tiers, ordered from best to worst for appraisal."""

    AFFIRMING = "affirming"
    NONE = "none"
    WARNING = "warning"
    CONTRAINDICATED = "contraindicated"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {status: index for index, status in enumerate(Status)}
_TRUST_CLAIM_NAMES = frozenset(claim.value for claim in TrustClaim)


def tier(value: int) -> Status:
    """The tier of one claim value, by the AR4SI enumeration encoding."""
    if 2 <= value <= 31 or -32 <= value <= -2:
        return Status.AFFIRMING
    if 32 <= value <= 95 or -96 <= value <= -33:
        return Status.WARNING
    if 96 <= value <= 127 or -128 <= value <= -97:
        return Status.CONTRAINDICATED
    return Status.NONE


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """Why a trust claim got its value: the rule, the claim path, and what was expected."""

    rule: str
    claim: str
    message: str
    trust_claim: str | None = None
    value: JsonValue = None
    expected: JsonValue = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Appraisal:
    status: Status
    trust_vector: Mapping[str, int]
    reasons: tuple[Reason, ...]
    policy_id: str


def overall_status(trust_vector: Mapping[str, int]) -> Status:
    """The worst tier in the vector; affirming only if some claim affirms and none is worse."""
    tiers = {tier(value) for value in trust_vector.values()}
    if not tiers or tiers == {Status.NONE}:
        return Status.NONE
    return max(tiers - {Status.NONE} or tiers, key=_SEVERITY.__getitem__)


def appraisal_from_decision(decision: JsonValue, policy_id: str) -> Appraisal:
    """Validate a policy's result document and turn it into an Appraisal; a bad shape is a PolicyError."""
    if not isinstance(decision, Mapping):
        raise PolicyError("the policy result must be an object with trust_vector and reasons", reason="policy.shape")
    raw_vector = decision.get("trust_vector")
    if not isinstance(raw_vector, Mapping) or not raw_vector:
        raise PolicyError("the policy result has no trust_vector object", reason="policy.shape")
    vector: dict[str, int] = {}
    for name, value in raw_vector.items():
        if name not in _TRUST_CLAIM_NAMES:
            raise PolicyError(f"'{name}' is not an AR4SI trust claim", reason="policy.shape")
        if isinstance(value, bool) or not isinstance(value, int) or not -128 <= value <= 127:
            raise PolicyError(
                f"trust claim '{name}' must be an integer in -128..127, got {value!r}", reason="policy.shape"
            )
        vector[name] = value
    raw_reasons = decision.get("reasons", [])
    if not isinstance(raw_reasons, list):
        raise PolicyError("the policy result's reasons must be a list", reason="policy.shape")
    reasons = tuple(sorted((_reason(item) for item in raw_reasons), key=lambda r: (r.rule, r.claim, r.message)))
    return Appraisal(status=overall_status(vector), trust_vector=vector, reasons=reasons, policy_id=policy_id)


def _reason(item: JsonValue) -> Reason:
    if not isinstance(item, Mapping) or not all(isinstance(item.get(k), str) for k in ("rule", "claim", "message")):
        raise PolicyError(f"each reason needs string rule, claim and message; got {item!r}", reason="policy.shape")
    trust_claim = item.get("trust_claim")
    return Reason(
        rule=item["rule"],
        claim=item["claim"],
        message=item["message"],
        trust_claim=trust_claim if isinstance(trust_claim, str) else None,
        value=item.get("value"),
        expected=item.get("expected"),
    )
