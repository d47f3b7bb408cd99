"""TCB status as Intel's Quote Verification Library computes it (QVL ``TcbLevelCheck``,
``TdxModuleCheck``, ``TDRelaunchCheck``, ``EnclaveReportVerifier``).

* TCB levels are ordered newest first: by the 16 SGX components, then PCESVN, then (TDX) the 16
  TDX components, each compared lexicographically.
* SGX: the first level whose SGX components and PCESVN the PCK certificate meets or exceeds.
* TDX: among those, the first level whose TDX components TEE_TCB_SVN meets (bytes 0 and 1 are
  skipped when TEE_TCB_SVN[1], the TDX module major version, is above 0: the module's own
  identity ``TDX_<version>`` in ``tdxModuleIdentities`` then rates ISVSVN = TEE_TCB_SVN[0]).
  The module status folds in (OutOfDate pulls UpToDate/SWHardeningNeeded down to OutOfDate and
  Configuration* to OutOfDateConfigurationNeeded; Revoked wins).  TDX 1.5 reports may then turn an
  OutOfDate module into TDRelaunchAdvised when TEE_TCB_SVN2 shows an updated module.
* The QE identity level (first level, in document order, with ISVSVN <= the QE's) folds in the
  same way.

No matching level (platform, TDX module or QE) is QVL's ``STATUS_TCB_NOT_SUPPORTED``: an error
result, not a TCB status.  It is reported as ``status None`` with ``not_supported`` saying why;
signatures and collateral are still valid, so the verdict belongs to the policy, which must treat
a missing status as not good.

Without TCB info for the platform (only when the caller allows it), nothing is evaluated: the status
claim is ``NotEvaluated``, and the TDX module's signer and attributes, which only the TCB info names,
are not checked either.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.errors import BindingError
from ccpolicy_dcap.intel_collateral import (
    IsvSvnLevel,
    QeIdentity,
    TcbInfo,
    TcbLevel,
    TcbStatus,
    TdxModuleIdentity,
)
from ccpolicy_dcap.pck_extensions import PckTcb
from ccpolicy_dcap.quote import EnclaveReport, TdReport

_GOOD_SGX = (
    TcbStatus.UP_TO_DATE,
    TcbStatus.SW_HARDENING_NEEDED,
    TcbStatus.CONFIGURATION_NEEDED,
    TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED,
)
_CONFIGURATION = (
    TcbStatus.CONFIGURATION_NEEDED,
    TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
    TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED,
    TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentShortfall:
    """A TCB component below the newest UpToDate level."""

    name: str
    platform: int
    required: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TcbEvaluation:
    status: TcbStatus | None
    not_supported: str | None
    platform_level: TcbLevel | None
    """The level whose status counts: the TDX level for TDX, the SGX level for SGX."""
    sgx_level: TcbLevel | None
    module_identity: str | None
    module_level: IsvSvnLevel | None
    module_status: TcbStatus | None
    qe_level: IsvSvnLevel | None
    advisory_ids: tuple[str, ...]
    up_to_date_level: TcbLevel | None
    shortfalls: tuple[ComponentShortfall, ...]


def check_qe_identity(qe_report: EnclaveReport, identity: QeIdentity) -> IsvSvnLevel | None:
    """QVL ``EnclaveReportVerifier``: identity fields must match (else BindingError); returns the
    QE's TCB level by ISVSVN, or None when the QE's ISVSVN is below every level."""
    if qe_report.misc_select & identity.miscselect_mask != identity.miscselect:
        raise BindingError(
            f"QE MISCSELECT {qe_report.misc_select:08x} masked with {identity.miscselect_mask:08x} "
            f"is not the QE identity's {identity.miscselect:08x}"
        )
    masked = bytes(a & m for a, m in zip(qe_report.attributes, identity.attributes_mask, strict=True))
    if masked != identity.attributes:
        raise BindingError(
            f"QE ATTRIBUTES {qe_report.attributes.hex()} masked with {identity.attributes_mask.hex()} "
            f"are not the QE identity's {identity.attributes.hex()}"
        )
    if qe_report.mr_signer != identity.mrsigner:
        raise BindingError(
            f"QE MRSIGNER {qe_report.mr_signer.hex()} is not the QE identity's {identity.mrsigner.hex()}"
        )
    if qe_report.isv_prod_id != identity.isv_prod_id:
        raise BindingError(f"QE ISVPRODID {qe_report.isv_prod_id} is not the QE identity's {identity.isv_prod_id}")
    for level in identity.tcb_levels:
        if level.isv_svn <= qe_report.isv_svn:
            return level
    return None


def ordered_levels(tcb_info: TcbInfo) -> list[TcbLevel]:
    """Newest first, as QVL's ``std::set<TcbLevel, std::greater<>>``: equivalent levels collapse."""
    ordered: list[TcbLevel] = []
    seen: set[tuple[tuple[int, ...], int, tuple[int, ...]]] = set()
    for level in sorted(tcb_info.tcb_levels, key=_level_key, reverse=True):
        if _level_key(level) not in seen:
            seen.add(_level_key(level))
            ordered.append(level)
    return ordered


