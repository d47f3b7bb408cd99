"""Claims of a verified SEV-SNP report: the normalized evidence part and every vendor field.

Normalized choices:

* ``platform``: vendor AMD and the product of the verified chain (Milan, Genoa, Turin).
* ``measurements``: ``launch`` = MEASUREMENT.
* ``signer``: AUTHOR_KEY_DIGEST when AUTHOR_KEY_EN is set (the author key certifies the ID key, so it is
  the longest-lived identity of whoever built the image, like SGX's MRSIGNER), else ID_KEY_DIGEST (the
  key that signed the ID block); None when that digest is all zero (launched without an ID block).
* ``debug``: the guest policy's DEBUG bit (debugging was allowed at launch).
* ``tcb``: components of REPORTED_TCB (the TCB the VCEK/VLEK certifies); status None (no TCB appraisal here).
* ``report_data``: REPORT_DATA, 64 bytes.
* ``identity``: chip_id, report_id, signing_key (``vcek``/``vlek``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonReadyMapping, JsonValue, TcbClaims, json_time
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp.report import FirmwareVersion, SnpReport
from ccpolicy_snp.tcb import TcbVersion
from ccpolicy_snp.trust import Endorsement
from ccpolicy_snp.verify import VerifiedReport

TEE_ID = "snp"


def signer_digest(report: SnpReport) -> bytes | None:
    digest = report.author_key_digest if report.key_info.author_key_en else report.id_key_digest
    return digest if any(digest) else None


def build_claims(verified: VerifiedReport, context: VerificationContext) -> Claims:
    report, endorsement = verified.report, verified.endorsement
    evidence = EvidenceClaims(
        platform={"vendor": "AMD", "product": endorsement.product.value},
        measurements={"launch": report.measurement},
        signer=signer_digest(report),
        debug=report.policy.debug,
        tcb=TcbClaims(status=None, components=report.reported_tcb.components()),
        report_data=report.report_data,
        identity={
            "chip_id": report.chip_id,
            "report_id": report.report_id,
            "signing_key": report.key_info.signing_key.label,
        },
    )
    collateral = CollateralStatus(
        source="test-root" if endorsement.test_root else context.collateral.source,
        not_after=endorsement.not_after,
        crl_checked=endorsement.crl_checked,
    )
    return Claims(tee=TEE_ID, evidence=evidence, vendor=SnpVendorClaims(report, endorsement), collateral=collateral)


class SnpVendorClaims(JsonReadyMapping):
    """The vendor claims of one verified report: typed when read, JSON-ready for the input document."""

    __slots__ = ("_endorsement", "_report")

    def __init__(self, report: SnpReport, endorsement: Endorsement) -> None:
        super().__init__()
        self._report = report
        self._endorsement = endorsement

    def build_typed(self) -> Mapping[str, JsonValue]:
        return vendor_claims(self._report, self._endorsement)

    def json_value(self) -> dict[str, JsonValue]:
        return vendor_claims(self._report, self._endorsement, json_ready=True)


def _as_is(value: JsonValue) -> JsonValue:
    return value


def vendor_claims(report: SnpReport, endorsement: Endorsement, *, json_ready: bool = False) -> dict[str, JsonValue]:
    """Every report field, typed (bytes stay bytes; the host turns them into hex), or already JSON-ready.

    One function builds both forms, so ``json_ready=True`` gives exactly ``to_json_value`` of the typed form.
    """
    binary: Callable[[bytes], JsonValue] = bytes.hex if json_ready else _as_is
    moment: Callable[[datetime], JsonValue] = json_time if json_ready else _as_is
    policy = report.policy
    platform = report.platform_info
    extensions = endorsement.leaf_extensions
    return {
        "version": report.version,
        "guest_svn": report.guest_svn,
        "policy": {
            "raw": policy.raw,
            "abi_major": policy.abi_major,
            "abi_minor": policy.abi_minor,
            "smt": policy.smt,
            "migrate_ma": policy.migrate_ma,
            "debug": policy.debug,
            "single_socket": policy.single_socket,
            "cxl_allow": policy.cxl_allow,
            "mem_aes_256_xts": policy.mem_aes_256_xts,
            "rapl_dis": policy.rapl_dis,
            "ciphertext_hiding": policy.ciphertext_hiding,
            "page_swap_disable": policy.page_swap_disable,
            "reserved_one": policy.reserved_one,
            "undefined_bits": policy.undefined_bits,
        },
        "family_id": binary(report.family_id),
        "image_id": binary(report.image_id),
        "vmpl": report.vmpl,
        "signature_algo": report.signature_algo,
        "current_tcb": tcb_object(report.current_tcb),
        "platform_info": {
            "raw": platform.raw,
            "smt_enabled": platform.smt_enabled,
            "tsme_enabled": platform.tsme_enabled,
            "ecc_enabled": platform.ecc_enabled,
            "rapl_disabled": platform.rapl_disabled,
            "ciphertext_hiding_enabled": platform.ciphertext_hiding_enabled,
            "alias_check_complete": platform.alias_check_complete,
            "tio_enabled": platform.tio_enabled,
        },
        "author_key_en": report.key_info.author_key_en,
        "mask_chip_key": report.key_info.mask_chip_key,
        "signing_key": report.key_info.signing_key.label,
        "report_data": binary(report.report_data),
        "measurement": binary(report.measurement),
        "host_data": binary(report.host_data),
        "id_key_digest": binary(report.id_key_digest),
        "author_key_digest": binary(report.author_key_digest),
        "report_id": binary(report.report_id),
        "report_id_ma": binary(report.report_id_ma),
        "reported_tcb": tcb_object(report.reported_tcb),
        "cpuid": None
        if report.cpuid is None
        else {"family": report.cpuid.family, "model": report.cpuid.model, "stepping": report.cpuid.stepping},
        "chip_id": binary(report.chip_id),
        "committed_tcb": tcb_object(report.committed_tcb),
        "current_version": version_object(report.current_version),
        "committed_version": version_object(report.committed_version),
        "launch_tcb": tcb_object(report.launch_tcb),
        "launch_mit_vector": report.launch_mit_vector,
        "current_mit_vector": report.current_mit_vector,
        "signature": {"r": binary(report.signature_r), "s": binary(report.signature_s)},
        "product": endorsement.product.value,
        "endorsement": {
            "key": endorsement.signing_key.label,
            "product_name": extensions.product_name,
            "csp_id": extensions.csp_id,
            "hwid": None if extensions.hwid is None else binary(extensions.hwid),
            "not_after": moment(endorsement.leaf.not_valid_after_utc),
        },
    }


def tcb_object(tcb: TcbVersion) -> dict[str, JsonValue]:
    return {
        "bl": tcb.bootloader,
        "tee": tcb.tee,
        "snp": tcb.snp,
        "microcode": tcb.microcode,
        "fmc": tcb.fmc,
        "raw": tcb.raw,
    }


def version_object(version: FirmwareVersion) -> dict[str, JsonValue]:
    return {"major": version.major, "minor": version.minor, "build": version.build, "text": str(version)}
