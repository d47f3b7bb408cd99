"""UEFI_VARIABLE_DATA (the data of EV_EFI_VARIABLE_* events): bytes -> record. Little-endian."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ccpolicy.byte_reader import ByteReader
from ccpolicy.errors import EvidenceFormatError

EFI_GLOBAL_VARIABLE = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")
MAX_NAME_CHARACTERS = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class UefiVariable:
    vendor_guid: uuid.UUID
    name: str
    data: bytes
    size: int
    """The bytes the structure occupies, from its own lengths (a longer buffer has trailing bytes)."""


def parse_uefi_variable(data: bytes) -> UefiVariable:
    reader = ByteReader(data, what="UEFI_VARIABLE_DATA", byteorder="little")
    guid = uuid.UUID(bytes_le=reader.take(16, "VariableName"))
    name_length = reader.u64("UnicodeNameLength")
    data_length = reader.u64("VariableDataLength")
    if name_length > MAX_NAME_CHARACTERS:
        raise EvidenceFormatError(f"UEFI_VARIABLE_DATA: a name of {name_length} characters")
    raw_name = reader.take(name_length * 2, "UnicodeName")
    value = reader.take(data_length, "VariableData")
    try:
        name = raw_name.decode("utf-16-le")
    except UnicodeDecodeError:
        raise EvidenceFormatError("UEFI_VARIABLE_DATA: the variable name is not UTF-16") from None
    return UefiVariable(vendor_guid=guid, name=name.rstrip("\0"), data=value, size=reader.offset)
