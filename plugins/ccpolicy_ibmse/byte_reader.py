"""A bounds-checked big-endian reader. Every short read is an EvidenceFormatError naming the structure."""

from __future__ import annotations

from ccpolicy.errors import EvidenceFormatError


class ByteReader:
    """Reads big-endian integers and fixed-size fields from ``data``; never reads past its end."""

    def __init__(self, data: bytes, *, what: str) -> None:
        self._data = bytes(data)
        self._offset = 0
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
                f"{self.what}: {field} needs {size} bytes at offset {self._offset:#x}, {self.remaining} left"
            )
        chunk = self._data[self._offset : self._offset + size]
        self._offset += size
        return chunk

    def uint(self, size: int, field: str) -> int:
        return int.from_bytes(self.take(size, field), "big")

    def u8(self, field: str) -> int:
        return self.uint(1, field)

    def u32(self, field: str) -> int:
        return self.uint(4, field)

    def u64(self, field: str) -> int:
        return self.uint(8, field)
