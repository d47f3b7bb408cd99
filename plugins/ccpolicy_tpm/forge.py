"""Forged TPM evidence: the plain JSON form, signed by the ccpolicy test AK, with a matching event log.

The test AK is an ECC P-256 restricted signing key whose private scalar is derived
from its label; collateral pins its name in a document marked as a ccpolicy test
key, which the verifier honours only with ``unsafe_trust_test_root``.  The event
log measures a StartupLocality (locality 3), an S-CRTM version, the SecureBoot
variable, separators and GRUB strings into PCRs 0, 7 and 8 of the SHA-256 bank;
other PCRs are zero unless set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_tpm import tpm_encoding
from ccpolicy_tpm.ak_binding import HIERARCHIES
from ccpolicy_tpm.claims_mapping import TEE_ID
from ccpolicy_tpm.event_log import EventType
from ccpolicy_tpm.event_log_replay import STARTUP_LOCALITY_SIGNATURE
from ccpolicy_tpm.tpm_algorithms import EccCurve, HashAlgorithm, ObjectAttributes
from ccpolicy_tpm.tpm_hashing import tpm_name
from ccpolicy_tpm.tpm_structures import ClockInfo
from ccpolicy_tpm.uefi_variables import EFI_GLOBAL_VARIABLE

TEST_AK_LABEL = "ccpolicy test AK - " + TEST_ROOT_NAME.removeprefix("ccpolicy test root - ")
"""``ccpolicy test AK - not genuine hardware``."""
BANK = HashAlgorithm.SHA256
PCR_COUNT = 24
AK_ATTRIBUTES = (
    ObjectAttributes.FIXED_TPM
    | ObjectAttributes.FIXED_PARENT
    | ObjectAttributes.SENSITIVE_DATA_ORIGIN
    | ObjectAttributes.USER_WITH_AUTH
    | ObjectAttributes.RESTRICTED
    | ObjectAttributes.SIGN_ENCRYPT
)
DEFAULT_SETTINGS = {
    "nonce": "00" * 32,
    "secure_boot": "true",
    "kernel_cmdline": "/vmlinuz root=/dev/sda1 ro console=ttyS0",
    "firmware_version": "2016051100162800",
}
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def test_ak_private_key() -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(hashlib.sha256(TEST_AK_LABEL.encode()).digest(), "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def test_ak_public_area() -> bytes:
    numbers = test_ak_private_key().public_key().public_numbers()
    return tpm_encoding.ecc_public_area(
        curve=EccCurve.NIST_P256,
        x=numbers.x.to_bytes(32, "big"),
        y=numbers.y.to_bytes(32, "big"),
        attributes=AK_ATTRIBUTES,
        scheme_hash=BANK,
    )


class TpmEvidenceForge:
    tee_id = TEE_ID

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        values = _settings(settings)
        document, measurements = forge_quote_document(values, clock=int(now.timestamp() * 1000) % (1 << 63))
        ak_name = tpm_name(BANK, test_ak_public_area())
        evidence = out_dir / "tpm-quote.json"
        evidence.write_text(json.dumps(document, indent=1) + "\n")
        pin = out_dir / "tpm-test-ak.json"
        pin.write_text(json.dumps({"tpm": {"ak_names": [ak_name.hex()], "test_key": TEST_ROOT_NAME}}, indent=1) + "\n")
        reference = out_dir / "tpm-reference-values.json"
        reference.write_text(
            json.dumps(
                {
                    "tpm": {
                        "measurements": {name: value.hex() for name, value in measurements.items()},
                        "report_data": values["nonce"],
                        "ak_name": ak_name.hex(),
                    }
                },
                indent=1,
            )
            + "\n"
        )
        return ForgedEvidence(evidence=evidence, collateral=(pin,), reference_values=reference)


def forge_quote_document(settings: Mapping[str, str], *, clock: int) -> tuple[dict[str, object], dict[str, bytes]]:
    """The plain JSON evidence and its ``sha256:pcr<N>`` measurements."""
    event_log, replayed = _event_log(settings)
    pcrs = {index: bytes(BANK.digest_size) for index in range(PCR_COUNT)}
    pcrs.update(replayed)
    for index in range(PCR_COUNT):
        override = settings.get(f"pcr{index}")
        if override is not None:
            if index in replayed:
                raise ConfigurationError(f"pcr{index} is measured by the forged event log and cannot be set")
            pcrs[index] = _hex_setting(override, f"pcr{index}", BANK.digest_size)
    public_area = test_ak_public_area()
    attest = tpm_encoding.quote_attestation(
        qualified_signer=tpm_name(BANK, HIERARCHIES["endorsement"].to_bytes(4, "big") + tpm_name(BANK, public_area)),
        extra_data=_hex_setting(settings["nonce"], "nonce", None),
        clock_info=ClockInfo(clock=clock, reset_count=1, restart_count=0, safe=True),
        firmware_version=int(settings["firmware_version"], 16),
        selection={BANK: list(range(PCR_COUNT))},
        pcr_digest=hashlib.sha256(b"".join(pcrs[index] for index in range(PCR_COUNT))).digest(),
    )
    r, s = decode_dss_signature(test_ak_private_key().sign(attest, ec.ECDSA(hashes.SHA256())))
    signature = tpm_encoding.ecdsa_signature(hash_algorithm=BANK, r=r, s=s, size=32)
    document: dict[str, object] = {
        "quote": attest.hex(),
        "signature": signature.hex(),
        "pcrs": {BANK.label: {str(index): value.hex() for index, value in pcrs.items()}},
        "ak_public": public_area.hex(),
        "event_log": event_log.hex(),
    }
    return document, {f"{BANK.label}:pcr{index}": value for index, value in pcrs.items()}


def _event_log(settings: Mapping[str, str]) -> tuple[bytes, dict[int, bytes]]:
    secure_boot = settings["secure_boot"].lower() in ("1", "true", "yes")
    command_line = settings["kernel_cmdline"].encode()
    events: list[tuple[int, EventType, bytes, bytes]] = [
        (0, EventType.EV_S_CRTM_VERSION, b"ccpolicy forge\0", b"ccpolicy forge\0"),
        (
            7,
            EventType.EV_EFI_VARIABLE_DRIVER_CONFIG,
            variable := tpm_encoding.uefi_variable(
                vendor_guid=EFI_GLOBAL_VARIABLE, name="SecureBoot", data=bytes([int(secure_boot)])
            ),
            variable,
        ),
        *[(pcr, EventType.EV_SEPARATOR, bytes(4), bytes(4)) for pcr in (0, 7)],
        (8, EventType.EV_IPL, b"grub_cmd: linux /vmlinuz\0", b"linux /vmlinuz"),
        (8, EventType.EV_IPL, b"kernel_cmdline: " + command_line + b"\0", command_line),
    ]
    log = tpm_encoding.spec_id_event([BANK])
    log += tpm_encoding.pcr_event2(
        pcr=0,
        event_type=EventType.EV_NO_ACTION.value,
        digests={BANK: bytes(BANK.digest_size)},
        data=STARTUP_LOCALITY_SIGNATURE + bytes([3]),
    )
    values = {0: bytes(BANK.digest_size - 1) + bytes([3])}
    for pcr, event_type, data, measured in events:
        event_digest = hashlib.sha256(measured).digest()
        log += tpm_encoding.pcr_event2(pcr=pcr, event_type=event_type.value, digests={BANK: event_digest}, data=data)
        values[pcr] = hashlib.sha256(values.get(pcr, bytes(BANK.digest_size)) + event_digest).digest()
    return log, values


def _settings(settings: Mapping[str, str]) -> dict[str, str]:
    known = set(DEFAULT_SETTINGS) | {f"pcr{index}" for index in range(PCR_COUNT)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ConfigurationError(f"unknown tpm forge setting(s) {unknown}; known: {sorted(DEFAULT_SETTINGS)}, pcr0..23")
    values = {**DEFAULT_SETTINGS, **settings}
    try:
        int(values["firmware_version"], 16)
    except ValueError:
        raise ConfigurationError("firmware_version must be hex") from None
    return values


def _hex_setting(text: str, field: str, size: int | None) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        raise ConfigurationError(f"{field} must be hex") from None
    if size is not None and len(value) != size:
        raise ConfigurationError(f"{field} must be {size} bytes")
    if size is None and len(value) > 64:
        raise ConfigurationError(f"{field} must be at most 64 bytes")
    return value