def _level_key(level: TcbLevel) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
    return level.sgx_components, level.pce_svn, level.tdx_components or ()


NOT_EVALUATED = "NotEvaluated"
"""The TCB status claim when no TCB info was available (not one of Intel's statuses)."""


def unevaluated_tcb(qe_level: IsvSvnLevel | None) -> TcbEvaluation:
    return _Partial(sgx_level=None, qe_level=qe_level, up_to_date=None, shortfalls=()).not_supported(
        "no TCB info for this platform in the collateral: the TCB was not evaluated"
    )


def tdx_module_identity(tcb_info: TcbInfo, td_report: TdReport, quote_version: int) -> TdxModuleIdentity:
    """QVL 4.1.2.4.11: the module identity that must have signed the TDX module (else BindingError)."""
    module = tcb_info.tdx_module
    if module is None:
        raise BindingError("TDX TCB info has no tdxModule")
    version = td_report.tee_tcb_svn[1]
    if quote_version > 3 and version > 0:
        found = find_module_identity(tcb_info, version)
        if found is None:
            raise BindingError(f"TCB info has no TDX module identity TDX_{version:02X} for this TDX module")
        module = found
    if td_report.mr_signer_seam != module.mrsigner:
        raise BindingError(
            f"MRSIGNERSEAM {td_report.mr_signer_seam.hex()} is not the TDX module signer {module.mrsigner.hex()}"
        )
    masked = bytes(a & m for a, m in zip(td_report.seam_attributes, module.attributes_mask, strict=True))
    if masked != module.attributes:
        raise BindingError(
            f"SEAMATTRIBUTES {td_report.seam_attributes.hex()} do not match the TDX module's {module.attributes.hex()}"
        )
    return module


def find_module_identity(tcb_info: TcbInfo, version: int) -> TdxModuleIdentity | None:
    wanted = f"TDX_{version:02X}"
    for identity in tcb_info.tdx_module_identities:
        if identity.id.upper() == wanted:
            return identity
    return None


