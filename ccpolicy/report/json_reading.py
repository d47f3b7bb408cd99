"""Typed reads of a JSON document, each failure a ConfigurationError naming the file and the JSON pointer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ccpolicy.errors import ConfigurationError


def read_json_file(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise ConfigurationError(f"cannot read {what} {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise ConfigurationError(f"{what} {path} is not JSON: {exc}") from exc


def pointer_token(key: str | int) -> str:
    """One reference token of an RFC 6901 JSON pointer."""
    return str(key).replace("~", "~0").replace("/", "~1")


def join_pointer(base: str, *keys: str | int) -> str:
    return base + "".join("/" + pointer_token(key) for key in keys)


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 pointer; KeyError/IndexError when absent (callers own the document)."""
    value = document
    if not pointer:
        return value
    for token in pointer.lstrip("/").split("/"):
        key = token.replace("~1", "/").replace("~0", "~")
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


class JsonReader:
    """Reads typed fields of one JSON document; ``pointer`` says where the reader stands."""

    def __init__(self, document: Any, source: Path, pointer: str = "") -> None:
        self.document = document
        self.source = source
        self.pointer = pointer

    def fail(self, message: str) -> ConfigurationError:
        return ConfigurationError(f"{self.source}: {self.pointer or '/'}: {message}")

    def child(self, key: str | int) -> JsonReader:
        document = self.document
        if isinstance(key, int):
            if not isinstance(document, list) or not 0 <= key < len(document):
                raise self.fail(f"no item {key}")
            return JsonReader(document[key], self.source, join_pointer(self.pointer, key))
        if not isinstance(document, Mapping):
            raise self.fail("must be an object")
        if key not in document:
            raise self.fail(f"'{key}' is missing")
        return JsonReader(document[key], self.source, join_pointer(self.pointer, key))

    def has(self, key: str) -> bool:
        return isinstance(self.document, Mapping) and key in self.document and self.document[key] is not None

    def items(self) -> list[JsonReader]:
        if not isinstance(self.document, list):
            raise self.fail("must be an array")
        return [self.child(index) for index in range(len(self.document))]

    def member_names(self) -> list[str]:
        if not isinstance(self.document, Mapping):
            raise self.fail("must be an object")
        return [str(key) for key in self.document]

    def is_null(self) -> bool:
        return self.document is None

    def text(self) -> str:
        if not isinstance(self.document, str):
            raise self.fail("must be a string")
        return self.document

    def optional_text(self) -> str | None:
        return None if self.document is None else self.text()

    def number(self) -> float:
        if isinstance(self.document, bool) or not isinstance(self.document, int | float):
            raise self.fail("must be a number")
        return float(self.document)

    def optional_number(self) -> float | None:
        return None if self.document is None else self.number()

    def integer(self) -> int:
        if isinstance(self.document, bool) or not isinstance(self.document, int):
            raise self.fail("must be an integer")
        return self.document

    def optional_integer(self) -> int | None:
        return None if self.document is None else self.integer()

    def boolean(self) -> bool:
        if not isinstance(self.document, bool):
            raise self.fail("must be true or false")
        return self.document

    def optional_boolean(self) -> bool | None:
        return None if self.document is None else self.boolean()

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())

    def text_pairs(self) -> tuple[tuple[str, str | None], ...]:
        return tuple((key, self.child(key).optional_text()) for key in self.member_names())
