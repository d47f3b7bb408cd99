"""The collateral store sorts files by content, never by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccpolicy.collateral import load_collateral
from ccpolicy.errors import ConfigurationError


def test_sorts_real_collateral_by_content(vectors: Path, tmp_path: Path) -> None:
    snp = vectors / "snp"
    for name, source in {
        "a": snp / "ask_ark_milan.pem",
        "b": snp / "gsg_vcek_milan.der",
        "c": vectors / "tdx" / "gtg_root_ca_crl.der",
        "d": vectors / "tdx" / "gtg_qe_identity_td_qe.json",
        "e": vectors / "snp" / "gsg_attestation_milan_v2_debug.bin",
    }.items():
        (tmp_path / name).write_bytes(source.read_bytes())
    store = load_collateral([tmp_path])
    subjects = sorted(c.certificate.subject.rfc4514_string().split(",")[0] for c in store.certificates)
    assert subjects == ["CN=ARK-Milan", "CN=SEV-Milan", "CN=SEV-VCEK"]
    assert len(store.crls) == 1
    assert len(store.json_documents) == 1
    assert store.json_documents[0].raw == (vectors / "tdx" / "gtg_qe_identity_td_qe.json").read_bytes()
    assert [b.path.name for b in store.blobs] == ["e"]
    assert store.find_certificates(subject_contains="CN=SEV-VCEK")


def test_missing_path_is_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_collateral([tmp_path / "nope"])


def test_garbage_pem_is_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "bad.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigurationError, match="does not parse"):
        load_collateral([tmp_path])


def test_garbage_der_and_json_become_blobs(tmp_path: Path) -> None:
    (tmp_path / "x.der").write_bytes(b"0\x82\x00garbage")
    (tmp_path / "y.json").write_bytes(b"{not json")
    store = load_collateral([tmp_path])
    assert len(store.blobs) == 2
    assert not store.certificates
