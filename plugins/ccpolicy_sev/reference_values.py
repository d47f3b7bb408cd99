"""Reference values of the SEV and SEV-ES default policies: the launch digest (GCTX.LD) of an OVMF guest.

Computed with sev-snp-measure (the ``amd`` extra; imported when used, so the plugin loads without it):

* SEV: SHA-256 over the OVMF image, then the SEV hashes table of a measured direct boot
  (kernel / initrd / command line) when a kernel is given. vCPUs are not measured.
* SEV-ES: the same, then one VMSA page per vCPU, which depends on the vCPU's CPUID signature (a QEMU
  CPU model such as ``EPYC-v4``) and the VMM (option ``vmm_type`` qemu|ec2|gce [qemu]).

The result is the data document that policies/sev (``{"sev": {"measurements": ["<hex>"]}}``) or
policies/sev-es (``{"sev-es": {...}}``) reads. ``vcpu_sig`` (a CPUID signature) may replace ``vcpu_type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError

LAUNCH_DIGEST_SIZE = 32
INSTALL_HINT = "pip install 'ccpolicy[amd]' (sev-snp-measure)"
VMM_TYPES = {"qemu": "QEMU", "ec2": "ec2", "gce": "gce"}
OPTIONS = {False: frozenset(), True: frozenset({"vmm_type", "vcpu_sig"})}


class SevReferenceValueGenerator:
    """The expected launch digest of an SEV (``encrypted_state=False``) or SEV-ES guest."""

    name: str = "sev-snp-measure"

    def __init__(self, *, encrypted_state: bool) -> None:
        self.encrypted_state = encrypted_state
        self.tee_id = "sev-es" if encrypted_state else "sev"
        self.modes: tuple[str, ...] = ("seves", "sev-es") if encrypted_state else ("sev",)

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
        digest = self.launch_digest(
            firmware=firmware,
            kernel=kernel,
            initrd=initrd,
            cmdline=cmdline,
            vcpus=vcpus,
            vcpu_type=vcpu_type,
            options=options or {},
        )
        return {self.tee_id: {"measurements": [digest.hex()]}}

    def launch_digest(
        self,
        *,
        firmware: Path,
        kernel: Path | None,
        initrd: Path | None,
        cmdline: str | None,
        vcpus: int | None,
        vcpu_type: str | None,
        options: Mapping[str, str],
    ) -> bytes:
        """The 32-byte launch digest. ConfigurationError on bad inputs or firmware sev-snp-measure refuses."""
        unknown = sorted(set(options) - OPTIONS[self.encrypted_state])
        if unknown:
            raise ConfigurationError(
                f"unknown {self.tee_id} reference-value option(s): {', '.join(unknown)}",
                hint=f"known options: {', '.join(sorted(OPTIONS[self.encrypted_state])) or 'none'}",
            )
        if (initrd is not None or cmdline is not None) and kernel is None:
            raise ConfigurationError("--initrd and --append are measured only with --kernel")
        for path in (firmware, kernel, initrd):
            if path is not None and not path.is_file():
                raise ConfigurationError(f"{path} is not a readable file")
        guest, vcpu_types, vmm_types = _sev_snp_measure()
        files = (
            str(firmware),
            str(kernel) if kernel is not None else None,
            str(initrd) if initrd is not None else None,
            cmdline,
        )
        try:
            if self.encrypted_state:
                if vcpus is None or vcpus < 1:
                    raise ConfigurationError("an SEV-ES launch digest needs --vcpus N (N >= 1): one VMSA per vCPU")
                vcpu_sig = _vcpu_signature(vcpu_type, options.get("vcpu_sig"), vcpu_types.CPU_SIGS)
                vmm_name = options.get("vmm_type", "qemu").strip().lower()
                if vmm_name not in VMM_TYPES:
                    raise ConfigurationError(f"vmm_type={vmm_name}: expected one of {', '.join(VMM_TYPES)}")
                digest = guest.seves_calc_launch_digest(
                    vcpus, vcpu_sig, *files, vmm_type=vmm_types.VMMType[VMM_TYPES[vmm_name]]
                )
            else:
                digest = guest.sev_calc_launch_digest(*files)
        except (RuntimeError, ValueError, AssertionError, OSError) as exc:  # how sev-snp-measure refuses firmware
            raise ConfigurationError(f"sev-snp-measure cannot measure {firmware}: {exc}") from exc
        if not isinstance(digest, bytes) or len(digest) != LAUNCH_DIGEST_SIZE:
            raise ConfigurationError(f"sev-snp-measure returned {digest!r}, not a {LAUNCH_DIGEST_SIZE}-byte digest")
        return digest


def _sev_snp_measure() -> tuple[ModuleType, ModuleType, ModuleType]:
    try:
        from sevsnpmeasure import guest, vcpu_types, vmm_types  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise ConfigurationError("SEV and SEV-ES reference values need sev-snp-measure", hint=INSTALL_HINT) from exc
    return guest, vcpu_types, vmm_types


def _vcpu_signature(vcpu_type: str | None, vcpu_sig: str | None, known: Mapping[str, int]) -> int:
    if vcpu_sig is not None:
        if vcpu_type is not None:
            raise ConfigurationError("give either --vcpu-type or vcpu_sig, not both")
        try:
            value = int(vcpu_sig.strip(), 0)
        except ValueError:
            raise ConfigurationError(f"vcpu_sig={vcpu_sig}: expected an integer (decimal or 0x-hex)") from None
        if not 0 <= value <= 0xFFFF_FFFF:
            raise ConfigurationError(f"vcpu_sig={vcpu_sig}: expected a 32-bit CPUID signature")
        return value
    if vcpu_type is None:
        raise ConfigurationError("an SEV-ES launch digest needs --vcpu-type (a QEMU CPU model such as EPYC-v4)")
    if vcpu_type not in known:
        raise ConfigurationError(f"unknown vCPU type '{vcpu_type}'", hint=f"known types: {', '.join(known)}")
    return known[vcpu_type]
