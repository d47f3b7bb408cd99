"""Hypothesis fuzzing of the HCL report, runtime claims and envelope parsers: only EvidenceError comes out."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.errors import EvidenceError
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType, parse_hcl_report
from ccpolicy_azure_vtpm.runtime_claims import parse_runtime_claims
from ccpolicy_azure_vtpm.vtpm_evidence import parse_vtpm_evidence

VECTORS_HCL = Path("az-snp-vtpm") / "trustee_hcl-report.bin"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
envelope_keys = st.sampled_from(
    ["version", "hcl_report", "tpm_quote", "vcek", "td_quote", "quote", "report", "signature", "message", "pcrs"]
)
envelope_like = st.dictionaries(envelope_keys, json_values | st.dictionaries(envelope_keys, json_values), max_size=5)


def _only_evidence_errors(call: Any) -> None:
    with contextlib.suppress(EvidenceError):
        call()


@FUZZ
@given(data=st.binary(max_size=3000))
def test_hcl_parser_on_random_bytes(data: bytes) -> None:
    _only_evidence_errors(lambda: parse_hcl_report(b"HCLA" + data))


@FUZZ
@given(changes=st.lists(st.tuples(st.integers(0, 2599), st.integers(0, 255)), min_size=1, max_size=8))
def test_hcl_parser_on_mutated_vector(vectors: Path, changes: list[tuple[int, int]]) -> None:
    data = bytearray((vectors / VECTORS_HCL).read_bytes())
    for offset, value in changes:
        data[offset] = value
    _only_evidence_errors(lambda: parse_hcl_report(bytes(data)))


@FUZZ
@given(document=json_values)
def test_runtime_claims_parser(document: Any) -> None:
    _only_evidence_errors(lambda: parse_runtime_claims(json.dumps(document).encode()))


@FUZZ
@given(document=envelope_like, kind=st.sampled_from(list(HardwareReportType)))
def test_envelope_parser(document: dict[str, Any], kind: HardwareReportType) -> None:
    _only_evidence_errors(lambda: parse_vtpm_evidence(json.dumps(document).encode(), kind))


@FUZZ
@given(data=st.binary(max_size=200), kind=st.sampled_from(list(HardwareReportType)))
def test_envelope_parser_on_bytes(data: bytes, kind: HardwareReportType) -> None:
    _only_evidence_errors(lambda: parse_vtpm_evidence(b"{" + data, kind))
