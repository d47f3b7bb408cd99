"""Intel PCS collateral documents (TCB info v2/v3, enclave identity v2): JSON -> typed records.

Field names follow Intel's "PCS API v4" JSON schemas.  A document of the wrong shape is a
ConfigurationError (``collateral.garbage``), like any collateral file that does not parse.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ccpolicy.clock import parse_time
from ccpolicy.errors import ConfigurationError

COMPONENT_COUNT = 16


class TcbStatus(enum.Enum):
    """Intel's TCB statuses (TCB info levels, TDX module levels, QE identity levels, and QVL results)."""

    UP_TO_DATE = "UpToDate"
    SW_HARDENING_NEEDED = "SWHardeningNeeded"
    CONFIGURATION_NEEDED = "ConfigurationNeeded"
    CONFIGURATION_AND_SW_HARDENING_NEEDED = "ConfigurationAndSWHardeningNeeded"
    OUT_OF_DATE = "OutOfDate"
    OUT_OF_DATE_CONFIGURATION_NEEDED = "OutOfDateConfigurationNeeded"
    REVOKED = "Revoked"
    TD_RELAUNCH_ADVISED = "TDRelaunchAdvised"
    TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED = "TDRelaunchAdvisedConfigurationNeeded"


@dataclass(frozen=True, slots=True, kw_only=True)
class TcbLevel:
    sgx_components: tuple[int, ...]
    pce_svn: int
    tdx_components: tuple[int, ...] | None
    tcb_date: str
    status: TcbStatus
    advisory_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class IsvSvnLevel:
    """A TCB level keyed by ISVSVN: QE identity levels and TDX module identity levels."""

    isv_svn: int
    tcb_date: str
    status: TcbStatus
    advisory_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TdxModuleIdentity:
    id: str
    mrsigner: bytes
    attributes: bytes
    attributes_mask: bytes
    tcb_levels: tuple[IsvSvnLevel, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TcbInfo:
    id: str
    version: int
    issue_date: datetime
    next_update: datetime
    fmspc: bytes
    pce_id: bytes
    tcb_type: int
    evaluation_data_number: int
    tcb_levels: tuple[TcbLevel, ...]
    tdx_module: TdxModuleIdentity | None
    tdx_module_identities: tuple[TdxModuleIdentity, ...]

    @property
    def is_tdx(self) -> bool:
        return self.version >= 3 and self.id == "TDX"


@dataclass(frozen=True, slots=True, kw_only=True)
class QeIdentity:
    id: str
    version: int
    issue_date: datetime
    next_update: datetime
    evaluation_data_number: int
    miscselect: int
    miscselect_mask: int
    attributes: bytes
    attributes_mask: bytes
    mrsigner: bytes
    isv_prod_id: int
    tcb_levels: tuple[IsvSvnLevel, ...]


class _Fields:
    """Typed access to one JSON object; every mistake is a ConfigurationError naming the document."""

    def __init__(self, value: Any, *, what: str) -> None:
        if not isinstance(value, Mapping):
            raise _garbage(what, "is not a JSON object")
        self.value = value
        self.what = what

    def has(self, key: str) -> bool:
        return key in self.value

    def raw(self, key: str) -> Any:
        if key not in self.value:
            raise _garbage(self.what, f"lacks '{key}'")
        return self.value[key]

    def integer(self, key: str) -> int:
        value = self.raw(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _garbage(self.what, f"'{key}' is not a non-negative integer")
        return value

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str):
            raise _garbage(self.what, f"'{key}' is not a string")
        return value

    def hex_bytes(self, key: str, size: int) -> bytes:
        try:
            value = bytes.fromhex(self.text(key))
        except ValueError:
            raise _garbage(self.what, f"'{key}' is not hex") from None
        if len(value) != size:
            raise _garbage(self.what, f"'{key}' is {len(value)} bytes, expected {size}")
        return value

    def time(self, key: str) -> datetime:
        try:
            return parse_time(self.text(key))
        except ConfigurationError:
            raise _garbage(self.what, f"'{key}' is not an RFC 3339 time") from None

    def status(self, key: str) -> TcbStatus:
        text = self.text(key)
        try:
            return TcbStatus(text)
        except ValueError:
            raise _garbage(self.what, f"'{key}' has unknown status '{text}'") from None

    def objects(self, key: str) -> list[_Fields]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise _garbage(self.what, f"'{key}' is not a list")
        return [_Fields(item, what=f"{self.what} {key}[{index}]") for index, item in enumerate(value)]

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.value.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _garbage(self.what, f"'{key}' is not a list of strings")
        return tuple(value)


def _garbage(what: str, problem: str) -> ConfigurationError:
    return ConfigurationError(f"{what} {problem}", reason="collateral.garbage")


def parse_tcb_info(document: Any) -> TcbInfo:
    fields = _Fields(document, what="TCB info")
    version = fields.integer("version")
    if version not in (2, 3):
        raise _garbage("TCB info", f"version {version} is not supported (2 and 3 are)")
    tcb_id = fields.text("id") if version >= 3 else "SGX"
    is_tdx = version >= 3 and tcb_id == "TDX"
    tdx_module = _parse_module(_Fields(fields.raw("tdxModule"), what="TCB info tdxModule"), "") if is_tdx else None
    identities: tuple[TdxModuleIdentity, ...] = ()
    if is_tdx and fields.has("tdxModuleIdentities"):
        identities = tuple(_parse_module(item, item.text("id")) for item in fields.objects("tdxModuleIdentities"))
    return TcbInfo(
        id=tcb_id,
        version=version,
        issue_date=fields.time("issueDate"),
        next_update=fields.time("nextUpdate"),
        fmspc=fields.hex_bytes("fmspc", 6),
        pce_id=fields.hex_bytes("pceId", 2),
        tcb_type=fields.integer("tcbType"),
        evaluation_data_number=fields.integer("tcbEvaluationDataNumber"),
        tcb_levels=tuple(_parse_tcb_level(level, version, is_tdx) for level in fields.objects("tcbLevels")),
        tdx_module=tdx_module,
        tdx_module_identities=identities,
    )


def _parse_module(fields: _Fields, module_id: str) -> TdxModuleIdentity:
    levels = tuple(_parse_isv_svn_level(level) for level in fields.objects("tcbLevels")) if module_id else ()
    return TdxModuleIdentity(
        id=module_id,
        mrsigner=fields.hex_bytes("mrsigner", 48),
        attributes=fields.hex_bytes("attributes", 8),
        attributes_mask=fields.hex_bytes("attributesMask", 8),
        tcb_levels=levels,
    )


def _parse_tcb_level(fields: _Fields, version: int, is_tdx: bool) -> TcbLevel:
    tcb = _Fields(fields.raw("tcb"), what=f"{fields.what} tcb")
    if version >= 3:
        sgx = tuple(item.integer("svn") for item in tcb.objects("sgxtcbcomponents"))
        tdx = tuple(item.integer("svn") for item in tcb.objects("tdxtcbcomponents")) if is_tdx else None
    else:
        sgx = tuple(tcb.integer(f"sgxtcbcomp{index:02d}svn") for index in range(1, COMPONENT_COUNT + 1))
        tdx = None
    if len(sgx) != COMPONENT_COUNT or (tdx is not None and len(tdx) != COMPONENT_COUNT):
        raise _garbage(fields.what, "does not list 16 SGX (and TDX) TCB components")
    return TcbLevel(
        sgx_components=sgx,
        pce_svn=tcb.integer("pcesvn"),
        tdx_components=tdx,
        tcb_date=fields.text("tcbDate"),
        status=fields.status("tcbStatus"),
        advisory_ids=fields.strings("advisoryIDs"),
    )


def _parse_isv_svn_level(fields: _Fields) -> IsvSvnLevel:
    return IsvSvnLevel(
        isv_svn=_Fields(fields.raw("tcb"), what=f"{fields.what} tcb").integer("isvsvn"),
        tcb_date=fields.text("tcbDate"),
        status=fields.status("tcbStatus"),
        advisory_ids=fields.strings("advisoryIDs"),
    )


def parse_qe_identity(document: Any) -> QeIdentity:
    fields = _Fields(document, what="QE identity")
    version = fields.integer("version")
    if version not in (2, 3):
        raise _garbage("QE identity", f"version {version} is not supported (2 and 3 are)")
    return QeIdentity(
        id=fields.text("id"),
        version=version,
        issue_date=fields.time("issueDate"),
        next_update=fields.time("nextUpdate"),
        evaluation_data_number=fields.integer("tcbEvaluationDataNumber"),
        miscselect=int.from_bytes(fields.hex_bytes("miscselect", 4), "little"),
        miscselect_mask=int.from_bytes(fields.hex_bytes("miscselectMask", 4), "little"),
        attributes=fields.hex_bytes("attributes", 16),
        attributes_mask=fields.hex_bytes("attributesMask", 16),
        mrsigner=fields.hex_bytes("mrsigner", 32),
        isv_prod_id=fields.integer("isvprodid"),
        tcb_levels=tuple(_parse_isv_svn_level(level) for level in fields.objects("tcbLevels")),
    )
