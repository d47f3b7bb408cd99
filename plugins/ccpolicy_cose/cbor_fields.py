"""Typed access to decoded CBOR values: the right type and size, or an EvidenceFormatError.

CBOR has no schema, and Python blurs types CBOR keeps apart (``True == 1``,
``1.0 == 1``).  These checks compare exact types, so a boolean never passes for
an integer and a float key never stands in for an integer label.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from ccpolicy.errors import EvidenceFormatError

Label = int | str
"""A CBOR map key as COSE and EAT use them: an integer or a text string."""


def _fail(message: str) -> EvidenceFormatError:
    return EvidenceFormatError(message, reason="evidence.format.cbor_field")


def expect_int(value: object, *, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if type(value) is not int:
        raise _fail(f"{what} must be an integer, not {_kind(value)}")
    if minimum is not None and value < minimum:
        raise _fail(f"{what} is {value}, below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise _fail(f"{what} is {value}, above the maximum {maximum}")
    return value


def expect_bytes(
    value: object,
    *,
    what: str,
    sizes: Collection[int] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
) -> bytes:
    if type(value) is not bytes:
        raise _fail(f"{what} must be a byte string, not {_kind(value)}")
    if sizes is not None and len(value) not in sizes:
        allowed = "/".join(str(size) for size in sorted(sizes))
        raise _fail(f"{what} is {len(value)} bytes long; it must be {allowed} bytes")
    if len(value) < min_size or (max_size is not None and len(value) > max_size):
        upper = "" if max_size is None else f"..{max_size}"
        raise _fail(f"{what} is {len(value)} bytes long; it must be {min_size}{upper} bytes")
    return value


def expect_text(value: object, *, what: str, min_size: int = 0, max_size: int | None = None) -> str:
    if type(value) is not str:
        raise _fail(f"{what} must be a text string, not {_kind(value)}")
    if len(value) < min_size or (max_size is not None and len(value) > max_size):
        upper = "" if max_size is None else f"..{max_size}"
        raise _fail(f"{what} has {len(value)} characters; it must have {min_size}{upper}")
    return value


def expect_array(value: object, *, what: str, min_size: int = 0, max_size: int | None = None) -> list[object]:
    if type(value) is not list and type(value) is not tuple:
        raise _fail(f"{what} must be an array, not {_kind(value)}")
    if len(value) < min_size or (max_size is not None and len(value) > max_size):
        upper = "" if max_size is None else f"..{max_size}"
        raise _fail(f"{what} has {len(value)} elements; it must have {min_size}{upper}")
    return list(value)


def expect_label(value: object, *, what: str) -> Label:
    if type(value) is int or type(value) is str:
        return value
    raise _fail(f"{what} must be an integer or a text string, not {_kind(value)}")


class CborMap(Mapping[Label, object]):
    """A decoded CBOR map whose keys are all integers or text strings, with typed getters."""

    __slots__ = ("_items", "what")

    def __init__(self, value: object, *, what: str) -> None:
        if not isinstance(value, Mapping):
            raise _fail(f"{what} must be a map, not {_kind(value)}")
        self.what = what
        self._items: dict[Label, object] = {}
        for key, item in value.items():
            self._items[expect_label(key, what=f"a key of {what}")] = item

    def __getitem__(self, key: Label) -> object:
        return self._items[key]

    def __iter__(self) -> Iterator[Label]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def _field(self, key: Label) -> str:
        return f"{self.what} field {key!r}"

    def _required(self, key: Label) -> object:
        if key not in self._items:
            raise _fail(f"{self.what} lacks the mandatory field {key!r}")
        value = self._items[key]
        if value is None:
            raise _fail(f"{self._field(key)} is null")
        return value

    def reject_unknown(self, allowed: Collection[Label]) -> None:
        unknown = [key for key in self._items if key not in allowed]
        if unknown:
            raise _fail(f"{self.what} has unknown fields {sorted(map(repr, unknown))}")

    def integer(self, key: Label, *, minimum: int | None = None, maximum: int | None = None) -> int:
        return expect_int(self._required(key), what=self._field(key), minimum=minimum, maximum=maximum)

    def optional_integer(self, key: Label, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        if key not in self._items:
            return None
        return self.integer(key, minimum=minimum, maximum=maximum)

    def byte_string(
        self, key: Label, *, sizes: Collection[int] | None = None, min_size: int = 0, max_size: int | None = None
    ) -> bytes:
        return expect_bytes(
            self._required(key), what=self._field(key), sizes=sizes, min_size=min_size, max_size=max_size
        )

    def optional_byte_string(
        self, key: Label, *, sizes: Collection[int] | None = None, min_size: int = 0, max_size: int | None = None
    ) -> bytes | None:
        if key not in self._items:
            return None
        return self.byte_string(key, sizes=sizes, min_size=min_size, max_size=max_size)

    def text(self, key: Label, *, min_size: int = 0, max_size: int | None = None) -> str:
        return expect_text(self._required(key), what=self._field(key), min_size=min_size, max_size=max_size)

    def optional_text(self, key: Label, *, min_size: int = 0, max_size: int | None = None) -> str | None:
        if key not in self._items:
            return None
        return self.text(key, min_size=min_size, max_size=max_size)

    def array(self, key: Label, *, min_size: int = 0, max_size: int | None = None) -> list[object]:
        return expect_array(self._required(key), what=self._field(key), min_size=min_size, max_size=max_size)

    def optional_array(self, key: Label, *, min_size: int = 0, max_size: int | None = None) -> list[object] | None:
        if key not in self._items:
            return None
        return self.array(key, min_size=min_size, max_size=max_size)

    def map(self, key: Label) -> CborMap:
        return CborMap(self._required(key), what=self._field(key))


def _kind(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        bytes: "a byte string",
        str: "a text string",
        list: "an array",
        tuple: "an array",
    }
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a map"
    return names.get(type(value), type(value).__name__)
