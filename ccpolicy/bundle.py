"""OPA bundles of ccpolicy policies: ``.manifest`` (revision, roots), the Rego modules, ``data.json``, and
optionally ``.signatures.json`` for servers that verify bundles (``opa run --verification-key``).

The bundle format and its signature follow OPA's documentation of bundles: a gzipped tar; the manifest's
roots are the package paths of the modules and the top-level keys of the data, so an OPA server refuses
another bundle that would write there.  A signature is a JWT (ES256 or RS256) whose ``files`` claim lists
every file but ``.signatures.json`` with its SHA-256 digest: over the bytes of a Rego file, and over
OPA's canonical form of a JSON file (objects with sorted keys, no whitespace), so that whitespace does
not change the digest.

One bundle may hold several policies (one per TEE): an OPA server refuses two bundles whose roots overlap,
and every ccpolicy policy brings the shared library. The manifest's ``metadata.ccpolicy.policies`` maps
each policy's query to its policy id; the revision is that id for one policy, and a digest of the map for
several, so a server's revision names exactly which policies it runs.
"""

from __future__ import annotations

import base64
import enum
import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import Policy, PolicyModule
from ccpolicy.rego_package import declared_package

MANIFEST_NAME = ".manifest"
DATA_NAME = "data.json"
SIGNATURES_NAME = ".signatures.json"
HASH_ALGORITHM = "SHA-256"
MIN_RSA_BITS = 2048


class SigningAlgorithm(enum.Enum):
    """JWS algorithms OPA verifies bundle signatures with (the ones ccpolicy writes)."""

    ES256 = "ES256"
    RS256 = "RS256"


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleSigningKey:
    """A private key and how OPA will find the matching public key."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    algorithm: SigningAlgorithm
    key_id: str | None = None
    """``kid`` header and ``keyid`` claim; OPA's ``--verification-key-id`` (default ``default``) overrides it."""
    scope: str | None = None
    """``scope`` claim; must equal OPA's ``--scope`` when that is set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleFile:
    """One file of a bundle: its path inside the bundle (no leading slash) and its bytes."""

    path: str
    content: bytes


def load_bundle_signing_key(path: Path, *, key_id: str | None = None, scope: str | None = None) -> BundleSigningKey:
    """A PEM private key: EC P-256 signs with ES256, RSA (2048 bits or more) with RS256."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise ConfigurationError(f"cannot read signing key {path}: {exc.strerror}") from exc
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ConfigurationError(f"signing key {path} is not an unencrypted PEM private key: {exc}") from exc
    return signing_key_for(key, key_id=key_id, scope=scope, source=str(path))


def signing_key_for(
    key: Any, *, key_id: str | None = None, scope: str | None = None, source: str = "the key"
) -> BundleSigningKey:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ConfigurationError(f"{source} is an EC key on {key.curve.name}; ES256 needs P-256 (secp256r1)")
        return BundleSigningKey(private_key=key, algorithm=SigningAlgorithm.ES256, key_id=key_id, scope=scope)
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise ConfigurationError(f"{source} is a {key.key_size}-bit RSA key; RS256 needs at least {MIN_RSA_BITS}")
        return BundleSigningKey(private_key=key, algorithm=SigningAlgorithm.RS256, key_id=key_id, scope=scope)
    raise ConfigurationError(f"{source} must be an EC P-256 (ES256) or RSA (RS256) private key")


def module_package_path(module: PolicyModule) -> str:
    """The package of a module as a bundle root: ``ccpolicy.snp`` -> ``ccpolicy/snp``."""
    package = declared_package(module.text)
    if package is None:
        raise ConfigurationError(f"policy module {module.path} has no package declaration")
    return package.replace(".", "/")


def bundle_roots(modules: Sequence[PolicyModule], data: Mapping[str, JsonValue]) -> list[str]:
    """Package paths and top-level data keys, without any root that lies below another."""
    candidates = sorted({module_package_path(module) for module in modules} | set(data))
    roots: list[str] = []
    for root in candidates:
        if not any(root == kept or root.startswith(kept + "/") for kept in roots):
            roots.append(root)
    return roots


def bundle_module_path(module_path: str, base: str | None = None) -> str:
    """Where a module goes in the bundle: below ``base``'s name when it is under ``base``, else its clean path."""
    path = module_path.replace("\\", "/")
    if base is not None:
        prefix = base.replace("\\", "/").rstrip("/") + "/"
        if path.startswith(prefix):
            path = f"{PurePosixPath(prefix).name}/{path[len(prefix) :]}"
    parts = [part for part in PurePosixPath(path).parts if part not in {"/", ".", ".."}]
    if not parts:
        raise ConfigurationError(f"policy module path {module_path!r} gives no file name in the bundle")
    return "/".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class BundledPolicy:
    policy: Policy
    base: str | None = None
    """The policy's directory: its modules go below the directory's name in the bundle."""


