"""Checking the attestation measurement with the requester's secret.

The requester's secret opens the request: AES-256-GCM with the ARPK, the IV of
the request header and every byte before the encrypted part as additional data,
gives the measurement key (64) and the nonce (16, when flagged).  The
measurement is HMAC-SHA512 with that key over (s390-tools ``uvattest/attest.rs``)::

    PLD (64) | ALD (64) | TLD (64) | SE header tag (16) | configuration UID (16)
    | user data length (2, BE) | zero (2) | additional data length (4, BE)
    | user data | nonce (0 or 16) | additional data

When the requester states the measurement key and nonce instead of the ARPK, the
request is not opened and so not authenticated: its flags, key slots and
customer key are unproven, and only what the HMAC covers is.  The flags that
select the additional data are not in the HMAC, so the split of the additional
data into its fields is unproven too (only its bytes and length are measured).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ccpolicy.errors import BindingError, CollateralMissingError, SignatureError
from ccpolicy_ibmse.attestation_request import AttestationRequest
from ccpolicy_ibmse.attestation_response import AttestationResponse
from ccpolicy_ibmse.requester_secret import ONLY_THE_REQUESTER, RequesterSecret
from ccpolicy_ibmse.se_header import ImageTags


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasurementSecret:
    key: bytes
    nonce: bytes | None
    request_authenticated: bool
    """True when the ARPK opened the request, so the GCM tag proved every byte of it."""


def open_request(request: AttestationRequest, secret: RequesterSecret) -> MeasurementSecret:
    """The measurement key and nonce of the request; values the document also states must agree."""
    if secret.arpk is None:
        return _stated_secret(request, secret)
    try:
        plain = AESGCM(secret.arpk).decrypt(request.iv, request.encrypted + request.tag, request.authenticated)
    except InvalidTag:
        raise SignatureError(
            f"the request protection key of {secret.origin} does not open the attestation request "
            "(AES-GCM tag mismatch): the key is not this request's, or the request was altered"
        ) from None
    key_size = request.algorithm.key_size
    opened = MeasurementSecret(
        key=plain[:key_size], nonce=plain[key_size:] if request.has_nonce else None, request_authenticated=True
    )
    if secret.attestation_key is not None and not hmac.compare_digest(secret.attestation_key, opened.key):
        raise BindingError(f"the attestation key in {secret.origin} is not the one sealed in the request")
    if secret.nonce is not None and secret.nonce != opened.nonce:
        raise BindingError(f"the nonce in {secret.origin} is not the one sealed in the request")
    return opened


def _stated_secret(request: AttestationRequest, secret: RequesterSecret) -> MeasurementSecret:
    key = secret.attestation_key
    if key is None:  # parse_secret guarantees one of arpk and attestation_key
        raise CollateralMissingError(f"{ONLY_THE_REQUESTER}; {secret.origin} holds no key")
    if request.has_nonce and secret.nonce is None:
        raise CollateralMissingError(
            f"the attestation request carries a nonce, and {secret.origin} states none beside the attestation key",
            hint='add the request\'s "nonce", or give its "arpk" instead',
        )
    if not request.has_nonce and secret.nonce is not None:
        raise BindingError(f"{secret.origin} states a nonce, but the attestation request asks for none")
    return MeasurementSecret(key=key, nonce=secret.nonce, request_authenticated=False)


def measured_items(
    *, image: ImageTags, config_uid: bytes, user_data: bytes | None, nonce: bytes | None, additional: bytes | None
) -> bytes:
    """The bytes the Ultravisor authenticates, in its order."""
    user_data = user_data or b""
    additional = additional or b""
    return b"".join(
        (
            image.to_bytes(),
            config_uid,
            len(user_data).to_bytes(2, "big"),
            bytes(2),
            len(additional).to_bytes(4, "big"),
            user_data,
            nonce or b"",
            additional,
        )
    )


def compute_measurement(key: bytes, items: bytes) -> bytes:
    return hmac.new(key, items, hashlib.sha512).digest()


def verify_measurement(response: AttestationResponse, image: ImageTags, secret: MeasurementSecret) -> None:
    items = measured_items(
        image=image,
        config_uid=response.config_uid,
        user_data=response.user_data,
        nonce=secret.nonce,
        additional=response.additional_data,
    )
    expected = compute_measurement(secret.key, items)
    if not hmac.compare_digest(expected, response.measurement):
        raise SignatureError(
            "the IBM SE attestation measurement does not verify (HMAC-SHA512): the guest did not run the "
            "expected image, or the configuration UID, user data, nonce, additional data or key differ"
        )


def check_host_key_binding(response: AttestationResponse) -> None:
    """The host key that unpacked the request must be one the request was encrypted for."""
    attesting = response.additional.attestation_public_host_key_hash
    if attesting is not None and attesting not in {slot.host_key_hash for slot in response.request.keyslots}:
        raise BindingError(f"the attestation host-key hash {attesting.hex()} is none of the request's key slots")
