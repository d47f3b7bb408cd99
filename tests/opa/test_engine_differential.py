"""Every default policy gives the same decision on regorus, on an OPA server fed by the OPA engine (one
input per request and batched), and on an OPA server that loaded the policy as a bundle.

"Same decision": the same appraisal (status, trust vector, reasons with their values), or the same kind
of failure (undefined, evaluation error).  The count of compared decisions is printed in the summary.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.appraisal import Appraisal, appraisal_from_decision
from ccpolicy.bundle import BundledPolicy, build_bundle
from ccpolicy.claims import JsonValue
from ccpolicy.clock import parse_time
from ccpolicy.collateral import load_collateral
from ccpolicy.engines.opa_connection import UNDEFINED, OpaConnection, OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.errors import CcpolicyError, PolicyError
from ccpolicy.host import PluginHost
from ccpolicy.interfaces import Policy
from ccpolicy.pipeline import AttestationVerifier
from ccpolicy.policy_files import load_policy, make_policy, policies_root
from ccpolicy.testing import vectors_root
from tests.opa.conftest import DifferentialTally
from tests.opa.decision_corpus import (
    CorpusDocument,
    flipped_booleans,
    snp_hand_edited,
    snp_reference_data,
    systematic_edits,
)
from tests.opa.opa_process import OpaServerProcess

pytestmark = pytest.mark.opa

TEES = sorted(
    entry.name for entry in policies_root().iterdir() if entry.is_dir() and entry.name not in {"lib", "__pycache__"}
)
DATA_VARIANTS = ("default", "flipped", "reference")
FORGE_TIME = parse_time("2025-06-01T00:00:00Z")
# Real SNP reports (../shared/vectors/snp/PROVENANCE.md): evidence, collateral, a time inside every window.
AZURE_SNP_VECTORS = ("trustee_evidence-v0.json", "trustee_evidence-v1.json", "trustee_evidence-v2.json")
SNP_VECTORS = {
    "gsg-milan-v2-debug": ("gsg_attestation_milan_v2_debug.bin", ["gsg_vcek_milan.der", "ask_ark_milan.pem"]),
    "trustee-milan-v2-vcek": ("trustee_report_milan_v2_vcek.bin", ["trustee_vcek_milan.der", "ask_ark_milan.pem"]),
    "trustee-milan-v3-vlek": ("trustee_report_milan_v3_vlek.bin", ["trustee_vlek_milan.der", "ask_ark_milan_vlek.pem"]),
}
SNP_VECTOR_TIME = parse_time("2025-06-01T00:00:00Z")
BATCH_SIZE = 64

Decision = tuple[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyCase:
    tee: str
    variant: str
    policy: Policy


def policy_case(tee: str, variant: str) -> PolicyCase | None:
    default = load_policy(tee)
    if variant == "default":
        return PolicyCase(tee=tee, variant=variant, policy=default)
    if variant == "flipped":
        data = flipped_booleans(default.data)
    elif variant == "reference" and tee == "snp":
        data = snp_reference_data(default.data)
    else:
        return None
    return PolicyCase(tee=tee, variant=variant, policy=make_policy(default.modules, data, default.query))


CASES = [(tee, variant) for tee in TEES for variant in DATA_VARIANTS if variant != "reference" or tee == "snp"]


@pytest.fixture(scope="module")
def plugin_host() -> PluginHost | None:
    """The installed plugins, or None when they do not load (the hand-made corpus still runs)."""
    try:
        return PluginHost.load()
    except CcpolicyError:
        return None


def pipeline_documents(host: PluginHost | None, tee: str) -> list[CorpusDocument]:
    """Input documents of real vectors (SNP) and of the TEE's forge, made by ccpolicy's own pipeline."""
    if host is None or tee not in host.tee_verifiers:
        return []
    documents = []
    verifier = AttestationVerifier(host)
    vectors = vectors_root() / tee
    if tee == "snp" and vectors.is_dir():
        for label, (evidence, collateral) in SNP_VECTORS.items():
            outcome = verifier.verify(
                (vectors / evidence).read_bytes(),
                now=SNP_VECTOR_TIME,
                collateral=load_collateral([vectors / name for name in collateral]),
            )
            assert outcome.input_document is not None, f"{label}: {outcome.error and outcome.error.diagnostics()}"
            documents.append(CorpusDocument(label=f"vector/{label}", document=outcome.input_document))
    if tee == "az-snp-vtpm" and vectors.is_dir():
        for name in AZURE_SNP_VECTORS:
            outcome = verifier.verify(
                (vectors / name).read_bytes(),
                now=SNP_VECTOR_TIME,
                collateral=load_collateral([vectors / "ask_ark_milan.pem"]),
            )
            assert outcome.input_document is not None, f"{name}: {outcome.error and outcome.error.diagnostics()}"
            documents.append(CorpusDocument(label=f"vector/{name}", document=outcome.input_document))
    if tee == "az-tdx-vtpm":
        documents += azure_tdx_documents(host)
    forge = host.evidence_forges.get(tee)
    if forge is not None:
        with tempfile.TemporaryDirectory() as directory:
            forged = forge.forge(Path(directory), {}, FORGE_TIME)
            outcome = verifier.verify(
                forged.evidence.read_bytes(),
                now=FORGE_TIME,
                collateral=load_collateral(list(forged.collateral)),
                unsafe_trust_test_root=True,
            )
        assert outcome.input_document is not None, outcome.error and outcome.error.diagnostics()
        documents.append(CorpusDocument(label=f"forged/{tee}", document=outcome.input_document))
    return documents


def azure_tdx_documents(host: PluginHost) -> list[CorpusDocument]:
    """az-tdx-vtpm inputs: no vector verifies offline (Intel collateral for its FMSPC is not public), so the
    forged TDX quote's claims stand in for the hardware part of a real Azure vTPM document."""
    tdx = [d for d in pipeline_documents(host, "tdx") if d.label.startswith("forged/")]
    azure = [d for d in pipeline_documents(host, "az-snp-vtpm") if d.label.startswith("vector/")]
    if not tdx or not azure:
        return []
    hardware, vm = tdx[0].document, azure[0].document
    pcrs = {k: v for k, v in vm["evidence"]["measurements"].items() if k.startswith("sha256:pcr")}
    vendor = {k: v for k, v in vm["az-snp-vtpm"].items() if k != "snp"}
    document = {
        **vm,
        "tee": "az-tdx-vtpm",
        "evidence": {**hardware["evidence"], "measurements": {**hardware["evidence"]["measurements"], **pcrs}},
        "az-tdx-vtpm": {**vendor, "tdx": hardware["tdx"]},
    }
    del document["az-snp-vtpm"]
    return [CorpusDocument(label="composite/az-tdx-vtpm", document=document)]


