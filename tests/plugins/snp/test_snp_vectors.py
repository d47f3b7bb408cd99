"""Real SEV-SNP evidence (../shared/vectors/snp) verifies, with the facts of PROVENANCE.md."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ccpolicy.claims import Claims, to_input_document
from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import CollateralExpiredError, CollateralNotYetValidError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_snp.verifier import SnpVerifier


@dataclass(frozen=True, kw_only=True)
class VectorFacts:
    report: str
    collateral: tuple[str, ...]
    at: str
    version: int
    measurement: str
    report_data: str
    policy: int
    debug: bool
    smt: bool
    abi: tuple[int, int]
    vmpl: int
    guest_svn: int
    tcb: dict[str, int]
    firmware: str
    chip_id_prefix: str
    signing_key: str
    platform_info: int
    signer_prefix: str | None
    cpuid: tuple[int, int, int] | None
    leaf_window: tuple[str, str]


GSG_V2 = VectorFacts(
    report="gsg_attestation_milan_v2_debug.bin",
    collateral=("gsg_vcek_milan.der", "ask_ark_milan.pem"),
    at="2025-06-01T00:00:00Z",
    version=2,
    measurement="b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01",
    report_data="0102030405" + "00" * 59,
    policy=0xB0000,
    debug=True,
    smt=True,
    abi=(0, 0),
    vmpl=0,
    guest_svn=0,
    tcb={"bl": 2, "tee": 0, "snp": 5, "microcode": 68},
    firmware="1.49.3",
    chip_id_prefix="3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea4"
    "64cdce40c05f63c9b610c5068b006b5d",
    signing_key="vcek",
    platform_info=0x1,
    signer_prefix=None,
    cpuid=None,
    leaf_window=("2022-09-24T00:55:28Z", "2029-09-24T00:55:28Z"),
)
TRUSTEE_V2 = VectorFacts(
    report="trustee_report_milan_v2_vcek.bin",
    collateral=("trustee_vcek_milan.der", "ask_ark_milan.pem"),
    at="2025-06-01T00:00:00Z",
    version=2,
    measurement="a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c",
    report_data="ec6c52d7533cc2c4f45be7849cf112ab82b2009fe7bd43e71ed08c14400ad7e2" + "00" * 32,
    policy=0x3001F,
    debug=False,
    smt=True,
    abi=(0, 0x1F),
    vmpl=0,
    guest_svn=4,
    tcb={"bl": 3, "tee": 0, "snp": 8, "microcode": 115},
    firmware="1.52.4",
    chip_id_prefix="c38427a30d4c7af9",
    signing_key="vcek",
    platform_info=0x1,
    signer_prefix="0356215882a82527",
    cpuid=None,
    leaf_window=("2023-01-24T17:58:26Z", "2030-01-24T17:58:26Z"),
)
TRUSTEE_V3_VLEK = VectorFacts(
    report="trustee_report_milan_v3_vlek.bin",
    collateral=("trustee_vlek_milan.der", "ask_ark_milan_vlek.pem"),
    at="2025-06-01T00:00:00Z",
    version=3,
    measurement="8922ebbdd00ec2c541f36a6e7a82a8773a7accb451ed67bc94e740dbe92c93c4e8c9af857f5ceeb5a493df2a570d7bf0",
    report_data="819770b7e6ea6df8dd8fd4dd146b073c0bf4f3ce5b0977ecac486e3a05ed1bd54e2a7ac1f5d1ca02e7d7d5ef9f73b857"
    "4fd9359e3a480d741a4478e8a7bc27ca",
    policy=0x30000,
    debug=False,
    smt=True,
    abi=(0, 0),
    vmpl=1,
    guest_svn=0,
    tcb={"bl": 4, "tee": 0, "snp": 24, "microcode": 217},
    firmware="1.55.29",
    chip_id_prefix="00" * 64,
    signing_key="vlek",
    platform_info=0x27,
    signer_prefix=None,
    cpuid=(0x19, 0x01, 0x01),
    leaf_window=("2024-12-10T22:14:21Z", "2025-12-10T22:14:21Z"),
)
ALL_VECTORS = [GSG_V2, TRUSTEE_V2, TRUSTEE_V3_VLEK]


def verify(snp_vectors: Path, store: CollateralStore, report_name: str, at: str, *, unsafe: bool = False) -> Claims:
    verifier = SnpVerifier()
    report = verifier.parse((snp_vectors / report_name).read_bytes())
    context = VerificationContext(now=parse_time(at), collateral=store, unsafe_trust_test_root=unsafe)
    return verifier.verify(report, context)


@pytest.mark.parametrize("facts", ALL_VECTORS, ids=lambda f: f.report)
def test_vector_verifies_with_provenance_facts(
    facts: VectorFacts, snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    claims = verify(snp_vectors, snp_collateral(*facts.collateral), facts.report, facts.at)
    evidence = claims.evidence
    assert claims.tee == "snp"
    assert evidence.platform == {"vendor": "AMD", "product": "Milan"}
    assert evidence.measurements == {"launch": bytes.fromhex(facts.measurement)}
    assert evidence.report_data == bytes.fromhex(facts.report_data)
    assert evidence.debug is facts.debug
    assert dict(evidence.tcb.components) == facts.tcb
    assert evidence.tcb.status is None
    assert evidence.identity["signing_key"] == facts.signing_key
    assert evidence.identity["chip_id"].hex().startswith(facts.chip_id_prefix)
    if facts.signer_prefix is None:
        assert evidence.signer is None
    else:
        assert evidence.signer is not None and evidence.signer.hex().startswith(facts.signer_prefix)

    vendor = claims.vendor
    assert vendor["version"] == facts.version
    assert vendor["policy"]["raw"] == facts.policy
    assert vendor["policy"]["debug"] is facts.debug
    assert vendor["policy"]["smt"] is facts.smt
    assert (vendor["policy"]["abi_major"], vendor["policy"]["abi_minor"]) == facts.abi
    assert vendor["policy"]["migrate_ma"] is False
    assert vendor["vmpl"] == facts.vmpl
    assert vendor["guest_svn"] == facts.guest_svn
    assert vendor["platform_info"]["raw"] == facts.platform_info
    assert vendor["current_version"]["text"] == facts.firmware
    assert {k: vendor["reported_tcb"][k] for k in facts.tcb} == facts.tcb
    assert vendor["signature_algo"] == 1
    expected_cpuid = (
        None if facts.cpuid is None else dict(zip(("family", "model", "stepping"), facts.cpuid, strict=True))
    )
    assert vendor["cpuid"] == expected_cpuid

    assert claims.collateral.source == "offline"
    assert claims.collateral.crl_checked is False
    assert claims.collateral.not_after == parse_time(facts.leaf_window[1])


@pytest.mark.parametrize("facts", ALL_VECTORS, ids=lambda f: f.report)
def test_vector_windows_are_enforced(
    facts: VectorFacts, snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    store = snp_collateral(*facts.collateral)
    not_before, not_after = facts.leaf_window
    verify(snp_vectors, store, facts.report, not_before)  # boundaries are inside the window
    verify(snp_vectors, store, facts.report, not_after)
    with pytest.raises(CollateralNotYetValidError, match=not_before):
        verify(snp_vectors, store, facts.report, "2022-01-01T00:00:00Z")
    with pytest.raises(CollateralExpiredError, match=not_after):
        verify(snp_vectors, store, facts.report, "2050-01-01T00:00:00Z")


def test_vlek_report_expired_at_2026_and_valid_in_2025(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    store = snp_collateral(*TRUSTEE_V3_VLEK.collateral)
    claims = verify(snp_vectors, store, TRUSTEE_V3_VLEK.report, "2025-06-01T00:00:00Z")
    assert claims.vendor["signing_key"] == "vlek"
    assert claims.vendor["endorsement"]["csp_id"] == "CN=cc-us-east-2.amazonaws.com"
    with pytest.raises(CollateralExpiredError) as caught:
        verify(snp_vectors, store, TRUSTEE_V3_VLEK.report, "2026-11-27T00:00:00Z")
    assert "VLEK" in caught.value.message
    assert "2025-12-10T22:14:21Z" in caught.value.message


def test_every_report_verifies_from_one_mixed_collateral_store(
    snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]
) -> None:
    """Collateral is picked by content: all vector certificates in one store, each report finds its own."""
    names = sorted(p.name for p in snp_vectors.iterdir() if p.suffix in (".der", ".pem"))
    store = snp_collateral(*names)
    for facts in ALL_VECTORS:
        claims = verify(snp_vectors, store, facts.report, facts.at)
        assert claims.evidence.measurements["launch"] == bytes.fromhex(facts.measurement)


def test_input_document_is_json(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    claims = verify(snp_vectors, snp_collateral(*GSG_V2.collateral), GSG_V2.report, GSG_V2.at)
    document = to_input_document(claims, now=parse_time(GSG_V2.at), nonce_verified=None)
    decoded = json.loads(json.dumps(document))
    assert decoded["tee"] == "snp"
    assert decoded["evidence"]["measurements"]["launch"] == GSG_V2.measurement
    assert decoded["evidence"]["debug"] is True
    assert decoded["evidence"]["signer"] is None
    assert decoded["snp"]["policy"]["debug"] is True
    assert decoded["snp"]["chip_id"] == GSG_V2.chip_id_prefix
    assert decoded["snp"]["endorsement"]["product_name"] == "Milan-B0"
    assert decoded["collateral"] == {"source": "offline", "not_after": "2029-09-24T00:55:28Z", "crl_checked": False}


def test_verification_is_deterministic(snp_vectors: Path, snp_collateral: Callable[..., CollateralStore]) -> None:
    store = snp_collateral(*TRUSTEE_V2.collateral)
    first = verify(snp_vectors, store, TRUSTEE_V2.report, TRUSTEE_V2.at)
    second = verify(snp_vectors, store, TRUSTEE_V2.report, TRUSTEE_V2.at)
    now = parse_time(TRUSTEE_V2.at)
    assert to_input_document(first, now=now, nonce_verified=None) == to_input_document(
        second, now=now, nonce_verified=None
    )
