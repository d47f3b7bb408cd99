"""The ``field=value`` settings of the SEV-SNP forge, parsed into a typed record.

Fields (defaults in brackets; integers are decimal or 0x-hex, flags 0/1, binary values hex):

* ``product`` milan|genoa|turin [milan]; ``version`` 2|3|5 [3] (2 has no CPUID, so not for Turin)
* guest policy: ``debug`` [0], ``smt`` [1], ``migrate_ma``, ``single_socket``, ``cxl_allow``,
  ``mem_aes_256_xts``, ``rapl_dis``, ``ciphertext_hiding``, ``page_swap_disable`` [0],
  ``abi_major`` [1], ``abi_minor`` [55]
* ``vmpl`` [0], ``guest_svn`` [0], ``platform_info`` [1 = SMT enabled], ``firmware`` major.minor.build [1.55.29]
* ``measurement`` (48 bytes) [SHA-384 of a fixed text]; ``report_data`` (<= 64 bytes), ``host_data``
  (<= 32), ``family_id``, ``image_id`` (<= 16), ``id_key_digest``, ``author_key_digest`` (<= 48):
  zero-padded [zero]; ``author_key_en`` [0]
* ``chip_id`` (64 bytes; 8 on Turin, zero-padded) [a fixed test value; zero for a VLEK]
* ``reported_tcb.{bl,tee,snp,ucode,fmc}`` and ``current_tcb.*``, ``committed_tcb.*``, ``launch_tcb.*``
  (each defaults to the reported TCB); ``fmc`` only on Turin
* ``launch_mit_vector``, ``current_mit_vector`` (version 5) [0]
* ``signing_key`` vcek|vlek [vcek]; ``vcek_not_before``, ``vcek_not_after`` (RFC 3339) for the VCEK or
  VLEK [now - 1 day, now + 7 years]; ``tcb_mismatch`` 1 makes the certificate's microcode SPL differ
  from the report's
* ``crl`` 1 also writes ``collateral/crl.der`` (the ARK's CRL, as KDS serves it) and
  ``collateral/ask_crl.der`` (the CRL of the ASK, or ASVK) [0]; ``revoke`` ask|vcek|ask,vcek (asvk|vlek for
  a VLEK chain) lists those certificates on the CRLs and implies ``crl=1`` [none];
  ``crl_this_update``, ``crl_next_update`` (RFC 3339) [now - 1 day, now + 7 days]
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from ccpolicy.clock import parse_time
from ccpolicy.errors import ConfigurationError
from ccpolicy_snp.key_info import SigningKey
from ccpolicy_snp.product import SevProduct

T = TypeVar("T")

POLICY_FLAGS = (
    "smt",
    "migrate_ma",
    "debug",
    "single_socket",
    "cxl_allow",
    "mem_aes_256_xts",
    "rapl_dis",
    "ciphertext_hiding",
    "page_swap_disable",
)
TCB_FIELDS = ("reported_tcb", "current_tcb", "committed_tcb", "launch_tcb")
TCB_PARTS = ("bl", "tee", "snp", "ucode", "fmc")
ZERO_PADDED = {
    "report_data": 64,
    "host_data": 32,
    "family_id": 16,
    "image_id": 16,
    "id_key_digest": 48,
    "author_key_digest": 48,
}
INTEGERS = {
    "abi_major": 0xFF,
    "abi_minor": 0xFF,
    "vmpl": 0xFFFF_FFFF,
    "guest_svn": 0xFFFF_FFFF,
    "platform_info": 0xFFFF_FFFF_FFFF_FFFF,
    "launch_mit_vector": 0xFFFF_FFFF_FFFF_FFFF,
    "current_mit_vector": 0xFFFF_FFFF_FFFF_FFFF,
}
FLAGS = (*POLICY_FLAGS, "author_key_en", "tcb_mismatch", "crl")
OTHER_FIELDS = (
    "product",
    "version",
    "firmware",
    "measurement",
    "chip_id",
    "signing_key",
    "vcek_not_before",
    "vcek_not_after",
    "revoke",
    "crl_this_update",
    "crl_next_update",
)
KNOWN_FIELDS = frozenset(
    [*POLICY_FLAGS, *FLAGS, *ZERO_PADDED, *INTEGERS, *OTHER_FIELDS]
    + [f"{tcb}.{part}" for tcb in TCB_FIELDS for part in TCB_PARTS]
)

DEFAULT_TCB = {
    SevProduct.MILAN: {"bl": 3, "tee": 0, "snp": 8, "ucode": 115},
    SevProduct.GENOA: {"bl": 7, "tee": 0, "snp": 14, "ucode": 72},
    SevProduct.TURIN: {"fmc": 1, "bl": 1, "tee": 1, "snp": 1, "ucode": 4},
}
"""Arbitrary test levels per product (not taken from any real platform)."""
DEFAULT_CPUID = {
    SevProduct.MILAN: (0x19, 0x01, 0x01),
    SevProduct.GENOA: (0x19, 0x11, 0x01),
    SevProduct.TURIN: (0x1A, 0x02, 0x00),
}
DEFAULT_MEASUREMENT = hashlib.sha384(b"ccpolicy forged SEV-SNP guest image").digest()
DEFAULT_CHIP_ID = hashlib.sha512(b"ccpolicy forged SEV-SNP chip").digest()
DEFAULT_REPORT_ID = hashlib.sha256(b"ccpolicy forged SEV-SNP report id").digest()


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgeSettings:
    product: SevProduct = SevProduct.MILAN
    version: int = 3
    policy_flags: Mapping[str, bool] = field(default_factory=lambda: {"smt": True})
    abi_major: int = 1
    abi_minor: int = 55
    vmpl: int = 0
    guest_svn: int = 0
    platform_info: int = 1
    firmware: tuple[int, int, int] = (1, 55, 29)
    measurement: bytes = DEFAULT_MEASUREMENT
    padded: Mapping[str, bytes] = field(default_factory=dict)
    author_key_en: bool = False
    chip_id: bytes = DEFAULT_CHIP_ID
    tcbs: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Per TCB field, the components ``bl``, ``tee``, ``snp``, ``ucode`` (+ ``fmc`` on Turin)."""
    launch_mit_vector: int = 0
    current_mit_vector: int = 0
    signing_key: SigningKey = SigningKey.VCEK
    leaf_not_before: datetime | None = None
    leaf_not_after: datetime | None = None
    tcb_mismatch: bool = False
    crl: bool = False
    revoke_intermediate: bool = False
    """List the ASK (or ASVK) on the ARK's CRL."""
    revoke_leaf: bool = False
    """List the VCEK (or VLEK) on the ASK's (or ASVK's) CRL."""
    crl_this_update: datetime | None = None
    crl_next_update: datetime | None = None


