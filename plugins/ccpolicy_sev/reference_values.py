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
from functools import partial
from pathlib import Path

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError
from ccpolicy_amd_measure.sev_snp_measure import (
    GuestImages,
    check_options,
    load_sev_snp_measure,
    measured,
    vcpu_signature,
    vmm_type,
)

LAUNCH_DIGEST_SIZE = 32
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
        check_options(options, OPTIONS[self.encrypted_state], tee_id=self.tee_id)
        images = GuestImages(firmware=firmware, kernel=kernel, initrd=initrd, cmdline=cmdline)
        images.check()
        library = load_sev_snp_measure("SEV and SEV-ES reference values")
        if self.encrypted_state:
            if vcpus is None or vcpus < 1:
                raise ConfigurationError("an SEV-ES launch digest needs --vcpus N (N >= 1): one VMSA per vCPU")
            vcpu_sig = vcpu_signature(library, vcpu_type, options, needed_for="an SEV-ES launch digest")
            vmm = vmm_type(library, options)
            compute = partial(
                library.guest.seves_calc_launch_digest, vcpus, vcpu_sig, *images.arguments(), vmm_type=vmm
            )
        else:
            compute = partial(library.guest.sev_calc_launch_digest, *images.arguments())
        return measured(compute, firmware=firmware, size=LAUNCH_DIGEST_SIZE, what="digest")
