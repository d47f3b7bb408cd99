"""Inputs, import and refusals of sev-snp-measure, the same for every AMD launch digest."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ccpolicy.errors import ConfigurationError

INSTALL_HINT = "pip install 'ccpolicy[amd]' (sev-snp-measure)"
VMM_TYPES = {"qemu": "QEMU", "ec2": "ec2", "gce": "gce"}
"""``vmm_type`` option values -> sev-snp-measure's VMMType member names."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestImages:
    """What a measured direct boot loads: OVMF, and optionally a kernel, its initrd and command line."""

    firmware: Path
    kernel: Path | None = None
    initrd: Path | None = None
    cmdline: str | None = None

    def check(self) -> None:
        if (self.initrd is not None or self.cmdline is not None) and self.kernel is None:
            raise ConfigurationError("--initrd and --append are measured only with --kernel")
        for path in (self.firmware, self.kernel, self.initrd):
            if path is not None and not path.is_file():
                raise ConfigurationError(f"{path} is not a readable file")

    def arguments(self) -> tuple[str, str | None, str | None, str | None]:
        """Firmware, kernel, initrd and command line as sev-snp-measure's functions take them."""
        return (
            str(self.firmware),
            str(self.kernel) if self.kernel is not None else None,
            str(self.initrd) if self.initrd is not None else None,
            self.cmdline,
        )


@dataclass(frozen=True, slots=True)
class SevSnpMeasure:
    guest: ModuleType
    vcpu_types: ModuleType
    vmm_types: ModuleType


def load_sev_snp_measure(needed_for: str) -> SevSnpMeasure:
    try:
        from sevsnpmeasure import guest, vcpu_types, vmm_types  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise ConfigurationError(f"{needed_for} need sev-snp-measure", hint=INSTALL_HINT) from exc
    return SevSnpMeasure(guest=guest, vcpu_types=vcpu_types, vmm_types=vmm_types)


def check_options(options: Mapping[str, str], known: Set[str], *, tee_id: str) -> None:
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigurationError(
            f"unknown {tee_id} reference-value option(s): {', '.join(unknown)}",
            hint=f"known options: {', '.join(sorted(known)) or 'none'}",
        )


def integer_option(options: Mapping[str, str], name: str, default: int, *, limit: int) -> int:
    text = options.get(name)
    if text is None:
        return default
    try:
        value = int(text.strip(), 0)
    except ValueError:
        raise ConfigurationError(f"{name}={text}: expected an integer (decimal or 0x-hex)") from None
    if not 0 <= value <= limit:
        raise ConfigurationError(f"{name}={text}: expected 0..{limit:#x}")
    return value


def vcpu_signature(
    library: SevSnpMeasure, vcpu_type: str | None, options: Mapping[str, str], *, needed_for: str
) -> int:
    """The vCPUs' CPUID signature: option ``vcpu_sig``, or that of a QEMU CPU model (``--vcpu-type``)."""
    known: Mapping[str, int] = library.vcpu_types.CPU_SIGS
    if "vcpu_sig" in options:
        if vcpu_type is not None:
            raise ConfigurationError("give either --vcpu-type or vcpu_sig, not both")
        return integer_option(options, "vcpu_sig", 0, limit=0xFFFF_FFFF)
    if vcpu_type is None:
        raise ConfigurationError(f"{needed_for} needs --vcpu-type (a QEMU CPU model such as EPYC-v4)")
    if vcpu_type not in known:
        raise ConfigurationError(f"unknown vCPU type '{vcpu_type}'", hint=f"known types: {', '.join(known)}")
    return known[vcpu_type]


def vmm_type(library: SevSnpMeasure, options: Mapping[str, str]) -> Any:
    """sev-snp-measure's VMMType for option ``vmm_type`` (qemu, ec2 or gce; default qemu)."""
    name = options.get("vmm_type", "qemu").strip().lower()
    if name not in VMM_TYPES:
        raise ConfigurationError(f"vmm_type={name}: expected one of {', '.join(VMM_TYPES)}")
    return library.vmm_types.VMMType[VMM_TYPES[name]]


def measured(compute: Callable[[], object], *, firmware: Path, size: int, what: str) -> bytes:
    """Run one sev-snp-measure computation; its refusals and a result of the wrong size are errors."""
    try:
        digest = compute()
    except (RuntimeError, ValueError, AssertionError, OSError) as exc:  # how sev-snp-measure refuses firmware
        raise ConfigurationError(f"sev-snp-measure cannot measure {firmware}: {exc}") from exc
    if not isinstance(digest, bytes) or len(digest) != size:
        raise ConfigurationError(f"sev-snp-measure returned {digest!r}, not a {size}-byte {what}")
    return digest
