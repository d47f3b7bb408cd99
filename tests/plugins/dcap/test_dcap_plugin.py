"""The plugin entry module: hook, protocol, media types."""

from __future__ import annotations

from ccpolicy.interfaces import TeeVerifier
from ccpolicy_dcap import plugin
from ccpolicy_dcap.verifier import SgxVerifier, TdxVerifier


def test_hook_returns_sgx_and_tdx_verifiers() -> None:
    verifiers = plugin.ccpolicy_tee_verifiers()
    assert [type(v) for v in verifiers] == [SgxVerifier, TdxVerifier]
    assert {v.tee_id for v in verifiers} == {"sgx", "tdx"}
    for verifier in verifiers:
        assert isinstance(verifier, TeeVerifier)
        assert verifier.name and verifier.version
    media = {v.tee_id: tuple(v.media_types) for v in verifiers}
    assert media == {"sgx": ("application/vnd.intel.sgx.quote",), "tdx": ("application/vnd.intel.tdx.quote",)}


def test_detect_is_cheap_and_strict() -> None:
    sgx, tdx = SgxVerifier(), TdxVerifier()
    for junk in (b"", b"\0" * 48, b"\x04\x00\x02\x00\x81\x00\x00\x00" + b"\0" * 40):
        assert not sgx.detect(junk)
        assert not tdx.detect(junk)