@pytest.fixture(scope="module")
def corpora(plugin_host: PluginHost | None) -> dict[str, list[CorpusDocument]]:
    corpora = {}
    for tee in TEES:
        bases = pipeline_documents(plugin_host, tee) + (snp_hand_edited() if tee == "snp" else [])
        edited = [edit for base in bases[:4] for edit in systematic_edits(base, tee)]
        corpora[tee] = [*bases, *edited]
    return corpora


def decision_of(call: Callable[[], JsonValue]) -> Decision:
    """An engine's answer as something comparable across engines."""
    try:
        value = call()
    except PolicyError as error:
        return ("error", "undefined" if error.reason == "policy.undefined" else "evaluation")
    return appraisal_or_shape(value)


def appraisal_or_shape(value: JsonValue) -> Decision:
    try:
        appraisal: Appraisal = appraisal_from_decision(value, "compared")
    except PolicyError:
        return ("shape", json.dumps(value, sort_keys=True))
    return ("appraisal", appraisal)


def bundle_decision(connection: OpaConnection, rule_path: str, document: dict[str, Any]) -> Decision:
    try:
        value = connection.query(rule_path, document)
    except PolicyError:
        return ("error", "evaluation")
    if value is UNDEFINED:
        return ("error", "undefined")
    return appraisal_or_shape(value)


@pytest.fixture
def bundle_server(opa_binary: Path, opa_logs: Path, tmp_path: Path) -> Iterator[Callable[[Policy], OpaServerProcess]]:
    servers: list[OpaServerProcess] = []

    def start(policy: Policy) -> OpaServerProcess:
        bundle = tmp_path / "bundle.tar.gz"
        bundle.write_bytes(build_bundle([BundledPolicy(policy=policy)]))
        server = OpaServerProcess(opa_binary, ["--bundle", str(bundle)])
        servers.append(server)
        return server.start(opa_logs)

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize("case_name", [f"{tee}/{variant}" for tee, variant in CASES])
def test_same_decision_on_every_engine(
    case_name: str,
    corpora: dict[str, list[CorpusDocument]],
    opa_engine: OpaEngine,
    bundle_server: Callable[[Policy], OpaServerProcess],
    differential_tally: DifferentialTally,
) -> None:
    tee, variant = case_name.split("/")
    case = policy_case(tee, variant)
    assert case is not None
    documents = corpora[tee]
    assert documents, f"no input documents for {tee}: neither a forge nor hand-made documents"
    regorus = RegorusEngine()
    server = bundle_server(case.policy)
    bundle_connection = OpaConnection(OpaServerSettings(url=server.url))
    rule_path = case.policy.query.removeprefix("data.")

    disagreements = []
    expected: list[Decision] = []
    for item in documents:
        embedded = decision_of(partial(regorus.evaluate, case.policy, item.document))
        on_server = decision_of(partial(opa_engine.evaluate, case.policy, item.document))
        from_bundle = bundle_decision(bundle_connection, rule_path, item.document)
        expected.append(embedded)
        if not embedded == on_server == from_bundle:
            disagreements.append(f"{item.label}:\n  regorus {embedded}\n  opa     {on_server}\n  bundle  {from_bundle}")

    batchable = [item.document for item, decision in zip(documents, expected, strict=True) if decision[0] != "error"]
    batch_expected = [decision for decision in expected if decision[0] != "error"]
    batched: list[Decision] = []
    for start in range(0, len(batchable), BATCH_SIZE):
        values = opa_engine.evaluate_batch(case.policy, batchable[start : start + BATCH_SIZE])
        batched += [appraisal_or_shape(value) for value in values]
    disagreements += [
        f"batch item {index}: regorus {want} / opa batch {got}"
        for index, (want, got) in enumerate(zip(batch_expected, batched, strict=True))
        if want != got
    ]

    differential_tally.record(f"{tee}/{variant}", single=len(documents), batched=len(batched))
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(disagreements[:20])
    kinds = {decision[0] for decision in expected}
    assert "appraisal" in kinds, "the corpus reached no appraisal at all"
