"""Parsing: the exchange format, the request, the additional data and the SE header, against s390-tools' vectors."""

from __future__ import annotations

import hashlib

import pytest

from ccpolicy.errors import ConfigurationError, EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_ibmse.additional_data import AttestationFlag, AttestationFlags, flags_of, parse_additional_data
from ccpolicy_ibmse.attestation_request import MeasurementAlgorithm, parse_attestation_request
from ccpolicy_ibmse.attestation_response import parse_attestation_response
from ccpolicy_ibmse.exchange_format import parse_exchange_response
from ccpolicy_ibmse.forge_encoding import encode_exchange_response
from ccpolicy_ibmse.measurement_verification import compute_measurement, measured_items, open_request
from ccpolicy_ibmse.requester_secret import parse_secret
from ccpolicy_ibmse.se_header import ImageTags, parse_se_header
from tests.plugins.ibmse import s390_tools_vectors as upstream

EXCHANGE_PARTS = {
    "full": (bytes([0x13] * 32), bytes([0x15] * 256)),
    "min": (None, None),
    "add": (bytes([0x13] * 32), None),
    "user": (None, bytes([0x15] * 256)),
}


@pytest.mark.parametrize("name", sorted(EXCHANGE_PARTS))
def test_exchange_responses_match_pvattest_byte_for_byte(name):
    additional, user_data = EXCHANGE_PARTS[name]
    encoded = encode_exchange_response(
        arcb=bytes([0x11] * 16),
        measurement=bytes([0x12] * 64),
        additional=additional,
        user_data=user_data,
        config_uid=bytes([0x14] * 16),
    )
    assert hashlib.sha256(encoded).hexdigest() == upstream.EXCHANGE_RESPONSE_SHA256[name]
    parsed = parse_exchange_response(encoded + bytes(100))  # zero padding past the declared size is ignored
    assert parsed.request == bytes([0x11] * 16)
    assert parsed.measurement == bytes([0x12] * 64)
    assert (parsed.additional_data, parsed.user_data) == (additional, user_data)
    assert parsed.config_uid == bytes([0x14] * 16)


def exchange_header(entries: list[tuple[int, int]], *, size: int, version: int = 0x0100, reserved: int = 0) -> bytes:
    header = b"pvattest" + version.to_bytes(4, "big") + size.to_bytes(4, "big") + reserved.to_bytes(8, "big")
    return header + b"".join(s.to_bytes(4, "big") + o.to_bytes(4, "big") for s, o in entries)


def test_a_request_file_is_not_a_response():
    request = exchange_header([(16, 0x40), (64, 0), (0, 0), (0, 0), (0, 0)], size=0x50) + bytes([0x11] * 16)
    with pytest.raises(UnsupportedEvidenceError, match="pvattest perform"):
        parse_exchange_response(request)


MINIMAL = [(16, 0x40), (64, 0x50), (0, 0), (0, 0), (16, 0x90)]


@pytest.mark.parametrize(
    ("entries", "size", "extra", "message"),
    [
        (MINIMAL, 0xA0, {"version": 0x0200}, "version"),
        (MINIMAL, 0xA0, {"reserved": 1}, "reserved"),
        (MINIMAL, 0xA1, {}, "declares"),
        (MINIMAL, 0x9F, {}, "runs past"),
        ([(16, 0x40), (64, 0x50), (0, 0), (0, 0), (16, 0x90)], 0x90 + 0x20, {}, "not the end"),
        ([(16, 0x20), (64, 0x50), (0, 0), (0, 0), (16, 0x90)], 0xA0, {}, "inside the header"),
        ([(16, 0x40), (64, 0x50), (0, 0), (0x101, 0x50), (16, 0x90)], 0xA0, {}, "at most 256"),
        ([(0, 0), (64, 0x50), (0, 0), (0, 0), (16, 0x90)], 0xA0, {}, "no attestation request"),
        ([(16, 0x40), (64, 0x50), (0, 0), (0, 0), (8, 0x90)], 0x98, {}, "configuration UID is 8"),
    ],
)
def test_exchange_format_errors(entries, size, extra, message):
    padding = 0xA0 - 0x40 if "declares" in message else max(size, 0xA0) - 0x40
    data = exchange_header(entries, size=size, **extra) + bytes(padding)
    error = UnsupportedEvidenceError if "version" in extra else EvidenceFormatError
    with pytest.raises(error, match=message):
        parse_exchange_response(data)


def test_exchange_magic_and_short_header():
    with pytest.raises(EvidenceFormatError, match="magic"):
        parse_exchange_response(b"pvattes" + bytes(100))
    with pytest.raises(EvidenceFormatError, match="needs"):
        parse_exchange_response(b"pvattest\0\0\1\0" + bytes(20))


def test_pv_crate_request_parses_and_opens_with_its_protection_key():
    request = parse_attestation_request(upstream.ARCB)
    assert request.version == 0x0100
    assert request.iv == bytes([0x55] * 12)
    assert request.algorithm is MeasurementAlgorithm.HMAC_SHA512
    assert request.flags == flags_of(
        AttestationFlag.NONCE,
        AttestationFlag.IMAGE_PUBLIC_HOST_KEY_HASH,
        AttestationFlag.ATTESTATION_PUBLIC_HOST_KEY_HASH,
    )
    assert request.flags.raw == 0x7000_0000_0000_0000
    assert len(request.keyslots) == 1
    assert request.authenticated == upstream.ARCB[:0x130]
    assert request.tag == upstream.ARCB[-16:]
    secret = parse_secret({"arpk": upstream.ARCB_PROTECTION_KEY.hex()}, origin=_origin())
    opened = open_request(request, secret)
    assert opened.key == upstream.ARCB_MEASUREMENT_KEY
    assert opened.nonce == upstream.ARCB_NONCE