def evaluate_tcb(
    *,
    tcb_info: TcbInfo,
    pck_tcb: PckTcb,
    td_report: TdReport | None,
    quote_version: int,
    qe_level: IsvSvnLevel | None,
) -> TcbEvaluation:
    """The QVL TCB status of a platform, given the verified TCB info and the QE's identity level."""
    levels = ordered_levels(tcb_info)
    tee_tcb_svn = td_report.tee_tcb_svn if td_report is not None and tcb_info.is_tdx else None
    sgx_level, tdx_level = _match_levels(levels, pck_tcb, tee_tcb_svn)
    up_to_date = next((level for level in levels if level.status is TcbStatus.UP_TO_DATE), None)
    shortfalls = _shortfalls(up_to_date, pck_tcb, tee_tcb_svn)
    result = _Partial(
        sgx_level=sgx_level,
        qe_level=qe_level,
        up_to_date=up_to_date,
        shortfalls=shortfalls,
    )
    if sgx_level is None:
        return result.not_supported("no TCB level matches the PCK certificate's SGX TCB components and PCESVN")
    if tee_tcb_svn is None or td_report is None:
        return result.finish(_converge_with_qe(sgx_level.status, qe_level), sgx_level)
    if tdx_level is None:
        return result.not_supported("no TCB level matches the TD's TEE_TCB_SVN")
    result.platform_level = tdx_level
    module_status = TcbStatus.UP_TO_DATE
    if not (quote_version > 3 and tee_tcb_svn[1] == 0):
        identity = find_module_identity(tcb_info, tee_tcb_svn[1])
        if identity is None:
            raise BindingError(f"TCB info has no TDX module identity TDX_{tee_tcb_svn[1]:02X}")
        result.module_identity = identity.id
        module_level = next(
            (level for level in _by_isv_svn(identity) if tee_tcb_svn[0] >= level.isv_svn),
            None,
        )
        if module_level is None:
            return result.not_supported(f"no TCB level of TDX module {identity.id} matches ISVSVN {tee_tcb_svn[0]}")
        result.module_level = module_level
        module_status = module_level.status
    result.module_status = module_status
    tdx_status = _converge_with_module(tdx_level.status, module_status)
    if tdx_status is TcbStatus.REVOKED:
        return result.finish(tdx_status, tdx_level)
    if td_report.tee_tcb_svn2 is not None:
        relaunch = _relaunch_status(
            td_report.tee_tcb_svn2,
            tcb_info=tcb_info,
            levels=levels,
            sgx_status=sgx_level.status,
            tdx_status=tdx_status,
            module_status=module_status,
            qe_level=qe_level,
        )
        if relaunch is None:
            return result.not_supported("TCB info has no level to judge a TD relaunch by")
        tdx_status = relaunch
    return result.finish(_converge_with_qe(tdx_status, qe_level), tdx_level)


@dataclass(slots=True, kw_only=True)
class _Partial:
    sgx_level: TcbLevel | None
    qe_level: IsvSvnLevel | None
    up_to_date: TcbLevel | None
    shortfalls: tuple[ComponentShortfall, ...]
    platform_level: TcbLevel | None = None
    module_identity: str | None = None
    module_level: IsvSvnLevel | None = None
    module_status: TcbStatus | None = None

    def not_supported(self, reason: str) -> TcbEvaluation:
        return self._evaluation(None, reason, ())

    def finish(self, status: TcbStatus | None, platform_level: TcbLevel) -> TcbEvaluation:
        self.platform_level = platform_level
        if status is None:
            return self.not_supported("the QE's ISVSVN is below every level of the QE identity")
        advisories: list[str] = []
        for source in (platform_level, self.module_level, self.qe_level):
            for advisory in source.advisory_ids if source is not None else ():
                if advisory not in advisories:
                    advisories.append(advisory)
        return self._evaluation(status, None, tuple(advisories))

    def _evaluation(self, status: TcbStatus | None, reason: str | None, advisories: tuple[str, ...]) -> TcbEvaluation:
        return TcbEvaluation(
            status=status,
            not_supported=reason,
            platform_level=self.platform_level,
            sgx_level=self.sgx_level,
            module_identity=self.module_identity,
            module_level=self.module_level,
            module_status=self.module_status,
            qe_level=self.qe_level,
            advisory_ids=advisories,
            up_to_date_level=self.up_to_date,
            shortfalls=self.shortfalls,
        )


def _by_isv_svn(identity: TdxModuleIdentity) -> list[IsvSvnLevel]:
    return sorted(identity.tcb_levels, key=lambda level: level.isv_svn, reverse=True)


def _sgx_meets(pck_tcb: PckTcb, level: TcbLevel) -> bool:
    return pck_tcb.pce_svn >= level.pce_svn and all(
        have >= need for have, need in zip(pck_tcb.sgx_components, level.sgx_components, strict=True)
    )


def _tdx_meets(tee_tcb_svn: bytes, level: TcbLevel) -> bool:
    required = level.tdx_components or (0,) * 16
    start = 2 if tee_tcb_svn[1] > 0 else 0
    return all(tee_tcb_svn[index] >= required[index] for index in range(start, 16))


