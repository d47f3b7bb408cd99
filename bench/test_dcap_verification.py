"""Intel DCAP verification cost per quote type, next to its floor and to dcap-qvl, in one run.

Quotes (real hardware, ../shared/vectors) and the collateral and evaluation times of
tests/plugins/dcap: SGX v3 and TDX v4 with their dcap-qvl QuoteCollateralV3 bundles at the middle of
their windows; the TDX 1.5 v5 sample with go-tdx-guest's TCB info plus the QE identity, CRLs and
chains of the 2026 dcap-qvl bundle, at 2026-02-25.

- floor: two bare ECDSA P-256 verifications with keys loaded once (quote signature by the
  attestation key, QE report signature by the PCK key): no DCAP verifier can do less;
- parse: bytes -> typed quote;
- warm: ``verify`` with the collateral store already loaded and checked once (ccpolicy.certificates
  remembers certificate signatures that verified);
- cold: a fresh CollateralStore load, parse and verify with the certificate-signature memo emptied;
- whole: ``AttestationVerifier.verify`` (detect, parse, verify, default policy with the quote's
  reference values, EAR), warm;
- dcap-qvl: ``dcap_qvl.verify`` on the same quote, collateral and time; it checks the whole
  collateral on every call, so it compares with both warm and cold.

Target: warm at most half of dcap-qvl's time.  The ratios are printed at the end of the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dcap_qvl  # the peer verifier: a declared test dependency
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from bench.median_timings import Timings, collect_timings, measure
from ccpolicy import certificates
from ccpolicy.clock import parse_time
from ccpolicy.collateral import load_collateral
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import VerificationContext
from ccpolicy.pipeline import AttestationVerifier, Outcome
from ccpolicy_dcap.quote import Quote
from ccpolicy_dcap.signed_json import member_value_bytes

CASE_DATA = Path(__file__).resolve().parent.parent / "tests" / "cases"
"""Median seconds per (case, measurement)."""


def middle(start: str, end: str) -> datetime:
    """The evaluation time tests/plugins/dcap uses: the middle of the PROVENANCE.md window."""
    first, last = parse_time(start), parse_time(end)
    return first + (last - first) / 2


@dataclass(frozen=True)
class QuoteCase:
    tee: str
    quote: str
    bundle: str
    """A dcap-qvl QuoteCollateralV3 JSON bundle."""
    tcb_info: str | None
    """An Intel PCS TCB info document that replaces the bundle's, if any."""
    now: datetime
    data: tuple[str, ...]
    """Reference values (and accepted statuses) under tests/cases, so that the policy affirms."""
    status: str


CASES = {
    "sgx-v3": QuoteCase(
        tee="sgx",
        quote="sgx/qvl_sgx_quote_v3.bin",
        bundle="sgx/qvl_sgx_quote_v3_collateral.json",
        tcb_info=None,
        now=middle("2025-06-19T10:56:11Z", "2025-07-19T10:01:18Z"),
        data=(
            "sgx/qvl_v3_reference_values.json",
            "sgx/accept_configuration_and_sw_hardening.json",
            "sgx/allow_both_advisories.json",
        ),
        status="ConfigurationAndSWHardeningNeeded",
    ),
    "tdx-v4": QuoteCase(
        tee="tdx",
        quote="tdx/qvl_tdx_quote_v4.bin",
        bundle="tdx/qvl_tdx_quote_v4_collateral.json",
        tcb_info=None,
        now=middle("2025-06-19T10:32:27Z", "2025-07-19T10:00:35Z"),
        data=("tdx/qvl_v4_reference_values.json",),
        status="UpToDate",
    ),
    "tdx-v5": QuoteCase(
        tee="tdx",
        quote="tdx/gtg_quote_v5_sample.dat",
        bundle="tdx/qvl_tdx_quote_v5_outdated_collateral.json",
        tcb_info="tdx/gtg_tcbinfo_fmspc90c06f000000.json",
        now=parse_time("2026-02-25T00:00:00Z"),
        data=("tdx/gtg_v5_sample_reference_values.json",),
        status="UpToDate",
    ),
}


@dataclass(frozen=True)
class Prepared:
    name: str
    case: QuoteCase
    evidence: bytes
    quote: Quote
    collateral_files: tuple[Path, ...]
    qvl_collateral: Any
    context: VerificationContext


def collateral_files(case: QuoteCase, vectors: Path, workdir: Path) -> tuple[Path, ...]:
    """The files ccpolicy loads; with a replacement TCB info, the bundle is written without its own."""
    if case.tcb_info is None:
        return (vectors / case.bundle,)
    bundle = json.loads((vectors / case.bundle).read_text())
    del bundle["tcb_info"], bundle["tcb_info_signature"]
    reduced = workdir / "bundle_without_tcb_info.json"
    reduced.write_text(json.dumps(bundle))
    return (vectors / case.tcb_info, reduced)


def qvl_collateral(case: QuoteCase, vectors: Path) -> Any:
    """The same collateral as dcap-qvl's QuoteCollateralV3: the PCS TCB info's signed bytes go into the bundle."""
    bundle = json.loads((vectors / case.bundle).read_text())
    if case.tcb_info is not None:
        raw = (vectors / case.tcb_info).read_bytes()
        body = member_value_bytes(raw, "tcbInfo")
        assert body is not None
        bundle["tcb_info"] = body.decode()
        bundle["tcb_info_signature"] = json.loads(raw)["signature"]
    return dcap_qvl.QuoteCollateralV3.from_json(json.dumps(bundle))


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def timings(bench_summary: list[str]) -> Iterator[Timings]:
    """Median seconds per (case, measurement); the ratios go to the end-of-run summary."""
    yield from collect_timings(bench_summary, ratio_lines)


