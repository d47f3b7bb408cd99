"""The IBM SE evidence forge: a pvattest response in the real format, sealed with a named test key.

The forge writes the response (exchange format), the image's SE header, and the
requester's secret as an ibmse collateral document marked with
``ccpolicy.certificates.TEST_ROOT_NAME`` under ``test_key``: the verifier uses
it only with ``unsafe_trust_test_root``.  Settings (``--set FIELD=VALUE``):

- ``nonce``: 16 bytes hex, or ``none`` for a request without a nonce (default: random)
- ``user_data``: up to 256 bytes hex (default: none); ``config_uid``: 16 bytes hex (default: random)
- ``pld``, ``ald``, ``tld``: 64 bytes hex each (default: random); ``allow_dumping``: true/false (default false)
- ``additional``: comma list of image_phkh, attestation_phkh, secret_store_hash, firmware_state, or ``none``
- ``secret``: ``arpk`` (default) or ``attestation_key`` (the measurement key and nonce instead of the ARPK)
- ``image``: ``se_header`` (default: write the SE header file) or ``document`` (tags in the JSON document)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.certificates import TEST_ROOT_NAME
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_ibmse.additional_data import AttestationFlag, flags_of
from ccpolicy_ibmse.attestation_request import NONCE_SIZE, MeasurementAlgorithm
from ccpolicy_ibmse.exchange_format import CONFIG_UID_SIZE, ExchangeSection
from ccpolicy_ibmse.forge_encoding import (
    build_se_header,
    encode_exchange_response,
    host_key_hash,
    se_header_tags,
    seal_attestation_request,
)
from ccpolicy_ibmse.measurement_verification import compute_measurement, measured_items
from ccpolicy_ibmse.se_header import DIGEST_SIZE, ImageTags

SETTINGS = frozenset(
    {"nonce", "user_data", "config_uid", "pld", "ald", "tld", "allow_dumping", "additional", "secret", "image"}
)
ADDITIONAL_NAMES = {
    "image_phkh": AttestationFlag.IMAGE_PUBLIC_HOST_KEY_HASH,
    "attestation_phkh": AttestationFlag.ATTESTATION_PUBLIC_HOST_KEY_HASH,
    "secret_store_hash": AttestationFlag.SECRET_STORE_HASH,
    "firmware_state": AttestationFlag.FIRMWARE_STATE,
}
DEFAULT_ADDITIONAL = "image_phkh,attestation_phkh"
ARPK_SIZE = 32
EVIDENCE_NAME = "ibmse_attestation_response.bin"
SECRET_NAME = "ibmse_requester_secret.json"
HEADER_NAME = "ibmse_se_header.bin"
REFERENCE_NAME = "ibmse_reference_values.json"


class IbmSeForge:
    """Writes a forged pvattest response, the requester's (test) secret, the SE header and reference values."""

    tee_id = "ibmse"

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        unknown = set(settings) - SETTINGS
        if unknown:
            raise ConfigurationError(f"unknown ibmse forge settings {sorted(unknown)} (known: {sorted(SETTINGS)})")
        files = forge_files(settings)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, content in files.items():
            path = out_dir / name
            path.write_bytes(content)
            written[name] = path
        collateral = tuple(written[name] for name in (SECRET_NAME, HEADER_NAME) if name in written)
        return ForgedEvidence(
            evidence=written[EVIDENCE_NAME], collateral=collateral, reference_values=written[REFERENCE_NAME]
        )


