"""ccpolicy's kit for plugin and policy authors: an opt-in pytest plugin.

Enable it with ``pytest -p ccpolicy.testing`` or ``pytest_plugins = ["ccpolicy.testing"]`` in a
conftest.  It provides fixtures (``ccpolicy_vectors``, ``ccpolicy_host_factory``) and
:class:`~ccpolicy.testing.conformance.TeeVerifierConformance`, a test class a TEE plugin author
subclasses to check the plugin against the host's contract.
"""

from __future__ import annotations

from ccpolicy.evidence_cases import vectors_root
from ccpolicy.testing.conformance import ConformanceCase, TeeVerifierConformance, forged_case, no_network
from ccpolicy.testing.fixtures import ccpolicy_host_factory, ccpolicy_vectors

__all__ = [
    "ConformanceCase",
    "TeeVerifierConformance",
    "ccpolicy_host_factory",
    "ccpolicy_vectors",
    "forged_case",
    "no_network",
    "vectors_root",
]
