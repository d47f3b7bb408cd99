"""``ccpolicy collateral fetch`` and ``ccpolicy verify --fetch-collateral`` against a KDS on 127.0.0.1.

Forged evidence (the forge's test ARK signs its CRLs) drives the verdicts: fetched current CRLs are
checked, a revoked VCEK is exit 3, a stale CRL is exit 4. The real Milan files show the fetch in KDS
layout and that a CRL in ARK-Milan's name that ARK-Milan did not sign fails closed (exit 3).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ccpolicy.cli.main import main
from ccpolicy.clock import parse_time
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.forge_certificates import rsa_key
from ccpolicy_snp.forge_revocation import forge_crl
from tests.plugins.snp.local_kds import LocalKds, running

AT = "2026-03-01T12:00:00Z"
NOW = parse_time(AT)


def serve_forged(kds: LocalKds, out: Path, **settings: str) -> Path:
    """Forge a Milan report and serve its VCEK, ASK + ARK chain and the ARK's CRL in KDS layout."""
    forged = SnpForge().forge(out, {"crl": "1", **settings}, NOW)
    evidence = forged.evidence.read_bytes()
    chip, tcb = evidence[0x1A0:0x1E0].hex(), evidence[0x180:0x188]
    vcek_path = f"/vcek/v1/Milan/{chip}?blSPL={tcb[0]}&teeSPL={tcb[1]}&snpSPL={tcb[6]}&ucodeSPL={tcb[7]}"
    kds.serve(vcek_path, forged.collateral[0].read_bytes())
    kds.serve("/vcek/v1/Milan/cert_chain", forged.collateral[1].read_bytes())
    kds.serve("/vcek/v1/Milan/crl", forged.collateral[2].read_bytes())
    return forged.evidence


@pytest.fixture(scope="module")
def snp_vectors(vectors: Path) -> Path:
    return vectors / "snp"


@pytest.fixture
def kds() -> Iterator[LocalKds]:
    with running(LocalKds()) as server:
        yield server


def verify_json(
    kds: LocalKds, evidence: Path, cache: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, object]]:
    data = evidence.parent / "refvalues.json"
    arguments = ["verify", str(evidence), "--at", AT, "--fetch-collateral", "--collateral-cache", str(cache)]
    arguments += ["--kds-url", kds.base_url, "--trust-test-root", "--format", "json"]
    if data.exists():
        arguments += ["--data", str(data)]
    code = main([*arguments, *extra])
    return code, json.loads(capsys.readouterr().out)


