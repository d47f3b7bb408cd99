"""A bounds-checked little-endian reader. Every short read is an EvidenceFormatError naming the field."""

from __future__ import annotations

from ccpolicy.errors import EvidenceFormatError


class ByteReader:
    """Reads fixed-size little-endian integers and fields from ``data``; never reads past its end."""

    def __init__(self, data: bytes, *, what: str, offset: int = 0) -> None:
        self._data = bytes(data)
        self._offset = offset
        self.what = what

    @property
    def offset(self) -> int:
        return self._offset

    @property
    def remaining(self) -> int:
        return len(self._data) - self._offset

    def take(self, size: int, field: str) -> bytes:
        if size < 0 or size > self.remaining:
            raise EvidenceFormatError(
                f"{self.what}: {field} needs {size} bytes at offset {self._offset}, {self.remaining} left"
            )
        chunk = self._data[self._offset : self._offset + size]
        self._offset += size
        return chunk

    def uint(self, size: int, field: str) -> int:
        return int.from_bytes(self.take(size, field), "little")

    def u16(self, field: str) -> int:
        return self.uint(2, field)

    def u32(self, field: str) -> int:
        return self.uint(4, field)
