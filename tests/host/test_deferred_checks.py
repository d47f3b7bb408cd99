"""Checks a verifier leaves for last (``check_before_release``): they decide the outcome exactly as if
they had run inside ``verify``, whether or not the pipeline overlaps them with the appraisal."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from ccpolicy.appraisal import Appraisal
from ccpolicy.claims import JsonValue
from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import FreshnessError, PluginError, SignatureError
from ccpolicy.interfaces import VerificationContext
from ccpolicy.pipeline import AttestationVerifier
from tests.host.fake_tee import FakePlugin, FakeVerifier
from tests.host.test_host import EVIDENCE, NOW, host_with

OVERLAP = pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "in-order"])


class Recorder:
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error


def pipeline(policy_dir: Path, final_check: Recorder, *, overlap: bool) -> AttestationVerifier:
    host = host_with(FakePlugin(FakeVerifier(final_check=final_check)))
    return AttestationVerifier(host, policy_paths=[policy_dir], overlap_appraisal=overlap)


def test_without_a_pipeline_the_check_runs_at_once() -> None:
    check = Recorder(SignatureError("bad signature"))
    with pytest.raises(SignatureError):
        VerificationContext(now=NOW, collateral=CollateralStore()).check_before_release(check)
    assert check.calls == 1


@OVERLAP
def test_a_passing_check_runs_once_and_the_evidence_is_affirmed(policy_dir: Path, overlap: bool) -> None:
    check = Recorder()
    outcome = pipeline(policy_dir, check, overlap=overlap).verify(EVIDENCE, now=NOW, collateral=CollateralStore())
    assert outcome.exit_code == 0
    assert outcome.verified
    assert check.calls == 1


@OVERLAP
def test_a_failing_check_releases_no_claims_and_no_appraisal(policy_dir: Path, overlap: bool) -> None:
    check = Recorder(SignatureError("the report signature does not verify"))
    outcome = pipeline(policy_dir, check, overlap=overlap).verify(EVIDENCE, now=NOW, collateral=CollateralStore())
    assert isinstance(outcome.error, SignatureError)
    assert outcome.exit_code == 3
    assert (outcome.claims, outcome.input_document, outcome.appraisal, outcome.result) == (None, None, None, None)
    assert not outcome.verified


@OVERLAP
def test_a_failing_check_comes_before_the_nonce_and_the_policy(tmp_path: Path, overlap: bool) -> None:
    (tmp_path / "broken.rego").write_text("package ccpolicy.fake\n\nresult := 1 / 0\n")
    check = Recorder(SignatureError("the report signature does not verify"))
    outcome = pipeline(tmp_path, check, overlap=overlap).verify(
        EVIDENCE, now=NOW, collateral=CollateralStore(), nonce=b"\xff"
    )
    assert isinstance(outcome.error, SignatureError)


@OVERLAP
def test_the_nonce_is_checked_once_the_check_passed(policy_dir: Path, overlap: bool) -> None:
    outcome = pipeline(policy_dir, Recorder(), overlap=overlap).verify(
        EVIDENCE, now=NOW, collateral=CollateralStore(), nonce=b"\xff"
    )
    assert isinstance(outcome.error, FreshnessError)
    assert outcome.claims is not None  # verified, but not fresh
    assert outcome.appraisal is None


@OVERLAP
def test_a_check_that_breaks_its_contract_is_a_plugin_error(policy_dir: Path, overlap: bool) -> None:
    outcome = pipeline(policy_dir, Recorder(ValueError("oops")), overlap=overlap).verify(
        EVIDENCE, now=NOW, collateral=CollateralStore()
    )
    assert isinstance(outcome.error, PluginError)
    assert outcome.exit_code == 6
    assert outcome.claims is None


def test_overlapped_appraisal_runs_beside_the_check(policy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a deferred check, the appraisal runs on a worker thread while the calling thread checks."""
    appraised_on: list[str] = []
    checked_while_appraising = threading.Event()
    original = AttestationVerifier.appraise

    def appraise(self: AttestationVerifier, tee_id: str, input_document: dict[str, JsonValue]) -> Appraisal:
        appraised_on.append(threading.current_thread().name)
        assert checked_while_appraising.wait(timeout=30)
        return original(self, tee_id, input_document)

    monkeypatch.setattr(AttestationVerifier, "appraise", appraise)

    class CheckThatWaitsForTheAppraisal(Recorder):
        def __call__(self) -> None:
            super().__call__()
            checked_while_appraising.set()

    outcome = pipeline(policy_dir, CheckThatWaitsForTheAppraisal(), overlap=True).verify(
        EVIDENCE, now=NOW, collateral=CollateralStore()
    )
    assert outcome.exit_code == 0
    assert appraised_on[0].startswith("ccpolicy-appraisal")


def test_a_forked_child_appraises_with_threads_of_its_own(policy_dir: Path) -> None:
    verifier = pipeline(policy_dir, Recorder(), overlap=True)
    assert verifier.verify(EVIDENCE, now=NOW, collateral=CollateralStore()).exit_code == 0  # the parent's pool
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        code = verifier.verify(EVIDENCE, now=NOW, collateral=CollateralStore()).exit_code
        os._exit(code)
    deadline = time.monotonic() + 60
    while (waited := os.waitpid(child, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    if waited == (0, 0):
        os.kill(child, 9)
        os.waitpid(child, 0)
        pytest.fail("the forked child never finished its appraisal")
    assert os.waitstatus_to_exitcode(waited[1]) == 0
