"""az-snp-vtpm: every real vector verifies at 2025-06-01 with its PROVENANCE facts; swaps and tampering fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.claims import Claims
from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import (
    BindingError,
    CollateralMissingError,
    CollateralNotYetValidError,
    ConfigurationError,
    SignatureError,
    UnsupportedEvidenceError,
    VerificationError,
)
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import TeeVerifier, VerificationContext
from ccpolicy.pipeline import AttestationVerifier
from ccpolicy_azure_vtpm.verifier import AzureVtpmVerifier
from tests.plugins.azure_vtpm.conftest import ContextFactory
from tests.plugins.azure_vtpm.vtpm_cases import NOW, SNP_ENVELOPES, make_host, replace_tpm_quote, verify

CHALLENGE = b"challenge"
V2_NONCE = bytes.fromhex(
    "982f5c6e45df0ed3f10b6f60b02f0c8390e281300f3805e2279c16168cd6ae9aa398f647caa2338748cd0fd9f5f819ef"
)
FACTS: dict[str, dict[str, Any]] = {
    "loose": {
        "hcl_version": 1,
        "snp_version": 2,
        "measurement": "9ac48fcac8a2d88aeeff8d427ad4f2be0e3917c748a18bdf52cc317e7fe20308"
        "b459d5ef1a12e0c22944eb386d17c315",
        "tcb": {"bl": 3, "tee": 0, "snp": 8, "microcode": 115},
        "chip_id": "19752a447db501a3",
        "vm_unique_id": "911B0EF8-9DBA-48B0-B275-4E4DF2D39252",
        "nonce": CHALLENGE,
        "pcr_digest": "0daff74c2fca14910b1e9b54a384707434c3365db9f163cc73a39a9f7500833f",
    },
    "trustee_evidence-v0.json": {
        "hcl_version": 1,
        "snp_version": 3,
        "measurement": "6a063be9dd79f6371c842e480f8dc3b5c725961344e57130e88c5adf49e8f7f6"
        "c79b75a5eb77fc769959f4aeb2f9401e",
        "tcb": {"bl": 4, "tee": 0, "snp": 24, "microcode": 219},
        "chip_id": "66a5a7b4403a3006",
        "vm_unique_id": "26F8BC30-774E-4290-8E7A-535F3B672AEE",
        "nonce": CHALLENGE,
        "pcr_digest": "cfa3a9112493e8c8741c1d895ced6d05a9ea19a24a02a44a8b02eaf22a1b143f",
        "user_data": bytes(64),
    },
    "trustee_evidence-v2.json": {
        "hcl_version": 1,
        "snp_version": 3,
        "measurement": "5b0ce64ad1c1f6375dbda5f760b98526ca1bcf91b8195091afc28e7b024251d6"
        "8fe32e05af34048d6607678cd23283ff",
        "tcb": {"bl": 4, "tee": 0, "snp": 24, "microcode": 219},
        "chip_id": "2e0e62a0e6f39bc4",
        "vm_unique_id": "7DF7B373-B947-4AAA-96E5-C358F2A03D20",
        "nonce": V2_NONCE,
        "pcr_digest": "2304510eb15046d5c940e957b6ac93bc805e3ffcadb38e0a1b95442e552cb004",
        "user_data": V2_NONCE + bytes(16),
    },
}
FACTS["trustee_evidence-v1.json"] = FACTS["trustee_evidence-v0.json"]


@pytest.fixture(scope="module")
def loose_collateral(snp_dir: Path) -> CollateralStore:
    return load_collateral([snp_dir / "ask_ark_milan.pem", snp_dir / "trustee_vcek.pem"])


def evidence_of(name: str, snp_dir: Path, loose: bytes) -> bytes:
    return loose if name == "loose" else (snp_dir / name).read_bytes()


@pytest.mark.parametrize("name", ["loose", *SNP_ENVELOPES])
def test_vector_verifies_with_provenance_facts(
    name: str,
    *,
    snp_verifier: AzureVtpmVerifier,
    snp_dir: Path,
    snp_loose_envelope: bytes,
    context_for: ContextFactory,
    loose_collateral: CollateralStore,
) -> None:
    facts = FACTS[name]
    evidence = evidence_of(name, snp_dir, snp_loose_envelope)
    assert snp_verifier.detect(evidence)
    context = context_for(loose_collateral if name == "loose" else None)
    claims = verify(snp_verifier, evidence, context)

    assert claims.tee == "az-snp-vtpm"
    assert claims.evidence.measurements["launch"].hex() == facts["measurement"]
    assert claims.evidence.report_data == facts["nonce"]
    assert claims.evidence.debug is False
    assert claims.evidence.platform == {"vendor": "AMD", "product": "Milan", "cloud": "Azure"}
    assert claims.evidence.identity["vm_unique_id"] == facts["vm_unique_id"]
    assert claims.evidence.identity["chip_id"].hex().startswith(facts["chip_id"])
    assert len([key for key in claims.evidence.measurements if key.startswith("sha256:pcr")]) == 24

    vendor = claims.vendor
    snp = vendor["snp"]
    assert snp["version"] == facts["snp_version"]
    assert snp["vmpl"] == 0
    assert snp["policy"]["raw"] == 0x3001F
    assert snp["policy"]["debug"] is False
    assert {key: snp["reported_tcb"][key] for key in facts["tcb"]} == facts["tcb"]
    assert vendor["hcl"]["version"] == facts["hcl_version"]
    assert vendor["hcl"]["report_type"] == "snp"
    assert vendor["hcl"]["hash_type"] == "sha256"
    # The SNP report's REPORT_DATA starts with SHA-256 of the runtime claims.
    assert vendor["hardware"]["evidence"].report_data[:32] == vendor["hcl"]["runtime_claims_digest"]
    configuration = vendor["vm_configuration"]
    assert configuration["secure_boot"] is True
    assert configuration["tpm_enabled"] is True
    assert configuration["console_enabled"] is True
    assert configuration["vm_unique_id"] == facts["vm_unique_id"]
    tpm = vendor["tpm"]
    assert tpm["quotes"][0]["extra_data"] == facts["nonce"]
    assert tpm["quotes"][0]["pcr_digest"].hex() == facts["pcr_digest"]
    assert tpm["quotes"][0]["qualified_signer"] == vendor["ak"]["qualified_name"]
    assert tpm["ak"]["trust"] == "pinned-name"
    assert tpm["ak"]["attributes"] and "restricted" in " ".join(tpm["ak"]["attributes"]).lower()
    if "user_data" in facts:
        assert vendor["runtime_claims"]["user_data"] == facts["user_data"]
    assert vendor["envelope"]["vcek_embedded"] is (name != "loose")
    assert claims.collateral.source == "offline"


def test_loose_parts_provenance_details(
    snp_verifier: AzureVtpmVerifier,
    snp_loose_envelope: bytes,
    context_for: ContextFactory,
    loose_collateral: CollateralStore,
) -> None:
    claims = verify(snp_verifier, snp_loose_envelope, context_for(loose_collateral))
    assert claims.vendor["hcl"]["report_size"] == 2346
    assert claims.vendor["hcl"]["runtime_claims_size"] == 1110
    assert claims.vendor["hcl"]["runtime_claims_digest"].hex() == (
        "b3fbad6514c83caeb0380882145e49f794229ef37c421b91fc47ff93556bafac"
    )
    assert claims.vendor["tpm"]["firmware_version"] == 0x2020031200120003
    assert claims.evidence.measurements["sha256:pcr0"].hex() == (
        "f3a7e99a5f819a034386bce753a48a73cfdaa0bea0ecfc124bedbf5a8c4799be"
    )


def test_v0_and_v1_carry_the_same_report(snp_verifier: AzureVtpmVerifier, snp_dir: Path) -> None:
    v0 = snp_verifier.parse((snp_dir / "trustee_evidence-v0.json").read_bytes())
    v1 = snp_verifier.parse((snp_dir / "trustee_evidence-v1.json").read_bytes())
    # Same VM and runtime claims; the signed part of the SNP report is equal, the ECDSA signatures differ.
    assert v0.hcl.runtime_claims_raw == v1.hcl.runtime_claims_raw
    assert v0.hcl.hardware_area[:0x2A0] == v1.hcl.hardware_area[:0x2A0]
    assert v0.hcl.hardware_area[0x2A0:] != v1.hcl.hardware_area[0x2A0:]
    assert v0.envelope.vcek == v1.envelope.vcek
    assert v0.envelope.tpm_quote != v1.envelope.tpm_quote


def test_loose_parts_need_the_vcek(
    snp_verifier: AzureVtpmVerifier, snp_loose_envelope: bytes, context_for: ContextFactory
) -> None:
    with pytest.raises(CollateralMissingError, match="VCEK"):
        verify(snp_verifier, snp_loose_envelope, context_for())


def test_embedded_vcek_still_needs_the_pinned_chain(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    evidence = (snp_dir / "trustee_evidence-v1.json").read_bytes()
    with pytest.raises(CollateralMissingError, match="ASK"):
        verify(snp_verifier, evidence, context_for(CollateralStore()))


def test_before_the_embedded_vcek_window(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    evidence = (snp_dir / "trustee_evidence-v2.json").read_bytes()
    with pytest.raises(CollateralNotYetValidError) as caught:
        verify(snp_verifier, evidence, context_for(now=parse_time("2025-01-01T00:00:00Z")))
    assert caught.value.exit_code == 4


@pytest.mark.parametrize(("target", "donor"), [("trustee_evidence-v2.json", "trustee_evidence-v1.json"), ("v1", "v2")])
def test_swapped_tpm_quote_fails_signature(
    target: str, donor: str, snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    names = {"v1": "trustee_evidence-v1.json", "v2": "trustee_evidence-v2.json"}
    swapped = replace_tpm_quote(
        (snp_dir / names.get(target, target)).read_bytes(), (snp_dir / names.get(donor, donor)).read_bytes()
    )
    with pytest.raises(SignatureError) as caught:
        verify(snp_verifier, swapped, context_for())
    assert caught.value.exit_code == 3


def test_swapped_quote_from_the_loose_vm(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, snp_loose_envelope: bytes, context_for: ContextFactory
) -> None:
    swapped = replace_tpm_quote((snp_dir / "trustee_evidence-v1.json").read_bytes(), snp_loose_envelope)
    with pytest.raises(VerificationError):
        verify(snp_verifier, swapped, context_for())


def _with_hcl_change(envelope: bytes, offset_text: bytes, replacement: bytes) -> bytes:
    import base64

    document = json.loads(envelope)
    hcl = base64.urlsafe_b64decode(document["hcl_report"])
    assert hcl.count(offset_text) == 1
    document["hcl_report"] = base64.urlsafe_b64encode(hcl.replace(offset_text, replacement)).decode()
    return json.dumps(document).encode()


def test_changed_runtime_claims_break_the_hardware_binding(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    evidence = (snp_dir / "trustee_evidence-v1.json").read_bytes()
    changed = _with_hcl_change(evidence, b"26F8BC30-774E", b"26F8BC30-774F")
    with pytest.raises(BindingError) as caught:
        verify(snp_verifier, changed, context_for())
    assert caught.value.reason == "verification.binding.runtime_claims"


def test_version_2_needs_the_nonce_in_user_data(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    document = json.loads((snp_dir / "trustee_evidence-v1.json").read_bytes())
    document["version"] = 2
    with pytest.raises(BindingError) as caught:
        verify(snp_verifier, json.dumps(document).encode(), context_for())
    assert caught.value.reason == "verification.binding.user_data"


class _ReportAtVmpl:
    """The real ``snp`` verifier whose claims say another VMPL: the paravisor check must refuse it."""

    def __init__(self, real: TeeVerifier, vmpl: int) -> None:
        self.real, self.vmpl = real, vmpl
        self.tee_id, self.name, self.version, self.media_types = real.tee_id, real.name, real.version, ()

    def detect(self, evidence: bytes) -> bool:
        return self.real.detect(evidence)

    def parse(self, evidence: bytes) -> Any:
        return self.real.parse(evidence)

    def verify(self, report: Any, context: VerificationContext) -> Claims:
        claims = self.real.verify(report, context)
        return Claims(
            tee=claims.tee,
            evidence=claims.evidence,
            vendor={**claims.vendor, "vmpl": self.vmpl},
            collateral=claims.collateral,
        )


def test_report_outside_vmpl_0_is_refused(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, host: PluginHost, context_for: ContextFactory
) -> None:
    stub = _ReportAtVmpl(host.verifier("snp"), vmpl=2)

    def lookup(tee_id: str) -> TeeVerifier:
        return stub if tee_id == "snp" else host.verifier(tee_id)

    with pytest.raises(BindingError) as caught:
        verify(snp_verifier, (snp_dir / "trustee_evidence-v1.json").read_bytes(), context_for(lookup=lookup))
    assert caught.value.reason == "verification.binding.vmpl"


def test_blocked_snp_plugin_is_unsupported_evidence(snp_dir: Path, context_for: ContextFactory) -> None:
    host = make_host(disabled=("snp",))
    verifier = host.verifier("az-snp-vtpm")
    context = context_for(lookup=host.verifier)
    with pytest.raises(UnsupportedEvidenceError, match="'snp'"):
        verifier.verify(verifier.parse((snp_dir / "trustee_evidence-v1.json").read_bytes()), context)


def test_context_without_host_is_a_configuration_error(
    snp_verifier: AzureVtpmVerifier, snp_dir: Path, context_for: ContextFactory
) -> None:
    with pytest.raises(ConfigurationError, match="verifier_lookup"):
        verify(snp_verifier, (snp_dir / "trustee_evidence-v1.json").read_bytes(), context_for(lookup=None))


def _pipeline(host: PluginHost, data: list[Path] | None = None) -> AttestationVerifier:
    return AttestationVerifier(host, data_paths=data or [])


def test_pipeline_nonce_and_default_policy(host: PluginHost, snp_dir: Path, amd_collateral: CollateralStore) -> None:
    evidence = (snp_dir / "trustee_evidence-v1.json").read_bytes()
    pipeline = _pipeline(host)
    outcome = pipeline.verify(evidence, now=NOW, collateral=amd_collateral, nonce=CHALLENGE)
    assert outcome.error is None and outcome.tee == "az-snp-vtpm"
    assert outcome.exit_code == 5
    assert outcome.input_document is not None
    assert outcome.input_document["evidence"]["nonce_verified"] is True
    assert outcome.appraisal is not None
    assert {reason.rule for reason in outcome.appraisal.reasons} == {
        "az-snp-vtpm.measurement_known",
        "az-snp-vtpm.pcr_reference_values",
        "az-snp-vtpm.console_forbidden",
    }
    wrong = pipeline.verify(evidence, now=NOW, collateral=amd_collateral, nonce=b"other")
    assert wrong.exit_code == 3


def test_pipeline_affirms_with_reference_values(
    host: PluginHost, snp_dir: Path, amd_collateral: CollateralStore, tmp_path: Path
) -> None:
    evidence = (snp_dir / "trustee_evidence-v2.json").read_bytes()
    first = _pipeline(host).verify(evidence, now=NOW, collateral=amd_collateral)
    assert first.claims is not None
    measurements = first.claims.evidence.measurements
    reference = {
        "az-snp-vtpm": {
            "measurements": [measurements["launch"].hex()],
            "pcrs": {f"sha256:pcr{index}": [measurements[f"sha256:pcr{index}"].hex()] for index in (0, 4, 7)},
            "allow_console": True,
            "require_freshness": True,
        }
    }
    data = tmp_path / "reference.json"
    data.write_text(json.dumps(reference))
    outcome = _pipeline(host, [data]).verify(evidence, now=NOW, collateral=amd_collateral, nonce=V2_NONCE)
    assert outcome.exit_code == 0, outcome.appraisal


def test_pipeline_swap_is_exit_3(host: PluginHost, snp_dir: Path, amd_collateral: CollateralStore) -> None:
    swapped = replace_tpm_quote(
        (snp_dir / "trustee_evidence-v2.json").read_bytes(), (snp_dir / "trustee_evidence-v1.json").read_bytes()
    )
    outcome = _pipeline(host).verify(swapped, now=NOW, collateral=amd_collateral)
    assert outcome.exit_code == 3
    assert isinstance(outcome.error, SignatureError)
