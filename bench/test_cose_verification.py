"""COSE-signed evidence (AWS Nitro, Arm PSA, Arm CCA): verification cost next to its floor, in one run.

Documents (../shared/vectors) at the times tests/plugins/{nitro,psa,cca} use: both Nitro documents
at their own timestamps (no collateral: the AWS root is embedded), the TF-M PSA token with its IAK and
the TF-RMM CCA token with the FVP's CPAK.

- floor: the bare ECDSA verifications the document needs, keys loaded and Sig_structures built once:
  Nitro one ES384 COSE signature plus the four ES384 certificate signatures of its chain (root ->
  regional -> zonal -> instance -> signing certificate); PSA one ES256; CCA two ES384 (platform token
  by the CPAK, realm token by the RAK it carries).  ``floor-cose`` is the COSE part alone, what is left
  once certificate signatures are remembered;
- parse: bytes -> typed evidence;
- warm: ``verify`` with the collateral loaded and verified once (ccpolicy.certificates remembers
  certificate signatures that verified);
- whole: ``AttestationVerifier.verify`` with the default policy and the document's reference values
  (tests/cases), affirmed.

The ratios are printed at the end of the run.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from bench.median_timings import Timings, collect_timings, measure
from ccpolicy.clock import parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import VerificationContext
from ccpolicy.pipeline import AttestationVerifier, Outcome

CASE_DATA = Path(__file__).resolve().parent.parent / "tests" / "cases"
"""Median seconds per (case, measurement)."""
COSE_HASHES: dict[int, Callable[[], hashes.HashAlgorithm]] = {-7: hashes.SHA256, -35: hashes.SHA384, -36: hashes.SHA512}
CCA_COLLECTION_TAG, CCA_PLATFORM, CCA_REALM, CCA_REALM_PUBLIC_KEY = 399, 44234, 44241, 44237


@dataclass(frozen=True)
class DocumentCase:
    tee: str
    evidence: str
    collateral: tuple[str, ...]
    now: datetime
    data: tuple[str, ...]
    """Reference values under tests/cases, so that the default policy affirms."""


CASES = {
    "nitro-production": DocumentCase(
        tee="nitro",
        evidence="nitro/blocky_nitro_attestation.b64",
        collateral=(),
        now=parse_time("2024-09-07T14:37:39.545Z"),
        data=("nitro/reference_values.json",),
    ),
    "nitro-debug": DocumentCase(
        tee="nitro",
        evidence="nitro/blocky_nitro_attestation_debug.b64",
        collateral=(),
        now=parse_time("2024-09-07T14:38:06.508Z"),
        data=("nitro/debug_reference_values.json",),
    ),
    "psa": DocumentCase(
        tee="psa",
        evidence="psa/tfm_psa-2_0_0_sign1.cbor",
        collateral=("psa/tfm_iak_public.pem",),
        now=parse_time("2025-06-01T00:00:00Z"),
        data=("psa/reference_values.json",),
    ),
    "cca": DocumentCase(
        tee="cca",
        evidence="cca/tfrmm_cca_token.cbor",
        collateral=("cca/fvp_cpak_public.pem",),
        now=parse_time("2025-06-01T00:00:00Z"),
        data=("cca/reference_values.json", "cca/allow_unbound_key.json"),
    ),
}
NITRO_CASES = [name for name, case in CASES.items() if case.tee == "nitro"]


@dataclass(frozen=True)
class Signed:
    """One bare ECDSA verification, ready to run: key loaded, DER signature and message built."""

    key: ec.EllipticCurvePublicKey
    signature: bytes
    message: bytes
    algorithm: ec.ECDSA

    def verify(self) -> None:
        self.key.verify(self.signature, self.message, self.algorithm)


@dataclass(frozen=True)
class Prepared:
    name: str
    case: DocumentCase
    evidence: bytes
    collateral: CollateralStore
    report: Any
    cose: tuple[Signed, ...]
    chain: tuple[Signed, ...]


def cose_signed(encoded: object, key: ec.EllipticCurvePublicKey) -> Signed:
    """A COSE_Sign1 (tagged or not) as a bare verification: the Sig_structure of RFC 9052 section 4.4."""
    message = encoded.value if isinstance(encoded, cbor2.CBORTag) else encoded
    assert isinstance(message, list | tuple)
    protected, _, payload, signature = message
    size = len(signature) // 2
    return Signed(
        key=key,
        signature=encode_dss_signature(
            int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        ),
        message=cbor2.dumps(["Signature1", protected, b"", payload]),
        algorithm=ec.ECDSA(COSE_HASHES[cbor2.loads(protected)[1]]()),
    )


def certificate_signed(certificate: x509.Certificate, issuer: x509.Certificate) -> Signed:
    key = issuer.public_key()
    hash_algorithm = certificate.signature_hash_algorithm
    assert isinstance(key, ec.EllipticCurvePublicKey) and hash_algorithm is not None
    return Signed(
        key=key,
        signature=certificate.signature,
        message=certificate.tbs_certificate_bytes,
        algorithm=ec.ECDSA(hash_algorithm),
    )


def pem_key(path: Path) -> ec.EllipticCurvePublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def floor_signatures(case: DocumentCase, evidence: bytes, vectors: Path) -> tuple[tuple[Signed, ...], ...]:
    """(COSE signatures, certificate signatures) the document needs, found with cbor2 alone."""
    if case.tee == "nitro":
        message = cbor2.loads(base64.b64decode(evidence))
        document = cbor2.loads(message[2])
        leaf = x509.load_der_x509_certificate(document["certificate"])
        cabundle = [x509.load_der_x509_certificate(der) for der in document["cabundle"]]
        chain = [leaf, *reversed(cabundle)]  # signing certificate first, the AWS root last
        key = leaf.public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)
        return (cose_signed(message, key),), tuple(map(certificate_signed, chain, chain[1:]))
    if case.tee == "psa":
        return (cose_signed(cbor2.loads(evidence), pem_key(vectors / case.collateral[0])),), ()
    collection = cbor2.loads(evidence)
    assert collection.tag == CCA_COLLECTION_TAG
    platform, realm = cbor2.loads(collection.value[CCA_PLATFORM]), cbor2.loads(collection.value[CCA_REALM])
    rak_point = cbor2.loads(realm.value[2])[CCA_REALM_PUBLIC_KEY]
    rak = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), rak_point)
    return (cose_signed(platform, pem_key(vectors / case.collateral[0])), cose_signed(realm, rak)), ()


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load()


@pytest.fixture(scope="module")
def timings(bench_summary: list[str]) -> Iterator[Timings]:
    """Median seconds per (case, measurement); the ratios go to the end-of-run summary."""
    yield from collect_timings(bench_summary, ratio_lines)


@pytest.fixture(scope="module", params=list(CASES))
def prepared(request: pytest.FixtureRequest, vectors: Path, host: PluginHost) -> Prepared:
    name = request.param
    case = CASES[name]
    evidence = (vectors / case.evidence).read_bytes()
    collateral = load_collateral([vectors / path for path in case.collateral])
    verifier = host.verifier(case.tee)
    report = verifier.parse(evidence)
    verifier.verify(report, VerificationContext(now=case.now, collateral=collateral))  # collateral checked once
    cose, chain = floor_signatures(case, evidence, vectors)
    return Prepared(
        name=name, case=case, evidence=evidence, collateral=collateral, report=report, cose=cose, chain=chain
    )


def test_floor(benchmark: Any, prepared: Prepared, timings: Timings) -> None:
    """Every ECDSA verification the document needs: COSE signature(s) and ECDSA certificate signatures."""
    signed = prepared.cose + prepared.chain

    def verify_all() -> None:
        for item in signed:
            item.verify()

    measure(benchmark, timings, (prepared.name, "floor"), verify_all)


@pytest.mark.parametrize("prepared", NITRO_CASES, indirect=True)
def test_floor_cose(benchmark: Any, prepared: Prepared, timings: Timings) -> None:
    """The Nitro COSE signature alone: what remains of the floor once chain signatures are remembered."""
    (signed,) = prepared.cose
    measure(benchmark, timings, (prepared.name, "floor-cose"), signed.verify)


def test_parse(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    verifier = host.verifier(prepared.case.tee)
    measure(benchmark, timings, (prepared.name, "parse"), lambda: verifier.parse(prepared.evidence))


def test_verify_warm(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    verifier = host.verifier(prepared.case.tee)
    context = VerificationContext(now=prepared.case.now, collateral=prepared.collateral)
    claims = measure(benchmark, timings, (prepared.name, "warm"), lambda: verifier.verify(prepared.report, context))
    assert claims.tee == prepared.case.tee


def test_whole_verify(benchmark: Any, prepared: Prepared, host: PluginHost, timings: Timings) -> None:
    case = prepared.case
    pipeline = AttestationVerifier(host, data_paths=[CASE_DATA / name for name in case.data])

    def whole() -> Outcome:
        return pipeline.verify(prepared.evidence, now=case.now, collateral=prepared.collateral)

    assert whole().exit_code == 0
    outcome = measure(benchmark, timings, (prepared.name, "whole"), whole)
    assert outcome.exit_code == 0, outcome
    assert outcome.tee == case.tee


def ratio_lines(found: Timings) -> list[str]:
    if not found:
        return ["COSE: benchmarks disabled, no ratios"]
    lines = ["COSE evidence, ccpolicy versus the bare ECDSA verifications it needs:"]
    for name in CASES:
        ratios = {
            label: found[name, top] / found[name, bottom]
            for label, top, bottom in (
                ("warm/floor", "warm", "floor"),
                ("warm/floor-cose", "warm", "floor-cose"),
                ("whole/floor", "whole", "floor"),
            )
            if (name, top) in found and (name, bottom) in found
        }
        if ratios:
            lines.append(f"  {name}: " + ", ".join(f"{label} {value:.2f}x" for label, value in ratios.items()))
    return lines
