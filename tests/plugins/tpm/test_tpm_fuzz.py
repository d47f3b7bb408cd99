"""Hypothesis fuzzing of every parser: arbitrary bytes give a record or an EvidenceError, nothing else."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.errors import EvidenceError
from ccpolicy_tpm.event_log import SPEC_ID_SIGNATURE, parse_event_log
from ccpolicy_tpm.gce_instance import instance_info_from_extension
from ccpolicy_tpm.plain_json_form import parse_plain_quote
from ccpolicy_tpm.protobuf_wire import parse_message
from ccpolicy_tpm.tpm_structures import parse_public_area, parse_quote_attestation, parse_signature
from ccpolicy_tpm.uefi_variables import parse_uefi_variable
from ccpolicy_tpm.verifier import TpmVerifier

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARSERS = (
    parse_quote_attestation,
    parse_signature,
    parse_public_area,
    parse_event_log,
    parse_uefi_variable,
    instance_info_from_extension,
    parse_plain_quote,
    TpmVerifier().parse,
)


def _only_evidence_errors(data: bytes) -> None:
    for parser in PARSERS:
        with contextlib.suppress(EvidenceError):
            parser(data)
    with contextlib.suppress(EvidenceError):
        parse_message(data, what="fuzz")


@FUZZ
@given(st.binary(max_size=512))
def test_arbitrary_bytes(data):
    _only_evidence_errors(data)


@FUZZ
@given(st.binary(max_size=64))
def test_tpm_prefixes(tail):
    """Inputs that pass the first checks: the quote magic, key types, a protobuf field 1, a log header."""
    for head in (
        bytes.fromhex("ff5443478018"),
        bytes.fromhex("0001000b"),
        bytes.fromhex("0023000b"),
        bytes.fromhex("0014000b"),
        bytes.fromhex("0018000c"),
        b"\x0a\x04\x00\x01\x00\x0b",
        bytes(4) + (3).to_bytes(4, "little") + bytes(20) + (40).to_bytes(4, "little") + SPEC_ID_SIGNATURE,
    ):
        _only_evidence_errors(head + tail)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["quote", "signature", "pcrs", "ak_public", "event_log", "ak_certificate", "x"]),
        st.one_of(
            st.text(alphabet="0123456789abcdefg", max_size=40),
            st.dictionaries(st.text(max_size=8), st.dictionaries(st.text(max_size=3), st.text(max_size=8))),
            st.integers(),
            st.none(),
        ),
    )
)
def test_json_documents(document):
    import json

    _only_evidence_errors(json.dumps(document).encode())


@FUZZ
@given(st.data())
def test_mutated_vector(gce_evidence, data):
    """Random splices of the real vector: parse raises only EvidenceError."""
    start = data.draw(st.integers(0, len(gce_evidence) - 1))
    insert = data.draw(st.binary(max_size=8))
    cut = data.draw(st.integers(0, 16))
    mutated = gce_evidence[:start] + insert + gce_evidence[start + cut :]
    with contextlib.suppress(EvidenceError):
        TpmVerifier().parse(mutated)
