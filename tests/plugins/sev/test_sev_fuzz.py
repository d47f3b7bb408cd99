"""Hypothesis fuzzing of the SEV parsers: any input gives a record or an EvidenceError, nothing else."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.errors import EvidenceError
from ccpolicy_sev.evidence import parse_evidence, parse_launch_document
from ccpolicy_sev.forge import ForgedPlatform, LaunchInputs, launch_document
from ccpolicy_sev.formats import (
    SEV_CERTIFICATE_SIZE,
    parse_ca_certificate,
    parse_certificate_sequence,
    parse_sev_certificate,
)
from ccpolicy_sev.verifier import SevVerifier

PARSERS = (parse_ca_certificate, parse_sev_certificate, parse_certificate_sequence, parse_evidence)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_U32_HEADERS = st.builds(
    lambda usage, tail: (1).to_bytes(4, "little") + bytes([0, 16, 0, 0]) + usage.to_bytes(4, "little") + tail,
    st.sampled_from([0x0, 0x13, 0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0xFFFF]),
    st.binary(max_size=SEV_CERTIFICATE_SIZE + 100),
)


def _parse_all(data: bytes) -> None:
    for parser in PARSERS:
        with contextlib.suppress(EvidenceError):
            parser(data)


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_all(data)


@FUZZ
@given(_U32_HEADERS)
def test_plausible_headers(data: bytes) -> None:
    _parse_all(data)


@FUZZ
@given(st.data())
def test_mutated_real_certificates(naples: dict[str, bytes], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["ark", "ask", "cek", "oca", "pek", "pdh"]))
    blob = bytearray(naples[name])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(blob) - 1))
        blob[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(blob)))
    _parse_all(bytes(blob[:cut]))
    _parse_all(bytes(blob))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "platform": _JSON | st.fixed_dictionaries({"pdh": st.text(max_size=40)}),
            "launch_measurement": _JSON,
            "policy": _JSON,
            "api_major": _JSON,
            "api_minor": _JSON,
            "build": _JSON,
            "launch_digest": _JSON,
        },
    )
)
def test_launch_document_shapes(document: dict[str, Any]) -> None:
    encoded = json.dumps(document).encode()
    with contextlib.suppress(EvidenceError):
        parse_launch_document(encoded)
    SevVerifier(encrypted_state=False).detect(encoded)


@FUZZ
@given(
    st.sampled_from(["launch_measurement", "policy", "api_major", "api_minor", "build", "launch_digest", "pdh", "cek"]),
    _JSON,
)
def test_one_field_of_a_valid_document_replaced(forged: ForgedPlatform, field: str, value: Any) -> None:
    inputs = LaunchInputs(
        tik=bytes(16), policy=1, api_major=0, api_minor=22, build=1, launch_digest=bytes(32), mnonce=bytes(16)
    )
    document = json.loads(launch_document(forged, inputs))
    if field in ("pdh", "cek"):
        document["platform"][field] = value
    else:
        document[field] = value
    with contextlib.suppress(EvidenceError):
        parse_launch_document(json.dumps(document).encode())
