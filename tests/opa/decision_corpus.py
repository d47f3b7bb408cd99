"""Input documents and reference data for the differential tests of the policy engines.

Three sources, for every default policy ``policies/<tee>/``:
- hand-edited SEV-SNP documents in the shape of the SNP plugin's claims (real field names and values of
  the Milan reports in ../shared/vectors/snp, then one realistic change each);
- documents the pipeline makes from real vectors and from the TEE's evidence forge, when those load;
- systematic edits of every base document: each boolean flipped, each integer moved, each string
  changed, each field removed (to reach the policies' "claim missing" paths).
Reference data: the policy's own data.json, and a variant with every boolean flipped.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.claims import JsonValue

SNP_MEASUREMENT = "a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c"
SNP_TCB = {"bl": 3, "tee": 0, "snp": 8, "microcode": 115, "fmc": None}
MAX_EDITS_PER_DOCUMENT = 120


@dataclass(frozen=True, slots=True, kw_only=True)
class CorpusDocument:
    label: str
    document: dict[str, Any]


def snp_base_document() -> dict[str, Any]:
    """A Milan SNP input in the plugin's shape: the values of trustee_report_milan_v2_vcek.bin."""
    tcb = dict(SNP_TCB)
    return {
        "tee": "snp",
        "evidence": {
            "platform": {"vendor": "AMD", "product": "Milan"},
            "measurements": {"launch": SNP_MEASUREMENT},
            "signer": None,
            "debug": False,
            "tcb": {"status": None, "components": {k: v for k, v in tcb.items() if v is not None}, "advisories": []},
            "report_data": "ec6c52d7533cc2c4f45be7849cf112ab82b2009fe7bd43e71ed08c14400ad7e2" + "00" * 32,
            "identity": {"chip_id": "c38427a30d4c7af9" + "00" * 56, "signing_key": "vcek"},
            "nonce_verified": None,
        },
        "snp": {
            "version": 2,
            "guest_svn": 4,
            "policy": {"abi_major": 0, "abi_minor": 31, "smt": True, "migrate_ma": False, "debug": False},
            "vmpl": 0,
            "platform_info": {"smt_enabled": True, "tsme_enabled": False},
            "current_tcb": dict(tcb),
            "reported_tcb": dict(tcb),
            "committed_tcb": dict(tcb),
            "launch_tcb": dict(tcb),
        },
        "collateral": {"source": "offline", "not_after": "2030-01-24T17:58:26Z", "crl_checked": False},
        "now": "2025-06-01T00:00:00Z",
    }


