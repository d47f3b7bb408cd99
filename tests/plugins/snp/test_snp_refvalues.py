"""SEV-SNP reference values from sev-snp-measure: Debian's OVMF.fd and a synthetic measured-direct-boot image."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from ccpolicy.errors import ConfigurationError
from ccpolicy_snp import plugin
from ccpolicy_snp.reference_values import SnpReferenceValueGenerator
from tests.plugins.snp.synthetic_ovmf import write_launch_inputs

DEBIAN_OVMF = Path("/usr/share/ovmf/OVMF.fd")
DEBIAN_OVMF_SHA256 = "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773"
"""Debian bookworm's ovmf 2022.11-6+deb12u2, the image these measurements are pinned for."""
CMDLINE = "console=ttyS0 root=/dev/vda"
PINNED_DEBIAN_2_VCPUS = (
    "a5b54e62ae971b58274dd24cc6c47b842662617036e7bd67d7326c07ac6363f35399ef933330a5ea160cead90a00603f"
)
PINNED_DIRECT_BOOT = "602a659d11c78cb58c818b7484f6fa05abd99f83261bf65342ba7e63093d326ae97ca305fb7cdfcd3c7ccc29ad1048fa"


@pytest.fixture(scope="module")
def debian_ovmf() -> Path:
    if not DEBIAN_OVMF.is_file():
        pytest.skip(f"{DEBIAN_OVMF} is absent (apt-get install ovmf; .ci/run installs it)")
    return DEBIAN_OVMF


@pytest.fixture
def direct_boot(tmp_path: Path) -> dict[str, Path]:
    return write_launch_inputs(tmp_path)


def generate(firmware: Path, **inputs: object) -> str:
    document = SnpReferenceValueGenerator().reference_values(firmware=firmware, **inputs)  # type: ignore[arg-type]
    assert list(document) == ["snp"]
    section = document["snp"]
    assert isinstance(section, dict) and list(section) == ["measurements"]
    measurements = section["measurements"]
    assert isinstance(measurements, list) and len(measurements) == 1
    value = measurements[0]
    assert isinstance(value, str) and len(value) == 96
    return value


def test_hook_ccpolicy_reference_value_generators() -> None:
    (generator,) = plugin.ccpolicy_reference_value_generators()
    assert isinstance(generator, SnpReferenceValueGenerator)
    assert generator.tee_id == "snp" and tuple(generator.modes) == ("snp",) and generator.name == "sev-snp-measure"


def test_debian_ovmf_measurement_is_pinned(debian_ovmf: Path) -> None:
    if hashlib.sha256(debian_ovmf.read_bytes()).hexdigest() != DEBIAN_OVMF_SHA256:
        pytest.skip(f"{debian_ovmf} is another OVMF build than the one the values are pinned for")
    assert generate(debian_ovmf, vcpus=2, vcpu_type="EPYC-v4") == PINNED_DEBIAN_2_VCPUS


def test_each_vcpu_adds_a_vmsa(debian_ovmf: Path) -> None:
    values = {n: generate(debian_ovmf, vcpus=n, vcpu_type="EPYC-v4") for n in (1, 2, 4)}
    assert len(set(values.values())) == 3
    # The vCPU model enters the VMSA (its CPUID signature); EPYC-v4 and EPYC share one signature.
    assert generate(debian_ovmf, vcpus=2, vcpu_type="EPYC") == values[2]
    assert generate(debian_ovmf, vcpus=2, vcpu_type="EPYC-Milan") != values[2]
    assert generate(debian_ovmf, vcpus=2, options={"vcpu_sig": "0x800f12"}) == values[2]


def test_debian_ovmf_cannot_measure_a_kernel(debian_ovmf: Path, direct_boot: dict[str, Path]) -> None:
    """Debian's OVMF 2022.11 has no SNP kernel-hashes section: a measured direct boot is refused, not guessed."""
    with pytest.raises(ConfigurationError, match="SNP_KERNEL_HASHES"):
        generate(debian_ovmf, kernel=direct_boot["kernel"], vcpus=1, vcpu_type="EPYC-v4")


