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
from functools import partial
from pathlib import Path

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError
from ccpolicy_amd_measure.sev_snp_measure import (
    GuestImages,
    check_options,
    integer_option,
    load_sev_snp_measure,
    measured,
    vcpu_signature,
    vmm_type,
)
from ccpolicy_snp.claims import TEE_ID

MEASUREMENT_SIZE = 48
DEFAULT_GUEST_FEATURES = 0x1
OPTIONS = frozenset({"vmm_type", "guest_features", "vcpu_sig"})


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
    check_options(options, OPTIONS, tee_id="SEV-SNP")
    if vcpus is None or vcpus < 1:
        raise ConfigurationError(
            "an SEV-SNP launch measurement needs --vcpus N (N >= 1): one VMSA is measured per vCPU"
        )
    images = GuestImages(firmware=firmware, kernel=kernel, initrd=initrd, cmdline=cmdline)
    images.check()
    library = load_sev_snp_measure("SEV-SNP reference values")
    vcpu_sig = vcpu_signature(library, vcpu_type, options, needed_for="an SEV-SNP launch measurement")
    vmm = vmm_type(library, options)
    guest_features = integer_option(options, "guest_features", DEFAULT_GUEST_FEATURES, limit=0xFFFF_FFFF_FFFF_FFFF)
    compute = partial(
        library.guest.snp_calc_launch_digest, vcpus, vcpu_sig, *images.arguments(), guest_features, "", vmm
    )
    return measured(compute, firmware=firmware, size=MEASUREMENT_SIZE, what="measurement")