def _set(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    edited = copy.deepcopy(document)
    *parents, last = path.split("/")
    node = edited
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return edited


def _remove(document: dict[str, Any], path: str) -> dict[str, Any]:
    edited = copy.deepcopy(document)
    *parents, last = path.split("/")
    node = edited
    for key in parents:
        node = node[key]
    del node[last]
    return edited


def snp_hand_edited() -> list[CorpusDocument]:
    """Realistic SNP variations, one change each (and a few known combinations)."""
    base = snp_base_document()
    turin_tcb = {"bl": 1, "tee": 0, "snp": 3, "microcode": 72, "fmc": 1}
    edits: list[tuple[str, dict[str, Any]]] = [
        ("good", base),
        ("debug", _set(base, "snp/policy/debug", True)),
        ("migration-agent", _set(base, "snp/policy/migrate_ma", True)),
        ("smt-off", _set(base, "snp/platform_info/smt_enabled", False)),
        ("vmpl-1", _set(base, "snp/vmpl", 1)),
        ("vmpl-3", _set(base, "snp/vmpl", 3)),
        ("abi-0.0", _set(_set(base, "snp/policy/abi_minor", 0), "snp/policy/abi_major", 0)),
        ("abi-1.55", _set(_set(base, "snp/policy/abi_minor", 55), "snp/policy/abi_major", 1)),
        ("guest-svn-0", _set(base, "snp/guest_svn", 0)),
        ("reported-snp-old", _set(base, "snp/reported_tcb/snp", 2)),
        ("committed-ucode-old", _set(base, "snp/committed_tcb/microcode", 68)),
        ("reported-tcb-turin", _set(_set(base, "snp/reported_tcb", turin_tcb), "snp/committed_tcb", turin_tcb)),
        ("fmc-zero", _set(base, "snp/reported_tcb/fmc", 0)),
        ("boot-loader-named-in-full", _set(base, "snp/reported_tcb/boot_loader", 1)),
        ("measurement-upper", _set(base, "evidence/measurements/launch", SNP_MEASUREMENT.upper())),
        ("measurement-other", _set(base, "evidence/measurements/launch", "b07af962" + "00" * 44)),
        ("nonce-verified", _set(base, "evidence/nonce_verified", True)),
        ("nonce-false", _set(base, "evidence/nonce_verified", False)),
        ("debug-and-vmpl", _set(_set(base, "snp/policy/debug", True), "snp/vmpl", 2)),
        ("vmpl-as-text", _set(base, "snp/vmpl", "0")),
        ("guest-svn-null", _set(base, "snp/guest_svn", None)),
        ("no-policy", _remove(base, "snp/policy")),
        ("no-snp-claims", _remove(base, "snp")),
        ("no-measurements", _set(base, "evidence/measurements", {})),
        ("empty", {"tee": "snp"}),
    ]
    return [CorpusDocument(label=f"snp-hand/{label}", document=document) for label, document in edits]


def systematic_edits(base: CorpusDocument, tee: str) -> Iterator[CorpusDocument]:
    """Each leaf of ``evidence`` and ``<tee>`` flipped, moved, changed or removed (bounded, deterministic)."""
    count = 0
    for path, value in _leaves(base.document, [tee, "evidence"]):
        for variant_label, variant in _variants(value):
            if count >= MAX_EDITS_PER_DOCUMENT:
                return
            count += 1
            edited = _remove(base.document, path) if variant_label == "removed" else _set(base.document, path, variant)
            yield CorpusDocument(label=f"{base.label}~{path}={variant_label}", document=edited)


def _leaves(document: Mapping[str, Any], roots: list[str]) -> Iterator[tuple[str, Any]]:
    def walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
        if isinstance(node, dict) and node:
            for key in sorted(node):
                if "/" not in key:
                    yield from walk(node[key], f"{path}/{key}")
        else:
            yield path, node

    for root in roots:
        if root in document:
            yield from walk(document[root], root)


def _variants(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, bool):
        return [("flipped", not value), ("removed", None)]
    if isinstance(value, int):
        return [("plus-one", value + 1), ("minus-one", value - 1), ("removed", None)]
    if isinstance(value, str):
        return [("changed", value.upper() if value != value.upper() else value + "00"), ("removed", None)]
    if value is None:
        return [("true", True), ("zero", 0)]
    return [("removed", None)]


def flipped_booleans(data: Mapping[str, JsonValue]) -> dict[str, Any]:
    """The reference data with every boolean (at any depth) negated."""

    def flip(node: Any) -> Any:
        if isinstance(node, bool):
            return not node
        if isinstance(node, dict):
            return {key: flip(value) for key, value in node.items()}
        if isinstance(node, list):
            return [flip(item) for item in node]
        return node

    flipped: dict[str, Any] = flip(json.loads(json.dumps(data)))
    return flipped


def snp_reference_data(data: Mapping[str, JsonValue]) -> dict[str, Any]:
    """The SNP data a deployment would write: the known measurement, freshness, minimum TCB and ABI."""
    reference: dict[str, Any] = json.loads(json.dumps(data))
    snp = reference.setdefault("snp", {})
    snp.update(
        {
            "measurements": [SNP_MEASUREMENT.upper()],
            "require_freshness": True,
            "min_guest_svn": 2,
            "min_abi": {"major": 0, "minor": 31},
            "allowed_vmpls": [0, 1],
        }
    )
    snp["min_tcb"] = {**snp.get("min_tcb", {}), "bl": 3, "boot_loader": 3, "snp": 8, "microcode": 115}
    return reference


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())
