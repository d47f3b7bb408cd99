"""Claims: what verified evidence says, normalized across TEEs.

A TEE plugin returns :class:`Claims`; the host adds freshness and the evaluation
time and turns them into the Rego input document (see ``to_input_document``).
Binary values stay ``bytes`` here and become lowercase hex only in JSON.
"""

from __future__ import annotations

import dataclasses
import enum
from abc import abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from typing import Any

from ccpolicy.clock import format_time

JsonValue = Any
"""A value that :func:`to_json_value` can turn into JSON."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TcbClaims:
    """Trusted computing base status, as far as the evidence and collateral tell it."""

    status: str | None = None
    """Vendor TCB status (``UpToDate``, ``OutOfDate``, ...) or None when not appraised by the plugin."""
    components: Mapping[str, int] = field(default_factory=dict)
    date: str | None = None
    advisories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceClaims:
    """The normalized part of the claims: the same keys for every TEE where meaningful."""

    platform: Mapping[str, str]
    measurements: Mapping[str, bytes]
    signer: bytes | None
    debug: bool
    tcb: TcbClaims
    report_data: bytes
    """The field the relying party's nonce is compared with (zero-padded)."""
    identity: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralStatus:
    """Where collateral came from and how long the verdict can stand on it."""

    source: str
    """``offline``, ``kds``, ``pcs``, ``embedded`` or ``test-root``."""
    not_after: datetime | None
    """The earliest end of validity of any collateral item used."""
    crl_checked: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    """Everything a TEE plugin established about one piece of evidence."""

    tee: str
    evidence: EvidenceClaims
    vendor: Mapping[str, JsonValue]
    """Every vendor field, typed; serialized under the key ``tee`` of the input document."""
    collateral: CollateralStatus


class JsonReadyMapping(Mapping[str, JsonValue]):
    """Claims whose maker builds their JSON-ready form directly, faster than :func:`to_json_value` walks them.

    Reading the mapping gives the typed values of :meth:`typed` (bytes, datetimes, ...), built on first
    use; :meth:`json_value` must equal ``to_json_value`` of those values (hex for bytes, RFC 3339 times),
    as a fresh object on every call.  Best built by one function with a switch for the two forms.
    """

    __slots__ = ("_typed",)

    def __init__(self) -> None:
        self._typed: Mapping[str, JsonValue] | None = None

    @abstractmethod
    def build_typed(self) -> Mapping[str, JsonValue]:
        """The claims with typed values."""

    @abstractmethod
    def json_value(self) -> dict[str, JsonValue]:
        """The claims as JSON-ready values, newly built."""

    def typed(self) -> Mapping[str, JsonValue]:
        if self._typed is None:
            self._typed = self.build_typed()
        return self._typed

    def __getitem__(self, key: str) -> JsonValue:
        return self.typed()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.typed())

    def __len__(self) -> int:
        return len(self.typed())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.typed()!r})"


def json_time(moment: datetime) -> str:
    """:func:`ccpolicy.clock.format_time`, without strftime for the usual aware UTC times."""
    if moment.tzinfo is timezone.utc and moment.year >= 1000:  # strftime writes years below 1000 unpadded
        return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (  # noqa: UP031 (the fastest way to format, on a hot path)
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
        )
    return format_time(moment)


def to_json_value(value: JsonValue) -> JsonValue:
    """Turn records, bytes, enums and datetimes into JSON-ready values."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is bytes:
        return value.hex()
    if kind is dict:
        return _json_dict(value)
    if kind is list or kind is tuple:
        return [item if type(item) in _JSON_SCALARS else to_json_value(item) for item in value]
    fields = _RECORD_FIELDS.get(kind)
    if fields is not None:
        return {name: to_json_value(getattr(value, name)) for name in fields}
    return _to_json_value_slow(value)


_JSON_SCALARS = frozenset({str, int, bool, float, type(None)})
_RECORD_FIELDS: dict[type, tuple[str, ...]] = {}
"""Field names of the dataclass types met so far, so that records skip the slow path's type checks."""
_RECORD_TYPES_LIMIT = 256


def _json_dict(mapping: Mapping[Any, JsonValue]) -> dict[str, JsonValue]:
    """A plain dict, converted with its scalar and bytes values handled inline (most leaves are)."""
    converted: dict[str, JsonValue] = {}
    for key, item in mapping.items():
        kind = type(item)
        if kind in _JSON_SCALARS:
            converted[key if type(key) is str else str(key)] = item
        elif kind is bytes:
            converted[key if type(key) is str else str(key)] = item.hex()
        else:
            converted[key if type(key) is str else str(key)] = to_json_value(item)
    return converted


def _to_json_value_slow(value: JsonValue) -> JsonValue:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, datetime):
        return json_time(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = _field_names(type(value))
        if len(_RECORD_FIELDS) < _RECORD_TYPES_LIMIT:
            _RECORD_FIELDS[type(value)] = fields
        return {name: to_json_value(getattr(value, name)) for name in fields}
    if isinstance(value, JsonReadyMapping):
        return value.json_value()
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset):
        return [to_json_value(v) for v in value]
    raise TypeError(f"cannot serialize {type(value).__name__} into claims")


@cache
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record_type))


def to_input_document(claims: Claims, *, now: datetime, nonce_verified: bool | None) -> dict[str, JsonValue]:
    """The Rego input document of DESIGN.md."""
    evidence = to_json_value(claims.evidence)
    evidence["nonce_verified"] = nonce_verified
    return {
        "tee": claims.tee,
        "evidence": evidence,
        claims.tee: to_json_value(claims.vendor),
        "collateral": to_json_value(claims.collateral),
        "now": json_time(now),
    }
