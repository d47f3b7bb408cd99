"""The entry module: hook implementations and loading through the ``ccpolicy`` entry point."""

from __future__ import annotations

from pathlib import Path

from ccpolicy.clock import parse_time
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy_snp import plugin
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.verifier import SnpVerifier


def test_hook_ccpolicy_tee_verifiers() -> None:
    (verifier,) = plugin.ccpolicy_tee_verifiers()
    assert isinstance(verifier, TeeVerifier) and isinstance(verifier, SnpVerifier)
    assert verifier.tee_id == "snp"
    assert tuple(verifier.media_types) == ("application/vnd.amd.sev.snp.attestation-report",)
    assert verifier.name and verifier.version


def test_hook_ccpolicy_evidence_forges() -> None:
    (forge,) = plugin.ccpolicy_evidence_forges()
    assert isinstance(forge, EvidenceForge) and isinstance(forge, SnpForge)
    assert forge.tee_id == "snp"


def test_host_loads_the_plugin_by_entry_point(tmp_path: Path) -> None:
    host = PluginHost.load()
    assert isinstance(host.tee_verifiers["snp"], SnpVerifier)
    forged = host.evidence_forges["snp"].forge(tmp_path, {}, parse_time("2026-01-01T00:00:00Z"))
    evidence = forged.evidence.read_bytes()
    assert host.tee_verifiers["snp"].detect(evidence)
