"""AMD's SEV root keys (ARK) and signing keys (ASK), embedded and pinned by SHA-256.

The certificate files in ``amd_roots/`` are AMD's public certificates in AMD's
own format, as published by AMD (``ask_ark_naples.cert``, ``ask_ark_rome.cert``,
``ask_ark_milan.cert`` on developer.amd.com) and vendored by virtee/sev under
``src/certs/sev/builtin/<generation>/`` (commit 7cee2aa4, Apache-2.0).  They are
trust anchors (data), not code.  Each file is checked against the fingerprint
pinned here before use.

AMD's format has no names, so a certificate authority made by ccpolicy's
evidence forge is marked by its key id: the first 12 bytes of the key id of
every forge ARK and ASK are the ASCII text ``CCPOLICYTEST`` (see
:data:`TEST_KEY_ID_PREFIX`).  AMD's key ids are random, so no genuine key
carries that prefix by accident (probability 2**-96).  Such a root is trusted
only when the verification context sets ``unsafe_trust_test_root``.
"""

from __future__ import annotations

import enum
import functools
import hashlib
from dataclasses import dataclass
from importlib import resources

from ccpolicy.errors import PluginError
from ccpolicy_sev.formats import AmdCaCertificate, KeyUsage, parse_ca_certificate

TEST_KEY_ID_PREFIX = b"CCPOLICYTEST"
"""Reserved key-id prefix of every ARK/ASK made by the ccpolicy evidence forge."""


class AmdGeneration(enum.Enum):
    """Which AMD root a platform chain ends in."""

    NAPLES = "Naples"
    ROME = "Rome"
    MILAN = "Milan"
    TEST = "test root"


@dataclass(frozen=True, slots=True, kw_only=True)
class PinnedCertificate:
    generation: AmdGeneration
    usage: KeyUsage
    file_name: str
    sha256: str


PINNED_CERTIFICATES = (
    PinnedCertificate(
        generation=AmdGeneration.NAPLES,
        usage=KeyUsage.ARK,
        file_name="naples_ark.cert",
        sha256="dedabca561e1dece8cc00b7bda864cf5f20b95017864408cfe18eaee0dce24b9",
    ),
    PinnedCertificate(
        generation=AmdGeneration.NAPLES,
        usage=KeyUsage.ASK,
        file_name="naples_ask.cert",
        sha256="c6f30cf923f526c3bcd5c8c221db51e0db65911782f046de17a6603131cdfd7f",
    ),
    PinnedCertificate(
        generation=AmdGeneration.ROME,
        usage=KeyUsage.ARK,
        file_name="rome_ark.cert",
        sha256="865977b268c16d5b27772b00aaefb4e737ba9499e818ed8e9f65b0cecefbc529",
    ),
    PinnedCertificate(
        generation=AmdGeneration.ROME,
        usage=KeyUsage.ASK,
        file_name="rome_ask.cert",
        sha256="7754a69407d25540fe3a695be6b02c58a53bffd12594f5c30793d6cb62875706",
    ),
    PinnedCertificate(
        generation=AmdGeneration.MILAN,
        usage=KeyUsage.ARK,
        file_name="milan_ark.cert",
        sha256="1246469862b78a7a8625579b0378d1f8e975eb8b82a1623b579d7968a5969888",
    ),
    PinnedCertificate(
        generation=AmdGeneration.MILAN,
        usage=KeyUsage.ASK,
        file_name="milan_ask.cert",
        sha256="c7c73765561c58003a3d09adb2c76993027dd3a1ec4e9be876024c035e015cec",
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustAnchor:
    """An ARK the verifier may end a chain in."""

    certificate: AmdCaCertificate
    generation: AmdGeneration


def is_test_key_id(key_id: bytes) -> bool:
    """True for key ids of certificate authorities made by ccpolicy's evidence forge."""
    return key_id.startswith(TEST_KEY_ID_PREFIX)


@functools.cache
def embedded_certificates() -> tuple[tuple[PinnedCertificate, AmdCaCertificate], ...]:
    """Every embedded AMD certificate, checked against its pinned SHA-256 and parsed."""
    folder = resources.files("ccpolicy_sev") / "amd_roots"
    loaded = []
    for pin in PINNED_CERTIFICATES:
        encoded = (folder / pin.file_name).read_bytes()
        digest = hashlib.sha256(encoded).hexdigest()
        if digest != pin.sha256:
            raise PluginError(
                f"embedded AMD {pin.generation.value} {pin.usage.name} ({pin.file_name}) has SHA-256 {digest}, "
                f"pinned {pin.sha256}: the installation is damaged",
                reason="plugin.sev.root_pin",
            )
        certificate = parse_ca_certificate(encoded)
        if certificate.usage is not pin.usage:
            raise PluginError(f"embedded {pin.file_name} is not an {pin.usage.name}", reason="plugin.sev.root_pin")
        loaded.append((pin, certificate))
    return tuple(loaded)


def embedded_arks() -> tuple[TrustAnchor, ...]:
    """AMD's pinned root keys (Naples, Rome, Milan)."""
    return tuple(
        TrustAnchor(certificate=certificate, generation=pin.generation)
        for pin, certificate in embedded_certificates()
        if pin.usage is KeyUsage.ARK
    )


def embedded_asks() -> tuple[AmdCaCertificate, ...]:
    """AMD's published ASKs, used only when neither evidence nor collateral presents an ASK."""
    return tuple(certificate for pin, certificate in embedded_certificates() if pin.usage is KeyUsage.ASK)


def embedded_certificate(generation: AmdGeneration, usage: KeyUsage) -> AmdCaCertificate:
    """One embedded certificate by generation and role (ARK or ASK)."""
    for pin, certificate in embedded_certificates():
        if pin.generation is generation and pin.usage is usage:
            return certificate
    raise KeyError(f"no embedded {generation.value} {usage.name}")
