"""The TPM 2.0 TeeVerifier: detect, parse, verify."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ccpolicy.claims import Claims
from ccpolicy.errors import BindingError, UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_tpm import __version__
from ccpolicy_tpm.ak_binding import check_public_area_bound, primary_hierarchy
from ccpolicy_tpm.ak_public_key import ak_public_key, subject_public_key_info
from ccpolicy_tpm.ak_trust import establish_ak_trust
from ccpolicy_tpm.attestation import TpmAttestation
from ccpolicy_tpm.boot_events import BootSummary, summarize_boot
from ccpolicy_tpm.claims_mapping import TEE_ID, build_claims
from ccpolicy_tpm.event_log import EventLog
from ccpolicy_tpm.event_log_replay import check_replay
from ccpolicy_tpm.gotpmtools_form import MEDIA_TYPE as PROTOBUF_MEDIA_TYPE
from ccpolicy_tpm.gotpmtools_form import looks_like_attestation, parse_gotpmtools_attestation
from ccpolicy_tpm.plain_json_form import MEDIA_TYPE as JSON_MEDIA_TYPE
from ccpolicy_tpm.plain_json_form import looks_like_plain_quote, parse_plain_quote
from ccpolicy_tpm.quote_verification import (
    check_ak_attributes,
    check_pcr_digest,
    check_quotes_agree,
    verify_quote_signature,
)
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_hashing import is_available, tpm_name


class TpmVerifier:
    """Verifies TPM 2.0 quotes with an attestation key trusted by pin or certificate chain."""

    tee_id = TEE_ID
    name = "TPM 2.0 quote"
    version = __version__
    media_types: Sequence[str] = (JSON_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE)

    def detect(self, evidence: bytes) -> bool:
        return looks_like_attestation(evidence) or looks_like_plain_quote(evidence)

    def parse(self, evidence: bytes) -> TpmAttestation:
        if looks_like_attestation(evidence) or evidence[:1] == b"\x0a":  # protobuf field 1, length-delimited
            return parse_gotpmtools_attestation(evidence)
        if looks_like_plain_quote(evidence):
            return parse_plain_quote(evidence)
        raise UnsupportedEvidenceError("not a go-tpm-tools Attestation nor a ccpolicy TPM quote JSON document")

    def verify(self, report: TpmAttestation, context: VerificationContext) -> Claims:
        public = report.ak_public
        check_ak_attributes(public)
        key = ak_public_key(public)
        ak_name = tpm_name(public.name_algorithm, public.raw)
        for position, quote in enumerate(report.quotes):
            verify_quote_signature(quote, public, key, position=position)
            check_pcr_digest(quote, position=position)
        pcrs = check_quotes_agree(report.quotes)
        trust = establish_ak_trust(report, ak_name=ak_name, ak_key_info=subject_public_key_info(key), context=context)
        hierarchy = primary_hierarchy(public.name_algorithm, ak_name, report.quotes[0].attest.qualified_signer)
        check_public_area_bound(trust, hierarchy, ak_name)
        replayed: dict[HashAlgorithm, tuple[int, ...]] = {}
        boot = None
        if report.event_log is not None:
            replayed, boot = replay_event_log(report.event_log, pcrs)
        return build_claims(
            report, ak_name=ak_name, hierarchy=hierarchy, trust=trust, pcrs=pcrs, replayed=replayed, boot=boot
        )


def replay_event_log(
    log: EventLog, pcrs: Mapping[HashAlgorithm, Mapping[int, bytes]]
) -> tuple[dict[HashAlgorithm, tuple[int, ...]], BootSummary]:
    """Replay every bank both the log and the quotes have; summarize the boot from SHA-256 when possible."""
    banks = [bank for bank in log.spec_id.banks if bank in pcrs and is_available(bank)]
    if not banks:
        raise BindingError("the event log shares no PCR bank with the quotes; it cannot be replayed")
    replayed = {bank: check_replay(log, bank, pcrs[bank]) for bank in banks}
    summary_bank = HashAlgorithm.SHA256 if HashAlgorithm.SHA256 in replayed else banks[0]
    return replayed, summarize_boot(log, summary_bank, replayed[summary_bank])
