"""Fixtures of the host tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.host.fake_tee import FAKE_POLICY


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """The fake TEE's policy and its reference values (measurement 01010101)."""
    (tmp_path / "fake.rego").write_text(FAKE_POLICY)
    (tmp_path / "data.json").write_text('{"fake": {"measurements": ["01010101"]}}')
    return tmp_path