@pytest.mark.parametrize(
    ("offset", "value", "error", "message"),
    [
        (0, 1, EvidenceFormatError, "magic"),
        (0x0A, 2, UnsupportedEvidenceError, "version"),
        (0x0F, 0x91, EvidenceFormatError, "declares"),
        (0x1C, 1, EvidenceFormatError, "reserved field at 0x1c"),
        (0x27, 0, EvidenceFormatError, "no key slots"),
        (0x27, 2, EvidenceFormatError, "do not fit"),
        (0x2F, 0x40, EvidenceFormatError, "encrypted part"),
        (0x30, 0x30, EvidenceFormatError, "encrypted part"),
        (0x3B, 2, UnsupportedEvidenceError, "algorithm 2"),
        (0x3C, 1, EvidenceFormatError, "reserved field at 0x3c"),
    ],
)
def test_request_format_errors(offset, value, error, message):
    changed = bytearray(upstream.ARCB)
    changed[offset] = value
    with pytest.raises(error, match=message):
        parse_attestation_request(bytes(changed))


@pytest.mark.parametrize(
    ("name", "user_data", "nonce", "additional"),
    [
        ("all", bytes([7] * 256), bytes([8] * 16), bytes([9] * 128)),
        ("user_additional", bytes([7] * 256), None, bytes([9] * 128)),
        ("additional", None, None, bytes([9] * 128)),
        ("minimal", None, None, None),
    ],
)
def test_measurement_matches_the_pv_crate(name, user_data, nonce, additional):
    image = ImageTags(pld=bytes([1] * 64), ald=bytes([2] * 64), tld=bytes([3] * 64), tag=bytes([4] * 16))
    items = measured_items(
        image=image, config_uid=bytes([5] * 16), user_data=user_data, nonce=nonce, additional=additional
    )
    assert compute_measurement(upstream.MEASUREMENT_KEY, items) == upstream.MEASUREMENTS[name]


def test_se_header_tags_match_the_pv_crate():
    header = parse_se_header(upstream.SE_HEADER + bytes(64), origin="secure_guest.hdr")
    assert header.size == 0x280
    assert header.tags == ImageTags(
        pld=upstream.SE_HEADER_PLD, ald=upstream.SE_HEADER_ALD, tld=upstream.SE_HEADER_TLD, tag=upstream.SE_HEADER_TAG
    )
    assert header.plaintext_control_flags == 0
    assert header.allow_dumping is False


@pytest.mark.parametrize("cut", [1, 8, 0x1A0, 0x27F])
def test_a_short_se_header_is_a_configuration_error(cut):
    with pytest.raises(ConfigurationError, match=r"secure_guest\.hdr"):
        parse_se_header(upstream.SE_HEADER[:cut], origin="secure_guest.hdr")


def test_se_header_version_and_magic():
    with pytest.raises(ConfigurationError, match="version"):
        parse_se_header(upstream.SE_HEADER[:8] + b"\0\0\2\0" + upstream.SE_HEADER[12:], origin="h")
    with pytest.raises(ConfigurationError, match="magic"):
        parse_se_header(b"IBMSecEy" + upstream.SE_HEADER[8:], origin="h")


def test_additional_data_is_split_by_the_flags():
    flags = flags_of(
        AttestationFlag.IMAGE_PUBLIC_HOST_KEY_HASH,
        AttestationFlag.SECRET_STORE_HASH,
        AttestationFlag.FIRMWARE_STATE,
    )
    data = bytes([1] * 32) + bytes([3] * 64) + bytes([4] * 320) + b"more"
    parsed = parse_additional_data(data, flags)
    assert parsed.image_public_host_key_hash == bytes([1] * 32)
    assert parsed.attestation_public_host_key_hash is None
    assert parsed.secret_store_hash == bytes([3] * 64)
    assert parsed.firmware_state == bytes([4] * 320)
    assert parsed.unrecognized == b"more"
    with pytest.raises(EvidenceFormatError, match="ask for 416 bytes"):
        parse_additional_data(data[:415], flags)


def test_unknown_flag_bits_are_reported():
    flags = AttestationFlags(raw=(1 << 63) | (1 << 40))
    assert flags.unknown_bits == (0, 23)
    assert flags.additional_size == 0


def test_forged_response_parses(forged):
    response = parse_attestation_response(forged.evidence)
    assert response.user_data == b"user data for the relying party"
    assert len(response.config_uid) == 16
    assert response.request.has_nonce
    assert response.additional.image_public_host_key_hash == response.request.keyslots[0].host_key_hash


def test_measurement_of_the_wrong_length(forged):
    data = bytearray(forged.evidence)
    data[0x20:0x24] = (63).to_bytes(4, "big")  # measurement entry size
    with pytest.raises(EvidenceFormatError):
        parse_attestation_response(bytes(data))


def _origin():
    from pathlib import Path

    return Path("upstream.json")
