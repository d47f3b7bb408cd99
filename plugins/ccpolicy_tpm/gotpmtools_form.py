"""The go-tpm-tools ``attest.Attestation`` protobuf -> TpmAttestation.

Field numbers (go-tpm-tools proto/attest.proto, proto/tpm.proto):
Attestation {1 ak_pub (TPMT_PUBLIC), 2 repeated quotes, 3 event_log, 4 instance_info,
5 canonical_event_log, 6 ak_cert (DER), 7 repeated intermediate_certs, 8 sev_snp_attestation,
9 tdx_attestation}; Quote {1 quote (TPMS_ATTEST), 2 raw_sig (TPMT_SIGNATURE), 3 pcrs};
PCRs {1 hash (TPM_ALG_ID), 2 map<uint32, bytes> pcrs}.
"""

from __future__ import annotations

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_tpm.attestation import EvidenceForm, TpmAttestation, TpmQuote, checked_pcr_values
from ccpolicy_tpm.event_log import parse_event_log
from ccpolicy_tpm.gce_instance import instance_info_from_proto
from ccpolicy_tpm.protobuf_wire import ProtoMessage, parse_message, read_varint
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm, ObjectType
from ccpolicy_tpm.tpm_structures import parse_public_area, parse_quote_attestation, parse_signature

MEDIA_TYPE = "application/vnd.google.go-tpm-tools.attestation+protobuf"
MAX_QUOTES = 16
MAX_INTERMEDIATES = 8
_AK_PUB_TAG = 0x0A
_QUOTE_TAG = 0x12


def looks_like_attestation(evidence: bytes) -> bool:
    """Field 1 (a TPMT_PUBLIC of an RSA or ECC key) followed by field 2 (a quote)."""
    if evidence[:1] != bytes([_AK_PUB_TAG]):
        return False
    try:
        size, start = read_varint(evidence, 1, what="detect")
    except EvidenceFormatError:
        return False
    key_types = {object_type.value.to_bytes(2, "big") for object_type in ObjectType}
    end = start + size
    return evidence[start : start + 2] in key_types and evidence[end : end + 1] == bytes([_QUOTE_TAG])


def parse_gotpmtools_attestation(evidence: bytes) -> TpmAttestation:
    message = parse_message(evidence, what="Attestation")
    ak_pub = message.bytes_field(1)
    if not ak_pub:
        raise EvidenceFormatError("Attestation: ak_pub (field 1) is missing")
    quote_messages = message.messages(2, "Attestation.Quote")
    if not quote_messages:
        raise EvidenceFormatError("Attestation: no quotes (field 2)")
    if len(quote_messages) > MAX_QUOTES:
        raise EvidenceFormatError(f"Attestation: {len(quote_messages)} quotes, at most {MAX_QUOTES}")
    event_log_raw = message.bytes_field(3)
    instance = message.message(4, "Attestation.GCEInstanceInfo")
    intermediates = message.repeated_bytes(7)
    if len(intermediates) > MAX_INTERMEDIATES:
        raise EvidenceFormatError(f"Attestation: {len(intermediates)} intermediate certificates")
    tee_attestation = None
    if message.optional_bytes(8) is not None:
        tee_attestation = "sev-snp"
    elif message.optional_bytes(9) is not None:
        tee_attestation = "tdx"
    return TpmAttestation(
        form=EvidenceForm.GO_TPM_TOOLS,
        ak_public=parse_public_area(ak_pub),
        quotes=tuple(_quote(item) for item in quote_messages),
        event_log=parse_event_log(event_log_raw) if event_log_raw else None,
        ak_certificate=message.optional_bytes(6) or None,
        intermediate_certificates=tuple(intermediates),
        instance_info=instance_info_from_proto(instance) if instance is not None else None,
        canonical_event_log_present=bool(message.bytes_field(5)),
        tee_attestation=tee_attestation,
    )


def _quote(message: ProtoMessage) -> TpmQuote:
    attest_raw = message.bytes_field(1)
    signature_raw = message.bytes_field(2)
    pcrs = message.message(3, "Attestation.Quote.PCRs")
    if pcrs is None:
        raise EvidenceFormatError("Attestation.Quote: pcrs (field 3) is missing")
    bank = HashAlgorithm.from_id(pcrs.uint(1), what="Attestation.Quote.PCRs")
    values = checked_pcr_values(bank, pcrs.uint_bytes_map(2), what="Attestation.Quote.PCRs")
    return TpmQuote(
        attest_raw=attest_raw,
        attest=parse_quote_attestation(attest_raw),
        signature_raw=signature_raw,
        signature=parse_signature(signature_raw),
        pcr_values={bank: values},
    )
