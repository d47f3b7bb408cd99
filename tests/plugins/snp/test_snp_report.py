"""Parsing of ATTESTATION_REPORT: layout, versions, reserved regions, sizes, and a fuzz test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpolicy.errors import EvidenceError, EvidenceFormatError, UnsupportedEvidenceError
from ccpolicy_snp.guest_policy import GuestPolicy, compose_policy
from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.product import SevProduct
from ccpolicy_snp.report import REPORT_SIZE, SnpReport, parse_report
from ccpolicy_snp.report_encoding import encode_report
from ccpolicy_snp.tcb import TcbLayout, decode_tcb, encode_tcb
from ccpolicy_snp.verifier import SnpVerifier

REPORTS = ["gsg_attestation_milan_v2_debug.bin", "trustee_report_milan_v2_vcek.bin", "trustee_report_milan_v3_vlek.bin"]


def patched(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value) :]


@pytest.fixture(scope="module")
def v2_report(snp_vectors: Path) -> bytes:
    return (snp_vectors / "trustee_report_milan_v2_vcek.bin").read_bytes()


@pytest.fixture(scope="module")
def v3_report(snp_vectors: Path) -> bytes:
    return (snp_vectors / "trustee_report_milan_v3_vlek.bin").read_bytes()


def test_v2_fields(v2_report: bytes) -> None:
    report = parse_report(v2_report)
    assert report.version == 2
    assert report.guest_svn == 4
    assert report.policy.raw == 0x3001F and report.policy.abi_minor == 0x1F and report.policy.abi_major == 0
    assert report.policy.smt and not report.policy.debug and report.policy.reserved_one
    assert report.family_id == b"\x01" + bytes(15) and report.image_id == b"\x02" + bytes(15)
    assert report.vmpl == 0 and report.signature_algo == 1
    assert report.current_tcb.microcode == 0xCE and report.reported_tcb.microcode == 115
    assert report.reported_tcb.components() == {"bl": 3, "tee": 0, "snp": 8, "microcode": 115}
    assert report.reported_tcb.raw == 0x7308000000000003 and report.reported_tcb.fmc is None
    assert report.key_info.signing_key is SigningKey.VCEK and not report.key_info.mask_chip_key
    assert report.id_key_digest.hex().startswith("0356215882a82527")
    assert report.report_id_ma == b"\xff" * 32
    assert report.cpuid is None and report.product is None and report.tcb_layout is TcbLayout.MILAN_GENOA
    assert str(report.current_version) == "1.52.4" and str(report.committed_version) == "1.52.4"
    assert report.launch_mit_vector is None and report.current_mit_vector is None
    assert report.signature_r == v2_report[0x2A0:0x2E8] and report.signature_s == v2_report[0x2E8:0x330]
    assert report.signed_bytes == v2_report[:0x2A0]


def test_v3_fields(v3_report: bytes) -> None:
    report = parse_report(v3_report)
    assert report.version == 3
    assert report.cpuid is not None and (report.cpuid.family, report.cpuid.model, report.cpuid.stepping) == (0x19, 1, 1)
    assert report.product is SevProduct.MILAN
    assert report.vmpl == 1
    assert report.key_info.signing_key is SigningKey.VLEK and report.key_info.raw == 0x4
    assert report.chip_id == bytes(64)
    platform = report.platform_info
    assert platform.raw == 0x27
    assert platform.smt_enabled and platform.tsme_enabled and platform.ecc_enabled and platform.alias_check_complete
    assert not platform.rapl_disabled and not platform.ciphertext_hiding_enabled and not platform.tio_enabled
    assert report.current_tcb.microcode == 220 and report.committed_tcb.microcode == 219
    assert report.reported_tcb.components() == {"bl": 4, "tee": 0, "snp": 24, "microcode": 217}


@pytest.mark.parametrize("name", REPORTS)
def test_round_trip(name: str, snp_vectors: Path) -> None:
    data = (snp_vectors / name).read_bytes()
    report = parse_report(data)
    assert encode_report(report, signature_r=report.signature_r, signature_s=report.signature_s) == data


def test_version_5_mitigation_vectors(v3_report: bytes) -> None:
    data = patched(patched(v3_report, 0, b"\x05"), 0x1F8, (0x11).to_bytes(8, "little") + (0x22).to_bytes(8, "little"))
    report = parse_report(data)
    assert report.version == 5 and report.launch_mit_vector == 0x11 and report.current_mit_vector == 0x22
    with pytest.raises(EvidenceFormatError, match="0x1f8"):
        parse_report(patched(data, 0, b"\x03"))  # the vectors are reserved in version 3


def test_turin_layout_from_cpuid(v3_report: bytes) -> None:
    data = patched(v3_report, 0x188, bytes([0x1A, 0x02, 0x00]))
    data = patched(data, 0x180, bytes([9, 1, 2, 3, 0, 0, 0, 77]))
    report = parse_report(data)
    assert report.product is SevProduct.TURIN and report.tcb_layout is TcbLayout.TURIN
    assert report.reported_tcb.components() == {"bl": 1, "tee": 2, "snp": 3, "microcode": 77, "fmc": 9}


@pytest.mark.parametrize(
    ("family", "model", "product"),
    [
        (0x19, 0x01, SevProduct.MILAN),
        (0x19, 0x00, SevProduct.MILAN),
        (0x19, 0x11, SevProduct.GENOA),
        (0x19, 0xA0, SevProduct.GENOA),
        (0x1A, 0x02, SevProduct.TURIN),
        (0x1A, 0x11, SevProduct.TURIN),
    ],
)
def test_products_by_cpuid(family: int, model: int, product: SevProduct, v3_report: bytes) -> None:
    assert parse_report(patched(v3_report, 0x188, bytes([family, model]))).product is product


@pytest.mark.parametrize(("family", "model"), [(0, 0), (0x17, 0x31), (0x19, 0x21), (0x1A, 0x50), (0x1B, 0)])
def test_unknown_cpuid_is_unsupported(family: int, model: int, v3_report: bytes) -> None:
    with pytest.raises(UnsupportedEvidenceError, match="not a known SEV-SNP product"):
        parse_report(patched(v3_report, 0x188, bytes([family, model])))


@pytest.mark.parametrize("version", [0, 1, 4, 6, 0x100, 0xFFFFFFFF])
def test_unsupported_versions(version: int, v2_report: bytes) -> None:
    with pytest.raises(UnsupportedEvidenceError, match=f"version {version} is not supported"):
        parse_report(patched(v2_report, 0, version.to_bytes(4, "little")))


@pytest.mark.parametrize("algo", [0, 2, 0x101])
def test_unsupported_signature_algorithms(algo: int, v2_report: bytes) -> None:
    with pytest.raises(UnsupportedEvidenceError, match="SIGNATURE_ALGO"):
        parse_report(patched(v2_report, 0x34, algo.to_bytes(4, "little")))


@pytest.mark.parametrize("value", [2, 3, 4, 5, 6])
def test_reserved_signing_key_values(value: int, v2_report: bytes) -> None:
    with pytest.raises(EvidenceFormatError, match="SIGNING_KEY"):
        parse_report(patched(v2_report, 0x48, bytes([value << 2])))


@pytest.mark.parametrize(
    "offset",
    [0x49, 0x4B, 0x4C, 0x4F, 0x188, 0x18A, 0x19F, 0x1EB, 0x1EF, 0x1F8, 0x207, 0x208, 0x29F, 0x330, 0x400, 0x49F],
)
def test_reserved_bytes_must_be_zero_in_v2(offset: int, v2_report: bytes) -> None:
    with pytest.raises(EvidenceFormatError, match="must be zero"):
        parse_report(patched(v2_report, offset, b"\x01"))


@pytest.mark.parametrize("offset", [0x18B, 0x19F, 0x1F8, 0x29F, 0x330])
def test_reserved_bytes_must_be_zero_in_v3(offset: int, v3_report: bytes) -> None:
    with pytest.raises(EvidenceFormatError, match="must be zero"):
        parse_report(patched(v3_report, offset, b"\x80"))


@pytest.mark.parametrize("size", [0, 1, 4, 0x2A0, REPORT_SIZE - 1, REPORT_SIZE + 1, REPORT_SIZE + 4096])
def test_wrong_sizes(size: int, v2_report: bytes) -> None:
    data = (v2_report + bytes(8192))[:size]
    with pytest.raises(EvidenceFormatError, match="exactly 1184 bytes"):
        parse_report(data)


def test_every_truncation_is_a_format_error(v2_report: bytes) -> None:
    for size in range(REPORT_SIZE):
        with pytest.raises(EvidenceFormatError):
            parse_report(v2_report[:size])


def test_detect(v2_report: bytes, v3_report: bytes) -> None:
    verifier = SnpVerifier()
    assert verifier.detect(v2_report) and verifier.detect(v3_report)
    assert not verifier.detect(v2_report[:-1])
    assert not verifier.detect(v2_report + b"\0")
    assert not verifier.detect(patched(v2_report, 0, b"\x04"))
    assert not verifier.detect(patched(v2_report, 0x34, b"\x02"))
    assert not verifier.detect(b"")


def test_guest_policy_bits() -> None:
    names = [
        "smt",
        "migrate_ma",
        "debug",
        "single_socket",
        "cxl_allow",
        "mem_aes_256_xts",
        "rapl_dis",
        "ciphertext_hiding",
        "page_swap_disable",
    ]
    for bit, name in zip([16, 18, 19, 20, 21, 22, 23, 24, 25], names, strict=True):
        policy = GuestPolicy.from_int(1 << bit)
        assert [n for n in names if getattr(policy, n)] == [name]
        assert compose_policy(**{name: True}) == 1 << bit | 1 << 17
    policy = GuestPolicy.from_int(0x0003_1F2A | 1 << 40)
    assert (policy.abi_major, policy.abi_minor) == (0x1F, 0x2A)
    assert policy.undefined_bits == 1 << 40


def test_tcb_layouts() -> None:
    raw = bytes([1, 2, 3, 4, 5, 6, 7, 8])
    milan = decode_tcb(raw, TcbLayout.MILAN_GENOA)
    assert (milan.bootloader, milan.tee, milan.snp, milan.microcode, milan.fmc) == (1, 2, 7, 8, None)
    assert milan.reserved == bytes([3, 4, 5, 6])
    turin = decode_tcb(raw, TcbLayout.TURIN)
    assert (turin.fmc, turin.bootloader, turin.tee, turin.snp, turin.microcode) == (1, 2, 3, 4, 8)
    assert turin.reserved == bytes([5, 6, 7])
    assert turin.raw == int.from_bytes(raw, "little")
    encoded = encode_tcb(TcbLayout.TURIN, fmc=1, bootloader=2, tee=3, snp=4, microcode=8)
    assert decode_tcb(encoded, TcbLayout.TURIN).components() == turin.components()
    with pytest.raises(ValueError, match="no FMC"):
        encode_tcb(TcbLayout.MILAN_GENOA, fmc=1, bootloader=0, tee=0, snp=0, microcode=0)


FUZZ_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ_SETTINGS
@given(st.binary(max_size=2 * REPORT_SIZE))
def test_fuzz_arbitrary_bytes(data: bytes) -> None:
    try:
        report = parse_report(data)
    except EvidenceError:
        return
    assert len(data) == REPORT_SIZE and report.raw == data


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz_mutated_real_report(data: st.DataObject, v3_report: bytes) -> None:
    """Random byte edits of a real report (so parsing reaches every field): a record or an EvidenceError."""
    mutated = bytearray(v3_report)
    edits = data.draw(st.lists(st.tuples(st.integers(0, REPORT_SIZE - 1), st.integers(0, 255)), max_size=6))
    for offset, value in edits:
        mutated[offset] = value
    try:
        report = parse_report(bytes(mutated))
    except EvidenceError:
        return
    assert isinstance(report, SnpReport)
    assert encode_report(report, signature_r=report.signature_r, signature_s=report.signature_s) == bytes(mutated)
