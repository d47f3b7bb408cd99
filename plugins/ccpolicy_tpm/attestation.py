"""The parsed TPM attestation, whichever form it came in."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_tpm.event_log import EventLog
from ccpolicy_tpm.gce_instance import GceInstanceInfo
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_structures import PublicArea, QuoteAttestation, TpmSignature

MAX_PCR_INDEX = 63


class EvidenceForm(enum.Enum):
    GO_TPM_TOOLS = "go-tpm-tools"
    """The go-tpm-tools ``attest.Attestation`` protobuf (GCE Shielded VM, Confidential Space)."""
    PLAIN_JSON = "plain-json"
    """ccpolicy's JSON document of hex TPM structures."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TpmQuote:
    """One TPM2_Quote: the signed TPMS_ATTEST, its signature, and the PCR values it covers."""

    attest_raw: bytes
    attest: QuoteAttestation
    signature_raw: bytes
    signature: TpmSignature
    pcr_values: Mapping[HashAlgorithm, Mapping[int, bytes]]


@dataclass(frozen=True, slots=True, kw_only=True)
class TpmAttestation:
    form: EvidenceForm
    ak_public: PublicArea
    quotes: tuple[TpmQuote, ...]
    event_log: EventLog | None
    ak_certificate: bytes | None
    """DER, when the evidence carries one."""
    intermediate_certificates: tuple[bytes, ...]
    instance_info: GceInstanceInfo | None
    canonical_event_log_present: bool
    tee_attestation: str | None
    """Kind of a secondary TEE attestation carried alongside (``sev-snp``, ``tdx``); not verified here."""


def checked_pcr_values(bank: HashAlgorithm, values: Mapping[int, bytes], *, what: str) -> dict[int, bytes]:
    """PCR indexes in range and every value the bank's digest size."""
    checked = {}
    for index, value in values.items():
        if index > MAX_PCR_INDEX:
            raise EvidenceFormatError(f"{what}: PCR index {index} is out of range")
        if len(value) != bank.digest_size:
            raise EvidenceFormatError(
                f"{what}: PCR {index} of the {bank.label} bank has {len(value)} bytes, not {bank.digest_size}"
            )
        checked[index] = value
    return dict(sorted(checked.items()))
