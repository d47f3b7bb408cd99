"""The on-disk cache of AMD KDS collateral: one file per artifact, in KDS's URL layout, with its window.

Layout under the cache root (every path segment comes from an enum, hex digits or integers)::

    vcek/v1/Milan/<hwid hex>/bl2-tee0-snp5-ucode68.der     (Turin: fmc1-bl1-...)
    vcek/v1/Milan/cert_chain.pem    vlek/v1/Milan/cert_chain.pem
    vcek/v1/Milan/crl.der           vlek/v1/Milan/crl.der

Beside each artifact, ``<name>.window.json`` records the URL it came from, its validity window and
the SHA-256 of the file. A cached artifact is handed out again only when that record matches the
file; the window used is read from the artifact itself. Files are written to a temporary name and
renamed, so a reader never sees half a file. The directory can be passed to
``--collateral`` as is (collateral is picked by content; the records are ignored by the SNP plugin).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ccpolicy.clock import format_time
from ccpolicy.errors import CollateralError, ConfigurationError
from ccpolicy_snp.kds import KdsRequest
from ccpolicy_snp.kds_artifacts import ValidityWindow, artifact_window

RECORD_SUFFIX = ".window.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class CachedArtifact:
    path: Path
    data: bytes
    window: ValidityWindow


class KdsCache:
    """Artifacts of one cache directory, by KdsRequest."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def file_for(self, request: KdsRequest) -> Path:
        return self.root / request.cache_name

    def load(self, request: KdsRequest) -> CachedArtifact | None:
        """The cached artifact, or None when it is absent, altered, or no longer parses."""
        path = self.file_for(request)
        try:
            data = path.read_bytes()
            record = json.loads(_record_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        try:
            window = artifact_window(request.kind, data, origin=str(path))
        except CollateralError:
            return None
        return CachedArtifact(path=path, data=data, window=window)

    def store(self, request: KdsRequest, data: bytes, *, url: str, window: ValidityWindow) -> CachedArtifact:
        path = self.file_for(request)
        record = {
            "url": url,
            "kind": request.kind.value,
            "not_before": format_time(window.not_before),
            "not_after": format_time(window.not_after),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
            _write_atomically(_record_path(path), (json.dumps(record, indent=2) + "\n").encode("utf-8"))
        except OSError as exc:
            raise ConfigurationError(
                f"cannot write to the collateral cache {self.root}: {exc.strerror or exc}", reason="collateral.cache"
            ) from exc
        return CachedArtifact(path=path, data=data, window=window)


def _record_path(path: Path) -> Path:
    return path.with_name(path.name + RECORD_SUFFIX)


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
