"""The ComparisonBackend protocol and the records it exchanges with the runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class ComparisonBackend(Protocol):
    """Runs reference workloads with one privacy technology.

    ``technology`` is one of fhe, mpc, zkp, tee, he-partial.  ``available()``
    returns None when the backend can run, else the reason with an install hint.
    """

    name: str
    technology: str
    library: str

    def library_version(self) -> str | None: ...

    def available(self) -> str | None: ...

    def supported_workloads(self) -> Sequence[str]: ...

    def run(self, workload: Any, params: Mapping[str, Any]) -> Any: ...
