"""The AMD KDS client over loopback: real vectors served in KDS URL layout, 429 answers, stale and foreign CRLs.

Facts from ../shared/vectors/snp/PROVENANCE.md: the go-sev-guest report is version 2 (no product), Milan,
REPORTED_TCB bl=2 tee=0 snp=5 ucode=68, CHIP_ID 3ac3fe21...; its VCEK is valid 2022-09-24T00:55:28Z ..
2029-09-24T00:55:28Z. The trustee VCEK report is another Milan chip at bl=3 tee=0 snp=8 ucode=115.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ccpolicy.clock import parse_time
from ccpolicy.errors import (
    CollateralExpiredError,
    CollateralMissingError,
    CollateralNotYetValidError,
    ConfigurationError,
)
from ccpolicy_snp import plugin
from ccpolicy_snp.forge import SnpForge
from ccpolicy_snp.forge_certificates import rsa_key
from ccpolicy_snp.forge_revocation import forge_crl
from ccpolicy_snp.kds_client import KdsNotFoundError, retry_delay
from ccpolicy_snp.kds_collateral import KdsCollateralSource
from tests.plugins.snp.local_kds import LocalKds, running

AT = parse_time("2025-06-01T00:00:00Z")
GSG_REPORT = "gsg_attestation_milan_v2_debug.bin"
GSG_CHIP = (
    "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea4"
    "64cdce40c05f63c9b610c5068b006b5d"
)
GSG_VCEK_PATH = f"/vcek/v1/Milan/{GSG_CHIP}?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68"
TRUSTEE_REPORT = "trustee_report_milan_v2_vcek.bin"
VLEK_REPORT = "trustee_report_milan_v3_vlek.bin"
CHAIN_PATH = "/vcek/v1/Milan/cert_chain"
CRL_PATH = "/vcek/v1/Milan/crl"


class Sleeps:
    """The injected sleep: records each delay instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def trustee_vcek_path(snp_vectors: Path) -> str:
    chip = (snp_vectors / TRUSTEE_REPORT).read_bytes()[0x1A0:0x1E0].hex()  # CHIP_ID, ABI spec offset 1A0h
    return f"/vcek/v1/Milan/{chip}?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115"


