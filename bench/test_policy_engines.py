"""Decisions per second of the SNP default policy: embedded regorus versus a real OPA server, in one run.

Ways through the OPA server (``opa run --server`` on loopback, started here):

- single: one ``POST /v1/data/...`` per decision, as ``ccpolicy verify --engine opa`` does;
- batched: many inputs in one request.  The engine's decision module evaluates the policy for every
  element of ``input.batch`` in one comprehension (``evaluate_batch``), so the HTTP round trip, JSON
  framing and query preparation are paid once per batch;
- client bulk: opa-python-client's own ``bulk_query_rule``, which writes every input into an ad-hoc
  query text (``r0 := rule with input as {...}; ...``), for comparison with ``input.batch``;
- parallel: single requests from several threads at once (one HTTP session per thread).

``pytest bench/test_policy_engines.py`` prints the table at the end; ``CCPOLICY_BENCH_QUICK=1`` shrinks it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ccpolicy.engines.opa_connection import OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.interfaces import Policy
from ccpolicy.policy_files import load_policy
from tests.opa.decision_corpus import snp_hand_edited
from tests.opa.opa_process import OpaServerProcess, find_opa_binary

QUICK = bool(os.environ.get("CCPOLICY_BENCH_QUICK"))
BATCH = 10 if QUICK else 200
THREADS = 4
RESULTS: dict[str, float] = {}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy("snp")


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    corpus = [item.document for item in snp_hand_edited() if "tee" in item.document and "snp" in item.document]
    return [corpus[index % len(corpus)] for index in range(BATCH)]


@pytest.fixture(scope="module")
def opa_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpaEngine]:
    binary = find_opa_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("no opa binary in CI: .ci/install-opa must run before the benchmarks")
        pytest.skip("no opa binary (run .ci/install-opa)")
    server = OpaServerProcess(binary).start(tmp_path_factory.mktemp("opa-bench"))
    yield OpaEngine(OpaServerSettings(url=server.url))
    server.stop()


def measure(benchmark: Any, name: str, decisions: int, call: Callable[[], object]) -> None:
    benchmark.extra_info["decisions_per_call"] = decisions
    benchmark(call)
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        mean = stats.stats.mean
        benchmark.extra_info["decisions_per_second"] = decisions / mean
        RESULTS[name] = decisions / mean


def test_regorus_single(benchmark: Any, policy: Policy, documents: list[dict[str, Any]]) -> None:
    engine = RegorusEngine()
    engine.evaluate(policy, documents[0])
    measure(benchmark, "regorus, embedded, one decision per call", 1, lambda: engine.evaluate(policy, documents[1]))


def test_regorus_loop(benchmark: Any, policy: Policy, documents: list[dict[str, Any]]) -> None:
    engine = RegorusEngine()
    measure(
        benchmark,
        f"regorus, embedded, {len(documents)} decisions in a loop",
        len(documents),
        lambda: [engine.evaluate(policy, document) for document in documents],
    )


def test_opa_single(benchmark: Any, opa_engine: OpaEngine, policy: Policy, documents: list[dict[str, Any]]) -> None:
    expected = RegorusEngine().evaluate(policy, documents[1])
    assert opa_engine.evaluate(policy, documents[1]) == expected
    measure(benchmark, "OPA server, one request per decision", 1, lambda: opa_engine.evaluate(policy, documents[1]))


def test_opa_batch(benchmark: Any, opa_engine: OpaEngine, policy: Policy, documents: list[dict[str, Any]]) -> None:
    regorus = RegorusEngine()
    assert opa_engine.evaluate_batch(policy, documents) == [regorus.evaluate(policy, d) for d in documents]
    measure(
        benchmark,
        f"OPA server, batch of {len(documents)} (input.batch) per request",
        len(documents),
        lambda: opa_engine.evaluate_batch(policy, documents),
    )


def test_opa_client_bulk_query(
    benchmark: Any, opa_engine: OpaEngine, policy: Policy, documents: list[dict[str, Any]]
) -> None:
    package = opa_engine.push(policy).decision_package
    client = opa_engine.connection()._client  # the wrapped opa-python-client, for its own batching
    regorus = RegorusEngine()
    answers = client.bulk_query_rule(documents, package, "decision")
    assert [answer["result"] for answer in answers] == [regorus.evaluate(policy, d) for d in documents]
    measure(
        benchmark,
        f"OPA server, batch of {len(documents)} (client bulk_query_rule: with input as ...)",
        len(documents),
        lambda: client.bulk_query_rule(documents, package, "decision"),
    )


def test_opa_parallel_single(
    benchmark: Any, opa_engine: OpaEngine, policy: Policy, documents: list[dict[str, Any]]
) -> None:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(lambda document: opa_engine.evaluate(policy, document), documents[:THREADS]))
        measure(
            benchmark,
            f"OPA server, {len(documents)} single requests from {THREADS} threads",
            len(documents),
            lambda: list(pool.map(lambda document: opa_engine.evaluate(policy, document), documents)),
        )


def test_report(capsys: pytest.CaptureFixture[str]) -> None:
    """The decisions per second of every case above, as one table."""
    with capsys.disabled():
        print("\n\ndecisions per second, SNP default policy (this machine, one run):")
        if not RESULTS:
            print("  (benchmarks disabled: no timings)")
        for name, rate in RESULTS.items():
            print(f"  {rate:>10.0f}/s  {name}")
    assert all(rate > 0 for rate in RESULTS.values())