def test_collateral_fetch_prints_the_cached_files(
    kds: LocalKds, snp_vectors: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chain = snp_vectors / "ask_ark_milan.pem"
    ark = x509.load_pem_x509_certificates(chain.read_bytes())[-1]
    at = parse_time("2025-06-01T00:00:00Z")
    crl = forge_crl(ark, rsa_key("ark"), revoked=[], this_update=at - timedelta(days=1), next_update=at + timedelta(7))
    chip = (snp_vectors / "gsg_attestation_milan_v2_debug.bin").read_bytes()[0x1A0:0x1E0].hex()
    kds.serve(
        f"/vcek/v1/Milan/{chip}?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68",
        (snp_vectors / "gsg_vcek_milan.der").read_bytes(),
    )
    kds.serve("/vcek/v1/Milan/cert_chain", chain.read_bytes())
    kds.serve("/vcek/v1/Milan/crl", crl.public_bytes(Encoding.DER))
    cache = tmp_path / "cache"
    report = snp_vectors / "gsg_attestation_milan_v2_debug.bin"
    fetch = ["collateral", "fetch", "snp", str(report), "--cache", str(cache), "--kds-url", kds.base_url]
    assert main([*fetch, "--at", "2025-06-01T00:00:00Z"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [
        str(cache / "vcek/v1/Milan" / chip / "bl2-tee0-snp5-ucode68.der"),
        str(cache / "vcek/v1/Milan/cert_chain.pem"),
        str(cache / "vcek/v1/Milan/crl.der"),
    ]
    # The cache verifies as offline collateral, and the CRL in ARK-Milan's name that ARK-Milan did not sign
    # fails closed: exit 3, whether it is fetched again or read from the directory.
    verify = ["verify", str(report), "--at", "2025-06-01T00:00:00Z", "--format", "json"]
    assert main([*verify, "--collateral", str(cache)]) == 3
    assert "CRL is not signed by 'ARK-Milan'" in json.loads(capsys.readouterr().out)["error"]["message"]
    fetched = [*verify, "--fetch-collateral", "--collateral-cache", str(cache), "--kds-url", kds.base_url]
    assert main(fetched) == 3
    capsys.readouterr()
    assert len(kds.requests) == 3  # everything came from the cache the second time


def test_verify_fetch_collateral_checks_the_fetched_crl(
    kds: LocalKds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence = serve_forged(kds, tmp_path / "forged")
    code, outcome = verify_json(kds, evidence, tmp_path / "cache", capsys)
    assert code == 0, outcome
    claims = outcome["claims"]
    assert isinstance(claims, dict)
    assert claims["collateral"] == {"source": "test-root", "not_after": "2026-03-08T12:00:00Z", "crl_checked": True}
    assert [path.split("?")[0].rsplit("/", 1)[-1] for path in kds.requests][1:] == ["cert_chain", "crl"]
    code, _ = verify_json(kds, evidence, tmp_path / "cache", capsys)
    assert code == 0 and len(kds.requests) == 3  # the second run used the cache


def test_verify_fetch_collateral_revoked_ask_is_exit_3(
    kds: LocalKds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """KDS's CRL is the ARK's: it revokes ASKs (a VCEK's revocation is on the ASK's CRL, tested offline)."""
    evidence = serve_forged(kds, tmp_path / "forged", revoke="ask")
    code, outcome = verify_json(kds, evidence, tmp_path / "cache", capsys)
    assert code == 3 and outcome["error"]["reason"] == "verification.revoked"  # type: ignore[index]


def test_verify_fetch_collateral_stale_crl_is_exit_4(
    kds: LocalKds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence = serve_forged(
        kds, tmp_path / "forged", crl_this_update="2026-01-01T00:00:00Z", crl_next_update="2026-02-01T00:00:00Z"
    )
    code, outcome = verify_json(kds, evidence, tmp_path / "cache", capsys)
    assert code == 4
    error = outcome["error"]
    assert isinstance(error, dict) and error["reason"] == "collateral.expired" and "stale" in error["message"]


def test_a_failed_fetch_does_not_stop_other_evidence(
    kds: LocalKds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = serve_forged(kds, tmp_path / "good")
    other = SnpForge().forge(tmp_path / "unknown", {"chip_id": "11" * 64}, NOW).evidence  # KDS does not know it
    arguments = ["verify", str(other), str(good), "--at", AT, "--fetch-collateral", "--kds-url", kds.base_url]
    arguments += ["--collateral-cache", str(tmp_path / "cache"), "--trust-test-root", "--format", "json"]
    arguments += ["--data", str(good.parent / "refvalues.json")]
    assert main(arguments) == 4
    outcomes = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["exit_code"] for o in outcomes] == [4, 0]
    assert "HTTP 404" in outcomes[0]["error"]["message"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["verify", "EVIDENCE", "--collateral-cache", "x"], "go with --fetch-collateral"),
        (["verify", "EVIDENCE", "--kds-url", "http://127.0.0.1:9"], "go with --fetch-collateral"),
        (["collateral", "fetch", "tdx", "EVIDENCE"], "no collateral source for TEE 'tdx'"),
    ],
)
def test_usage_errors_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    evidence = SnpForge().forge(tmp_path, {}, NOW).evidence
    assert main([str(evidence) if a == "EVIDENCE" else a for a in arguments]) == 1
    assert message in capsys.readouterr().err


def test_default_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ccpolicy.cli.collateral_command import default_cache_dir

    monkeypatch.setenv("CCPOLICY_CACHE_DIR", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("CCPOLICY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "ccpolicy" / "collateral"