def test_direct_boot_measurement_is_pinned(direct_boot: dict[str, Path]) -> None:
    value = generate(
        direct_boot["firmware"],
        kernel=direct_boot["kernel"],
        initrd=direct_boot["initrd"],
        cmdline=CMDLINE,
        vcpus=2,
        vcpu_type="EPYC-v4",
    )
    assert value == PINNED_DIRECT_BOOT


@pytest.mark.parametrize(
    "change",
    ["kernel", "initrd", "cmdline", "no_initrd", "vcpus", "guest_features", "vmm_type"],
)
def test_every_launch_input_is_measured(direct_boot: dict[str, Path], tmp_path: Path, change: str) -> None:
    inputs: dict[str, object] = {
        "kernel": direct_boot["kernel"],
        "initrd": direct_boot["initrd"],
        "cmdline": CMDLINE,
        "vcpus": 2,
        "vcpu_type": "EPYC-v4",
        "options": {},
    }
    if change in ("kernel", "initrd"):
        other = tmp_path / f"other-{change}"
        other.write_bytes(direct_boot[change].read_bytes() + b"\0")
        inputs[change] = other
    elif change == "cmdline":
        inputs["cmdline"] = CMDLINE + " quiet"
    elif change == "no_initrd":
        inputs["initrd"] = None
    elif change == "vcpus":
        inputs["vcpus"] = 3
    elif change == "guest_features":
        inputs["options"] = {"guest_features": "0x21"}
    else:
        inputs["options"] = {"vmm_type": "ec2"}
    assert generate(direct_boot["firmware"], **inputs) != PINNED_DIRECT_BOOT


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"vcpu_type": "EPYC-v4"}, "--vcpus"),
        ({"vcpus": 0, "vcpu_type": "EPYC-v4"}, "--vcpus"),
        ({"vcpus": 1}, "--vcpu-type"),
        ({"vcpus": 1, "vcpu_type": "Pentium"}, "unknown vCPU type"),
        ({"vcpus": 1, "vcpu_type": "EPYC-v4", "options": {"vcpu_sig": "1"}}, "not both"),
        ({"vcpus": 1, "vcpu_type": "EPYC-v4", "options": {"colour": "red"}}, "unknown SEV-SNP reference-value option"),
        ({"vcpus": 1, "vcpu_type": "EPYC-v4", "options": {"vmm_type": "xen"}}, "vmm_type=xen"),
        ({"vcpus": 1, "vcpu_type": "EPYC-v4", "options": {"guest_features": "many"}}, "guest_features=many"),
        ({"vcpus": 1, "vcpu_type": "EPYC-v4", "cmdline": "quiet"}, "only with --kernel"),
        ({"vcpus": 1, "vcpu_type": "EPYC-v4", "kernel": Path("/nonexistent/vmlinuz")}, "not a readable file"),
    ],
)
def test_bad_inputs_are_configuration_errors(
    direct_boot: dict[str, Path], inputs: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        generate(direct_boot["firmware"], **inputs)


def test_firmware_sev_snp_measure_refuses(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.fd"
    truncated.write_bytes(b"\x01" * 1000)  # no footer table, not a whole page
    with pytest.raises(ConfigurationError, match="sev-snp-measure cannot measure"):
        generate(truncated, vcpus=1, vcpu_type="EPYC-v4")


def test_missing_sev_snp_measure_says_how_to_install(
    direct_boot: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sevsnpmeasure", None)
    with pytest.raises(ConfigurationError) as caught:
        generate(direct_boot["firmware"], vcpus=1, vcpu_type="EPYC-v4")
    assert caught.value.hint is not None and "ccpolicy[amd]" in caught.value.hint
