"""Differential test against Phala's dcap-qvl (Rust, Python bindings in the venv).

dcap-qvl rejects quotes that have no matching TCB level (and, by its own policy, TDs without
SEPT_VE_DISABLE or in debug mode).  Agreement is checked on the TCB status and advisories of every
vector it accepts, on "no matching level" where it says "No matching TCB level found", and on
rejecting bit-flipped quotes over the signed regions (sampled offsets).
"""

from __future__ import annotations

import json
from pathlib import Path

import dcap_qvl  # the peer verifier: a declared test dependency, never skipped
import pytest

from ccpolicy.errors import EvidenceError, VerificationError
from ccpolicy_dcap.quote import parse_quote

from .conftest import CASES, GTG_PCS_FILES, DcapCase, case_context


def _qvl_collateral(vectors: Path, case: DcapCase) -> object:
    if case.collateral != GTG_PCS_FILES:
        return dcap_qvl.QuoteCollateralV3.from_json((vectors / case.collateral[0]).read_text())
    tcb = json.loads((vectors / "tdx/gtg_tcbinfo_fmspc50806f000000.json").read_text())
    qe = json.loads((vectors / "tdx/gtg_qe_identity_td_qe.json").read_text())
    raw_tcb = (vectors / "tdx/gtg_tcbinfo_fmspc50806f000000.json").read_text()
    raw_qe = (vectors / "tdx/gtg_qe_identity_td_qe.json").read_text()
    return dcap_qvl.QuoteCollateralV3(
        pck_crl_issuer_chain=(vectors / "tdx/gtg_pck_crl_issuer_chain.pem").read_text(),
        root_ca_crl=(vectors / "tdx/gtg_root_ca_crl.der").read_bytes(),
        pck_crl=(vectors / "tdx/gtg_pck_platform_crl.der").read_bytes(),
        tcb_info_issuer_chain=(vectors / "tdx/gtg_tcb_info_issuer_chain.pem").read_text(),
        tcb_info=raw_tcb[raw_tcb.index('{"id"') : raw_tcb.rindex(',"signature"')],
        tcb_info_signature=bytes.fromhex(tcb["signature"]),
        qe_identity_issuer_chain=(vectors / "tdx/gtg_tcb_info_issuer_chain.pem").read_text(),
        qe_identity=raw_qe[raw_qe.index('{"id"') : raw_qe.rindex(',"signature"')],
        qe_identity_signature=bytes.fromhex(qe["signature"]),
    )


def _qvl_status(quote: bytes, collateral: object, case: DcapCase) -> tuple[str | None, str | None]:
    """(status, error text) of dcap-qvl."""
    try:
        report = dcap_qvl.verify(quote, collateral, int(case.now.timestamp()))
    except ValueError as exc:
        return None, str(exc)
    return report.status, None


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_same_tcb_status_as_dcap_qvl(vectors: Path, case: DcapCase) -> None:
    data = (vectors / case.quote).read_bytes()
    verifier = case.verifier()
    claims = verifier.verify(verifier.parse(data), case_context(vectors, case))
    status, error = _qvl_status(data, _qvl_collateral(vectors, case), case)
    if error is None:
        assert claims.evidence.tcb.status == status
        qvl = dcap_qvl.verify(data, _qvl_collateral(vectors, case), int(case.now.timestamp()))
        assert set(claims.evidence.tcb.advisories) == set(qvl.advisory_ids)
    elif "No matching TCB level" in error:
        assert claims.evidence.tcb.status is None
    else:
        pytest.fail(f"dcap-qvl rejected {case.name} for a reason this test does not know: {error}")


@pytest.mark.parametrize("case", CASES[:2], ids=[case.name for case in CASES[:2]])
def test_both_reject_bit_flips_in_signed_regions(vectors: Path, case: DcapCase) -> None:
    data = (vectors / case.quote).read_bytes()
    quote = parse_quote(data)
    collateral = _qvl_collateral(vectors, case)
    verifier = case.verifier()
    context = case_context(vectors, case)
    signed_end = len(quote.signed_data)
    qe_report_start = data.index(quote.qe.qe_report.raw)
    regions = [
        range(0, signed_end, 7),  # header and body (signed by the attestation key)
        range(signed_end + 4, signed_end + 4 + 128, 5),  # quote signature and attestation key
        range(qe_report_start, qe_report_start + 384 + 64, 9),  # QE report and its PCK signature
    ]
    for region in regions:
        for offset in region:
            flipped = bytearray(data)
            flipped[offset] ^= 0x10
            _, error = _qvl_status(bytes(flipped), collateral, case)
            assert error is not None, f"dcap-qvl accepted a flip at {offset}"
            with pytest.raises((EvidenceError, VerificationError)):
                verifier.verify(verifier.parse(bytes(flipped)), context)