@pytest.fixture(scope="module", params=sorted(CASES))
def prepared(
    request: pytest.FixtureRequest, vectors: Path, host: PluginHost, tmp_path_factory: pytest.TempPathFactory
) -> Prepared:
    name = request.param
    case = CASES[name]
    evidence = (vectors / case.quote).read_bytes()
    files = collateral_files(case, vectors, tmp_path_factory.mktemp(name))
    context = VerificationContext(now=case.now, collateral=load_collateral(files))
    verifier = host.verifier(case.tee)
    quote = verifier.parse(evidence)
    assert verifier.verify(quote, context).evidence.tcb.status == case.status  # collateral checked once
    return Prepared(
        name=name,
        case=case,
        evidence=evidence,
        quote=quote,
        collateral_files=files,
        qvl_collateral=qvl_collateral(case, vectors),
        context=context,
    )


def test_floor_two_ecdsa_p256(benchmark: Any, prepared: Prepared, timings: Timings) -> None:
    quote = prepared.quote
    attestation_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + quote.attestation_key)
    pck = x509.load_pem_x509_certificates(quote.qe.pck_chain_pem.rstrip(b"\0"))[0].public_key()
    assert isinstance(pck, ec.EllipticCurvePublicKey)
    quote_signature = der_signature(quote.signature)
    qe_report_signature = der_signature(quote.qe.qe_report_signature)
    algorithm = ec.ECDSA(hashes.SHA256())

    def two_verifications() -> None:
        attestation_key.verify(quote_signature, quote.signed_data, algorithm)
        pck.verify(qe_report_signature, quote.qe.qe_report.raw, algorithm)

    measure(benchmark, timings, (prepared.name, "floor"), two_verifications)


def der_signature(raw: bytes) -> bytes:
    return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def test_parse(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    verifier = host.verifier(prepared.case.tee)
    measure(benchmark, timings, (prepared.name, "parse"), lambda: verifier.parse(prepared.evidence))


def test_verify_warm(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    verifier = host.verifier(prepared.case.tee)
    claims = measure(
        benchmark, timings, (prepared.name, "warm"), lambda: verifier.verify(prepared.quote, prepared.context)
    )
    assert claims.evidence.tcb.status == prepared.case.status


def test_verify_cold(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    """Collateral files loaded afresh, the quote parsed, no certificate signature remembered."""
    verifier = host.verifier(prepared.case.tee)
    case = prepared.case

    def cold() -> Any:
        forget_verified_certificate_signatures()
        context = VerificationContext(now=case.now, collateral=load_collateral(prepared.collateral_files))
        return verifier.verify(verifier.parse(prepared.evidence), context)

    claims = measure(benchmark, timings, (prepared.name, "cold"), cold)
    assert claims.evidence.tcb.status == case.status


def forget_verified_certificate_signatures() -> None:
    """Empty ccpolicy.certificates' memo of issuer signatures that verified."""
    certificates.forget_verified_issuances()


def test_whole_verify(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    case = prepared.case
    pipeline = AttestationVerifier(host, data_paths=[CASE_DATA / name for name in case.data])

    def whole() -> Outcome:
        return pipeline.verify(prepared.evidence, now=case.now, collateral=prepared.context.collateral)

    assert whole().exit_code == 0
    outcome = measure(benchmark, timings, (prepared.name, "whole"), whole)
    assert outcome.exit_code == 0, outcome
    assert outcome.claims.tee == case.tee
    assert outcome.claims.evidence.tcb.status == case.status


def test_dcap_qvl(benchmark: Any, prepared: Prepared, timings: Timings) -> None:
    """The peer on the same quote, collateral and time (it re-checks the collateral on every call)."""
    now = int(prepared.case.now.timestamp())
    try:
        report = dcap_qvl.verify(prepared.evidence, prepared.qvl_collateral, now)
    except ValueError as exc:
        pytest.skip(f"dcap-qvl rejects {prepared.name} ({exc}): no peer figure for it")
    assert report.status == prepared.case.status
    measure(
        benchmark,
        timings,
        (prepared.name, "dcap-qvl"),
        lambda: dcap_qvl.verify(prepared.evidence, prepared.qvl_collateral, now),
    )


def ratio_lines(found: Timings) -> list[str]:
    if not found:
        return ["DCAP: benchmarks disabled, no ratios"]
    lines = ["DCAP, ccpolicy versus the two-ECDSA floor and dcap-qvl (target: warm <= 0.50 x dcap-qvl):"]
    for name in sorted({case for case, _ in found}):
        ratios = {
            label: found[name, top] / found[name, bottom]
            for label, top, bottom in (
                ("warm/floor", "warm", "floor"),
                ("warm/dcap-qvl", "warm", "dcap-qvl"),
                ("cold/dcap-qvl", "cold", "dcap-qvl"),
                ("whole/dcap-qvl", "whole", "dcap-qvl"),
            )
            if (name, top) in found and (name, bottom) in found
        }
        text = ", ".join(f"{label} {value:.2f}x" for label, value in ratios.items())
        if "warm/dcap-qvl" in ratios:
            text += " (target " + ("met)" if ratios["warm/dcap-qvl"] <= 0.5 else "missed)")
        lines.append(f"  {name}: {text}")
    return lines