def bundle_revision(policies: Sequence[Policy]) -> str:
    """The policy id of a single policy; for several, a digest of their queries and ids."""
    if len(policies) == 1:
        return policies[0].policy_id
    ids = {policy.query: policy.policy_id for policy in policies}
    return "sha256:" + hashlib.sha256(canonical_json(ids).encode()).hexdigest()


def bundle_files(policies: Sequence[BundledPolicy], *, revision: str | None = None) -> list[BundleFile]:
    """The manifest, the modules and data.json of the policies (no signature)."""
    if not policies:
        raise ConfigurationError("a bundle needs at least one policy")
    queries = [item.policy.query for item in policies]
    if len(set(queries)) != len(queries):
        raise ConfigurationError(f"two policies of the bundle answer the same query: {', '.join(sorted(queries))}")
    modules: dict[str, PolicyModule] = {}
    data: dict[str, JsonValue] = {}
    for item in policies:
        for module in item.policy.modules:
            path = bundle_module_path(module.path, item.base)
            known = modules.setdefault(path, module)
            if known.text != module.text:
                raise ConfigurationError(
                    f"policy modules {known.path} and {module.path} would both be {path} in the bundle"
                )
        for key, value in item.policy.data.items():
            if data.setdefault(key, value) != value:
                raise ConfigurationError(f"the bundle's policies give different data for '{key}'")
    manifest: dict[str, JsonValue] = {
        "revision": revision or bundle_revision([item.policy for item in policies]),
        "roots": list(bundle_roots(list(modules.values()), data)),
        "metadata": {"ccpolicy": {"policies": {item.policy.query: item.policy.policy_id for item in policies}}},
    }
    files = [BundleFile(path=MANIFEST_NAME, content=_json_bytes(manifest))]
    files += [BundleFile(path=path, content=module.text.encode()) for path, module in modules.items()]
    files.append(BundleFile(path=DATA_NAME, content=_json_bytes(data)))
    return files


def opa_file_digest(file: BundleFile) -> str:
    """SHA-256 hex as OPA computes it: canonical JSON for data.json and .manifest, raw bytes otherwise."""
    if PurePosixPath(file.path).name in {DATA_NAME, MANIFEST_NAME}:
        return hashlib.sha256(canonical_json(json.loads(file.content)).encode()).hexdigest()
    return hashlib.sha256(file.content).hexdigest()


def canonical_json(value: Any) -> str:
    """OPA's signing form of JSON: sorted object keys, no whitespace, Go's string escaping."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_string(key)}:{canonical_json(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, str):
        return _json_string(value)
    return json.dumps(value)


def _json_string(text: str) -> str:
    # Go escapes U+2028 and U+2029 even with HTML escaping off; Python leaves them as they are.
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def signatures_file(files: Sequence[BundleFile], key: BundleSigningKey) -> BundleFile:
    """``.signatures.json``: ``{"signatures": [JWT]}`` over the digests of ``files``."""
    claims: dict[str, JsonValue] = {
        "files": [
            {"name": file.path, "hash": opa_file_digest(file), "algorithm": HASH_ALGORITHM}
            for file in files
            if file.path != SIGNATURES_NAME
        ]
    }
    if key.key_id:
        claims["keyid"] = key.key_id
    if key.scope:
        claims["scope"] = key.scope
    header: dict[str, str] = {"alg": key.algorithm.value, "typ": "JWT"}
    if key.key_id:
        header["kid"] = key.key_id
    signing_input = f"{_b64url(_compact(header))}.{_b64url(_compact(claims))}".encode()
    token = f"{signing_input.decode()}.{_b64url(_sign(key, signing_input))}"
    return BundleFile(path=SIGNATURES_NAME, content=_json_bytes({"signatures": [token]}))


def build_bundle(
    policies: Sequence[BundledPolicy],
    *,
    revision: str | None = None,
    signing_key: BundleSigningKey | None = None,
) -> bytes:
    """A gzipped tar bundle of the policies, signed when a key is given. The same input gives the same bytes."""
    files = bundle_files(policies, revision=revision)
    if signing_key is not None:
        files.append(signatures_file(files, signing_key))
    return tar_gz(files)


def tar_gz(files: Sequence[BundleFile]) -> bytes:
    """A reproducible gzipped tar: fixed times and owners, files at ``/<path>`` like ``opa build`` writes them."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for file in files:
            info = tarfile.TarInfo(name="/" + file.path)
            info.size = len(file.content)
            info.mode = 0o644
            info.mtime = 0
            archive.addfile(info, io.BytesIO(file.content))
    return gzip.compress(raw.getvalue(), mtime=0)


def read_bundle(content: bytes) -> dict[str, bytes]:
    """The files of a gzipped tar bundle by path (no leading slash)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            return {
                member.name.lstrip("/"): extracted.read()
                for member in archive.getmembers()
                if member.isfile() and (extracted := archive.extractfile(member)) is not None
            }
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ConfigurationError(f"not a gzipped tar bundle: {exc}") from exc


def _sign(key: BundleSigningKey, message: bytes) -> bytes:
    private_key = key.private_key
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private_key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # JWS ES256: R || S, not DER
    return private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def _compact(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
