"""LAUNCH_MEASURE verification (SEV and SEV-ES) with forged launches and a published known answer."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.claims import Claims, to_input_document
from ccpolicy.collateral import load_collateral
from ccpolicy.errors import (
    BindingError,
    ChainError,
    CollateralMissingError,
    ConfigurationError,
    EvidenceFormatError,
    SignatureError,
    UnsupportedEvidenceError,
    VerificationError,
)
from ccpolicy.interfaces import VerificationContext
from ccpolicy_sev.evidence import ApiVersionSource, LaunchEvidence, parse_launch_document
from ccpolicy_sev.forge import ForgedPlatform, LaunchInputs, SevEvidenceForge, launch_document, tik_document
from ccpolicy_sev.measurement import launch_measure
from ccpolicy_sev.verifier import SevVerifier

from .conftest import NOW, ContextMaker

SEV = SevVerifier(encrypted_state=False)
SEV_ES = SevVerifier(encrypted_state=True)
TIK = bytes.fromhex("00112233445566778899aabbccddeeff")
DIGEST = hashlib.sha256(b"guest firmware").digest()
MNONCE = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")

# Known answer of virtee/sev src/session/mod.rs, test `verify` (commit 9cf2adbf): TIK, API 0.18 build 15,
# policy 0, launch digest SHA-256(""), MNONCE -> MEASURE.
KAT_TIK = bytes.fromhex("66320db73158a35a255d051758e95ed4")
KAT_MNONCE = bytes.fromhex("4fbe0bedbad6c86ae8f68971d103e554")
KAT_MEASURE = bytes.fromhex("6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea")

DocumentMaker = Callable[..., bytes]


def _inputs(policy: int, **overrides: Any) -> LaunchInputs:
    values: dict[str, Any] = {
        "tik": TIK,
        "policy": policy,
        "api_major": 0,
        "api_minor": 22,
        "build": 15,
        "launch_digest": DIGEST,
        "mnonce": MNONCE,
    }
    values.update(overrides)
    return LaunchInputs(**values)


def _verify(verifier: SevVerifier, document: bytes, context: VerificationContext) -> Claims:
    return verifier.verify(verifier.parse(document), context)


def _chain_collateral(platform: ForgedPlatform) -> tuple[bytes, bytes]:
    return platform.ask + platform.ark, tik_document(TIK)


def _edit(document: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    content = json.loads(document)
    change(content)
    return json.dumps(content).encode()


def _flip_b64(value: str, index: int) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_known_answer_of_virtee_sev() -> None:
    measure = launch_measure(
        tik=KAT_TIK,
        api_major=0,
        api_minor=0x12,
        build=0x0F,
        policy=0,
        launch_digest=hashlib.sha256(b"").digest(),
        mnonce=KAT_MNONCE,
    )
    assert measure == KAT_MEASURE


def test_known_answer_as_launch_document_on_the_real_naples_chain(
    naples: dict[str, bytes], context: ContextMaker
) -> None:
    """The HMAC does not name the platform, so the published answer rides on the real Naples PDH."""
    document = json.dumps(
        {
            "platform": {name: base64.b64encode(naples[name]).decode() for name in ("pdh", "pek", "oca", "cek")},
            "launch_measurement": base64.b64encode(KAT_MEASURE + KAT_MNONCE).decode(),
            "policy": 0,
            "api_major": 0,
            "api_minor": 18,
            "build": 15,
            "launch_digest": hashlib.sha256(b"").hexdigest(),
        }
    ).encode()
    claims = _verify(SEV, document, context(tik_document(KAT_TIK)))
    assert claims.vendor["generation"] == "Naples"
    assert claims.vendor["launch_measurement_checked"] is True
    assert claims.evidence.debug is True  # policy 0: NODBG clear
    with pytest.raises(SignatureError):
        _verify(SEV, document, context(tik_document(TIK)))


def test_forged_sev_launch_verifies(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01))
    claims = _verify(SEV, document, context(*_chain_collateral(forged), unsafe_trust_test_root=True))
    assert claims.tee == "sev"
    assert claims.evidence.measurements == {"launch": DIGEST}
    assert claims.evidence.debug is False
    assert claims.evidence.tcb.components == {"api_major": 0, "api_minor": 22, "build": 15}
    assert claims.vendor["policy"]["nodbg"] is True
    assert claims.vendor["policy"]["es"] is False
    assert claims.vendor["mnonce"] == MNONCE
    assert claims.collateral.source == "test-root"
    document_json = to_input_document(claims, now=NOW, nonce_verified=None)
    assert document_json["sev"]["launch_digest"] == DIGEST.hex()
    assert document_json["evidence"]["platform"]["technology"] == "SEV"


def test_forged_sev_es_launch_verifies(forged: ForgedPlatform, context: ContextMaker) -> None:
    policy = 0x01 | 0x02 | 0x04 | (0 << 16) | (17 << 24)  # NODBG NOKS ES, minimum API 0.17
    document = launch_document(forged, _inputs(policy))
    claims = _verify(SEV_ES, document, context(*_chain_collateral(forged), unsafe_trust_test_root=True))
    assert claims.tee == "sev-es"
    assert claims.evidence.platform["technology"] == "SEV-ES"
    assert claims.vendor["policy"] == {
        "value": policy,
        "nodbg": True,
        "noks": True,
        "es": True,
        "nosend": False,
        "domain": False,
        "sev": False,
        "api_major_min": 0,
        "api_minor_min": 17,
        "reserved": 0,
    }


def test_forged_launch_needs_the_test_root_flag(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01))
    with pytest.raises(ChainError, match="test root"):
        _verify(SEV, document, context(*_chain_collateral(forged)))


def _flip_measure(content: dict[str, Any]) -> None:
    content["launch_measurement"] = _flip_b64(content["launch_measurement"], 7)


def _flip_mnonce(content: dict[str, Any]) -> None:
    content["launch_measurement"] = _flip_b64(content["launch_measurement"], 40)


def _flip_policy(content: dict[str, Any]) -> None:
    content["policy"] ^= 0x02  # NOKS


def _flip_policy_nodbg(content: dict[str, Any]) -> None:
    content["policy"] ^= 0x01


def _flip_digest(content: dict[str, Any]) -> None:
    digest = bytearray(bytes.fromhex(content["launch_digest"]))
    digest[0] ^= 0x80
    content["launch_digest"] = digest.hex()


def _flip_build(content: dict[str, Any]) -> None:
    content["build"] ^= 0x01


def _flip_api_minor(content: dict[str, Any]) -> None:
    content["api_minor"] ^= 0x01


@pytest.mark.parametrize(
    "change",
    [_flip_measure, _flip_mnonce, _flip_policy, _flip_policy_nodbg, _flip_digest, _flip_build, _flip_api_minor],
)
@pytest.mark.parametrize(("verifier", "policy"), [(SEV, 0x01), (SEV_ES, 0x05)])
def test_one_flipped_bit_fails_the_measurement(
    forged: ForgedPlatform,
    context: ContextMaker,
    verifier: SevVerifier,
    policy: int,
    change: Callable[[dict[str, Any]], None],
) -> None:
    document = _edit(launch_document(forged, _inputs(policy)), change)
    with pytest.raises(VerificationError):
        _verify(verifier, document, context(*_chain_collateral(forged), unsafe_trust_test_root=True))


@pytest.mark.parametrize("bit", [0, 37, 127])
def test_a_tik_one_bit_off_fails(forged: ForgedPlatform, context: ContextMaker, bit: int) -> None:
    document = launch_document(forged, _inputs(0x01))
    wrong = (int.from_bytes(TIK, "big") ^ (1 << bit)).to_bytes(16, "big")
    with pytest.raises(SignatureError, match="launch measurement does not match"):
        _verify(SEV, document, context(forged.ask + forged.ark, tik_document(wrong), unsafe_trust_test_root=True))


def test_tik_as_a_16_byte_blob(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01))
    claims = _verify(SEV, document, context(forged.ask + forged.ark, TIK, unsafe_trust_test_root=True))
    assert claims.vendor["launch_measurement_checked"] is True


def test_missing_tik_means_only_the_guest_owner_can_verify(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01))
    with pytest.raises(CollateralMissingError, match="only the guest owner"):
        _verify(SEV, document, context(forged.ask + forged.ark, unsafe_trust_test_root=True))


def test_two_different_tiks_are_refused(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01))
    other = bytes(16)
    with pytest.raises(ConfigurationError, match="2 different SEV TIKs"):
        _verify(SEV, document, context(forged.ask + forged.ark, TIK, tik_document(other), unsafe_trust_test_root=True))


def test_malformed_tik_document_is_a_configuration_error(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01))
    with pytest.raises(ConfigurationError, match="TIK"):
        _verify(
            SEV, document, context(forged.ask + forged.ark, b'{"sev": {"tik": "abcd"}}', unsafe_trust_test_root=True)
        )


def test_chain_links_may_come_from_collateral(forged: ForgedPlatform, context: ContextMaker) -> None:
    document = launch_document(forged, _inputs(0x01), include_chain=False)
    collateral = (forged.pek + forged.oca + forged.cek, *_chain_collateral(forged))
    claims = _verify(SEV, document, context(*collateral, unsafe_trust_test_root=True))
    assert claims.vendor["evidence_kind"] == "launch"
    with pytest.raises(CollateralMissingError, match="no PEK"):
        _verify(SEV, document, context(*_chain_collateral(forged), unsafe_trust_test_root=True))


def test_launch_on_another_platform_chain_fails(
    forged: ForgedPlatform, forged_other: ForgedPlatform, context: ContextMaker
) -> None:
    document = _edit(
        launch_document(forged, _inputs(0x01)),
        lambda c: c["platform"].update(cek=base64.b64encode(forged_other.cek).decode()),
    )
    with pytest.raises(ChainError):
        _verify(SEV, document, context(*_chain_collateral(forged), unsafe_trust_test_root=True))


def test_api_version_below_the_policy_minimum_is_a_binding_error(forged: ForgedPlatform, context: ContextMaker) -> None:
    policy = 0x01 | (1 << 16)  # minimum API 1.0, platform says 0.22
    document = launch_document(forged, _inputs(policy))
    with pytest.raises(BindingError, match="below the guest policy's minimum"):
        _verify(SEV, document, context(*_chain_collateral(forged), unsafe_trust_test_root=True))


def test_api_version_defaults_to_the_pdh_certificate(forged: ForgedPlatform, context: ContextMaker) -> None:
    def drop(content: dict[str, Any]) -> None:
        del content["api_major"], content["api_minor"]

    document = _edit(launch_document(forged, _inputs(0x01)), drop)
    report = SEV.parse(document)
    assert isinstance(report, LaunchEvidence)
    assert report.api_version_source is ApiVersionSource.PDH_CERTIFICATE
    claims = SEV.verify(report, context(*_chain_collateral(forged), unsafe_trust_test_root=True))
    assert claims.vendor["api_version_source"] is ApiVersionSource.PDH_CERTIFICATE
    assert (claims.vendor["api_major"], claims.vendor["api_minor"]) == (0, 22)


def test_detect_routes_by_content(forged: ForgedPlatform, naples: dict[str, bytes]) -> None:
    sev_document = launch_document(forged, _inputs(0x01))
    es_document = launch_document(forged, _inputs(0x05))
    assert SEV.detect(sev_document) and not SEV_ES.detect(sev_document)
    assert SEV_ES.detect(es_document) and not SEV.detect(es_document)
    assert SEV.detect(naples["pdh"]) and not SEV_ES.detect(naples["pdh"])
    for other in (b"", b"{}", naples["ark"], naples["pek"], b"\x30\x82" + bytes(100)):
        assert not SEV.detect(other) and not SEV_ES.detect(other)


def test_parse_refuses_the_other_kind(forged: ForgedPlatform, naples: dict[str, bytes]) -> None:
    with pytest.raises(UnsupportedEvidenceError, match="sev-es evidence"):
        SEV.parse(launch_document(forged, _inputs(0x05)))
    with pytest.raises(UnsupportedEvidenceError, match="sev evidence"):
        SEV_ES.parse(launch_document(forged, _inputs(0x01)))
    with pytest.raises(UnsupportedEvidenceError, match="use the sev verifier"):
        SEV_ES.parse(naples["pdh"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(extra=1), "unknown keys extra"),
        (lambda c: c.pop("build"), "lacks build"),
        (lambda c: c.pop("api_minor"), "both api_major and api_minor"),
        (lambda c: c.update(policy=True), "policy must be an integer"),
        (lambda c: c.update(policy=1 << 32), "policy must be an integer"),
        (lambda c: c.update(build="15"), "build must be an integer"),
        (lambda c: c.update(launch_measurement="***"), "not valid base64"),
        (lambda c: c.update(launch_measurement=base64.b64encode(bytes(47)).decode()), "must be 48 bytes"),
        (lambda c: c.update(launch_digest="zz"), "not valid hex"),
        (lambda c: c.update(launch_digest="00" * 31), "must be 32 bytes"),
        (lambda c: c.update(platform=[]), "platform must be an object"),
        (lambda c: c["platform"].pop("pdh"), "platform.pdh"),
        (lambda c: c["platform"].update(ocb="AAAA"), "unknown keys ocb"),
        (lambda c: c["platform"].update(pek=c["platform"]["cek"]), "platform.pek holds a CEK"),
        (lambda c: c["platform"].update(pdh=c["platform"]["pek"]), "platform.pdh holds a PEK"),
        (lambda c: c["platform"].update(ask=c["platform"]["pek"]), "platform.ask"),
    ],
)
def test_malformed_launch_documents(
    forged: ForgedPlatform, change: Callable[[dict[str, Any]], Any], message: str
) -> None:
    document = _edit(launch_document(forged, _inputs(0x01)), change)
    with pytest.raises(EvidenceFormatError, match=message):
        parse_launch_document(document)


@pytest.mark.parametrize("text", [b"{", b"[1, 2]", b'"x"', b"{" * 100000, b"\xff{}"])
def test_launch_document_that_is_not_a_json_object(text: bytes) -> None:
    with pytest.raises(EvidenceFormatError):
        parse_launch_document(text)


@pytest.mark.parametrize(("verifier", "settings"), [(False, {}), (True, {}), (False, {"evidence": "platform"})])
def test_forge_writes_evidence_that_verifies(tmp_path: Path, verifier: bool, settings: dict[str, str]) -> None:
    forge = SevEvidenceForge(encrypted_state=verifier)
    written = forge.forge(tmp_path, {"build": "0x10", **settings}, NOW)
    target = SEV_ES if verifier else SEV
    context = VerificationContext(now=NOW, collateral=load_collateral(written.collateral), unsafe_trust_test_root=True)
    claims = target.verify(target.parse(written.evidence.read_bytes()), context)
    assert claims.tee == forge.tee_id
    reference = json.loads(written.reference_values.read_text())[forge.tee_id]
    if settings.get("evidence") == "platform":
        assert claims.vendor["launch_measurement_checked"] is False
    else:
        assert reference["measurements"] == [claims.evidence.measurements["launch"].hex()]
        assert reference["min_build"] == claims.vendor["build"] == 16
    strict = VerificationContext(now=NOW, collateral=load_collateral(written.collateral))
    with pytest.raises(ChainError):
        target.verify(target.parse(written.evidence.read_bytes()), strict)


@pytest.mark.parametrize(
    ("encrypted_state", "settings", "message"),
    [
        (False, {"colour": "red"}, "unknown sev forge setting"),
        (False, {"policy": "0x5"}, "ES bit set"),
        (True, {"policy": "1"}, "ES bit clear"),
        (True, {"evidence": "platform"}, "evidence=platform"),
        (False, {"tik": "00"}, "16 bytes"),
        (False, {"build": "256"}, "outside"),
        (False, {"build": "x"}, "not an integer"),
        (False, {"ca_key_bits": "1024"}, "2048 or 4096"),
    ],
)
def test_forge_settings_are_checked(
    tmp_path: Path, encrypted_state: bool, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        SevEvidenceForge(encrypted_state=encrypted_state).forge(tmp_path, settings, NOW)
