"""ccpolicy plugin entry: the Intel SGX and TDX (DCAP) verifiers."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.hookspecs import hookimpl
from ccpolicy.interfaces import TeeVerifier
from ccpolicy_dcap.verifier import SgxVerifier, TdxVerifier


@hookimpl
def ccpolicy_tee_verifiers() -> Sequence[TeeVerifier]:
    return [SgxVerifier(), TdxVerifier()]
