"""Reference values of the SNP default policy: the MEASUREMENT a QEMU/OVMF guest will report.

Computed with sev-snp-measure (the ``amd`` extra; imported when used, so the plugin loads without it)
from the OVMF image, the optional kernel / initrd / command line of a measured direct boot, the number
of vCPUs and their CPUID signature (a QEMU CPU model such as ``EPYC-v4``). The result is the data
document ``{"snp": {"measurements": ["<hex>"]}}`` that policies/snp reads.

Options (``--set FIELD=VALUE``): ``vmm_type`` qemu|ec2|gce [qemu], ``guest_features`` (SEV_FEATURES of
the VMSA, decimal or 0x-hex) [0x1], ``vcpu_sig`` (a CPUID signature instead of ``vcpu_type``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError
from ccpolicy_snp.claims import TEE_ID

MEASUREMENT_SIZE = 48
DEFAULT_GUEST_FEATURES = 0x1
OPTIONS = frozenset({"vmm_type", "guest_features", "vcpu_sig"})
VMM_TYPES = {"qemu": "QEMU", "ec2": "ec2", "gce": "gce"}
INSTALL_HINT = "pip install 'ccpolicy[amd]' (sev-snp-measure)"


class SnpReferenceValueGenerator:
    """The expected SEV-SNP launch MEASUREMENT of a guest (tee_id ``snp``; ``--mode snp``)."""

    tee_id: str = TEE_ID
    name: str = "sev-snp-measure"
    modes: tuple[str, ...] = ("snp",)

    def reference_values(
        self,
        *,
        firmware: Path,
        kernel: Path | None = None,
        initrd: Path | None = None,
        cmdline: str | None = None,
        vcpus: int | None = None,
        vcpu_type: str | None = None,
        options: Mapping[str, str] | None = None,
    ) -> dict[str, JsonValue]:
        measurement = snp_launch_measurement(
            firmware=firmware,
            kernel=kernel,
            initrd=initrd,
            cmdline=cmdline,
            vcpus=vcpus,
            vcpu_type=vcpu_type,
            options=options or {},
        )
        return {TEE_ID: {"measurements": [measurement.hex()]}}


def snp_launch_measurement(
    *,
    firmware: Path,
    kernel: Path | None,
    initrd: Path | None,
    cmdline: str | None,
    vcpus: int | None,
    vcpu_type: str | None,
    options: Mapping[str, str],
) -> bytes:
    """The 48-byte launch digest (MEASUREMENT) of an SEV-SNP guest. ConfigurationError on bad inputs."""
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise ConfigurationError(
            f"unknown SEV-SNP reference-value option(s): {', '.join(unknown)}",
            hint=f"known options: {', '.join(sorted(OPTIONS))}",
        )
    if vcpus is None or vcpus < 1:
        raise ConfigurationError(
            "an SEV-SNP launch measurement needs --vcpus N (N >= 1): one VMSA is measured per vCPU"
        )
    if (initrd is not None or cmdline is not None) and kernel is None:
        raise ConfigurationError("--initrd and --append are measured only with --kernel")
    for path in (firmware, kernel, initrd):
        if path is not None and not path.is_file():
            raise ConfigurationError(f"{path} is not a readable file")
    guest, vcpu_types, vmm_types = _sev_snp_measure()
    vcpu_sig = _vcpu_signature(vcpu_type, options.get("vcpu_sig"), vcpu_types.CPU_SIGS)
    vmm_name = options.get("vmm_type", "qemu").strip().lower()
    if vmm_name not in VMM_TYPES:
        raise ConfigurationError(f"vmm_type={vmm_name}: expected one of {', '.join(VMM_TYPES)}")
    guest_features = _integer(
        options.get("guest_features"), "guest_features", DEFAULT_GUEST_FEATURES, limit=0xFFFF_FFFF_FFFF_FFFF
    )
    try:
        digest = guest.snp_calc_launch_digest(
            vcpus,
            vcpu_sig,
            str(firmware),
            str(kernel) if kernel is not None else None,
            str(initrd) if initrd is not None else None,
            cmdline,
            guest_features,
            "",
            vmm_types.VMMType[VMM_TYPES[vmm_name]],
        )
    except (RuntimeError, ValueError, AssertionError, OSError) as exc:  # how sev-snp-measure refuses firmware
        raise ConfigurationError(f"sev-snp-measure cannot measure {firmware}: {exc}") from exc
    if not isinstance(digest, bytes) or len(digest) != MEASUREMENT_SIZE:
        raise ConfigurationError(f"sev-snp-measure returned {digest!r}, not a {MEASUREMENT_SIZE}-byte measurement")
    return digest


def _sev_snp_measure() -> tuple[ModuleType, ModuleType, ModuleType]:
    try:
        from sevsnpmeasure import guest, vcpu_types, vmm_types  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise ConfigurationError("SEV-SNP reference values need sev-snp-measure", hint=INSTALL_HINT) from exc
    return guest, vcpu_types, vmm_types


def _vcpu_signature(vcpu_type: str | None, vcpu_sig: str | None, known: Mapping[str, int]) -> int:
    if vcpu_sig is not None:
        if vcpu_type is not None:
            raise ConfigurationError("give either --vcpu-type or vcpu_sig, not both")
        return _integer(vcpu_sig, "vcpu_sig", 0, limit=0xFFFF_FFFF)
    if vcpu_type is None:
        raise ConfigurationError("an SEV-SNP launch measurement needs --vcpu-type (a QEMU CPU model such as EPYC-v4)")
    if vcpu_type not in known:
        raise ConfigurationError(f"unknown vCPU type '{vcpu_type}'", hint=f"known types: {', '.join(known)}")
    return known[vcpu_type]


def _integer(text: str | None, name: str, default: int, *, limit: int) -> int:
    if text is None:
        return default
    try:
        value = int(text.strip(), 0)
    except ValueError:
        raise ConfigurationError(f"{name}={text}: expected an integer (decimal or 0x-hex)") from None
    if not 0 <= value <= limit:
        raise ConfigurationError(f"{name}={text}: expected 0..{limit:#x}")
    return value
