"""The entry module: hooks return two verifiers and two forges that satisfy the protocols."""

from __future__ import annotations

import pluggy

from ccpolicy import hookspecs
from ccpolicy.interfaces import EvidenceForge, TeeVerifier
from ccpolicy_sev import plugin


def _manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    manager.register(plugin)
    manager.check_pending()
    return manager


def test_verifiers_through_the_hook() -> None:
    verifiers = [v for batch in _manager().hook.ccpolicy_tee_verifiers() for v in batch]
    assert sorted(v.tee_id for v in verifiers) == ["sev", "sev-es"]
    assert all(isinstance(v, TeeVerifier) for v in verifiers)
    media_types = [m for v in verifiers for m in v.media_types]
    assert len(media_types) == len(set(media_types))
    assert "application/vnd.ccpolicy.sev.launch+json" in media_types


def test_forges_through_the_hook() -> None:
    forges = [f for batch in _manager().hook.ccpolicy_evidence_forges() for f in batch]
    assert sorted(f.tee_id for f in forges) == ["sev", "sev-es"]
    assert all(isinstance(f, EvidenceForge) for f in forges)
