"""The SEV evidence forge: AMD-format certificates and launch measurements under a ccpolicy test root.

The forge makes a test ARK and ASK in AMD's CA format (RSA-PSS; their key ids
start with ``CCPOLICYTEST``, see :mod:`ccpolicy_sev.roots`), a CEK signed by
the ASK, a self-signed OCA, a PEK signed by both, a PDH signed by the PEK
(all ECDSA/ECDH P-384 as on real parts), and a launch measurement made with a
random test TIK.  No default trust store accepts the test root.

Settings (``field=value``): ``evidence`` (``launch`` or ``platform``; sev only),
``policy`` (u32, decimal or 0x-hex), ``api_major``, ``api_minor``, ``build``,
``launch_digest`` (64 hex digits), ``mnonce`` (32 hex digits), ``tik`` (32 hex
digits), ``ca_key_bits`` (2048 or 4096).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import ForgedEvidence
from ccpolicy_sev.encoding import (
    ca_certificate_body,
    ecdsa_signature_value,
    empty_signature_slot,
    rsa_signature_value,
    sev_certificate_body,
    signature_slot,
)
from ccpolicy_sev.formats import Algorithm, EcCurve, KeyUsage
from ccpolicy_sev.measurement import TIK_SIZE, launch_measure
from ccpolicy_sev.roots import TEST_KEY_ID_PREFIX

DEFAULT_LAUNCH_DIGEST = hashlib.sha256(b"ccpolicy sev test guest firmware").digest()
_SETTINGS = frozenset(
    {"evidence", "policy", "api_major", "api_minor", "build", "launch_digest", "mnonce", "tik", "ca_key_bits"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgedPlatform:
    """AMD-format certificates of one forged platform, each as encoded bytes."""

    ark: bytes
    ask: bytes
    cek: bytes
    oca: bytes
    pek: bytes
    pdh: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchInputs:
    """What LAUNCH_MEASURE covers, plus the TIK that keys it."""

    tik: bytes
    policy: int
    api_major: int
    api_minor: int
    build: int
    launch_digest: bytes
    mnonce: bytes


def forge_platform(*, ca_key_bits: int = 2048, api_major: int = 0, api_minor: int = 22) -> ForgedPlatform:
    """A complete test chain ARK -> ASK -> CEK -> PEK (<- OCA) -> PDH."""
    if ca_key_bits not in (2048, 4096):
        raise ConfigurationError(f"ca_key_bits must be 2048 or 4096, not {ca_key_bits}")
    ark_key = rsa.generate_private_key(public_exponent=65537, key_size=ca_key_bits)
    ask_key = rsa.generate_private_key(public_exponent=65537, key_size=ca_key_bits)
    ark_id = TEST_KEY_ID_PREFIX + os.urandom(16 - len(TEST_KEY_ID_PREFIX))
    ask_id = TEST_KEY_ID_PREFIX + os.urandom(16 - len(TEST_KEY_ID_PREFIX))
    ark = _ca_certificate(ark_key, ark_key, key_id=ark_id, certifying_id=ark_id, usage=KeyUsage.ARK)
    ask = _ca_certificate(ask_key, ark_key, key_id=ask_id, certifying_id=ark_id, usage=KeyUsage.ASK)

    cek_key, oca_key, pek_key, pdh_key = (ec.generate_private_key(ec.SECP384R1()) for _ in range(4))
    version = {"api_major": api_major, "api_minor": api_minor}
    cek_body = _ec_body(cek_key, KeyUsage.CEK, Algorithm.ECDSA_SHA256, **version)
    ask_algorithm = Algorithm.RSA_PSS_SHA256 if ca_key_bits == 2048 else Algorithm.RSA_PSS_SHA384
    cek = cek_body + signature_slot(KeyUsage.ASK, ask_algorithm, _rsa_sign(ask_key, cek_body)) + empty_signature_slot()
    oca_body = _ec_body(oca_key, KeyUsage.OCA, Algorithm.ECDSA_SHA256, **version)
    oca = oca_body + _ecdsa_slot(oca_key, KeyUsage.OCA, oca_body) + empty_signature_slot()
    pek_body = _ec_body(pek_key, KeyUsage.PEK, Algorithm.ECDSA_SHA256, **version)
    pek = pek_body + _ecdsa_slot(oca_key, KeyUsage.OCA, pek_body) + _ecdsa_slot(cek_key, KeyUsage.CEK, pek_body)
    pdh_body = _ec_body(pdh_key, KeyUsage.PDH, Algorithm.ECDH_SHA256, **version)
    pdh = pdh_body + _ecdsa_slot(pek_key, KeyUsage.PEK, pdh_body) + empty_signature_slot()
    return ForgedPlatform(ark=ark, ask=ask, cek=cek, oca=oca, pek=pek, pdh=pdh)


def launch_document(platform: ForgedPlatform, inputs: LaunchInputs, *, include_chain: bool = True) -> bytes:
    """A launch document (``application/vnd.ccpolicy.sev.launch+json``) with a MEASURE made with the TIK."""
    measure = launch_measure(
        tik=inputs.tik,
        api_major=inputs.api_major,
        api_minor=inputs.api_minor,
        build=inputs.build,
        policy=inputs.policy,
        launch_digest=inputs.launch_digest,
        mnonce=inputs.mnonce,
    )
    certificates = {"pdh": platform.pdh}
    if include_chain:
        certificates |= {"pek": platform.pek, "oca": platform.oca, "cek": platform.cek}
    document = {
        "platform": {name: _b64(value) for name, value in certificates.items()},
        "launch_measurement": _b64(measure + inputs.mnonce),
        "policy": inputs.policy,
        "api_major": inputs.api_major,
        "api_minor": inputs.api_minor,
        "build": inputs.build,
        "launch_digest": inputs.launch_digest.hex(),
    }
    return json.dumps(document, indent=2).encode() + b"\n"


def tik_document(tik: bytes) -> bytes:
    """The TIK as collateral: ``{"sev": {"tik": "<hex>"}}``."""
    return json.dumps({"sev": {"tik": tik.hex()}}).encode() + b"\n"


class SevEvidenceForge:
    """Writes SEV (or SEV-ES) evidence, its collateral and reference values under a test root."""

    def __init__(self, *, encrypted_state: bool) -> None:
        self.encrypted_state = encrypted_state
        self.tee_id = "sev-es" if encrypted_state else "sev"

    def forge(self, out_dir: Path, settings: Mapping[str, str], now: datetime) -> ForgedEvidence:
        """``now`` is unused: AMD's SEV certificates carry no validity dates."""
        if unknown := set(settings) - _SETTINGS:
            raise ConfigurationError(
                f"unknown {self.tee_id} forge setting(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(_SETTINGS))}"
            )
        kind = settings.get("evidence", "launch")
        if kind not in ("launch", "platform") or (kind == "platform" and self.encrypted_state):
            raise ConfigurationError(f"evidence={kind} is not something the {self.tee_id} forge makes")
        inputs = self._launch_inputs(settings)
        platform = forge_platform(
            ca_key_bits=_integer(settings, "ca_key_bits", 2048, 4096),
            api_major=inputs.api_major,
            api_minor=inputs.api_minor,
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = self.tee_id.replace("-", "_")
        ca_path = _write(out_dir / f"{stem}_test_ca.cert", platform.ask + platform.ark)
        if kind == "platform":
            evidence = _write(
                out_dir / f"{stem}_platform.cert", platform.pdh + platform.pek + platform.oca + platform.cek
            )
            collateral: tuple[Path, ...] = (ca_path,)
        else:
            evidence = _write(out_dir / f"{stem}_launch.json", launch_document(platform, inputs))
            collateral = (ca_path, _write(out_dir / f"{stem}_tik.json", tik_document(inputs.tik)))
        reference = {  # the layout of data.<tee> that policies/sev*/ read
            self.tee_id: {
                "measurements": [inputs.launch_digest.hex()] if kind == "launch" else [],
                "min_api": {"major": inputs.api_major, "minor": inputs.api_minor},
                "min_build": inputs.build if kind == "launch" else 0,
            }
        }
        reference_path = _write(
            out_dir / f"{stem}_reference_values.json", json.dumps(reference, indent=2).encode() + b"\n"
        )
        return ForgedEvidence(evidence=evidence, collateral=collateral, reference_values=reference_path)

    def _launch_inputs(self, settings: Mapping[str, str]) -> LaunchInputs:
        default_policy = 0x05 if self.encrypted_state else 0x01
        policy = _integer(settings, "policy", default_policy, 0xFFFFFFFF)
        if bool(policy & 0x04) != self.encrypted_state:
            raise ConfigurationError(
                f"policy {policy:#x} has the ES bit {'set' if policy & 0x04 else 'clear'}, "
                f"which is not {self.tee_id} evidence"
            )
        return LaunchInputs(
            tik=_hex(settings, "tik", TIK_SIZE) or os.urandom(TIK_SIZE),
            policy=policy,
            api_major=_integer(settings, "api_major", 0, 0xFF),
            api_minor=_integer(settings, "api_minor", 22, 0xFF),
            build=_integer(settings, "build", 15, 0xFF),
            launch_digest=_hex(settings, "launch_digest", 32) or DEFAULT_LAUNCH_DIGEST,
            mnonce=_hex(settings, "mnonce", 16) or os.urandom(16),
        )


def _ca_certificate(
    key: rsa.RSAPrivateKey, signer: rsa.RSAPrivateKey, *, key_id: bytes, certifying_id: bytes, usage: KeyUsage
) -> bytes:
    numbers = key.public_key().public_numbers()
    body = ca_certificate_body(
        key_id=key_id,
        certifying_id=certifying_id,
        usage=usage,
        modulus_bits=key.key_size,
        public_exponent=numbers.e,
        modulus=numbers.n,
    )
    return body + _rsa_sign(signer, body)


def _rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> bytes:
    digest: hashes.HashAlgorithm = hashes.SHA256() if key.key_size == 2048 else hashes.SHA384()
    signature = key.sign(message, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest)
    return rsa_signature_value(signature)


def _ec_body(
    key: ec.EllipticCurvePrivateKey, usage: KeyUsage, algorithm: Algorithm, *, api_major: int, api_minor: int
) -> bytes:
    numbers = key.public_key().public_numbers()
    return sev_certificate_body(
        api_major=api_major,
        api_minor=api_minor,
        usage=usage,
        algorithm=algorithm,
        curve=EcCurve.P384,
        x=numbers.x,
        y=numbers.y,
    )


def _ecdsa_slot(key: ec.EllipticCurvePrivateKey, usage: KeyUsage, message: bytes) -> bytes:
    r, s = utils.decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return signature_slot(usage, Algorithm.ECDSA_SHA256, ecdsa_signature_value(r, s))


def _integer(settings: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    if name not in settings:
        return default
    try:
        value = int(settings[name], 0)
    except ValueError:
        raise ConfigurationError(f"forge setting {name}={settings[name]!r} is not an integer") from None
    if not 0 <= value <= maximum:
        raise ConfigurationError(f"forge setting {name}={value} is outside 0..{maximum}")
    return value


def _hex(settings: Mapping[str, str], name: str, size: int) -> bytes | None:
    if name not in settings:
        return None
    try:
        value = bytes.fromhex(settings[name])
    except ValueError:
        raise ConfigurationError(f"forge setting {name} is not hex") from None
    if len(value) != size:
        raise ConfigurationError(f"forge setting {name} must be {size} bytes ({2 * size} hex digits)")
    return value


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