def parse_forge_settings(settings: Mapping[str, str]) -> ForgeSettings:
    """Parse ``field=value`` overrides; ConfigurationError for an unknown field or a bad value."""
    unknown = sorted(set(settings) - KNOWN_FIELDS)
    if unknown:
        raise ConfigurationError(
            f"unknown SEV-SNP forge field(s): {', '.join(unknown)}",
            hint=f"known fields: {', '.join(sorted(KNOWN_FIELDS))}",
        )
    product = _choice(settings.get("product", "milan"), "product", {p.value.lower(): p for p in SevProduct})
    version = _choice(settings.get("version", "3"), "version", {"2": 2, "3": 3, "5": 5})
    if version == 2 and product is SevProduct.TURIN:
        raise ConfigurationError("Turin reports are version 3 or later (version 2 has no CPUID)")
    signing_key = _choice(
        settings.get("signing_key", "vcek"), "signing_key", {"vcek": SigningKey.VCEK, "vlek": SigningKey.VLEK}
    )
    flags = {name: name == "smt" for name in POLICY_FLAGS}
    flags.update({name: _flag(settings[name], name) for name in POLICY_FLAGS if name in settings})
    integers = {name: _integer(settings[name], name, limit) for name, limit in INTEGERS.items() if name in settings}
    padded = {
        name: _hex(settings[name], name, size, pad=True) for name, size in ZERO_PADDED.items() if name in settings
    }

    revoked = _revoked(settings.get("revoke", ""), signing_key)

    chip_id = DEFAULT_CHIP_ID if signing_key is SigningKey.VCEK else bytes(64)
    if product is SevProduct.TURIN:
        chip_id = chip_id[:8] + bytes(56)
    if "chip_id" in settings:
        chip_id = _hex(settings["chip_id"], "chip_id", 64, pad=product is SevProduct.TURIN)

    return ForgeSettings(
        product=product,
        version=version,
        policy_flags=flags,
        abi_major=integers.get("abi_major", 1),
        abi_minor=integers.get("abi_minor", 55),
        vmpl=integers.get("vmpl", 0),
        guest_svn=integers.get("guest_svn", 0),
        platform_info=integers.get("platform_info", 1),
        firmware=_firmware(settings.get("firmware", "1.55.29")),
        measurement=_hex(settings["measurement"], "measurement", 48, pad=False)
        if "measurement" in settings
        else DEFAULT_MEASUREMENT,
        padded=padded,
        author_key_en=_flag(settings.get("author_key_en", "0"), "author_key_en"),
        chip_id=chip_id,
        tcbs=_tcbs(settings, product),
        launch_mit_vector=integers.get("launch_mit_vector", 0),
        current_mit_vector=integers.get("current_mit_vector", 0),
        signing_key=signing_key,
        leaf_not_before=parse_time(settings["vcek_not_before"]) if "vcek_not_before" in settings else None,
        leaf_not_after=parse_time(settings["vcek_not_after"]) if "vcek_not_after" in settings else None,
        tcb_mismatch=_flag(settings.get("tcb_mismatch", "0"), "tcb_mismatch"),
        crl=_flag(settings.get("crl", "0"), "crl") or bool(revoked),
        revoke_intermediate="intermediate" in revoked,
        revoke_leaf="leaf" in revoked,
        crl_this_update=parse_time(settings["crl_this_update"]) if "crl_this_update" in settings else None,
        crl_next_update=parse_time(settings["crl_next_update"]) if "crl_next_update" in settings else None,
    )


