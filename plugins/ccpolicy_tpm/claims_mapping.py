"""Verified TPM attestation -> Claims.

Normalized claims:
  * platform ``{"vendor": "TCG", "product": "TPM 2.0"}``;
  * measurements: every quoted PCR of every bank as ``"<bank>:pcr<N>"`` (``"sha256:pcr0"``);
  * signer: None (a TPM has no code-signer notion);
  * debug: False — a TPM has no debug mode; a policy reads debug-relevant state from the PCRs;
  * tcb: status None (no vendor TCB appraisal), components ``{"tpm_firmware_version": ...}``;
  * report_data: the quotes' extraData (the nonce the relying party gave TPM2_Quote);
  * identity: ``{"ak_name": <TPM name>}`` plus ``gce_instance`` when a verified AK certificate names it.
Vendor claims (key ``tpm``): the AK, PCRs by bank, each quote's fields, firmware version, clock info,
the event-log summary, and GCE instance information (``verified`` says whether a certificate vouched for it).
The event-log summary rests only on what the quote binds (digests and PCR indexes of replayed PCRs) and on
event data that hashes to its digest; logged event types are not measured and are not claimed (see
``boot_events``).  ``grub_commands`` / ``kernel_command_line`` are measured strings; the GRUB label that sorts
them into the two lists is not measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, TcbClaims
from ccpolicy_tpm.ak_trust import AkTrust
from ccpolicy_tpm.attestation import TpmAttestation, TpmQuote
from ccpolicy_tpm.boot_events import BootSummary
from ccpolicy_tpm.gce_instance import GceInstanceInfo
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_structures import EccPublic, PublicArea

TEE_ID = "tpm"
PLATFORM = {"vendor": "TCG", "product": "TPM 2.0"}


def build_claims(
    attestation: TpmAttestation,
    *,
    ak_name: bytes,
    hierarchy: str | None,
    trust: AkTrust,
    pcrs: Mapping[HashAlgorithm, Mapping[int, bytes]],
    replayed: Mapping[HashAlgorithm, tuple[int, ...]],
    boot: BootSummary | None,
) -> Claims:
    first = attestation.quotes[0].attest
    measurements = {
        f"{bank.label}:pcr{index}": value
        for bank in sorted(pcrs, key=lambda item: item.value)
        for index, value in sorted(pcrs[bank].items())
    }
    gce_instance = _gce_instance(attestation, trust)
    identity: dict[str, Any] = {"ak_name": ak_name}
    if gce_instance is not None and gce_instance["verified"]:
        identity["gce_instance"] = gce_instance
    vendor: dict[str, Any] = {
        "form": attestation.form.value,
        "ak": _ak_claims(attestation.ak_public, ak_name, hierarchy, trust),
        "pcrs": {
            bank.label: {str(index): value for index, value in sorted(values.items())}
            for bank, values in sorted(pcrs.items(), key=lambda item: item[0].value)
        },
        "quotes": [_quote_claims(quote) for quote in attestation.quotes],
        "firmware_version": first.firmware_version,
        "firmware_version_hex": f"{first.firmware_version:016x}",
        "clock_info": {
            "clock": first.clock_info.clock,
            "reset_count": first.clock_info.reset_count,
            "restart_count": first.clock_info.restart_count,
            "safe": first.clock_info.safe,
        },
        "event_log": _event_log_claims(attestation, replayed, boot),
        "gce_instance": gce_instance,
        "tee_attestation_present": attestation.tee_attestation,
        "canonical_event_log_present": attestation.canonical_event_log_present,
    }
    return Claims(
        tee=TEE_ID,
        evidence=EvidenceClaims(
            platform=PLATFORM,
            measurements=measurements,
            signer=None,
            debug=False,
            tcb=TcbClaims(status=None, components={"tpm_firmware_version": first.firmware_version}),
            report_data=first.extra_data,
            identity=identity,
        ),
        vendor=vendor,
        collateral=CollateralStatus(source=trust.source, not_after=trust.not_after, crl_checked=trust.crl_checked),
    )


def _ak_claims(public: PublicArea, ak_name: bytes, hierarchy: str | None, trust: AkTrust) -> dict[str, Any]:
    key = public.key
    claims: dict[str, Any] = {
        "name": ak_name,
        "primary_of_hierarchy": hierarchy,
        "type": public.object_type.name.lower(),
        "name_algorithm": public.name_algorithm.label,
        "attributes": list(public.attributes.labels),
        "scheme": public.scheme.name.lower() if public.scheme else None,
        "scheme_hash": public.scheme_hash.label if public.scheme_hash else None,
        "trust": trust.method.value,
        "certificate": None,
    }
    if isinstance(key, EccPublic):
        claims["curve"] = key.curve.name.lower()
    else:
        claims["key_bits"] = key.key_bits
    if trust.certificate is not None:
        certificate = trust.certificate
        claims["certificate"] = {
            "subject": certificate.subject,
            "issuer": certificate.issuer,
            "serial_number": certificate.serial_number,
            "not_before": certificate.not_before,
            "not_after": certificate.not_after,
            "anchor": certificate.anchor,
        }
    return claims


def _quote_claims(quote: TpmQuote) -> dict[str, Any]:
    attest = quote.attest
    return {
        "selection": {selection.bank.label: list(selection.pcrs) for selection in attest.pcr_selections},
        "extra_data": attest.extra_data,
        "qualified_signer": attest.qualified_signer,
        "clock": attest.clock_info.clock,
        "reset_count": attest.clock_info.reset_count,
        "restart_count": attest.clock_info.restart_count,
        "safe": attest.clock_info.safe,
        "firmware_version": attest.firmware_version,
        "signature_scheme": quote.signature.scheme.name.lower(),
        "signature_hash": quote.signature.hash_algorithm.label,
        "pcr_digest": attest.pcr_digest,
    }


def _event_log_claims(
    attestation: TpmAttestation, replayed: Mapping[HashAlgorithm, tuple[int, ...]], boot: BootSummary | None
) -> dict[str, Any] | None:
    log = attestation.event_log
    if log is None or boot is None:
        return None
    return {  # the Spec ID event (log version, vendor info) is not measured: only its bank list is used
        "banks": [bank.label for bank in log.spec_id.banks],
        "replayed": {bank.label: list(pcrs) for bank, pcrs in replayed.items()},
        "digest_bank": boot.bank.label,
        "secure_boot": boot.secure_boot,
        "efi_variables": [
            {"pcr": item.pcr, "name": item.name, "vendor_guid": item.vendor_guid} for item in boot.efi_variables
        ],
        "separators": [{"pcr": item.pcr, "error": item.error} for item in boot.separators],
        "grub_commands": list(boot.grub_commands),
        "kernel_command_line": boot.kernel_command_lines[-1] if boot.kernel_command_lines else None,
        "kernel_command_lines": list(boot.kernel_command_lines),
        "measured_strings": [{"pcr": item.pcr, "text": item.text} for item in boot.measured_strings],
        "event_count": boot.event_count,
        "events": [{"sequence": item.sequence, "pcr": item.pcr, "digest": item.digest} for item in boot.events],
        "events_truncated": boot.events_truncated,
    }


def _gce_instance(attestation: TpmAttestation, trust: AkTrust) -> dict[str, Any] | None:
    info: GceInstanceInfo | None = trust.instance_info
    verified = info is not None
    if info is None:
        info = attestation.instance_info
    if info is None:
        return None
    return {
        "zone": info.zone,
        "project_id": info.project_id,
        "project_number": info.project_number,
        "instance_name": info.instance_name,
        "instance_id": info.instance_id,
        "security_version": info.security_version,
        "is_production": info.is_production,
        "verified": verified,
    }
