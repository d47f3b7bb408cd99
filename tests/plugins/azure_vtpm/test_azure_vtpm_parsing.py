"""Parsers of the HCL report, runtime claims, TDREPORT and Trustee envelopes: facts, refusals, detection."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from ccpolicy.errors import EvidenceError, EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy.host import PluginHost
from ccpolicy_azure_vtpm.ak_public_area import hcl_attestation_key
from ccpolicy_azure_vtpm.hcl_report import HardwareReportType, parse_hcl_report
from ccpolicy_azure_vtpm.runtime_claims import parse_runtime_claims
from ccpolicy_azure_vtpm.td_report import parse_td_report
from ccpolicy_azure_vtpm.text_encodings import decode_base64url, decode_hex
from ccpolicy_azure_vtpm.trustee_envelope import looks_like_envelope, parse_envelope, trustee_envelope
from tests.plugins.azure_vtpm.vtpm_cases import SNP_ENVELOPES, TDX_ENVELOPES

RUNTIME_HEADER = 32 + 1184


@pytest.fixture(scope="module")
def snp_hcl(snp_dir: Path) -> bytes:
    return (snp_dir / "trustee_hcl-report.bin").read_bytes()


@pytest.fixture(scope="module")
def tdx_hcl(tdx_dir: Path) -> bytes:
    return (tdx_dir / "trustee_hcl-report.bin").read_bytes()


def test_hcl_report_layout_facts(snp_hcl: bytes, tdx_hcl: bytes) -> None:
    snp, tdx = parse_hcl_report(snp_hcl), parse_hcl_report(tdx_hcl)
    assert (snp.header.version, snp.header.report_size, len(snp.runtime_claims_raw)) == (1, 2346, 1110)
    assert snp.report_type is HardwareReportType.SNP and len(snp.hardware_report) == 1184
    assert (tdx.header.version, tdx.header.report_size, len(tdx.runtime_claims_raw)) == (2, 2437, 1201)
    assert tdx.report_type is HardwareReportType.TDX and len(tdx.hardware_report) == 1024
    assert snp.runtime_claims.ak.kid == "HCLAkPub" and len(snp.runtime_claims.ak.modulus) == 256
    assert snp.runtime_claims.ek is not None and snp.runtime_claims.ek.kid == "HCLEkPub"
    assert snp.runtime_claims.user_data == bytes(64)
    # Trailing bytes of the 2600-byte NV index are padding, outside report_size.
    assert parse_hcl_report(snp_hcl[: snp.header.report_size]) == snp


def test_td_report_fields(tdx_hcl: bytes) -> None:
    report = parse_td_report(parse_hcl_report(tdx_hcl).hardware_report)
    assert report.report_type == 0x81
    assert report.mr_td.hex().startswith("024a32b070383331")
    assert report.report_data[32:] == bytes(32)
    with pytest.raises(UnsupportedEvidenceError):
        parse_td_report(b"\x00" + bytes(report.mr_td) + bytes(1024))
    with pytest.raises(EvidenceFormatError):
        parse_td_report(b"\x81" * 100)


def _patched(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + struct.pack("<I", value) + data[offset + 4 :]


@pytest.mark.parametrize(
    ("offset", "value", "error"),
    [
        (4, 3, UnsupportedEvidenceError),  # header version
        (12, 1, UnsupportedEvidenceError),  # request type
        (16, 5, EvidenceFormatError),  # status
        (24, 1, EvidenceFormatError),  # reserved
        (8, 2345, EvidenceFormatError),  # report size
        (RUNTIME_HEADER, 1129, EvidenceFormatError),  # data size
        (RUNTIME_HEADER + 4, 2, UnsupportedEvidenceError),  # runtime data version
        (RUNTIME_HEADER + 8, 1, UnsupportedEvidenceError),  # VBS report
        (RUNTIME_HEADER + 8, 9, EvidenceFormatError),  # unknown report type
        (RUNTIME_HEADER + 12, 0, EvidenceFormatError),  # hash type
        (RUNTIME_HEADER + 16, 0, EvidenceFormatError),  # claims size
    ],
)
def test_hcl_header_refusals(snp_hcl: bytes, offset: int, value: int, error: type[EvidenceError]) -> None:
    with pytest.raises(error):
        parse_hcl_report(_patched(snp_hcl, offset, value))


def test_hcl_truncated_and_foreign(snp_hcl: bytes) -> None:
    for data in (b"", snp_hcl[:100], snp_hcl[:2000], b"XCLA" + snp_hcl[4:]):
        with pytest.raises(EvidenceFormatError):
            parse_hcl_report(data)


@pytest.mark.parametrize(
    "claims",
    [
        b"not json",
        b"[]",
        b'{"keys": {}}',
        b'{"keys": [], "vm-configuration": {}}',
        b'{"keys": [{"kid": "HCLAkPub", "kty": "EC"}], "vm-configuration": {}}',
        b'{"keys": [{"kid": "HCLAkPub", "kty": "RSA", "n": "AQ+B", "e": "AQAB"}], "vm-configuration": {}}',
        b'{"keys": [{"kid": "HCLAkPub", "kty": "RSA", "n": "AQAB", "e": "AQAB"}]}',
        b'{"keys": [{"kid": "HCLAkPub", "kty": "RSA", "n": "AQAB", "e": "AQAB"}],'
        b' "vm-configuration": {"secure-boot": "yes"}}',
        b'{"keys": [{"kid": "HCLAkPub", "kty": "RSA", "n": "AQAB", "e": "AQAB"}], "vm-configuration": {},'
        b' "user-data": "0g"}',
        b'{"keys": [{"kid": "HCLAkPub", "kty": "RSA", "n": "AQAB", "e": "AQAB"},'
        b' {"kid": "HCLAkPub", "kty": "RSA", "n": "AQAB", "e": "AQAB"}], "vm-configuration": {}}',
    ],
)
def test_runtime_claims_refusals(claims: bytes) -> None:
    with pytest.raises(EvidenceFormatError):
        parse_runtime_claims(claims)


def test_text_encodings() -> None:
    assert decode_base64url("AQAB", what="x") == b"\x01\x00\x01"
    assert decode_base64url("AQ", what="x") == decode_base64url("AQ==", what="x") == b"\x01"
    assert decode_hex("00ff", what="x") == b"\x00\xff"
    for bad in ("A", "AQ=", "AQ+/", "A===", 5):
        with pytest.raises(EvidenceFormatError):
            decode_base64url(bad, what="x")
    for bad in ("0", "00 11", "zz", None):
        with pytest.raises(EvidenceFormatError):
            decode_hex(bad, what="x")


def test_ak_template_names_the_quote_signer(snp_dir: Path, tdx_dir: Path) -> None:
    """The rebuilt AK's qualified name is the quote's signed qualifiedSigner (TPMS_ATTEST bytes 6..42)."""
    for directory in (snp_dir, tdx_dir):
        hcl = parse_hcl_report((directory / "trustee_hcl-report.bin").read_bytes())
        message = bytes.fromhex(json.loads((directory / "trustee_tpm-quote-v1.json").read_bytes())["message"])
        signer_size = int.from_bytes(message[6:8], "big")
        assert hcl_attestation_key(hcl.runtime_claims.ak).qualified_name == message[8 : 8 + signer_size]


def _document(directory: Path, name: str) -> dict[str, object]:
    return json.loads((directory / name).read_bytes())


@pytest.mark.parametrize(
    "change",
    [
        {"version": 3},
        {"version": "1"},
        {"version": 0},
        {"extra": 1},
        {"hcl_report": "!!"},
        {"vcek": "AAAA"},
        {"tpm_quote": {"signature": "00", "message": "00"}},
        {"tpm_quote": {"signature": "00", "message": "00", "pcrs": ["00"]}},
        {"tpm_quote": {"signature": "00", "message": "00", "pcrs": ["00" * 32] * 25}},
        {"tpm_quote": {"signature": "", "message": "00", "pcrs": ["00" * 32]}},
    ],
)
def test_envelope_refusals(change: dict[str, object], snp_dir: Path) -> None:
    document = _document(snp_dir, "trustee_evidence-v1.json") | change
    with pytest.raises(EvidenceError):
        parse_envelope(json.dumps(document).encode(), HardwareReportType.SNP)


def test_version_0_refusals(snp_dir: Path, tdx_dir: Path) -> None:
    document = _document(snp_dir, "trustee_evidence-v0.json")
    for change in ({"report": [256]}, {"vcek": "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----"}):
        with pytest.raises(EvidenceFormatError):
            parse_envelope(json.dumps(document | change).encode(), HardwareReportType.SNP)
    tdx = _document(tdx_dir, "trustee_evidence-v0.json")
    with pytest.raises(EvidenceFormatError):
        parse_envelope(json.dumps(tdx).encode(), HardwareReportType.SNP)
    with pytest.raises(EvidenceFormatError):  # an SNP HCL report inside a TDX envelope
        snp_hcl = list((snp_dir / "trustee_hcl-report.bin").read_bytes())
        from ccpolicy_azure_vtpm.vtpm_evidence import parse_vtpm_evidence

        parse_vtpm_evidence(json.dumps(tdx | {"hcl_report": snp_hcl}).encode(), HardwareReportType.TDX)


def test_detection_is_unambiguous(host: PluginHost, snp_dir: Path, tdx_dir: Path) -> None:
    for name in SNP_ENVELOPES:
        evidence = (snp_dir / name).read_bytes()
        assert host.detect(evidence).tee_id == "az-snp-vtpm"
        assert not looks_like_envelope(evidence, HardwareReportType.TDX)
    for name in TDX_ENVELOPES:
        evidence = (tdx_dir / name).read_bytes()
        assert host.detect(evidence).tee_id == "az-tdx-vtpm"
        assert not looks_like_envelope(evidence, HardwareReportType.SNP)
    assert not looks_like_envelope((snp_dir / "trustee_tpm-quote-v1.json").read_bytes(), HardwareReportType.SNP)
    assert not looks_like_envelope((snp_dir / "trustee_hcl-report.bin").read_bytes(), HardwareReportType.SNP)


def test_envelope_builder_round_trip(tdx_dir: Path) -> None:
    parts = {
        "hcl_report": (tdx_dir / "trustee_hcl-report.bin").read_bytes(),
        "td_quote": (tdx_dir / "trustee_td-quote.bin").read_bytes(),
    }
    built = trustee_envelope(
        kind=HardwareReportType.TDX,
        tpm_quote=json.loads((tdx_dir / "trustee_tpm-quote-v1.json").read_bytes()),
        **parts,
    )
    parsed = parse_envelope(built, HardwareReportType.TDX)
    assert parsed == parse_envelope((tdx_dir / "trustee_evidence-v1.json").read_bytes(), HardwareReportType.TDX)
