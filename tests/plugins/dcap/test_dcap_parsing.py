"""Quote, PCK extension, DER and signed-JSON parsing: facts of the real vectors and hypothesis fuzzing."""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from ccpolicy.errors import EvidenceError, EvidenceFormatError
from ccpolicy_dcap.der_reader import decode_oid, read_elements
from ccpolicy_dcap.pck_extensions import SgxType, parse_sgx_extension, pck_extensions
from ccpolicy_dcap.quote import BodyType, TeeType, parse_quote, peek_header
from ccpolicy_dcap.roots import INTEL_SGX_ROOT_CA_SHA256, intel_sgx_root_ca
from ccpolicy_dcap.signed_json import member_value_bytes

QUOTES = {
    "sgx/qvl_sgx_quote_v3.bin": (3, TeeType.SGX, BodyType.SGX_ENCLAVE_REPORT, 0),
    "tdx/qvl_tdx_quote_v4.bin": (4, TeeType.TDX, BodyType.TD_REPORT_10, 70),
    "tdx/qvl_tdx_quote_v5_outdated.bin": (5, TeeType.TDX, BodyType.TD_REPORT_15, 0),
    "tdx/gtg_tdx_prod_quote_SPR_E4_v4.dat": (4, TeeType.TDX, BodyType.TD_REPORT_10, 39),
    "tdx/gtg_quote_v5_sample.dat": (5, TeeType.TDX, BodyType.TD_REPORT_15, 0),
}
PCK_FACTS = {
    "sgx/qvl_sgx_quote_v3.bin": ("00a067110000", 13, (11, 11, 2, 2, 255, 1, 0, 0), SgxType.STANDARD),
    "tdx/qvl_tdx_quote_v4.bin": ("b0c06f000000", 11, (3, 3, 2, 2, 4, 1, 0, 5), SgxType.SCALABLE),
    "tdx/qvl_tdx_quote_v5_outdated.bin": ("90c06f000000", 13, (3, 3, 2, 2, 4, 1, 0, 3), SgxType.SCALABLE),
    "tdx/gtg_tdx_prod_quote_SPR_E4_v4.dat": ("50806f000000", 11, (3, 3, 2, 2, 2, 1, 0, 2), SgxType.SCALABLE),
    "tdx/gtg_quote_v5_sample.dat": ("90c06f000000", 13, (4, 4, 2, 2, 4, 1, 0, 5), SgxType.SCALABLE),
}


@pytest.mark.parametrize("name", QUOTES)
def test_quote_structure(vectors: Path, name: str) -> None:
    data = (vectors / name).read_bytes()
    version, tee, body, trailing = QUOTES[name]
    quote = parse_quote(data)
    assert (quote.header.version, quote.header.tee_type, quote.body_type, quote.trailing_size) == (
        version,
        tee,
        body,
        trailing,
    )
    if "gtg_tdx_prod" in name:  # go-tdx-guest appended a text after the signature data
        assert data.endswith(b"extra bytes(only for testing purpose)\n")
    else:
        assert data[len(data) - trailing :] == bytes(trailing)
    assert quote.header.qe_vendor_id.hex() == "939a7233f79c4ca9940a0db3957f0607"
    assert peek_header(data) == (version, tee.value)
    assert quote.signed_data == data[: len(quote.signed_data)]
    assert len(quote.signed_data) == 48 + {3: 384, 4: 584, 5: 6 + 648}[version]
    assert quote.qe.certification.type == 5
    assert quote.qe.pck_chain_pem.startswith(b"-----BEGIN CERTIFICATE-----")
    if tee is TeeType.TDX:
        assert (quote.td_report.tee_tcb_svn2 is not None) == (body is BodyType.TD_REPORT_15)
        assert not quote.td_report.debug


@pytest.mark.parametrize("name", PCK_FACTS)
def test_pck_extension_facts(vectors: Path, name: str) -> None:
    fmspc, pce_svn, first_components, sgx_type = PCK_FACTS[name]
    chain = x509.load_pem_x509_certificates(parse_quote((vectors / name).read_bytes()).qe.pck_chain_pem)
    extensions = pck_extensions(chain[0])
    assert extensions.fmspc.hex() == fmspc
    assert extensions.pce_id == b"\0\0"
    assert extensions.tcb.pce_svn == pce_svn
    assert extensions.tcb.sgx_components[:8] == first_components
    assert extensions.tcb.sgx_components[8:] == (0,) * 8
    assert extensions.sgx_type is sgx_type
    assert len(extensions.ppid) == 16
    assert (extensions.configuration is not None) == (sgx_type is SgxType.SCALABLE)


def test_embedded_root_is_pinned_and_is_the_vectors_root(vectors: Path) -> None:
    root = intel_sgx_root_ca()
    assert hashlib.sha256(root.public_bytes(serialization.Encoding.DER)).hexdigest() == INTEL_SGX_ROOT_CA_SHA256
    for name in ("tdx/gtg_tcb_info_issuer_chain.pem", "tdx/gtg_pck_crl_issuer_chain.pem"):
        chain = x509.load_pem_x509_certificates((vectors / name).read_bytes())
        assert chain[-1] == root
    chain = x509.load_pem_x509_certificates(
        parse_quote((vectors / "sgx/qvl_sgx_quote_v3.bin").read_bytes()).qe.pck_chain_pem
    )
    assert chain[-1] == root


def test_signed_json_keeps_the_served_bytes(vectors: Path) -> None:
    raw = (vectors / "tdx/gtg_tcbinfo_fmspc50806f000000.json").read_bytes()
    body = member_value_bytes(raw, "tcbInfo")
    assert body is not None and body in raw
    assert json.loads(body) == json.loads(raw)["tcbInfo"]
    spaced = b'{ "signature" : "00",\n  "tcbInfo" :  {"b": 1,  "a": [ ]} }'
    assert member_value_bytes(spaced, "tcbInfo") == b'{"b": 1,  "a": [ ]}'
    assert member_value_bytes(b'{"x": "\\"tcbInfo\\": 1"}', "tcbInfo") is None
    assert member_value_bytes(b"[1]", "tcbInfo") is None
    assert member_value_bytes(b"\xff", "tcbInfo") is None


def test_der_reader_rejects_damage() -> None:
    assert decode_oid(bytes.fromhex("2a864886f84d010d01"), what="t") == "1.2.840.113741.1.13.1"
    for bad in (b"\x30", b"\x30\x05\x01", b"\x1f\x01\x00", b"\x30\x85\x00\x00\x00\x00\x01"):
        with pytest.raises(EvidenceFormatError):
            read_elements(bad, what="test")
    with pytest.raises(EvidenceFormatError):
        parse_sgx_extension(b"\x30\x00")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=700))
def test_fuzz_random_bytes_raise_only_evidence_errors(data: bytes) -> None:
    with contextlib.suppress(EvidenceError):
        parse_quote(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_der_and_extension_parsers(data: bytes) -> None:
    with contextlib.suppress(EvidenceFormatError):
        parse_sgx_extension(data)
    member_value_bytes(data, "tcbInfo")


@pytest.fixture(scope="module")
def real_quote(vectors: Path) -> bytes:
    return (vectors / "tdx/qvl_tdx_quote_v5_outdated.bin").read_bytes()


@settings(max_examples=300, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=5005), st.integers(0, 255)), min_size=1, max_size=4),
    cut=st.integers(min_value=0, max_value=5006),
)
def test_fuzz_mutated_real_quote(real_quote: bytes, edits: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(real_quote)
    for offset, value in edits:
        data[offset] = value
    with contextlib.suppress(EvidenceError):
        parse_quote(bytes(data[:cut]))
