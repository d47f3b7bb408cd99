"""The parser of the example evidence: strict, and only EvidenceFormatError on bad input."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ccpolicy.errors import ConfigurationError, EvidenceFormatError
from ccpolicy_example_tee.evidence_format import encode_base64url, parse_evidence
from ccpolicy_example_tee.forge import ExampleForge

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


@pytest.fixture
def envelope(tmp_path: Path) -> dict[str, str]:
    forged = ExampleForge().forge(tmp_path, {"svn": "4", "instance_id": "device-7"}, NOW)
    document: dict[str, str] = json.loads(forged.evidence.read_bytes())
    return document


def encoded(document: object) -> bytes:
    return json.dumps(document).encode()


def test_forged_evidence_parses_to_its_settings(envelope: dict[str, str]) -> None:
    evidence = parse_evidence(encoded(envelope))
    assert evidence.report.svn == 4
    assert evidence.report.instance_id == "device-7"
    assert evidence.report.debug is False
    assert len(evidence.signature) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"format": "something else"},
        {"report": "not base64url!"},
        {"report": "A"},
        {"signature": encode_base64url(bytes(63))},
        {"extra": "member"},
    ],
)
def test_envelope_deviations_are_format_errors(envelope: dict[str, str], change: dict[str, str]) -> None:
    with pytest.raises(EvidenceFormatError):
        parse_evidence(encoded({**envelope, **change}))


@pytest.mark.parametrize(
    ("member", "value"),
    [("svn", True), ("svn", -1), ("svn", 2**32), ("debug", 0), ("measurement", "AB" * 32), ("instance_id", "")],
)
def test_report_deviations_are_format_errors(envelope: dict[str, str], member: str, value: object) -> None:
    report = json.loads(parse_evidence(encoded(envelope)).signed_bytes)
    report[member] = value
    with pytest.raises(EvidenceFormatError):
        parse_evidence(encoded({**envelope, "report": encode_base64url(encoded(report))}))


@pytest.mark.parametrize("data", [b"", b"[]", b"\xff", b"[" * 60_000, b"{" * 100_000, b'{"format": 1, "format": 2}'])
def test_garbage_is_a_format_error(data: bytes) -> None:
    with pytest.raises(EvidenceFormatError):
        parse_evidence(data)


def test_unknown_forge_setting_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="colour"):
        ExampleForge().forge(tmp_path, {"colour": "blue"}, NOW)
