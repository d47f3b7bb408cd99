"""Intel's SGX extension of PCK certificates (OID 1.2.840.113741.1.13.1).

Intel SGX PCK Certificate and CRL Profile: a SEQUENCE of (OID, value) pairs:
``.1`` PPID (16 bytes), ``.2`` TCB (``.2.1``-``.2.16`` the SGX TCB component SVNs, ``.2.17`` PCESVN,
``.2.18`` CPUSVN), ``.3`` PCE-ID (2 bytes), ``.4`` FMSPC (6 bytes), ``.5`` SGX type (ENUMERATED:
0 standard, 1 scalable, 2 scalable with integrity), and on platform-CA certificates ``.6``
platform instance id and ``.7`` configuration (dynamic platform, cached keys, SMT enabled).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cryptography import x509

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_dcap.der_reader import (
    TAG_BOOLEAN,
    TAG_ENUMERATED,
    TAG_INTEGER,
    TAG_OCTET_STRING,
    TAG_OID,
    TAG_SEQUENCE,
    DerElement,
    decode_boolean,
    decode_oid,
    decode_unsigned,
    expect,
    read_elements,
    read_single,
)

SGX_EXTENSION_OID = "1.2.840.113741.1.13.1"
COMPONENT_COUNT = 16
WHAT = "PCK certificate SGX extension"


class SgxType(enum.Enum):
    STANDARD = 0
    SCALABLE = 1
    SCALABLE_WITH_INTEGRITY = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class PckTcb:
    """The platform TCB the PCK certificate was issued for."""

    sgx_components: tuple[int, ...]
    pce_svn: int
    cpu_svn: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformConfiguration:
    dynamic_platform: bool | None
    cached_keys: bool | None
    smt_enabled: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PckExtensions:
    ppid: bytes
    tcb: PckTcb
    pce_id: bytes
    fmspc: bytes
    sgx_type: SgxType
    platform_instance_id: bytes | None = None
    configuration: PlatformConfiguration | None = None


def pck_extensions(certificate: x509.Certificate) -> PckExtensions:
    """Parse the SGX extension of a PCK certificate."""
    try:
        extension = certificate.extensions.get_extension_for_oid(x509.ObjectIdentifier(SGX_EXTENSION_OID))
    except x509.ExtensionNotFound:
        raise EvidenceFormatError("PCK certificate has no Intel SGX extension (1.2.840.113741.1.13.1)") from None
    except ValueError as exc:
        raise EvidenceFormatError(f"PCK certificate extensions do not parse: {exc}") from exc
    value = extension.value
    if not isinstance(value, x509.UnrecognizedExtension):
        raise EvidenceFormatError("PCK certificate SGX extension has an unexpected type")
    return parse_sgx_extension(value.value)


def parse_sgx_extension(der: bytes) -> PckExtensions:
    """Parse the DER value of the SGX extension (the outer SEQUENCE)."""
    fields = _pairs(read_single(der, tag=TAG_SEQUENCE, what=WHAT), prefix=SGX_EXTENSION_OID)
    ppid = _octets(fields, "1", 16)
    tcb = _parse_tcb(expect(_required(fields, "2"), TAG_SEQUENCE, what=f"{WHAT} TCB"))
    pce_id = _octets(fields, "3", 2)
    fmspc = _octets(fields, "4", 6)
    raw_type = decode_unsigned(expect(_required(fields, "5"), TAG_ENUMERATED, what=f"{WHAT} SGX type"), what=WHAT)
    try:
        sgx_type = SgxType(raw_type)
    except ValueError:
        raise EvidenceFormatError(f"{WHAT}: unknown SGX type {raw_type}") from None
    instance = _octets(fields, "6", 16) if "6" in fields else None
    configuration = None
    if "7" in fields:
        flags = _pairs(expect(fields["7"], TAG_SEQUENCE, what=f"{WHAT} configuration"), prefix=SGX_EXTENSION_OID + ".7")
        configuration = PlatformConfiguration(
            dynamic_platform=_flag(flags, "1"), cached_keys=_flag(flags, "2"), smt_enabled=_flag(flags, "3")
        )
    return PckExtensions(
        ppid=ppid,
        tcb=tcb,
        pce_id=pce_id,
        fmspc=fmspc,
        sgx_type=sgx_type,
        platform_instance_id=instance,
        configuration=configuration,
    )


def _pairs(sequence_value: bytes, *, prefix: str) -> dict[str, DerElement]:
    """``SEQUENCE OF SEQUENCE { OID, value }`` -> {last arcs below ``prefix``: value element}."""
    found: dict[str, DerElement] = {}
    for element in read_elements(sequence_value, what=WHAT):
        parts = read_elements(expect(element, TAG_SEQUENCE, what=WHAT), what=WHAT)
        if len(parts) != 2:
            raise EvidenceFormatError(f"{WHAT}: an entry is not an (OID, value) pair")
        oid = decode_oid(expect(parts[0], TAG_OID, what=WHAT), what=WHAT)
        if not oid.startswith(prefix + "."):
            raise EvidenceFormatError(f"{WHAT}: unexpected OID {oid} under {prefix}")
        key = oid[len(prefix) + 1 :]
        if key in found:
            raise EvidenceFormatError(f"{WHAT}: OID {oid} appears twice")
        found[key] = parts[1]
    return found


def _required(fields: dict[str, DerElement], key: str) -> DerElement:
    if key not in fields:
        raise EvidenceFormatError(f"{WHAT}: {SGX_EXTENSION_OID}.{key} is missing")
    return fields[key]


def _octets(fields: dict[str, DerElement], key: str, size: int) -> bytes:
    value = expect(_required(fields, key), TAG_OCTET_STRING, what=f"{WHAT} {SGX_EXTENSION_OID}.{key}")
    if len(value) != size:
        raise EvidenceFormatError(f"{WHAT}: {SGX_EXTENSION_OID}.{key} is {len(value)} bytes, expected {size}")
    return value


def _flag(fields: dict[str, DerElement], key: str) -> bool | None:
    if key not in fields:
        return None
    return decode_boolean(expect(fields[key], TAG_BOOLEAN, what=WHAT), what=WHAT)


def _parse_tcb(value: bytes) -> PckTcb:
    fields = _pairs(value, prefix=SGX_EXTENSION_OID + ".2")
    components = []
    for index in range(1, COMPONENT_COUNT + 1):
        element = fields.get(str(index))
        if element is None:
            raise EvidenceFormatError(f"{WHAT}: TCB component {index} is missing")
        svn = decode_unsigned(expect(element, TAG_INTEGER, what=WHAT), what=WHAT)
        if svn > 255:
            raise EvidenceFormatError(f"{WHAT}: TCB component {index} is {svn}, above 255")
        components.append(svn)
    pce_element = fields.get("17")
    cpu_element = fields.get("18")
    if pce_element is None or cpu_element is None:
        raise EvidenceFormatError(f"{WHAT}: TCB lacks PCESVN or CPUSVN")
    pce_svn = decode_unsigned(expect(pce_element, TAG_INTEGER, what=WHAT), what=WHAT)
    if pce_svn > 0xFFFF:
        raise EvidenceFormatError(f"{WHAT}: PCESVN {pce_svn} is above 65535")
    cpu_svn = expect(cpu_element, TAG_OCTET_STRING, what=WHAT)
    if len(cpu_svn) != COMPONENT_COUNT:
        raise EvidenceFormatError(f"{WHAT}: CPUSVN is {len(cpu_svn)} bytes, expected 16")
    return PckTcb(sgx_components=tuple(components), pce_svn=pce_svn, cpu_svn=cpu_svn)
