"""A bounds-checked reader for binary evidence formats: every short read is an EvidenceFormatError naming
the structure and the field, never an IndexError or struct.error."""

from __future__ import annotations

from typing import Literal

from ccpolicy.errors import EvidenceFormatError


class ByteReader:
    """Reads fixed-size integers and sized fields from ``data``; never reads past its end."""

    def __init__(self, data: bytes, *, what: str, byteorder: Literal["big", "little"] = "big") -> None:
        self._data = bytes(data)
        self._offset = 0
        self.what = what
        self.byteorder: Literal["big", "little"] = byteorder

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
        return int.from_bytes(self.take(size, field), self.byteorder)

    def u8(self, field: str) -> int:
        return self.uint(1, field)

    def u16(self, field: str) -> int:
        return self.uint(2, field)

    def u32(self, field: str) -> int:
        return self.uint(4, field)

    def u64(self, field: str) -> int:
        return self.uint(8, field)

    def sized16(self, field: str, *, maximum: int | None = None) -> bytes:
        """A TPM2B: a 16-bit size, then that many bytes."""
        size = self.u16(f"{field} size")
        if maximum is not None and size > maximum:
            raise EvidenceFormatError(f"{self.what}: {field} is {size} bytes, at most {maximum} allowed")
        return self.take(size, field)

    def rest(self) -> bytes:
        return self.take(self.remaining, "rest")

    def expect_end(self) -> None:
        if self.remaining:
            raise EvidenceFormatError(f"{self.what}: {self.remaining} unexpected bytes after offset {self._offset}")
