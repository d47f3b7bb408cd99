"""ExampleForge: example evidence signed by a fresh Ed25519 key, pinned as a ccpolicy test key.

Writes into ``out_dir``: ``evidence.json`` (no trailing newline: the bytes are the evidence),
``attestation_key.json`` (the pin, with issuer ``TEST_ROOT_NAME``: it verifies only with
``--trust-test-root``) and ``refvalues.json`` (``{"example": {"measurements": [...], "minimum_svn": ...}}``).
The private key lives only in memory, so tests need no secret key material on disk.

Settings (defaults in brackets): ``measurement`` (32 bytes hex) [SHA-256 of "ccpolicy example workload"],
``report_data`` (up to 64 bytes hex, zero-padded) [zero], ``debug`` 0|1 [0], ``svn`` [1],
``instance_id`` [example-0001].
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_example_tee.attestation_keys import DOCUMENT_KEY
from ccpolicy_example_tee.evidence_format import (
    FORMAT,
    INSTANCE_ID,
    MAX_SVN,
    MEASUREMENT_SIZE,
    REPORT_DATA_SIZE,
    encode_base64url,
)
from ccpolicy_example_tee.verification import TEE_ID

SETTINGS = frozenset({"measurement", "report_data", "debug", "svn", "instance_id"})
DEFAULT_MEASUREMENT = hashlib.sha256(b"ccpolicy example workload").digest()


@dataclass(slots=True)
class ExampleForge:
    tee_id: str = TEE_ID

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        """``now`` is unused: the example format carries no time and its pins do not expire."""
        report = forged_report(settings)
        key = Ed25519PrivateKey.generate()
        signed_bytes = json.dumps(report, separators=(",", ":")).encode()
        envelope = {
            "format": FORMAT,
            "report": encode_base64url(signed_bytes),
            "signature": encode_base64url(key.sign(signed_bytes)),
        }
        raw_public_key = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        out_dir.mkdir(parents=True, exist_ok=True)
        evidence = out_dir / "evidence.json"
        evidence.write_bytes(json.dumps(envelope, indent=1).encode())
        pin = out_dir / "attestation_key.json"
        pin.write_text(json.dumps({DOCUMENT_KEY: {"attestation_key": raw_public_key.hex(), "issuer": TEST_ROOT_NAME}}))
        reference_values = out_dir / "refvalues.json"
        reference_values.write_text(
            json.dumps({TEE_ID: {"measurements": [report["measurement"]], "minimum_svn": report["svn"]}}, indent=2)
        )
        return ForgedEvidence(evidence=evidence, collateral=(pin,), reference_values=reference_values)


def forged_report(settings: Mapping[str, str]) -> dict[str, object]:
    unknown = sorted(set(settings) - SETTINGS)
    if unknown:
        raise ConfigurationError(f"unknown example forge field(s) {unknown}; known: {sorted(SETTINGS)}")
    measurement = _hex_setting(settings, "measurement", DEFAULT_MEASUREMENT.hex(), exact=MEASUREMENT_SIZE)
    report_data = _hex_setting(settings, "report_data", "", exact=None).ljust(REPORT_DATA_SIZE, b"\0")
    debug = settings.get("debug", "0").lower()
    if debug not in {"0", "1", "false", "true"}:
        raise ConfigurationError(f"debug must be 0 or 1, got {debug!r}")
    svn_text = settings.get("svn", "1")
    if not svn_text.isdigit() or int(svn_text) > MAX_SVN:
        raise ConfigurationError(f"svn must be an integer in 0..{MAX_SVN}, got {svn_text!r}")
    instance_id = settings.get("instance_id", "example-0001")
    if not INSTANCE_ID.fullmatch(instance_id):
        raise ConfigurationError("instance_id must be 1..64 printable ASCII characters")
    return {
        "measurement": measurement.hex(),
        "report_data": report_data.hex(),
        "debug": debug in {"1", "true"},
        "svn": int(svn_text),
        "instance_id": instance_id,
    }


def _hex_setting(settings: Mapping[str, str], name: str, default: str, *, exact: int | None) -> bytes:
    text = settings.get(name, default).lower().removeprefix("0x")
    if not re.fullmatch(r"([0-9a-f]{2})*", text):
        raise ConfigurationError(f"{name} must be hex, got {text!r}")
    value = bytes.fromhex(text)
    if (exact is not None and len(value) != exact) or len(value) > REPORT_DATA_SIZE:
        raise ConfigurationError(f"{name} must be {exact or f'at most {REPORT_DATA_SIZE}'} bytes")
    return value
