"""The X.509 extensions AMD's Key Distribution Service puts in VCEK and VLEK certificates.

OIDs under 1.3.6.1.4.1.3704.1 (KDS specification 57230):

* ``.1`` structure version (INTEGER), ``.2`` product name (IA5String, ``Milan-B0``, ``Turin``),
* ``.3.1`` boot loader, ``.3.2`` TEE, ``.3.3`` SNP, ``.3.4``-``.3.7`` reserved, ``.3.8`` microcode and,
  on Turin, ``.3.9`` FMC security patch levels (each a DER INTEGER 0..255; values from 128 on carry a
  leading zero byte, e.g. ``02 02 00 D9``),
* ``.4`` hardware id of a VCEK: 64 bytes (Milan, Genoa) or 8 bytes (Turin). KDS has served it both as
  the bare bytes (legacy) and as a DER OCTET STRING (``04 40 ...``); both are accepted and told apart
  by length,
* ``.5`` CSP id of a VLEK (IA5String).

Parsing is done here on the raw extension values; no ASN.1 library is needed for these shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from ccpolicy.certificates import describe
from ccpolicy.errors import ChainError

AMD_OID_PREFIX = "1.3.6.1.4.1.3704.1."
OID_STRUCT_VERSION = AMD_OID_PREFIX + "1"
OID_PRODUCT_NAME = AMD_OID_PREFIX + "2"
OID_BOOTLOADER_SPL = AMD_OID_PREFIX + "3.1"
OID_TEE_SPL = AMD_OID_PREFIX + "3.2"
OID_SNP_SPL = AMD_OID_PREFIX + "3.3"
OID_MICROCODE_SPL = AMD_OID_PREFIX + "3.8"
OID_FMC_SPL = AMD_OID_PREFIX + "3.9"
OID_HWID = AMD_OID_PREFIX + "4"
OID_CSP_ID = AMD_OID_PREFIX + "5"
HWID_SIZES = (64, 8)

DER_INTEGER = 0x02
DER_OCTET_STRING = 0x04
DER_IA5_STRING = 0x16


@dataclass(frozen=True, slots=True, kw_only=True)
class EndorsementExtensions:
    """AMD extensions of one VCEK or VLEK certificate. A missing extension is None."""

    struct_version: int | None
    product_name: str | None
    bootloader: int | None
    tee: int | None
    snp: int | None
    microcode: int | None
    fmc: int | None
    hwid: bytes | None
    csp_id: str | None

    def tcb_components(self) -> dict[str, int | None]:
        """Security patch levels under the names TcbVersion.components() uses."""
        parts: dict[str, int | None] = {
            "bl": self.bootloader,
            "tee": self.tee,
            "snp": self.snp,
            "microcode": self.microcode,
        }
        if self.fmc is not None:
            parts["fmc"] = self.fmc
        return parts


def read_endorsement_extensions(certificate: x509.Certificate) -> EndorsementExtensions:
    """Parse the AMD extensions of ``certificate``; ChainError if one is malformed."""
    values: dict[str, bytes] = {}
    try:
        extensions = certificate.extensions
    except ValueError as exc:  # duplicate or undecodable standard extension
        raise ChainError(f"certificate '{describe(certificate)}' has malformed extensions: {exc}") from exc
    for extension in extensions:
        oid = extension.oid.dotted_string
        if oid.startswith(AMD_OID_PREFIX) and isinstance(extension.value, x509.UnrecognizedExtension):
            values[oid] = extension.value.value
    name = describe(certificate)

    def integer(oid: str) -> int | None:
        return None if oid not in values else decode_spl(values[oid], what=f"extension {oid} of '{name}'")

    def text(oid: str) -> str | None:
        return None if oid not in values else decode_ia5_string(values[oid], what=f"extension {oid} of '{name}'")

    hwid = None if OID_HWID not in values else decode_hwid(values[OID_HWID], what=f"hwID of '{name}'")
    return EndorsementExtensions(
        struct_version=integer(OID_STRUCT_VERSION),
        product_name=text(OID_PRODUCT_NAME),
        bootloader=integer(OID_BOOTLOADER_SPL),
        tee=integer(OID_TEE_SPL),
        snp=integer(OID_SNP_SPL),
        microcode=integer(OID_MICROCODE_SPL),
        fmc=integer(OID_FMC_SPL),
        hwid=hwid,
        csp_id=text(OID_CSP_ID),
    )


def decode_spl(value: bytes, *, what: str) -> int:
    """A DER INTEGER in 0..255 (one content byte, or two with a leading zero)."""
    content = _der_content(value, DER_INTEGER, what=what)
    if len(content) == 1 and content[0] < 0x80:
        return content[0]
    if len(content) == 2 and content[0] == 0:
        return content[1]
    raise ChainError(f"{what} is not an INTEGER between 0 and 255 (value {value.hex()})")


def decode_ia5_string(value: bytes, *, what: str) -> str:
    content = _der_content(value, DER_IA5_STRING, what=what)
    if any(byte > 0x7F for byte in content):
        raise ChainError(f"{what} is not an IA5String (non-ASCII bytes)")
    return content.decode("ascii")


def decode_hwid(value: bytes, *, what: str) -> bytes:
    """The hardware id: bare bytes of a known size, or a DER OCTET STRING holding them."""
    if len(value) in HWID_SIZES:
        return value
    content = _der_content(value, DER_OCTET_STRING, what=what)
    if len(content) in HWID_SIZES:
        return content
    raise ChainError(f"{what} has {len(content)} bytes; AMD hwIDs have 64 (Milan, Genoa) or 8 (Turin)")


def _der_content(value: bytes, tag: int, *, what: str) -> bytes:
    """The content of one DER TLV that must span all of ``value``."""
    if len(value) < 2 or value[0] != tag:
        raise ChainError(f"{what} is not DER with tag {tag:#04x} (value {value[:8].hex()})")
    length = value[1]
    header = 2
    if length & 0x80:
        count = length & 0x7F
        if count not in (1, 2) or len(value) < 2 + count:
            raise ChainError(f"{what} has an unsupported DER length")
        length = int.from_bytes(value[2 : 2 + count], "big")
        header = 2 + count
    if header + length != len(value):
        raise ChainError(f"{what} has a DER length that does not match its {len(value)} bytes")
    return value[header:]
