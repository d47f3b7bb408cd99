"""Entry module of the CCA plugin (entry point ``cca = "ccpolicy_cca.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import TeeVerifier
from ccpolicy_cca.verifier import CcaVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [CcaVerifier()]
