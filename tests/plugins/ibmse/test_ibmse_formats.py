"""Parsing: the exchange format, the request, the additional data and the SE header, against s390-tools' vectors."""

from __future__ import annotations

import pytest

from ccpolicy.errors import EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_ibmse.additional_data import AttestationFlag, AttestationFlags, flags_of, parse_additional_data
from ccpolicy_ibmse.attestation_response import parse_attestation_response
from ccpolicy_ibmse.exchange_format import parse_exchange_response

EXCHANGE_PARTS = {
    "full": (bytes([0x13] * 32), bytes([0x15] * 256)),
    "min": (None, None),
    "add": (bytes([0x13] * 32), None),
    "user": (None, bytes([0x15] * 256)),
}


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
