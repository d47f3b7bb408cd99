"""The ``field=value`` settings of the TDX and SGX forges, parsed into a typed record.

Fields (defaults in brackets; integers decimal or 0x-hex, flags 0/1, binary values hex):

* quote: ``version`` [4 for TDX (4 or 5), 3 for SGX (3 or 4)], ``report_data`` (<= 64 bytes, zero-padded) [zero]
* TDX TD report: ``debug`` [0], ``sept_ve_disable`` [1] (or ``td_attributes``, 8 bytes, overriding both),
  ``xfam`` (8) [e702060000000000], ``mrtd``, ``rtmr0``..``rtmr3``, ``mrseam``, ``mrconfigid``, ``mrowner``,
  ``mrownerconfig`` (48 bytes each) [fixed test values; zero for the config/owner fields and RTMR3],
  ``tee_tcb_svn`` (16 bytes) [06010300000000000000000000000000: TDX module 1.6, TDX microcode SVN 3],
  ``tee_tcb_svn2`` (16 bytes, version 5) [= tee_tcb_svn]
* SGX enclave report: ``debug`` [0], ``mrenclave``, ``mrsigner`` (32 bytes each), ``isv_prod_id`` [1],
  ``isv_svn`` [1]
* platform (PCK certificate): ``sgx_components`` (up to 16 comma-separated SVNs, zero-padded)
  [3,3,2,2,4,1,0,5], ``pcesvn`` [13], ``fmspc`` (6 bytes) [00a06f000000]
* quoting enclave: ``qe_svn`` [8]
* collateral: ``tcb_status`` [UpToDate] and ``tcb_advisories`` (comma-separated) [none] of the TCB level the
  platform matches; below any other status the TCB info also lists a newer UpToDate level (SGX component 1 one
  higher); ``tcb_level_match`` 0 makes the only level require more than the platform has [1];
  ``tcb_date`` (RFC 3339) [2024-11-13T00:00:00Z]; ``module_status`` [UpToDate] (the TDX module identity's
  level); ``qe_status`` [UpToDate] (the QE identity's level)
* negative cases: ``revoked`` none|pck|pck_ca|tcb_signing [none] puts that certificate's serial on its CRL;
  ``crl_expired`` 0|1|pck|root [0] (1 = pck) ends that CRL's window before ``now``; ``tcb_info_expired``,
  ``qe_identity_expired`` 0|1 [0] do the same for those documents
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ccpolicy.clock import format_time, parse_time
from ccpolicy.errors import ConfigurationError
from ccpolicy_dcap.intel_collateral import TcbStatus
from ccpolicy_dcap.quote import TeeType

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

MEASUREMENT_SIZE = 48
ENCLAVE_MEASUREMENT_SIZE = 32
COMPONENT_COUNT = 16
DEFAULT_SGX_COMPONENTS = (3, 3, 2, 2, 4, 1, 0, 5)
DEFAULT_TEE_TCB_SVN = bytes.fromhex("06010300000000000000000000000000")
DEFAULT_XFAM = bytes.fromhex("e702060000000000")
DEFAULT_FMSPC = bytes.fromhex("00a06f000000")
DEFAULT_TCB_DATE = "2024-11-13T00:00:00Z"
TD_DEBUG = 1 << 0
TD_SEPT_VE_DISABLE = 1 << 28
SGX_INIT_MODE64 = 0x05
SGX_DEBUG = 0x02
SGX_XFRM = 0x03


class RevokedCertificate(enum.Enum):
    NONE = "none"
    PCK = "pck"
    PCK_CA = "pck_ca"
    TCB_SIGNING = "tcb_signing"


class ExpiredCrl(enum.Enum):
    NONE = "0"
    PCK = "pck"
    ROOT = "root"


TDX_MEASUREMENTS = ("mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "mrseam", "mrconfigid", "mrowner", "mrownerconfig")
ZERO_BY_DEFAULT = frozenset({"rtmr3", "mrconfigid", "mrowner", "mrownerconfig"})
COMMON_FIELDS = frozenset(
    {
        "version",
        "report_data",
        "debug",
        "sgx_components",
        "pcesvn",
        "fmspc",
        "qe_svn",
        "tcb_status",
        "tcb_advisories",
        "tcb_level_match",
        "tcb_date",
        "qe_status",
        "revoked",
        "crl_expired",
        "tcb_info_expired",
        "qe_identity_expired",
    }
)
TDX_FIELDS = (
    COMMON_FIELDS
    | set(TDX_MEASUREMENTS)
    | {
        "sept_ve_disable",
        "td_attributes",
        "xfam",
        "tee_tcb_svn",
        "tee_tcb_svn2",
        "module_status",
    }
)
SGX_FIELDS = COMMON_FIELDS | {"mrenclave", "mrsigner", "isv_prod_id", "isv_svn"}


@dataclass(frozen=True, slots=True, kw_only=True)
class TdFields:
    """The TD report fields the forge writes (TDX 1.0 plus the TDX 1.5 TEE_TCB_SVN2)."""

    td_attributes: bytes
    xfam: bytes
    measurements: Mapping[str, bytes]
    """``mrtd``, ``rtmr0``..``rtmr3``, ``mrseam``, ``mrconfigid``, ``mrowner``, ``mrownerconfig``."""
    tee_tcb_svn: bytes
    tee_tcb_svn2: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class EnclaveFields:
    attributes: bytes
    mr_enclave: bytes
    mr_signer: bytes
    isv_prod_id: int
    isv_svn: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralSettings:
    tcb_status: TcbStatus
    tcb_advisories: tuple[str, ...]
    tcb_level_match: bool
    tcb_date: str
    module_status: TcbStatus
    qe_status: TcbStatus
    revoked: RevokedCertificate
    crl_expired: ExpiredCrl
    tcb_info_expired: bool
    qe_identity_expired: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DcapForgeSettings:
    tee_type: TeeType
    version: int
    report_data: bytes
    td: TdFields | None
    enclave: EnclaveFields | None
    sgx_components: tuple[int, ...]
    pce_svn: int
    fmspc: bytes
    qe_svn: int
    collateral: CollateralSettings


def parse_forge_settings(settings: Mapping[str, str], tee_type: TeeType) -> DcapForgeSettings:
    """Typed settings; unknown fields and bad values are ConfigurationErrors naming the field."""
    tdx = tee_type is TeeType.TDX
    known = TDX_FIELDS if tdx else SGX_FIELDS
    unknown = set(settings) - known
    if unknown:
        tee = "tdx" if tdx else "sgx"
        raise ConfigurationError(f"unknown {tee} forge settings {sorted(unknown)} (known: {', '.join(sorted(known))})")
    read = _Reader(settings)
    versions = (4, 5) if tdx else (3, 4)
    version = read.integer("version", versions[0], 0xFFFF)
    if version not in versions:
        raise ConfigurationError(f"forge setting version must be one of {versions}, not {version}")
    return DcapForgeSettings(
        tee_type=tee_type,
        version=version,
        report_data=read.padded("report_data", 64),
        td=_td_fields(read) if tdx else None,
        enclave=None if tdx else _enclave_fields(read),
        sgx_components=read.components("sgx_components"),
        pce_svn=read.integer("pcesvn", 13, 0xFFFF),
        fmspc=read.exact("fmspc", 6, DEFAULT_FMSPC),
        qe_svn=read.integer("qe_svn", 8, 0xFFFF),
        collateral=CollateralSettings(
            tcb_status=read.choice("tcb_status", TcbStatus, TcbStatus.UP_TO_DATE),
            tcb_advisories=read.names("tcb_advisories"),
            tcb_level_match=read.flag("tcb_level_match", default=True),
            tcb_date=read.time_text("tcb_date", DEFAULT_TCB_DATE),
            module_status=read.choice("module_status", TcbStatus, TcbStatus.UP_TO_DATE),
            qe_status=read.choice("qe_status", TcbStatus, TcbStatus.UP_TO_DATE),
            revoked=read.choice("revoked", RevokedCertificate, RevokedCertificate.NONE),
            crl_expired=_expired_crl(settings.get("crl_expired", "0")),
            tcb_info_expired=read.flag("tcb_info_expired"),
            qe_identity_expired=read.flag("qe_identity_expired"),
        ),
    )


def default_measurement(name: str, size: int = MEASUREMENT_SIZE) -> bytes:
    """A fixed, recognizable test value: SHA-384 (or its first ``size`` bytes) of a label."""
    return hashlib.sha384(f"ccpolicy forged {name}".encode()).digest()[:size]


def _td_fields(read: _Reader) -> TdFields:
    attributes = (TD_DEBUG if read.flag("debug") else 0) | (
        TD_SEPT_VE_DISABLE if read.flag("sept_ve_disable", default=True) else 0
    )
    measurements = {
        name: read.exact(name, MEASUREMENT_SIZE, bytes(48) if name in ZERO_BY_DEFAULT else default_measurement(name))
        for name in TDX_MEASUREMENTS
    }
    tee_tcb_svn = read.exact("tee_tcb_svn", 16, DEFAULT_TEE_TCB_SVN)
    return TdFields(
        td_attributes=read.exact("td_attributes", 8, attributes.to_bytes(8, "little")),
        xfam=read.exact("xfam", 8, DEFAULT_XFAM),
        measurements=measurements,
        tee_tcb_svn=tee_tcb_svn,
        tee_tcb_svn2=read.exact("tee_tcb_svn2", 16, tee_tcb_svn),
    )


def _enclave_fields(read: _Reader) -> EnclaveFields:
    flags = SGX_INIT_MODE64 | (SGX_DEBUG if read.flag("debug") else 0)
    return EnclaveFields(
        attributes=flags.to_bytes(8, "little") + SGX_XFRM.to_bytes(8, "little"),
        mr_enclave=read.exact("mrenclave", ENCLAVE_MEASUREMENT_SIZE, default_measurement("mrenclave", 32)),
        mr_signer=read.exact("mrsigner", ENCLAVE_MEASUREMENT_SIZE, default_measurement("mrsigner", 32)),
        isv_prod_id=read.integer("isv_prod_id", 1, 0xFFFF),
        isv_svn=read.integer("isv_svn", 1, 0xFFFF),
    )


def _expired_crl(text: str) -> ExpiredCrl:
    value = text.strip().lower()
    if value == "1":
        return ExpiredCrl.PCK
    for choice in ExpiredCrl:
        if choice.value == value:
            return choice
    raise ConfigurationError(f"forge setting crl_expired must be 0, 1, pck or root, not '{text}'")


class _Reader:
    """Reads one setting at a time with a default; every bad value names its field."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self.settings = settings

    def _get(self, name: str, default: T, convert: Callable[[str], T]) -> T:
        if name not in self.settings:
            return default
        return convert(self.settings[name].strip())

    def integer(self, name: str, default: int, maximum: int) -> int:
        def convert(text: str) -> int:
            try:
                value = int(text, 0)
            except ValueError:
                raise ConfigurationError(f"forge setting {name} must be an integer, not '{text}'") from None
            if not 0 <= value <= maximum:
                raise ConfigurationError(f"forge setting {name} must be 0..{maximum}, not {value}")
            return value

        return self._get(name, default, convert)

    def flag(self, name: str, *, default: bool = False) -> bool:
        def convert(text: str) -> bool:
            if text.lower() in {"1", "true", "yes"}:
                return True
            if text.lower() in {"0", "false", "no"}:
                return False
            raise ConfigurationError(f"forge setting {name} must be 0 or 1, not '{text}'")

        return self._get(name, default, convert)

    def _hex(self, name: str, text: str) -> bytes:
        try:
            return bytes.fromhex(text.removeprefix("0x"))
        except ValueError:
            raise ConfigurationError(f"forge setting {name} must be hexadecimal") from None

    def exact(self, name: str, size: int, default: bytes) -> bytes:
        def convert(text: str) -> bytes:
            value = self._hex(name, text)
            if len(value) != size:
                raise ConfigurationError(f"forge setting {name} must be {size} bytes, not {len(value)}")
            return value

        return self._get(name, default, convert)

    def padded(self, name: str, size: int) -> bytes:
        def convert(text: str) -> bytes:
            value = self._hex(name, text)
            if len(value) > size:
                raise ConfigurationError(f"forge setting {name} must be at most {size} bytes, not {len(value)}")
            return value.ljust(size, b"\0")

        return self._get(name, bytes(size), convert)

    def components(self, name: str) -> tuple[int, ...]:
        def convert(text: str) -> tuple[int, ...]:
            try:
                values = [int(part, 0) for part in text.split(",") if part.strip()]
            except ValueError:
                raise ConfigurationError(f"forge setting {name} must be comma-separated integers") from None
            if len(values) > COMPONENT_COUNT or not all(0 <= value <= 0xFF for value in values):
                raise ConfigurationError(f"forge setting {name} takes up to 16 SVNs of 0..255")
            return tuple(values) + (0,) * (COMPONENT_COUNT - len(values))

        return self._get(name, DEFAULT_SGX_COMPONENTS + (0,) * (COMPONENT_COUNT - 8), convert)

    def choice(self, name: str, kind: type[E], default: E) -> E:
        def convert(text: str) -> E:
            for member in kind:
                if str(member.value).lower() == text.lower():
                    return member
            names = ", ".join(str(member.value) for member in kind)
            raise ConfigurationError(f"forge setting {name} must be one of {names}, not '{text}'")

        return self._get(name, default, convert)

    def names(self, name: str) -> tuple[str, ...]:
        return self._get(name, (), lambda text: tuple(part.strip() for part in text.split(",") if part.strip()))

    def time_text(self, name: str, default: str) -> str:
        return self._get(name, default, lambda text: format_time(parse_time(text)))
