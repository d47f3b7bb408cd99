"""The Secure Execution header of a guest image, as ``pvextract-hdr`` writes it: the image's tags.

Layout of the head (big endian; s390-tools ``rust/pv/src/brcb.rs``)::

    0x000 magic "IBMSecEx" (8)   0x008 version 0x0100 (4)   0x00c header size (4)
    0x010 IV (12)   0x01c reserved (4)   0x020 key slots (8)   0x028 encrypted size (8)
    0x030 encrypted pages (8)    0x038 plaintext control flags (8)
    0x040 customer public key (160)
    0x0e0 page list digest PLD (64)   0x120 address list digest ALD (64)   0x160 tweak list digest TLD (64)
    ...   key slots, encrypted part
    size-16: SE header tag (the AES-GCM tag over the header, 16)

The tag authenticates the whole header, the plaintext control flags included;
bit 34 (MSB 0) of those flags allows dumping the guest.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.byte_reader import ByteReader
from ccpolicy.errors import ConfigurationError, EvidenceFormatError

SE_HEADER_MAGIC = b"IBMSecEx"
SE_HEADER_VERSION_1 = 0x0100
SE_HEADER_HEAD_SIZE = 0x1A0
DIGEST_SIZE = 64
SE_HEADER_TAG_SIZE = 16
ALLOW_DUMPING_BIT = 34


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageTags:
    """What the attestation measurement covers of the image: the SE header's digests and tag."""

    pld: bytes
    ald: bytes
    tld: bytes
    tag: bytes

    def to_bytes(self) -> bytes:
        return self.pld + self.ald + self.tld + self.tag


@dataclass(frozen=True, slots=True, kw_only=True)
class SeHeader:
    version: int
    size: int
    plaintext_control_flags: int
    tags: ImageTags

    @property
    def allow_dumping(self) -> bool:
        return bool(self.plaintext_control_flags & (1 << (63 - ALLOW_DUMPING_BIT)))


def is_se_header(data: bytes) -> bool:
    return data[: len(SE_HEADER_MAGIC)] == SE_HEADER_MAGIC


def parse_se_header(data: bytes, *, origin: str) -> SeHeader:
    """Read an extracted SE header (collateral); a damaged one is a ConfigurationError naming the file."""
    try:
        return _parse(data)
    except EvidenceFormatError as exc:
        raise ConfigurationError(
            f"collateral file {origin} starts like an SE header but is not one: {exc.message}",
            reason="collateral.garbage",
        ) from exc


def _parse(data: bytes) -> SeHeader:
    reader = ByteReader(data, what="SE header")
    if reader.take(len(SE_HEADER_MAGIC), "magic") != SE_HEADER_MAGIC:
        raise EvidenceFormatError("SE header: the magic is not 'IBMSecEx'")
    version = reader.u32("version")
    if version != SE_HEADER_VERSION_1:
        raise EvidenceFormatError(f"SE header: version {version:#06x} is not supported (only 0x0100)")
    size = reader.u32("header size")
    reader.take(12 + 4 + 8 + 8 + 8, "IV, key slot count, encrypted size and page count")
    flags = reader.u64("plaintext control flags")
    reader.take(160, "customer public key")
    pld = reader.take(DIGEST_SIZE, "PLD")
    ald = reader.take(DIGEST_SIZE, "ALD")
    tld = reader.take(DIGEST_SIZE, "TLD")
    if size < SE_HEADER_HEAD_SIZE + SE_HEADER_TAG_SIZE or size > len(data):
        raise EvidenceFormatError(f"SE header: size {size} does not fit its head and tag in {len(data)} bytes")
    tag = data[size - SE_HEADER_TAG_SIZE : size]
    return SeHeader(
        version=version,
        size=size,
        plaintext_control_flags=flags,
        tags=ImageTags(pld=pld, ald=ald, tld=tld, tag=tag),
    )