def _match_levels(
    levels: list[TcbLevel], pck_tcb: PckTcb, tee_tcb_svn: bytes | None
) -> tuple[TcbLevel | None, TcbLevel | None]:
    sgx_level = None
    for level in levels:
        if not _sgx_meets(pck_tcb, level):
            continue
        if tee_tcb_svn is None:
            return level, None
        sgx_level = sgx_level or level
        if _tdx_meets(tee_tcb_svn, level):
            return sgx_level, level
    return sgx_level, None


def _converge_with_qe(status: TcbStatus, qe_level: IsvSvnLevel | None) -> TcbStatus | None:
    if qe_level is None:
        return None
    if qe_level.status is TcbStatus.REVOKED:
        return TcbStatus.REVOKED
    if qe_level.status is not TcbStatus.UP_TO_DATE:
        return _pulled_out_of_date(status)
    return status


def _converge_with_module(status: TcbStatus, module_status: TcbStatus) -> TcbStatus:
    if module_status is TcbStatus.REVOKED:
        return TcbStatus.REVOKED
    if module_status is TcbStatus.OUT_OF_DATE:
        return _pulled_out_of_date(status)
    return status


def _pulled_out_of_date(status: TcbStatus) -> TcbStatus:
    if status in (TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED):
        return TcbStatus.OUT_OF_DATE
    if status in (TcbStatus.CONFIGURATION_NEEDED, TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED):
        return TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED
    return status


def _relaunch_status(
    tee_tcb_svn2: bytes,
    *,
    tcb_info: TcbInfo,
    levels: list[TcbLevel],
    sgx_status: TcbStatus,
    tdx_status: TcbStatus,
    module_status: TcbStatus,
    qe_level: IsvSvnLevel | None,
) -> TcbStatus | None:
    """QVL ``checkForRelaunch`` for TDX 1.5 reports; None means no level to judge by."""
    qe_good = qe_level is not None and qe_level.status is TcbStatus.UP_TO_DATE
    if not (
        qe_good
        and sgx_status in _GOOD_SGX
        and tdx_status in (TcbStatus.OUT_OF_DATE, TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED)
        and module_status is TcbStatus.OUT_OF_DATE
    ):
        return tdx_status
    if not levels:
        return None
    latest = levels[0].tdx_components or (0,) * 16
    if tee_tcb_svn2[1] == 0:
        updated = tee_tcb_svn2[0] >= latest[0] and tee_tcb_svn2[2] >= latest[2]
    else:
        identity = find_module_identity(tcb_info, tee_tcb_svn2[1])
        if identity is None:
            raise BindingError(f"TCB info has no TDX module identity TDX_{tee_tcb_svn2[1]:02X} for TEE_TCB_SVN2")
        module_levels = _by_isv_svn(identity)
        if not module_levels:
            return None
        updated = tee_tcb_svn2[0] >= module_levels[0].isv_svn and tee_tcb_svn2[2] >= latest[2]
    if not updated:
        return tdx_status
    if sgx_status in _CONFIGURATION or tdx_status in _CONFIGURATION:
        return TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
    return TcbStatus.TD_RELAUNCH_ADVISED


def _shortfalls(
    reference: TcbLevel | None, pck_tcb: PckTcb, tee_tcb_svn: bytes | None
) -> tuple[ComponentShortfall, ...]:
    if reference is None:
        return ()
    found = [
        ComponentShortfall(name=f"sgx_comp{index + 1:02d}", platform=have, required=need)
        for index, (have, need) in enumerate(zip(pck_tcb.sgx_components, reference.sgx_components, strict=True))
        if have < need
    ]
    if pck_tcb.pce_svn < reference.pce_svn:
        found.append(ComponentShortfall(name="pcesvn", platform=pck_tcb.pce_svn, required=reference.pce_svn))
    if tee_tcb_svn is not None and reference.tdx_components is not None:
        start = 2 if tee_tcb_svn[1] > 0 else 0
        found += [
            ComponentShortfall(name=f"tdx_comp{index + 1:02d}", platform=tee_tcb_svn[index], required=need)
            for index, need in enumerate(reference.tdx_components)
            if index >= start and tee_tcb_svn[index] < need
        ]
    return tuple(found)
