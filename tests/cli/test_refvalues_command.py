"""``ccpolicy refvalues``: sev-snp-measure through the plugins, written as data the default policies read.

The headline check: the measurement computed for Debian's OVMF.fd, put into a forged SNP report with
``ccpolicy forge snp --set measurement=...``, moves the default policy's ``executables`` claim from 33
(unrecognized) to 3 (approved boot) once the refvalues output is passed with ``--data``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccpolicy.cli.main import main
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import CollateralSource, ReferenceValueGenerator
from tests.plugins.snp.synthetic_ovmf import write_launch_inputs

OVMF = Path("/usr/share/ovmf/OVMF.fd")
AT = "2026-03-01T12:00:00Z"
DIRECT_BOOT_SNP = "602a659d11c78cb58c818b7484f6fa05abd99f83261bf65342ba7e63093d326ae97ca305fb7cdfcd3c7ccc29ad1048fa"
DIRECT_BOOT_SEV = "2b00050672186b7b533431ebe6107005e1943a65ccfa01ce211a93783ed8eba3"
DIRECT_BOOT_SEV_ES = "724ed58320d9d4334c4b3b8b0f6accb35015118e17ade94902602eb575d8fc1a"
CMDLINE = "console=ttyS0 root=/dev/vda"


@pytest.fixture(scope="module")
def ovmf() -> Path:
    if not OVMF.is_file():
        pytest.skip(f"{OVMF} is absent (apt-get install ovmf; .ci/run installs it)")
    return OVMF


@pytest.fixture
def direct_boot(tmp_path: Path) -> list[str]:
    files = write_launch_inputs(tmp_path)
    return [
        "--ovmf",
        str(files["firmware"]),
        "--kernel",
        str(files["kernel"]),
        "--initrd",
        str(files["initrd"]),
        "--append",
        CMDLINE,
        "--vcpus",
        "2",
        "--vcpu-type",
        "EPYC-v4",
    ]


def test_host_collects_generators_and_sources() -> None:
    host = PluginHost.load()
    generators = host.reference_value_generators
    assert sorted(generators) == ["sev", "sev-es", "snp"]
    assert all(isinstance(g, ReferenceValueGenerator) for g in generators.values())
    assert sorted(host.collateral_sources) == ["snp"]
    assert isinstance(host.collateral_sources["snp"], CollateralSource)
    provided = host.providers()
    assert "refvalues:snp" in provided["snp"] and "collateral:snp" in provided["snp"]
    assert {"refvalues:sev", "refvalues:sev-es"} <= set(provided["sev"])


def test_refvalues_turn_executables_from_33_to_3(
    ovmf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = tmp_path / "refs.json"
    arguments = ["refvalues", "snp", "--ovmf", str(ovmf), "--vcpus", "2", "--vcpu-type", "EPYC-v4"]
    assert main([*arguments, "--out", str(refs)]) == 0
    document = json.loads(refs.read_text())
    (measurement,) = document["snp"]["measurements"]
    assert list(document) == ["snp"] and len(measurement) == 96

    forged = tmp_path / "forged"
    assert main(["forge", "snp", "--out", str(forged), "--at", AT, "--set", f"measurement={measurement}"]) == 0
    capsys.readouterr()
    verify = [
        "verify",
        str(forged / "report.bin"),
        "--collateral",
        str(forged / "collateral"),
        "--at",
        AT,
        "--trust-test-root",
        "--format",
        "json",
    ]

    def appraise(*extra: str) -> tuple[int, dict[str, object]]:
        code = main([*verify, *extra])
        outcome = json.loads(capsys.readouterr().out)
        assert outcome["claims"]["evidence"]["measurements"]["launch"] == measurement
        return code, outcome["appraisal"]

    code, appraisal = appraise()
    assert code == 5 and appraisal["trust_vector"]["executables"] == 33  # type: ignore[index]
    code, appraisal = appraise("--data", str(refs))
    assert code == 0 and appraisal["status"] == "affirming"
    assert appraisal["trust_vector"]["executables"] == 3  # type: ignore[index]


def test_output_merges_into_an_existing_data_file(ovmf: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.json"
    refs.write_text(json.dumps({"snp": {"measurements": ["ab" * 48], "allowed_vmpls": [0, 1]}, "note": "kept"}))
    arguments = ["refvalues", "snp", "--ovmf", str(ovmf), "--vcpu-type", "EPYC-v4", "--out", str(refs)]
    assert main([*arguments, "--vcpus", "1"]) == 0
    assert main([*arguments, "--vcpus", "2"]) == 0
    assert main([*arguments, "--vcpus", "2"]) == 0  # the same value again: not duplicated
    assert main([*arguments, "--vcpus", "2", "--mode", "seves"]) == 0
    assert main([*arguments, "--mode", "sev"]) == 0
    document = json.loads(refs.read_text())
    assert document["note"] == "kept" and document["snp"]["allowed_vmpls"] == [0, 1]
    measurements = document["snp"]["measurements"]
    assert len(measurements) == 3 and measurements[0] == "ab" * 48 and len(set(measurements)) == 3
    assert len(document["sev-es"]["measurements"]) == 1 and len(document["sev-es"]["measurements"][0]) == 64
    assert len(document["sev"]["measurements"]) == 1


@pytest.mark.parametrize(
    ("selector", "key", "expected"),
    [
        (["snp"], "snp", DIRECT_BOOT_SNP),
        (["snp", "--mode", "snp"], "snp", DIRECT_BOOT_SNP),
        (["snp", "--mode", "seves"], "sev-es", DIRECT_BOOT_SEV_ES),
        (["sev-es"], "sev-es", DIRECT_BOOT_SEV_ES),
        (["snp", "--mode", "sev"], "sev", DIRECT_BOOT_SEV),
        (["sev"], "sev", DIRECT_BOOT_SEV),
    ],
)
def test_modes_and_tees_select_the_layout(
    direct_boot: list[str], capsys: pytest.CaptureFixture[str], selector: list[str], key: str, expected: str
) -> None:
    assert main(["refvalues", *selector, *direct_boot]) == 0
    assert json.loads(capsys.readouterr().out) == {key: {"measurements": [expected]}}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["refvalues", "tdx"], "no reference-value generator for 'tdx'"),
        (["refvalues", "snp", "--mode", "snp:svsm"], "no reference-value generator for 'snp:svsm'"),
        (["refvalues", "snp", "--set", "vmm_type"], "--set takes FIELD=VALUE"),
        (["refvalues", "snp", "--set", "colour=red"], "unknown SEV-SNP reference-value option"),
    ],
)
def test_usage_errors_exit_1(
    direct_boot: list[str], capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main([*arguments, *direct_boot]) == 1
    assert message in capsys.readouterr().err


def test_missing_vcpus_exit_1(direct_boot: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    without_vcpus = [a for i, a in enumerate(direct_boot) if a != "--vcpus" and direct_boot[i - 1] != "--vcpus"]
    assert main(["refvalues", "snp", *without_vcpus]) == 1
    assert "--vcpus" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["not json", "[1, 2]"])
def test_unreadable_data_file_is_left_alone(
    direct_boot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    refs = tmp_path / "refs.json"
    refs.write_text(content)
    assert main(["refvalues", "snp", *direct_boot, "--out", str(refs)]) == 1
    assert refs.read_text() == content
    assert "data file" in capsys.readouterr().err
