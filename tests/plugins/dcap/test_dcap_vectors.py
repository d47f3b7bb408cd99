"""Every real SGX/TDX vector gives the outcome its PROVENANCE.md states, with the listed facts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ccpolicy.claims import Claims, to_input_document
from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralJson, CollateralStore
from ccpolicy.errors import (
    CollateralExpiredError,
    CollateralMissingError,
    CollateralNotYetValidError,
    UnsupportedEvidenceError,
)
from ccpolicy.interfaces import VerificationContext
from ccpolicy_dcap.verifier import SgxVerifier, TdxVerifier

from .conftest import CASES, DcapCase, case_context, collateral_store


def _verify(vectors: Path, case: DcapCase, *, now: datetime | None = None) -> Claims:
    verifier = case.verifier()
    return verifier.verify(verifier.parse((vectors / case.quote).read_bytes()), case_context(vectors, case, now=now))


def test_every_vector_gives_its_stated_status(vectors: Path, case: DcapCase) -> None:
    claims = _verify(vectors, case)
    assert claims.tee == case.tee
    assert claims.evidence.tcb.status == case.status
    assert claims.vendor["tcb"]["level_matched"] is (case.status is not None)
    assert claims.collateral.crl_checked
    assert claims.collateral.source == "offline"
    assert claims.collateral.not_after is not None and claims.collateral.not_after >= case.now


def test_sgx_v3_facts(vectors: Path) -> None:
    claims = _verify(vectors, CASES[0])
    evidence = claims.evidence
    assert evidence.platform == {"vendor": "Intel", "product": "SGX"}
    assert evidence.measurements["mrenclave"].hex() == (
        "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"
    )
    assert evidence.signer is not None
    assert evidence.signer.hex() == "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6"
    assert evidence.debug is False
    assert evidence.report_data == b"Hello, world!".ljust(64, b"\0")
    assert evidence.tcb.advisories == ("INTEL-SA-00289", "INTEL-SA-00615")
    assert evidence.tcb.date == "2024-03-13T00:00:00Z"
    assert evidence.tcb.components["pcesvn"] == 13
    assert evidence.identity["fmspc"] == bytes.fromhex("00a067110000")
    assert evidence.identity["pceid"] == bytes.fromhex("0000")
    assert len(evidence.identity["ppid"]) == 16
    vendor = claims.vendor
    assert vendor["header"].qe_svn == 10
    assert vendor["header"].pce_svn == 15
    assert vendor["report"]["isv_prod_id"] == 0
    assert vendor["report"]["isv_svn"] == 0
    assert vendor["pck"].tcb.cpu_svn.hex() == "0b0b0202ff0100000000000000000000"
    assert vendor["tcb"]["qe_level"]["status"].value == "UpToDate"
    assert vendor["collateral"]["tcb_evaluation_data_number"] == 17
    # This FMSPC's TCB info has no UpToDate level at all: nothing to be behind of.
    assert vendor["tcb"]["up_to_date_date"] is None
    assert vendor["tcb"]["components_behind"] == ()


def test_tdx_v4_facts(vectors: Path) -> None:
    claims = _verify(vectors, CASES[1])
    evidence = claims.evidence
    assert evidence.platform == {"vendor": "Intel", "product": "TDX"}
    assert evidence.measurements["mrtd"].hex() == (
        "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"
    )
    assert evidence.measurements["mrseam"].hex() == (
        "5b38e33a6487958b72c3c12a938eaa5e3fd4510c51aeeab58c7d5ecee41d7c436489d6c8e4f92f160b7cad34207b00c1"
    )
    assert evidence.measurements["rtmr0"].hex().startswith("44c0197b")
    assert evidence.measurements["rtmr3"] == bytes(48)
    assert evidence.signer is None  # MRSIGNERSEAM is zero: Intel's own module
    assert evidence.debug is False
    assert evidence.report_data.hex() == (
        "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9"
        "eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20"
    )
    assert evidence.tcb.advisories == ()
    assert evidence.tcb.date == "2024-03-13T00:00:00Z"
    assert evidence.identity["fmspc"] == bytes.fromhex("b0c06f000000")
    assert evidence.tcb.components["pcesvn"] == 11
    assert [evidence.tcb.components[f"sgx_comp{i:02d}"] for i in range(1, 9)] == [3, 3, 2, 2, 4, 1, 0, 5]
    assert evidence.tcb.components["tdx_comp01"] == 6
    vendor = claims.vendor
    assert vendor["report"]["td_attributes"].hex() == "0000001000000000"
    assert vendor["report"]["sept_ve_disable"] is True
    assert vendor["report"]["xfam"].hex() == "e702060000000000"
    assert vendor["report"]["tee_tcb_svn"].hex() == "06010300000000000000000000000000"
    assert vendor["qe_report"]["mr_signer"].hex() == (
        "dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5"
    )
    assert vendor["qe_report"]["isv_prod_id"] == 2
    assert vendor["qe_report"]["isv_svn"] == 6
    assert vendor["tcb"]["qe_level"]["status"].value == "UpToDate"
    assert vendor["tcb"]["components_behind"] == ()
    assert vendor["tcb"]["tdx_module_identity"] == "TDX_01"


def test_tdx_v5_outdated_has_no_matching_level(vectors: Path) -> None:
    claims = _verify(vectors, CASES[2])
    assert claims.evidence.measurements["mrtd"].hex().startswith("273828c46252fcbd")
    assert claims.vendor["body_type"] == "TD_REPORT_15"
    assert claims.vendor["report"]["tee_tcb_svn"].hex().startswith("070103")
    assert claims.evidence.tcb.status is None
    assert claims.evidence.tcb.date is None
    assert claims.evidence.identity["fmspc"] == bytes.fromhex("90c06f000000")
    assert claims.evidence.tcb.components["pcesvn"] == 13
    tcb = claims.vendor["tcb"]
    assert tcb["level_matched"] is False
    assert "SGX TCB components" in tcb["not_supported"]
    behind = {item.name: (item.platform, item.required) for item in tcb["components_behind"]}
    assert behind["sgx_comp08"] == (3, 5)


def test_tdx_spr_e4_has_no_matching_level(vectors: Path) -> None:
    claims = _verify(vectors, CASES[3])
    evidence = claims.evidence
    assert evidence.measurements["mrtd"].hex() == (
        "6363b8043668a3ad953278e10389574d326c6749fb78aa810ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb"
    )
    assert claims.vendor["report"]["td_attributes"].hex() == "0000004000000000"
    assert claims.vendor["report"]["tee_tcb_svn"].hex().startswith("03000400")
    assert evidence.debug is False
    assert evidence.report_data.hex().startswith("6c62dec1b8191749")
    assert evidence.identity["fmspc"] == bytes.fromhex("50806f000000")
    assert evidence.tcb.components["pcesvn"] == 11
    assert evidence.tcb.status is None
    assert claims.vendor["tcb"]["qe_level"]["status"].value == "UpToDate"
    behind = {item.name for item in claims.vendor["tcb"]["components_behind"]}
    assert {"sgx_comp01", "sgx_comp02", "sgx_comp05", "sgx_comp08"} <= behind


def test_tdx_v5_sample_is_up_to_date_against_its_own_tcb_info(vectors: Path) -> None:
    """gtg's v5 quote with gtg's TCB info, and the QE identity / CRLs of the qvl 2026 bundle (no TCB info)."""
    bundle = json.loads((vectors / "tdx/qvl_tdx_quote_v5_outdated_collateral.json").read_text())
    del bundle["tcb_info"], bundle["tcb_info_signature"]
    raw = json.dumps(bundle).encode()
    store = collateral_store([vectors / "tdx/gtg_tcbinfo_fmspc90c06f000000.json"]).merged(
        CollateralStore(json_documents=(CollateralJson(document=bundle, raw=raw, origin=Path("bundle")),))
    )
    context = VerificationContext(now=parse_time("2026-02-25T00:00:00Z"), collateral=store)
    verifier = TdxVerifier()
    claims = verifier.verify(verifier.parse((vectors / "tdx/gtg_quote_v5_sample.dat").read_bytes()), context)
    assert claims.evidence.tcb.status == "UpToDate"
    assert claims.evidence.tcb.date == "2024-11-13T00:00:00Z"
    assert claims.evidence.measurements["mrtd"].hex().startswith("7348651a34b2d2d3")
    assert claims.vendor["report"]["tee_tcb_svn"].hex().startswith("0b0104")
    assert claims.vendor["collateral"]["tcb_info_next_update"] == parse_time("2026-03-03T14:49:26Z")
    assert claims.collateral.not_after == parse_time("2026-03-03T14:49:26Z")


def test_claims_become_an_input_document(vectors: Path) -> None:
    claims = _verify(vectors, CASES[1])
    document = to_input_document(claims, now=CASES[1].now, nonce_verified=None)
    json.dumps(document)
    assert document["evidence"]["tcb"]["status"] == "UpToDate"
    assert document["tdx"]["report"]["mr_td"].startswith("91eb2b44")
    assert document["evidence"]["identity"]["fmspc"] == "b0c06f000000"


@pytest.mark.parametrize(
    ("case", "at", "artifact"),
    [
        (CASES[0], "2025-07-19T10:10:00Z", "QE identity (QE)"),
        (CASES[0], "2025-07-20T00:00:00Z", "TCB info (SGX, FMSPC 00a067110000"),
        (CASES[1], "2025-07-19T10:10:00Z", "CRL of 'Intel SGX PCK Platform CA'"),
        (CASES[3], "2023-07-10T00:00:00Z", "QE identity (TD_QE)"),
    ],
    ids=["sgx-qe-identity", "sgx-tcb-info", "tdx-pck-crl", "spr-qe-identity"],
)
def test_expired_collateral_names_the_artifact(vectors: Path, case: DcapCase, at: str, artifact: str) -> None:
    with pytest.raises(CollateralExpiredError) as caught:
        _verify(vectors, case, now=parse_time(at))
    assert artifact in caught.value.message
    assert ".." in caught.value.message  # the window
    assert caught.value.exit_code == 4


def test_allowing_an_unevaluated_tcb_changes_nothing_when_the_tcb_info_is_there(vectors: Path, case: DcapCase) -> None:
    verifier = case.verifier()
    quote = verifier.parse((vectors / case.quote).read_bytes())
    context = case_context(vectors, case)
    allowing = VerificationContext(now=context.now, collateral=context.collateral, allow_unevaluated_tcb=True)
    assert verifier.verify(quote, allowing) == verifier.verify(quote, context)


def test_allowing_an_unevaluated_tcb_does_not_excuse_expired_tcb_info(vectors: Path) -> None:
    case = CASES[0]
    verifier = case.verifier()
    quote = verifier.parse((vectors / case.quote).read_bytes())
    store = case_context(vectors, case).collateral
    with pytest.raises(CollateralExpiredError) as caught:
        verifier.verify(
            quote,
            VerificationContext(now=parse_time("2025-07-20T00:00:00Z"), collateral=store, allow_unevaluated_tcb=True),
        )
    assert "TCB info (SGX, FMSPC 00a067110000" in caught.value.message


def test_collateral_before_its_window_is_not_yet_valid(vectors: Path) -> None:
    start = parse_time(CASES[0].window[0])
    with pytest.raises(CollateralNotYetValidError) as caught:
        _verify(vectors, CASES[0], now=start - timedelta(minutes=10))
    assert "TCB info (SGX" in caught.value.message
    assert "2025-06-19T10:56:11Z .. 2025-07-19T10:56:11Z" in caught.value.message


def test_missing_collateral_is_reported(vectors: Path) -> None:
    verifier = SgxVerifier()
    quote = verifier.parse((vectors / CASES[0].quote).read_bytes())
    with pytest.raises(CollateralMissingError):
        verifier.verify(quote, VerificationContext(now=CASES[0].now, collateral=CollateralStore()))
    # TDX collateral for an SGX quote: right shape, wrong FMSPC and id.
    wrong = collateral_store([vectors / CASES[1].collateral[0]])
    with pytest.raises(CollateralMissingError) as caught:
        verifier.verify(quote, VerificationContext(now=CASES[1].now, collateral=wrong))
    assert "FMSPC 00a067110000" in caught.value.message or "CRL" in caught.value.message


def test_verifiers_refuse_the_other_tee(vectors: Path) -> None:
    sgx, tdx = SgxVerifier(), TdxVerifier()
    sgx_quote = (vectors / CASES[0].quote).read_bytes()
    tdx_quote = (vectors / CASES[1].quote).read_bytes()
    assert sgx.detect(sgx_quote) and not sgx.detect(tdx_quote)
    assert tdx.detect(tdx_quote) and not tdx.detect(sgx_quote)
    with pytest.raises(UnsupportedEvidenceError):
        sgx.parse(tdx_quote)
    with pytest.raises(UnsupportedEvidenceError):
        tdx.parse(sgx_quote)
