"""Typed access to decoded CBOR (ccpolicy_cose.cbor_fields)."""

from __future__ import annotations

import pytest

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_cose.cbor_fields import CborMap, expect_bytes, expect_int, expect_text


def test_boolean_is_not_an_integer():
    with pytest.raises(EvidenceFormatError):
        expect_int(True, what="x")
    assert expect_int(5, what="x", minimum=0, maximum=5) == 5
    with pytest.raises(EvidenceFormatError):
        expect_int(6, what="x", maximum=5)


def test_byte_sizes():
    assert expect_bytes(b"ab", what="x", sizes=(2, 4)) == b"ab"
    with pytest.raises(EvidenceFormatError):
        expect_bytes(b"abc", what="x", sizes=(2, 4))
    with pytest.raises(EvidenceFormatError):
        expect_bytes(bytearray(b"ab"), what="x")
    with pytest.raises(EvidenceFormatError):
        expect_bytes(b"abc", what="x", max_size=2)
    with pytest.raises(EvidenceFormatError):
        expect_text(b"abc", what="x")


def test_map_keys_must_be_int_or_text():
    for bad in ({1.0: 1}, {True: 1}, {b"k": 1}, {(1,): 1}):
        with pytest.raises(EvidenceFormatError):
            CborMap(bad, what="m")


def test_map_getters():
    fields = CborMap({1: 5, "t": "text", 3: None, 4: [1, 2]}, what="m")
    assert fields.integer(1) == 5
    assert fields.text("t") == "text"
    assert fields.optional_integer(9) is None
    assert fields.array(4) == [1, 2]
    with pytest.raises(EvidenceFormatError, match="null"):
        fields.integer(3)
    with pytest.raises(EvidenceFormatError, match="mandatory"):
        fields.byte_string(9)
    with pytest.raises(EvidenceFormatError, match="unknown"):
        fields.reject_unknown((1, "t"))