def forge_files(settings: Mapping[str, str]) -> dict[str, bytes]:
    """The forged files by name; ``now`` plays no part, since nothing in IBM SE attestation expires."""
    host_key = ec.generate_private_key(ec.SECP521R1()).public_key()
    hashed_host_key = host_key_hash(host_key)
    nonce = _nonce(settings)
    additional_flags = _additional_flags(settings.get("additional", DEFAULT_ADDITIONAL))
    flags = flags_of(*additional_flags, *([AttestationFlag.NONCE] if nonce is not None else []))
    header = build_se_header(
        pld=_hex(settings, "pld", DIGEST_SIZE) or os.urandom(DIGEST_SIZE),
        ald=_hex(settings, "ald", DIGEST_SIZE) or os.urandom(DIGEST_SIZE),
        tld=_hex(settings, "tld", DIGEST_SIZE) or os.urandom(DIGEST_SIZE),
        allow_dumping=_boolean(settings, "allow_dumping"),
        host_keys=[host_key],
    )
    image = se_header_tags(header)
    protection_key = os.urandom(ARPK_SIZE)
    measurement_key = os.urandom(MeasurementAlgorithm.HMAC_SHA512.key_size)
    request = seal_attestation_request(
        flags=flags, protection_key=protection_key, measurement_key=measurement_key, nonce=nonce, host_keys=[host_key]
    )
    additional = _additional_data(additional_flags, hashed_host_key)
    user_data = _hex(settings, "user_data", None)
    if user_data is not None and len(user_data) > ExchangeSection.USER_DATA.max_size:
        raise ConfigurationError(f"ibmse forge setting user_data is longer than {ExchangeSection.USER_DATA.max_size}")
    config_uid = _hex(settings, "config_uid", CONFIG_UID_SIZE) or os.urandom(CONFIG_UID_SIZE)
    items = measured_items(image=image, config_uid=config_uid, user_data=user_data, nonce=nonce, additional=additional)
    response = encode_exchange_response(
        arcb=request.arcb,
        measurement=compute_measurement(measurement_key, items),
        additional=additional,
        user_data=user_data,
        config_uid=config_uid,
    )
    secret = _secret_document(
        settings,
        protection_key=protection_key,
        measurement_key=measurement_key,
        nonce=nonce,
        request_tag=request.tag,
        image=image,
    )
    files = {EVIDENCE_NAME: response, SECRET_NAME: _json(secret)}
    if settings.get("image", "se_header") == "se_header":
        files[HEADER_NAME] = header
    files[REFERENCE_NAME] = _json(
        {
            "ibmse": {
                "images": [{name: getattr(image, name).hex() for name in ("pld", "ald", "tld", "tag")}],
                "config_uids": [config_uid.hex()],
                "host_key_hashes": [hashed_host_key.hex()],
            }
        }
    )
    return files


def _secret_document(
    settings: Mapping[str, str],
    *,
    protection_key: bytes,
    measurement_key: bytes,
    nonce: bytes | None,
    request_tag: bytes,
    image: ImageTags,
) -> dict[str, Any]:
    body: dict[str, Any] = {"test_key": TEST_ROOT_NAME, "request_tag": request_tag.hex()}
    form = settings.get("secret", "arpk")
    if form == "arpk":
        body["arpk"] = protection_key.hex()
    elif form == "attestation_key":
        body["attestation_key"] = measurement_key.hex()
        if nonce is not None:
            body["nonce"] = nonce.hex()
    else:
        raise ConfigurationError(f"ibmse forge setting secret must be arpk or attestation_key, not '{form}'")
    placement = settings.get("image", "se_header")
    if placement == "document":
        body["image"] = {name: getattr(image, name).hex() for name in ("pld", "ald", "tld", "tag")}
    elif placement != "se_header":
        raise ConfigurationError(f"ibmse forge setting image must be se_header or document, not '{placement}'")
    return {"ibmse": body}


def _additional_data(flags: list[AttestationFlag], hashed_host_key: bytes) -> bytes | None:
    values = {
        AttestationFlag.IMAGE_PUBLIC_HOST_KEY_HASH: hashed_host_key,
        AttestationFlag.ATTESTATION_PUBLIC_HOST_KEY_HASH: hashed_host_key,
        AttestationFlag.SECRET_STORE_HASH: hashlib.sha512(b"\0").digest(),  # no secrets added, store unlocked
        AttestationFlag.FIRMWARE_STATE: os.urandom(AttestationFlag.FIRMWARE_STATE.additional_size),
    }
    data = b"".join(values[flag] for flag in AttestationFlag if flag in flags)
    return data or None


def _additional_flags(text: str) -> list[AttestationFlag]:
    names = [name.strip() for name in text.split(",") if name.strip() and name.strip() != "none"]
    unknown = set(names) - set(ADDITIONAL_NAMES)
    if unknown:
        raise ConfigurationError(
            f"ibmse forge setting additional names unknown data {sorted(unknown)} (known: {sorted(ADDITIONAL_NAMES)})"
        )
    return [ADDITIONAL_NAMES[name] for name in names]


def _nonce(settings: Mapping[str, str]) -> bytes | None:
    if settings.get("nonce", "").lower() == "none":
        return None
    return _hex(settings, "nonce", NONCE_SIZE) or os.urandom(NONCE_SIZE)


def _boolean(settings: Mapping[str, str], name: str) -> bool:
    text = settings.get(name, "false").lower()
    if text not in {"true", "false", "1", "0", "yes", "no"}:
        raise ConfigurationError(f"ibmse forge setting {name} must be true or false, not '{text}'")
    return text in {"true", "1", "yes"}


def _hex(settings: Mapping[str, str], name: str, size: int | None) -> bytes | None:
    if name not in settings:
        return None
    try:
        value = bytes.fromhex(settings[name])
    except ValueError as exc:
        raise ConfigurationError(f"ibmse forge setting {name} must be hex") from exc
    if size is not None and len(value) != size:
        raise ConfigurationError(f"ibmse forge setting {name} must be {size} bytes, not {len(value)}")
    return value


def _json(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2) + "\n").encode()