def _tcbs(settings: Mapping[str, str], product: SevProduct) -> dict[str, dict[str, int]]:
    def overrides(tcb: str) -> dict[str, int]:
        found = {}
        for part in TCB_PARTS:
            key = f"{tcb}.{part}"
            if key in settings:
                if part == "fmc" and product is not SevProduct.TURIN:
                    raise ConfigurationError(f"{key}: only Turin TCBs have an FMC component")
                found[part] = _integer(settings[key], key, 0xFF)
        return found

    reported = {**DEFAULT_TCB[product], **overrides("reported_tcb")}
    return {tcb: {**reported, **overrides(tcb)} for tcb in TCB_FIELDS}


def _revoked(text: str, signing_key: SigningKey) -> set[str]:
    """``revoke=ask,vcek`` -> {"intermediate", "leaf"}; names must fit the signing key's chain."""
    names = {"ask": "intermediate", "vcek": "leaf"}
    if signing_key is SigningKey.VLEK:
        names = {"asvk": "intermediate", "vlek": "leaf"}
    revoked = set()
    for item in (part.strip().lower() for part in text.split(",")):
        if not item:
            continue
        if item not in names:
            raise ConfigurationError(f"revoke={text}: expected a list of {' and '.join(names)}")
        revoked.add(names[item])
    return revoked


def _choice(text: str, name: str, choices: Mapping[str, T]) -> T:
    try:
        return choices[text.strip().lower()]
    except KeyError:
        raise ConfigurationError(f"{name}={text}: expected one of {', '.join(choices)}") from None


def _flag(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name}={text}: expected 0 or 1")


def _integer(text: str, name: str, limit: int) -> int:
    try:
        value = int(text.strip(), 0)
    except ValueError:
        raise ConfigurationError(f"{name}={text}: expected an integer (decimal or 0x-hex)") from None
    if not 0 <= value <= limit:
        raise ConfigurationError(f"{name}={text}: expected 0..{limit}")
    return value


def _hex(text: str, name: str, size: int, *, pad: bool) -> bytes:
    cleaned = text.strip().removeprefix("0x")
    try:
        value = bytes.fromhex(cleaned)
    except ValueError:
        raise ConfigurationError(f"{name}: '{text}' is not hex") from None
    if len(value) > size or (not pad and len(value) != size):
        raise ConfigurationError(f"{name}: expected {'at most ' if pad else ''}{size} bytes, got {len(value)}")
    return value.ljust(size, b"\0")


def _firmware(text: str) -> tuple[int, int, int]:
    parts = text.strip().split(".")
    if len(parts) != 3:
        raise ConfigurationError(f"firmware={text}: expected major.minor.build")
    major, minor, build = (_integer(part, "firmware", 0xFF) for part in parts)
    return major, minor, build