def ark_of(chain_file: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificates(chain_file.read_bytes())[-1]


def crl_bytes(issuer: x509.Certificate, this_update: datetime, next_update: datetime) -> bytes:
    """A CRL in the issuer's name, signed by the forge's ARK key (genuine only for forge chains)."""
    crl = forge_crl(issuer, rsa_key("ark"), revoked=[], this_update=this_update, next_update=next_update)
    return crl.public_bytes(Encoding.DER)


@pytest.fixture
def kds(snp_vectors: Path) -> Iterator[LocalKds]:
    """The real Milan files in KDS layout, with a CRL in the name of the real ARK-Milan, current at AT."""
    server = LocalKds()
    server.serve(GSG_VCEK_PATH, (snp_vectors / "gsg_vcek_milan.der").read_bytes())
    server.serve(trustee_vcek_path(snp_vectors), (snp_vectors / "trustee_vcek_milan.der").read_bytes())
    server.serve(CHAIN_PATH, (snp_vectors / "ask_ark_milan.pem").read_bytes())
    server.serve("/vlek/v1/Milan/cert_chain", (snp_vectors / "ask_ark_milan_vlek.pem").read_bytes())
    ark = ark_of(snp_vectors / "ask_ark_milan.pem")
    current = crl_bytes(ark, AT - timedelta(days=1), AT + timedelta(days=6))
    server.serve(CRL_PATH, current)
    server.serve("/vlek/v1/Milan/crl", current)
    with running(server):
        yield server


def fetch(
    kds: LocalKds, snp_vectors: Path, cache: Path, report: str = GSG_REPORT, *, now: datetime = AT, **source: object
) -> list[Path]:
    collateral_source = KdsCollateralSource(**source)  # type: ignore[arg-type]
    evidence = (snp_vectors / report).read_bytes()
    return list(collateral_source.fetch(evidence, cache_dir=cache, now=now, service_url=kds.base_url))


def test_hook_ccpolicy_collateral_sources() -> None:
    (source,) = plugin.ccpolicy_collateral_sources()
    assert isinstance(source, KdsCollateralSource) and source.tee_id == "snp" and source.name == "kds"


def test_fetches_the_vcek_chain_and_crl_in_kds_layout(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    paths = fetch(kds, snp_vectors, tmp_path, sleep=Sleeps())
    assert kds.requests == [GSG_VCEK_PATH, CHAIN_PATH, CRL_PATH]
    assert paths == [
        tmp_path / "vcek" / "v1" / "Milan" / GSG_CHIP / "bl2-tee0-snp5-ucode68.der",
        tmp_path / "vcek" / "v1" / "Milan" / "cert_chain.pem",
        tmp_path / "vcek" / "v1" / "Milan" / "crl.der",
    ]
    assert paths[0].read_bytes() == (snp_vectors / "gsg_vcek_milan.der").read_bytes()
    assert paths[1].read_bytes() == (snp_vectors / "ask_ark_milan.pem").read_bytes()
    record = json.loads(paths[0].with_name(paths[0].name + ".window.json").read_text())
    assert record["url"] == kds.base_url + GSG_VCEK_PATH and record["kind"] == "VCEK"
    assert (record["not_before"], record["not_after"]) == ("2022-09-24T00:55:28Z", "2029-09-24T00:55:28Z")
    chain_record = json.loads((tmp_path / "vcek/v1/Milan/cert_chain.pem.window.json").read_text())
    assert (chain_record["not_before"], chain_record["not_after"]) == ("2020-10-22T18:24:20Z", "2045-10-22T17:23:05Z")
    crl_record = json.loads((tmp_path / "vcek/v1/Milan/crl.der.window.json").read_text())
    assert (crl_record["not_before"], crl_record["not_after"]) == ("2025-05-31T00:00:00Z", "2025-06-07T00:00:00Z")


def test_one_fetch_per_vcek_per_cache_lifetime(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    first = fetch(kds, snp_vectors, tmp_path)
    assert fetch(kds, snp_vectors, tmp_path) == first  # a new source, as a new process would make
    assert fetch(kds, snp_vectors, tmp_path, now=AT + timedelta(days=5)) == first
    assert kds.count(GSG_VCEK_PATH) == 1 and kds.count(CHAIN_PATH) == 1 and kds.count(CRL_PATH) == 1
    # Another chip: its own VCEK, the same chain and CRL from the cache.
    fetch(kds, snp_vectors, tmp_path, TRUSTEE_REPORT)
    assert kds.count(trustee_vcek_path(snp_vectors)) == 1 and kds.count(CHAIN_PATH) == 1
    # Past the CRL's nextUpdate only the CRL is fetched again.
    ark = ark_of(snp_vectors / "ask_ark_milan.pem")
    later = AT + timedelta(days=30)
    kds.serve(CRL_PATH, crl_bytes(ark, later - timedelta(days=1), later + timedelta(days=6)))
    fetch(kds, snp_vectors, tmp_path, now=later)
    assert kds.count(GSG_VCEK_PATH) == 1 and kds.count(CHAIN_PATH) == 1 and kds.count(CRL_PATH) == 2
    # A cached file that no longer matches its record is fetched again.
    first[0].write_bytes(first[0].read_bytes()[:-1] + b"\0")
    fetch(kds, snp_vectors, tmp_path, now=later)
    assert kds.count(GSG_VCEK_PATH) == 2
    assert first[0].read_bytes() == (snp_vectors / "gsg_vcek_milan.der").read_bytes()
    # Past the VCEK's window (it ends 2029-09-24) it is asked for again.
    much_later = parse_time("2030-01-01T00:00:00Z")
    kds.serve(CRL_PATH, crl_bytes(ark, much_later - timedelta(days=1), much_later + timedelta(days=6)))
    fetch(kds, snp_vectors, tmp_path, now=much_later)
    assert kds.count(GSG_VCEK_PATH) == 3 and kds.count(CHAIN_PATH) == 1


def test_backoff_on_429_honours_retry_after(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    kds.refuse(GSG_VCEK_PATH, 429, {"Retry-After": "7"})
    kds.refuse(GSG_VCEK_PATH, 429)  # no Retry-After: 10 s doubled for the second retry
    kds.refuse(CRL_PATH, 503, {"Retry-After": "3600"})  # capped at max_delay
    sleeps = Sleeps()
    paths = fetch(kds, snp_vectors, tmp_path, sleep=sleeps)
    assert sleeps.delays == [7.0, 20.0, 120.0]
    assert kds.requests == [GSG_VCEK_PATH] * 3 + [CHAIN_PATH] + [CRL_PATH] * 2
    assert paths[0].read_bytes() == (snp_vectors / "gsg_vcek_milan.der").read_bytes()


def test_retries_are_bounded(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    kds.refuse(GSG_VCEK_PATH, 429, {"Retry-After": "1"}, times=10)
    sleeps = Sleeps()
    with pytest.raises(CollateralMissingError) as caught:
        fetch(kds, snp_vectors, tmp_path, sleep=sleeps, max_retries=3)
    assert caught.value.reason == "collateral.throttled" and "after 3 retries" in caught.value.message
    assert sleeps.delays == [1.0, 1.0, 1.0] and kds.count(GSG_VCEK_PATH) == 4
    assert not (tmp_path / "vcek").exists()


def test_stale_crl_is_refused_and_never_cached(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    ark = ark_of(snp_vectors / "ask_ark_milan.pem")
    stale = crl_bytes(ark, parse_time("2025-01-01T00:00:00Z"), parse_time("2025-02-01T00:00:00Z"))
    kds.serve(CRL_PATH, stale)
    with pytest.raises(CollateralExpiredError) as caught:
        fetch(kds, snp_vectors, tmp_path)
    assert "2025-01-01T00:00:00Z .. 2025-02-01T00:00:00Z" in caught.value.message and "stale" in caught.value.message
    assert not (tmp_path / "vcek/v1/Milan/crl.der").exists()
    assert (tmp_path / "vcek/v1/Milan/cert_chain.pem").exists()  # certificates are kept; only the CRL is refused
    # Asked again, the stale CRL is fetched again (KDS may have a new one by then) and refused again.
    with pytest.raises(CollateralExpiredError):
        fetch(kds, snp_vectors, tmp_path)
    assert kds.count(CRL_PATH) == 2 and kds.count(GSG_VCEK_PATH) == 1


def test_cached_crl_past_its_window_is_not_handed_out(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    fetch(kds, snp_vectors, tmp_path)  # caches the CRL current at AT
    with pytest.raises(CollateralExpiredError):  # KDS still serves that CRL a month later
        fetch(kds, snp_vectors, tmp_path, now=AT + timedelta(days=30))


def test_crl_not_yet_valid_is_refused(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    ark = ark_of(snp_vectors / "ask_ark_milan.pem")
    kds.serve(CRL_PATH, crl_bytes(ark, AT + timedelta(days=1), AT + timedelta(days=8)))
    with pytest.raises(CollateralNotYetValidError, match="not valid before 2025-06-02T00:00:00Z"):
        fetch(kds, snp_vectors, tmp_path)


def test_crl_of_another_issuer_is_refused(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    forged = SnpForge().forge(tmp_path / "forged", {}, AT)
    forge_ark = x509.load_pem_x509_certificates(forged.collateral[1].read_bytes())[-1]
    kds.serve(CRL_PATH, crl_bytes(forge_ark, AT - timedelta(days=1), AT + timedelta(days=6)))
    with pytest.raises(CollateralMissingError) as caught:
        fetch(kds, snp_vectors, tmp_path / "cache")
    assert caught.value.reason == "collateral.mismatch" and "not by the ARK of the chain" in caught.value.message


def test_version_2_report_is_asked_for_as_milan_then_genoa(snp_vectors: Path, tmp_path: Path) -> None:
    server = LocalKds()
    genoa_vcek = GSG_VCEK_PATH.replace("/Milan/", "/Genoa/")
    server.serve(genoa_vcek, (snp_vectors / "gsg_vcek_milan.der").read_bytes())
    server.serve("/vcek/v1/Genoa/cert_chain", (snp_vectors / "ask_ark_genoa.pem").read_bytes())
    genoa_ark = ark_of(snp_vectors / "ask_ark_genoa.pem")
    server.serve("/vcek/v1/Genoa/crl", crl_bytes(genoa_ark, AT - timedelta(days=1), AT + timedelta(days=6)))
    with running(server):
        paths = fetch(server, snp_vectors, tmp_path)
    assert server.requests == [GSG_VCEK_PATH, genoa_vcek, "/vcek/v1/Genoa/cert_chain", "/vcek/v1/Genoa/crl"]
    assert [p.relative_to(tmp_path).parts[:3] for p in paths] == [("vcek", "v1", "Genoa")] * 3


def test_unknown_chip_is_kds_not_found(snp_vectors: Path, tmp_path: Path) -> None:
    with running(LocalKds()) as server, pytest.raises(KdsNotFoundError, match="HTTP 404"):
        fetch(server, snp_vectors, tmp_path)
    assert server.requests == [GSG_VCEK_PATH, GSG_VCEK_PATH.replace("/Milan/", "/Genoa/")]


def test_vlek_report_fetches_the_asvk_chain_and_crl(kds: LocalKds, snp_vectors: Path, tmp_path: Path) -> None:
    paths = fetch(kds, snp_vectors, tmp_path, VLEK_REPORT)
    assert kds.requests == ["/vlek/v1/Milan/cert_chain", "/vlek/v1/Milan/crl"]
    assert paths == [tmp_path / "vlek/v1/Milan/cert_chain.pem", tmp_path / "vlek/v1/Milan/crl.der"]


def test_turin_vcek_is_asked_for_by_8_byte_hwid_with_fmc(tmp_path: Path) -> None:
    forged = SnpForge().forge(tmp_path / "forged", {"product": "turin", "crl": "1"}, AT)
    chip = forged.evidence.read_bytes()[0x1A0:0x1A8].hex()
    vcek_path = f"/vcek/v1/Turin/{chip}?fmcSPL=1&blSPL=1&teeSPL=1&snpSPL=1&ucodeSPL=4"
    server = LocalKds()
    server.serve(vcek_path, forged.collateral[0].read_bytes())
    server.serve("/vcek/v1/Turin/cert_chain", forged.collateral[1].read_bytes())
    server.serve("/vcek/v1/Turin/crl", forged.collateral[2].read_bytes())
    with running(server):
        evidence = forged.evidence.read_bytes()
        paths = KdsCollateralSource().fetch(evidence, cache_dir=tmp_path / "cache", now=AT, service_url=server.base_url)
    assert server.requests == [vcek_path, "/vcek/v1/Turin/cert_chain", "/vcek/v1/Turin/crl"]
    assert paths[0] == tmp_path / "cache/vcek/v1/Turin" / chip / "fmc1-bl1-tee1-snp1-ucode4.der"


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"<html>maintenance</html>", 200, "collateral.garbage"),
        (None, 500, "collateral.fetch"),
        (None, 400, "collateral.fetch"),
    ],
)
def test_bad_answers_are_collateral_errors(
    snp_vectors: Path, tmp_path: Path, body: bytes | None, status: int, reason: str
) -> None:
    server = LocalKds()
    if body is not None:
        server.serve(GSG_VCEK_PATH, body)
    else:
        server.refuse(GSG_VCEK_PATH, status)
    with running(server), pytest.raises(CollateralMissingError) as caught:
        fetch(server, snp_vectors, tmp_path)
    assert caught.value.reason == reason and caught.value.exit_code == 4


def test_unreachable_kds_is_a_collateral_error(snp_vectors: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = KdsCollateralSource(timeout=2.0)
    evidence = (snp_vectors / GSG_REPORT).read_bytes()
    with pytest.raises(CollateralMissingError, match="cannot fetch") as caught:
        source.fetch(evidence, cache_dir=tmp_path, now=AT, service_url=f"http://127.0.0.1:{port}")
    assert caught.value.reason == "collateral.fetch"


def test_only_http_urls(snp_vectors: Path, tmp_path: Path) -> None:
    evidence = (snp_vectors / GSG_REPORT).read_bytes()
    with pytest.raises(ConfigurationError, match="not an http or https URL"):
        KdsCollateralSource().fetch(evidence, cache_dir=tmp_path, now=AT, service_url="file:///etc")


def test_masked_chip_needs_offline_vcek(tmp_path: Path) -> None:
    forged = SnpForge().forge(tmp_path, {"chip_id": "00" * 64}, AT)
    with pytest.raises(CollateralMissingError, match="masks its CHIP_ID"):
        KdsCollateralSource().fetch(
            forged.evidence.read_bytes(), cache_dir=tmp_path, now=AT, service_url="http://127.0.0.1:9"
        )


@pytest.mark.parametrize(
    ("retry_after", "date", "attempt", "expected"),
    [
        ("7", None, 0, 7.0),
        ("0", None, 2, 0.0),
        ("2.5", None, 0, 2.5),
        (None, None, 0, 10.0),
        (None, None, 1, 20.0),
        (None, None, 5, 120.0),
        ("86400", None, 0, 120.0),
        ("-5", None, 1, 20.0),
        ("nan", None, 0, 10.0),
        ("soon", None, 0, 10.0),
        ("Sun, 01 Jun 2025 00:00:30 GMT", "Sun, 01 Jun 2025 00:00:00 GMT", 0, 30.0),
        ("Sun, 01 Jun 2025 00:00:30 GMT", None, 0, 10.0),
        ("Sun, 01 Jun 2025 00:00:00 GMT", "Sun, 01 Jun 2025 00:00:30 GMT", 0, 10.0),
    ],
)
def test_retry_delay(retry_after: str | None, date: str | None, attempt: int, expected: float) -> None:
    assert retry_delay(retry_after, date, attempt, 120.0) == expected
