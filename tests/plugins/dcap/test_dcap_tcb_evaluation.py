"""QVL TCB-status rules on synthetic TCB info, and the collateral's signature and identity checks."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ccpolicy.collateral import CollateralJson, CollateralStore
from ccpolicy.errors import BindingError, SignatureError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_dcap.intel_collateral import (
    IsvSvnLevel,
    QeIdentity,
    TcbInfo,
    TcbLevel,
    TcbStatus,
    TdxModuleIdentity,
)
from ccpolicy_dcap.pck_extensions import PckTcb
from ccpolicy_dcap.quote import EnclaveReport, TdReport, parse_quote
from ccpolicy_dcap.tcb_evaluation import check_qe_identity, evaluate_tcb, ordered_levels

from .conftest import CASES

S = TcbStatus
MOMENT = datetime(2025, 1, 1, tzinfo=timezone.utc)


def level(sgx: int, pce: int, status: TcbStatus, tdx: int | None = None, advisories: tuple[str, ...] = ()) -> TcbLevel:
    return TcbLevel(
        sgx_components=(sgx,) * 16,
        pce_svn=pce,
        tdx_components=None if tdx is None else (tdx,) * 16,
        tcb_date=f"20{sgx:02d}-01-01T00:00:00Z",
        status=status,
        advisory_ids=advisories,
    )


def isv(svn: int, status: TcbStatus, advisories: tuple[str, ...] = ()) -> IsvSvnLevel:
    return IsvSvnLevel(isv_svn=svn, tcb_date="2024-01-01T00:00:00Z", status=status, advisory_ids=advisories)


def tcb_info(levels: list[TcbLevel], *, tdx: bool = False, modules: tuple[TdxModuleIdentity, ...] = ()) -> TcbInfo:
    module = TdxModuleIdentity(id="", mrsigner=bytes(48), attributes=bytes(8), attributes_mask=b"\xff" * 8)
    return TcbInfo(
        id="TDX" if tdx else "SGX",
        version=3,
        issue_date=MOMENT,
        next_update=MOMENT,
        fmspc=bytes(6),
        pce_id=bytes(2),
        tcb_type=0,
        evaluation_data_number=1,
        tcb_levels=tuple(levels),
        tdx_module=module if tdx else None,
        tdx_module_identities=modules,
    )


def td_report(tee_tcb_svn: bytes, tee_tcb_svn2: bytes | None = None) -> TdReport:
    zero48 = bytes(48)
    return TdReport(
        tee_tcb_svn=tee_tcb_svn,
        mr_seam=zero48,
        mr_signer_seam=zero48,
        seam_attributes=bytes(8),
        td_attributes=bytes(8),
        xfam=bytes(8),
        mr_td=zero48,
        mr_config_id=zero48,
        mr_owner=zero48,
        mr_owner_config=zero48,
        rtmrs=(zero48, zero48, zero48, zero48),
        report_data=bytes(64),
        tee_tcb_svn2=tee_tcb_svn2,
        mr_service_td=None if tee_tcb_svn2 is None else zero48,
    )


def pck(svn: int, pce: int) -> PckTcb:
    return PckTcb(sgx_components=(svn,) * 16, pce_svn=pce, cpu_svn=bytes([svn]) * 16)


SGX_LEVELS = [
    level(5, 10, S.SW_HARDENING_NEEDED, advisories=("SA-1",)),
    level(9, 10, S.UP_TO_DATE),
    level(3, 10, S.OUT_OF_DATE, advisories=("SA-2",)),
]


def test_levels_are_ordered_newest_first_whatever_the_document_order() -> None:
    assert [lv.sgx_components[0] for lv in ordered_levels(tcb_info(SGX_LEVELS))] == [9, 5, 3]


@pytest.mark.parametrize(
    ("svn", "pce", "expected"),
    [(9, 10, S.UP_TO_DATE), (8, 10, S.SW_HARDENING_NEEDED), (9, 9, None), (4, 10, S.OUT_OF_DATE), (2, 10, None)],
)
def test_sgx_level_matching(svn: int, pce: int, expected: TcbStatus | None) -> None:
    result = evaluate_tcb(
        tcb_info=tcb_info(SGX_LEVELS),
        pck_tcb=pck(svn, pce),
        td_report=None,
        quote_version=3,
        qe_level=isv(1, S.UP_TO_DATE),
    )
    assert result.status is expected
    assert (result.not_supported is None) == (expected is not None)


@pytest.mark.parametrize(
    ("platform", "qe", "expected"),
    [
        (8, S.OUT_OF_DATE, S.OUT_OF_DATE),
        (9, S.OUT_OF_DATE, S.OUT_OF_DATE),
        (9, S.REVOKED, S.REVOKED),
        (4, S.OUT_OF_DATE, S.OUT_OF_DATE),
    ],
)
def test_qe_status_converges_like_qvl(platform: int, qe: TcbStatus, expected: TcbStatus) -> None:
    result = evaluate_tcb(
        tcb_info=tcb_info(SGX_LEVELS),
        pck_tcb=pck(platform, 10),
        td_report=None,
        quote_version=3,
        qe_level=isv(1, qe, ("QE-SA",)),
    )
    assert result.status is expected
    assert "QE-SA" in result.advisory_ids


def test_configuration_needed_plus_outdated_qe_is_out_of_date_configuration_needed() -> None:
    info = tcb_info([level(5, 1, S.CONFIGURATION_NEEDED), level(9, 1, S.UP_TO_DATE)])
    result = evaluate_tcb(
        tcb_info=info, pck_tcb=pck(6, 1), td_report=None, quote_version=3, qe_level=isv(1, S.OUT_OF_DATE)
    )
    assert result.status is S.OUT_OF_DATE_CONFIGURATION_NEEDED
    behind = {item.name for item in result.shortfalls}
    assert behind == {f"sgx_comp{i:02d}" for i in range(1, 17)}


def test_qe_below_every_level_is_not_supported() -> None:
    result = evaluate_tcb(
        tcb_info=tcb_info(SGX_LEVELS), pck_tcb=pck(9, 10), td_report=None, quote_version=3, qe_level=None
    )
    assert result.status is None and result.not_supported is not None


def test_tdx_components_and_module_identity() -> None:
    module = TdxModuleIdentity(
        id="TDX_01",
        mrsigner=bytes(48),
        attributes=bytes(8),
        attributes_mask=b"\xff" * 8,
        tcb_levels=(isv(2, S.OUT_OF_DATE, ("MOD-SA",)), isv(5, S.UP_TO_DATE)),
    )
    info = tcb_info([level(3, 1, S.UP_TO_DATE, tdx=4), level(3, 1, S.OUT_OF_DATE, tdx=2)], tdx=True, modules=(module,))
    qe = isv(1, S.UP_TO_DATE)
    # Module version 1 (byte 1 > 0): bytes 0 and 1 are not compared; the module identity rates ISVSVN byte 0.
    fresh = evaluate_tcb(
        tcb_info=info,
        pck_tcb=pck(3, 1),
        td_report=td_report(bytes([5, 1]) + bytes([4]) * 14),
        quote_version=4,
        qe_level=qe,
    )
    assert fresh.status is S.UP_TO_DATE and fresh.module_identity == "TDX_01"
    stale_module = evaluate_tcb(
        tcb_info=info,
        pck_tcb=pck(3, 1),
        td_report=td_report(bytes([3, 1]) + bytes([4]) * 14),
        quote_version=4,
        qe_level=qe,
    )
    assert stale_module.status is S.OUT_OF_DATE and "MOD-SA" in stale_module.advisory_ids
    too_old = evaluate_tcb(
        tcb_info=info,
        pck_tcb=pck(3, 1),
        td_report=td_report(bytes([1, 1]) + bytes([4]) * 14),
        quote_version=4,
        qe_level=qe,
    )
    assert too_old.status is None
    # Module version 0: all 16 bytes compared, no module identity.
    lower = evaluate_tcb(
        tcb_info=info,
        pck_tcb=pck(3, 1),
        td_report=td_report(bytes([0, 0]) + bytes([4]) * 14),
        quote_version=4,
        qe_level=qe,
    )
    assert lower.status is None
    no_identity = dataclasses.replace(info, tdx_module_identities=())
    with pytest.raises(BindingError):
        evaluate_tcb(
            tcb_info=no_identity,
            pck_tcb=pck(3, 1),
            td_report=td_report(bytes([5, 1]) + bytes([4]) * 14),
            quote_version=4,
            qe_level=qe,
        )


def test_td_relaunch_advised_for_updated_module() -> None:
    module = TdxModuleIdentity(
        id="TDX_01",
        mrsigner=bytes(48),
        attributes=bytes(8),
        attributes_mask=b"\xff" * 8,
        tcb_levels=(isv(2, S.OUT_OF_DATE), isv(5, S.UP_TO_DATE)),
    )
    info = tcb_info([level(3, 1, S.UP_TO_DATE, tdx=4)], tdx=True, modules=(module,))
    svn = bytes([3, 1]) + bytes([4]) * 14
    result = evaluate_tcb(
        tcb_info=info,
        pck_tcb=pck(3, 1),
        td_report=td_report(svn, tee_tcb_svn2=bytes([5, 1]) + bytes([4]) * 14),
        quote_version=5,
        qe_level=isv(1, S.UP_TO_DATE),
    )
    assert result.status is S.TD_RELAUNCH_ADVISED
    not_updated = evaluate_tcb(
        tcb_info=info,
        pck_tcb=pck(3, 1),
        td_report=td_report(svn, tee_tcb_svn2=svn),
        quote_version=5,
        qe_level=isv(1, S.UP_TO_DATE),
    )
    assert not_updated.status is S.OUT_OF_DATE


def _qe_report(vectors: Path) -> EnclaveReport:
    return parse_quote((vectors / CASES[1].quote).read_bytes()).qe.qe_report


def _identity(report: EnclaveReport) -> QeIdentity:
    return QeIdentity(
        id="TD_QE",
        version=2,
        issue_date=MOMENT,
        next_update=MOMENT,
        evaluation_data_number=1,
        miscselect=report.misc_select,
        miscselect_mask=0xFFFFFFFF,
        attributes=bytes(a & m for a, m in zip(report.attributes, b"\xfb" + b"\xff" * 7 + bytes(8), strict=True)),
        attributes_mask=b"\xfb" + b"\xff" * 7 + bytes(8),
        mrsigner=report.mr_signer,
        isv_prod_id=report.isv_prod_id,
        tcb_levels=(isv(report.isv_svn + 1, S.UP_TO_DATE), isv(report.isv_svn, S.OUT_OF_DATE)),
    )


def test_qe_identity_fields_must_match(vectors: Path) -> None:
    report = _qe_report(vectors)
    identity = _identity(report)
    matched = check_qe_identity(report, identity)
    assert matched is not None and matched.status is S.OUT_OF_DATE
    for change in (
        {"mrsigner": bytes(32)},
        {"isv_prod_id": report.isv_prod_id + 1},
        {"miscselect": report.misc_select ^ 1},
        {"attributes": bytes(16)},
    ):
        with pytest.raises(BindingError):
            check_qe_identity(report, dataclasses.replace(identity, **change))
    assert check_qe_identity(report, dataclasses.replace(identity, tcb_levels=(isv(99, S.UP_TO_DATE),))) is None


def test_tampered_tcb_info_fails_its_signature(vectors: Path) -> None:
    bundle = json.loads((vectors / CASES[1].collateral[0]).read_text())
    bundle["tcb_info"] = bundle["tcb_info"].replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18')
    raw = json.dumps(bundle).encode()
    store = CollateralStore(json_documents=(CollateralJson(document=bundle, raw=raw, origin=Path("tampered")),))
    verifier = CASES[1].verifier()
    with pytest.raises(SignatureError):
        verifier.verify(
            verifier.parse((vectors / CASES[1].quote).read_bytes()),
            VerificationContext(now=CASES[1].now, collateral=store),
        )
