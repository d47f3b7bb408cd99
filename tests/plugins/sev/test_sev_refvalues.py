"""SEV and SEV-ES launch digests from sev-snp-measure, checked against an independent computation where possible."""

from __future__ import annotations

import hashlib
import struct
import uuid
from pathlib import Path

import pytest

from ccpolicy.errors import ConfigurationError
from ccpolicy_sev import plugin
from ccpolicy_sev.reference_values import SevReferenceValueGenerator
from tests.plugins.snp.synthetic_ovmf import write_launch_inputs

DEBIAN_OVMF = Path("/usr/share/ovmf/OVMF.fd")
DEBIAN_OVMF_SHA256 = "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773"
PINNED_SEV_ES_DEBIAN_2_VCPUS = "5b1d28d8e8b3c2c9939d39bf18a7f05b16935279425c1c1e1ab19109acca9ffd"
PINNED_SEV_ES_DIRECT_BOOT = "724ed58320d9d4334c4b3b8b0f6accb35015118e17ade94902602eb575d8fc1a"
PINNED_SEV_DIRECT_BOOT = "2b00050672186b7b533431ebe6107005e1943a65ccfa01ce211a93783ed8eba3"
CMDLINE = "console=ttyS0 root=/dev/vda"
SEV = SevReferenceValueGenerator(encrypted_state=False)
SEV_ES = SevReferenceValueGenerator(encrypted_state=True)


@pytest.fixture(scope="module")
def debian_ovmf() -> Path:
    if not DEBIAN_OVMF.is_file():
        pytest.skip(f"{DEBIAN_OVMF} is absent (apt-get install ovmf; .ci/run installs it)")
    return DEBIAN_OVMF


@pytest.fixture
def direct_boot(tmp_path: Path) -> dict[str, Path]:
    return write_launch_inputs(tmp_path)


def digest(generator: SevReferenceValueGenerator, firmware: Path, **inputs: object) -> str:
    document = generator.reference_values(firmware=firmware, **inputs)  # type: ignore[arg-type]
    assert list(document) == [generator.tee_id]
    section = document[generator.tee_id]
    assert isinstance(section, dict) and list(section) == ["measurements"]
    measurements = section["measurements"]
    assert isinstance(measurements, list) and len(measurements) == 1
    value = measurements[0]
    assert isinstance(value, str) and len(value) == 64
    return value


def qemu_hashes_table(kernel: bytes, initrd: bytes, cmdline: str) -> bytes:
    """QEMU's SEV hashes table (header GUID, length, cmdline/initrd/kernel SHA-256 entries), padded to 16 bytes."""

    def guid(text: str) -> bytes:
        return uuid.UUID(text).bytes_le

    entry_size = 16 + 2 + 32
    entries = b"".join(
        guid(g) + struct.pack("<H", entry_size) + hashlib.sha256(data).digest()
        for g, data in (
            ("97d02dd8-bd20-4c94-aa78-e7714d36ab2a", cmdline.encode() + b"\0"),
            ("44baf731-3a2f-4bd7-9af1-41e29169781d", initrd),
            ("4de79437-abd2-427f-b835-d5b172d2045b", kernel),
        )
    )
    table = guid("9438d606-4f22-4cc9-b479-a793d411fd21") + struct.pack("<H", 18 + len(entries)) + entries
    return table + bytes(-len(table) % 16)


def test_hook_gives_sev_and_sev_es_generators() -> None:
    generators = plugin.ccpolicy_reference_value_generators()
    assert [(g.tee_id, tuple(g.modes)) for g in generators] == [("sev", ("sev",)), ("sev-es", ("seves", "sev-es"))]


def test_sev_digest_of_debian_ovmf_is_its_sha256(debian_ovmf: Path) -> None:
    """Without a kernel, the SEV launch digest is SHA-256 over the firmware; vCPUs are not measured."""
    expected = hashlib.sha256(debian_ovmf.read_bytes()).hexdigest()
    assert digest(SEV, debian_ovmf) == expected
    assert digest(SEV, debian_ovmf, vcpus=4, vcpu_type="EPYC-v4") == expected


def test_sev_es_digest_of_debian_ovmf_is_pinned(debian_ovmf: Path) -> None:
    if hashlib.sha256(debian_ovmf.read_bytes()).hexdigest() != DEBIAN_OVMF_SHA256:
        pytest.skip(f"{debian_ovmf} is another OVMF build than the one the values are pinned for")
    assert digest(SEV_ES, debian_ovmf, vcpus=2, vcpu_type="EPYC-v4") == PINNED_SEV_ES_DEBIAN_2_VCPUS


def test_sev_direct_boot_digest_matches_an_independent_computation(direct_boot: dict[str, Path]) -> None:
    firmware, kernel, initrd = (direct_boot[name].read_bytes() for name in ("firmware", "kernel", "initrd"))
    expected = hashlib.sha256(firmware + qemu_hashes_table(kernel, initrd, CMDLINE)).hexdigest()
    value = digest(
        SEV, direct_boot["firmware"], kernel=direct_boot["kernel"], initrd=direct_boot["initrd"], cmdline=CMDLINE
    )
    assert value == expected == PINNED_SEV_DIRECT_BOOT


def test_sev_es_direct_boot_digest_is_pinned(direct_boot: dict[str, Path]) -> None:
    inputs: dict[str, object] = {
        "kernel": direct_boot["kernel"],
        "initrd": direct_boot["initrd"],
        "cmdline": CMDLINE,
        "vcpu_type": "EPYC-v4",
    }
    assert digest(SEV_ES, direct_boot["firmware"], vcpus=2, **inputs) == PINNED_SEV_ES_DIRECT_BOOT
    assert digest(SEV_ES, direct_boot["firmware"], vcpus=1, **inputs) != PINNED_SEV_ES_DIRECT_BOOT
    assert digest(SEV_ES, direct_boot["firmware"], vcpus=2, **{**inputs, "cmdline": "quiet"}) != (
        PINNED_SEV_ES_DIRECT_BOOT
    )


def test_debian_ovmf_cannot_measure_a_kernel(debian_ovmf: Path, direct_boot: dict[str, Path]) -> None:
    with pytest.raises(ConfigurationError, match="kernel/initrd/cmdline measurement"):
        digest(SEV, debian_ovmf, kernel=direct_boot["kernel"])


@pytest.mark.parametrize(
    ("generator", "inputs", "message"),
    [
        (SEV_ES, {"vcpu_type": "EPYC-v4"}, "--vcpus"),
        (SEV_ES, {"vcpus": 1}, "--vcpu-type"),
        (SEV_ES, {"vcpus": 1, "vcpu_type": "EPYC-v4", "options": {"vmm_type": "xen"}}, "vmm_type=xen"),
        (SEV_ES, {"vcpus": 1, "options": {"vcpu_sig": "0x1ffffffff"}}, r"expected 0\.\.0xffffffff"),
        (SEV, {"options": {"vmm_type": "qemu"}}, "unknown sev reference-value option"),
        (SEV, {"initrd": Path("/nonexistent")}, "only with --kernel"),
    ],
)
def test_bad_inputs_are_configuration_errors(
    direct_boot: dict[str, Path], generator: SevReferenceValueGenerator, inputs: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        digest(generator, direct_boot["firmware"], **inputs)
