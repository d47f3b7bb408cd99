"""Entry module of the PSA plugin (entry point ``psa = "ccpolicy_psa.plugin"``, group ``ccpolicy``)."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import TeeVerifier
from ccpolicy_psa.verifier import PsaVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [PsaVerifier()]
