"""SEV-SNP verification cost on real Milan reports, next to its floor measured in the same run.

The floor is one bare ECDSA P-384/SHA-384 verification of the report signature with the VCEK key:
no TEE verifier can do less.  Ratios: ``pytest bench/test_snp_verification.py --benchmark-only``
and compare each time with ``test_floor_ecdsa_p384``.  The whole call is measured twice: as the pipeline
runs it (the policy appraises the claims on a second CPU while the report signature is checked) and with
everything in the calling thread, in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from bench.median_timings import Timings, collect_timings, measure
from ccpolicy.certificates import load_certificate
from ccpolicy.claims import to_input_document
from ccpolicy.collateral import load_collateral
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import VerificationContext
from ccpolicy.pipeline import AttestationVerifier

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
SIGNED_END = 0x2A0
CASES = {
    "milan-v2-vcek": ("trustee_report_milan_v2_vcek.bin", ["trustee_vcek_milan.der", "ask_ark_milan.pem"]),
    "milan-v3-vlek": ("trustee_report_milan_v3_vlek.bin", ["trustee_vlek_milan.der", "ask_ark_milan_vlek.pem"]),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest, vectors: Path) -> dict[str, object]:
    report_name, collateral_names = CASES[request.param]
    report = (vectors / "snp" / report_name).read_bytes()
    collateral = load_collateral([vectors / "snp" / name for name in collateral_names])
    leaf = load_certificate((vectors / "snp" / collateral_names[0]).read_bytes())
    measurement = report[0x90:0xC0].hex()
    return {"name": request.param, "report": report, "collateral": collateral, "leaf": leaf, "measurement": measurement}


TARGET = 1.5
"""The whole warm verify + appraise at most this many times the floor."""


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def timings(bench_summary: list[str]) -> Iterator[Timings]:
    """Median seconds per (case, measurement); the ratios go to the end-of-run summary."""
    yield from collect_timings(bench_summary, ratio_lines)


def ratio_lines(found: Timings) -> list[str]:
    if not found:
        return ["SEV-SNP: benchmarks disabled, no ratios"]
    lines = [f"SEV-SNP, the whole warm verify + appraise versus one bare ECDSA P-384 verify (target <= {TARGET}x):"]
    for name in sorted({case for case, _ in found}):
        floor = found.get((name, "floor"))
        if not floor:
            continue
        ratios = {
            label: found[name, key] / floor
            for label, key in (("whole", "whole"), ("in order", "in order"))
            if (name, key) in found
        }
        text = ", ".join(f"{label}/floor {value:.2f}x" for label, value in ratios.items())
        if "whole" in ratios:
            text += " (target " + ("met)" if ratios["whole"] <= TARGET else "missed)")
        lines.append(f"  {name}: {text}")
    return lines


def test_floor_ecdsa_p384(benchmark, case: dict[str, object], timings: Timings) -> None:
    report = case["report"]
    assert isinstance(report, bytes)
    r = int.from_bytes(report[0x2A0:0x2E8], "little")
    s = int.from_bytes(report[0x2E8:0x330], "little")
    signature = encode_dss_signature(r, s)
    public_key = case["leaf"].public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    key = (str(case["name"]), "floor")
    measure(benchmark, timings, key, public_key.verify, signature, report[:SIGNED_END], ec.ECDSA(hashes.SHA384()))


def test_parse(benchmark, case: dict[str, object], host: PluginHost) -> None:
    verifier = host.verifier("snp")
    benchmark(verifier.parse, case["report"])


def test_verify_warm(benchmark, case: dict[str, object], host: PluginHost) -> None:
    verifier = host.verifier("snp")
    report = verifier.parse(case["report"])
    context = VerificationContext(now=NOW, collateral=case["collateral"])
    verifier.verify(report, context)
    benchmark(verifier.verify, report, context)


def test_appraise(benchmark, case: dict[str, object], host: PluginHost, tmp_path_factory) -> None:
    pipeline = pipeline_with_reference(host, case, tmp_path_factory)
    outcome = pipeline.verify(case["report"], now=NOW, collateral=case["collateral"])
    assert outcome.exit_code == 0, outcome
    assert outcome.input_document is not None
    benchmark(pipeline.appraise, "snp", outcome.input_document)


def test_whole_verify_warm(
    benchmark, case: dict[str, object], host: PluginHost, tmp_path_factory, timings: Timings
) -> None:
    pipeline = pipeline_with_reference(host, case, tmp_path_factory)
    arguments = {"now": NOW, "collateral": case["collateral"]}
    assert pipeline.verify(case["report"], **arguments).exit_code == 0
    outcome = measure(benchmark, timings, (str(case["name"]), "whole"), pipeline.verify, case["report"], **arguments)
    assert outcome.exit_code == 0


def test_sequential_whole_verify_warm(
    benchmark, case: dict[str, object], host: PluginHost, tmp_path_factory, timings: Timings
) -> None:
    """The same call with everything in the calling thread, in order (one CPU's worth of work)."""
    pipeline = pipeline_with_reference(host, case, tmp_path_factory, overlap_appraisal=False)
    arguments = {"now": NOW, "collateral": case["collateral"]}
    assert pipeline.verify(case["report"], **arguments).exit_code == 0
    key = (str(case["name"]), "in order")
    outcome = measure(benchmark, timings, key, pipeline.verify, case["report"], **arguments)
    assert outcome.exit_code == 0


def pipeline_with_reference(
    host: PluginHost, case: dict[str, object], tmp_path_factory, *, overlap_appraisal: bool | None = None
) -> AttestationVerifier:
    data = tmp_path_factory.mktemp("refs") / "refs.json"
    data.write_text(f'{{"snp": {{"measurements": ["{case["measurement"]}"], "allowed_vmpls": [0, 1]}}}}')
    return AttestationVerifier(host, data_paths=[data], overlap_appraisal=overlap_appraisal)


def test_detect(benchmark, case: dict[str, object], host: PluginHost) -> None:
    """Host detection: every loaded TEE plugin is asked whether it recognizes the evidence."""
    assert benchmark(host.detect, case["report"]).tee_id == "snp"


def test_input_document(benchmark, case: dict[str, object], host: PluginHost) -> None:
    """Claims -> the Rego input document (the SNP vendor claims built JSON-ready by the plugin)."""
    verifier = host.verifier("snp")
    claims = verifier.verify(
        verifier.parse(case["report"]), VerificationContext(now=NOW, collateral=case["collateral"])
    )
    benchmark(to_input_document, claims, now=NOW, nonce_verified=None)


def test_policy_evaluation(benchmark, case: dict[str, object], host: PluginHost, tmp_path_factory) -> None:
    """The regorus engine alone: input JSON in, decision JSON out (no appraisal of the decision)."""
    pipeline = pipeline_with_reference(host, case, tmp_path_factory)
    outcome = pipeline.verify(case["report"], now=NOW, collateral=case["collateral"])
    assert outcome.input_document is not None
    policy, engine = pipeline.policy_for("snp"), pipeline.engine
    decision = benchmark(engine.evaluate, policy, outcome.input_document)
    assert decision["reasons"] == []
