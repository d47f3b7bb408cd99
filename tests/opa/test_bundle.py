"""OPA bundles: what they hold, reproducibility, and signatures that a real OPA server verifies (or refuses)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ccpolicy.bundle import (
    SIGNATURES_NAME,
    BundledPolicy,
    BundleFile,
    SigningAlgorithm,
    build_bundle,
    bundle_files,
    bundle_module_path,
    bundle_revision,
    bundle_roots,
    canonical_json,
    load_bundle_signing_key,
    read_bundle,
    signing_key_for,
    tar_gz,
)
from ccpolicy.engines.opa_connection import OpaConnection, OpaServerSettings
from ccpolicy.engines.regorus_engine import RegorusEngine
from ccpolicy.errors import ConfigurationError
from ccpolicy.interfaces import Policy
from ccpolicy.policy_files import load_policy, make_policy
from tests.opa.decision_corpus import snp_base_document
from tests.opa.opa_process import OpaServerProcess

pytestmark = pytest.mark.opa

TRICKY_STRINGS = ["line\u2028sep\u2029", "ctl\x01\x1f\b\f\n\t", "<html>&amp;", "ünïcødé ✓", 'quote " back \\']


def snp_policy_with_tricky_data() -> Policy:
    policy = load_policy("snp")
    data = json.loads(json.dumps(policy.data))
    data["snp"]["notes"] = {"strings": TRICKY_STRINGS, "numbers": [0, -1, 1.5, 1e-7, 12345678901234567890], "z": None}
    return make_policy(policy.modules, data, policy.query)


def write_key(path: Path, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> Path:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public = path.with_suffix(".pub")
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


def make_key(algorithm: SigningAlgorithm) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    if algorithm is SigningAlgorithm.ES256:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_canonical_json_is_opas_signing_form() -> None:
    value = {"b": 1, "a": [True, None, "x\u2028<&>"], "é": {"d": 1.5, "c": 'q"\\\x01'}}
    assert canonical_json(value) == '{"a":[true,null,"x\\u2028<&>"],"b":1,"é":{"c":"q\\"\\\\\\u0001","d":1.5}}'


def test_bundle_holds_manifest_modules_and_data_and_is_reproducible() -> None:
    policy = load_policy("snp")
    content = build_bundle([BundledPolicy(policy=policy)])
    assert content == build_bundle([BundledPolicy(policy=policy)])
    files = read_bundle(content)
    manifest = json.loads(files[".manifest"])
    assert manifest["revision"] == policy.policy_id
    assert manifest["roots"] == bundle_roots(policy.modules, policy.data)
    assert "ccpolicy/snp" in manifest["roots"] and "snp" in manifest["roots"]
    assert manifest["metadata"]["ccpolicy"]["policies"] == {"data.ccpolicy.snp.result": policy.policy_id}
    assert json.loads(files["data.json"]) == policy.data
    assert {module.text for module in policy.modules} <= {text.decode() for text in files.values()}
    assert SIGNATURES_NAME not in files


def test_several_policies_share_one_bundle_and_its_library() -> None:
    policies = [load_policy(tee) for tee in ("snp", "tdx", "sev")]
    files = read_bundle(
        build_bundle([BundledPolicy(policy=policy, base=f"policies/{policy_name(policy)}") for policy in policies])
    )
    manifest = json.loads(files[".manifest"])
    assert manifest["metadata"]["ccpolicy"]["policies"] == {policy.query: policy.policy_id for policy in policies}
    assert manifest["revision"] == bundle_revision(policies) != bundle_revision(policies[:2])
    assert manifest["revision"] not in {policy.policy_id for policy in policies}
    assert {"ccpolicy/snp", "ccpolicy/tdx", "ccpolicy/sev", "ccpolicy/lib/ar4si"} <= set(manifest["roots"])
    assert sum(1 for name in files if name.endswith("ar4si.rego")) == 1
    assert set(json.loads(files["data.json"])) == {"snp", "tdx", "sev"}


def policy_name(policy: Policy) -> str:
    return policy.query.split(".")[2]


def test_policies_that_disagree_cannot_share_a_bundle() -> None:
    snp = load_policy("snp")
    other_data = make_policy(snp.modules, {"snp": {"allow_debug": True}}, "data.other.result")
    with pytest.raises(ConfigurationError, match="different data for 'snp'"):
        bundle_files([BundledPolicy(policy=snp), BundledPolicy(policy=other_data)])
    with pytest.raises(ConfigurationError, match="same query"):
        bundle_files([BundledPolicy(policy=snp), BundledPolicy(policy=snp)])
    with pytest.raises(ConfigurationError, match="at least one"):
        bundle_files([])


def test_roots_drop_nested_paths_and_module_paths_are_clean() -> None:
    policy = load_policy("snp")
    assert all(
        not a.startswith(b + "/") for a in bundle_roots(policy.modules, {}) for b in bundle_roots(policy.modules, {})
    )
    assert bundle_module_path("/home/me/policies/snp/snp.rego", "/home/me/policies/snp") == "snp/snp.rego"
    assert bundle_module_path("../../etc/x.rego") == "etc/x.rego"
    assert bundle_module_path("lib/ar4si.rego", "policies/snp") == "lib/ar4si.rego"


def test_signing_keys_must_fit_their_algorithm(tmp_path: Path) -> None:
    assert signing_key_for(ec.generate_private_key(ec.SECP256R1())).algorithm is SigningAlgorithm.ES256
    with pytest.raises(ConfigurationError, match="P-256"):
        signing_key_for(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(ConfigurationError, match="at least 2048"):
        signing_key_for(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(ConfigurationError, match="not an unencrypted PEM private key"):
        load_bundle_signing_key(tmp_path / "junk.pem")
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_bundle_signing_key(tmp_path / "missing.pem")


def start_bundle_server(
    opa_binary: Path, opa_logs: Path, bundle: Path, *extra: str, wait: bool = True
) -> OpaServerProcess:
    return OpaServerProcess(opa_binary, ["--bundle", str(bundle), *extra]).start(opa_logs, wait=wait)


@pytest.mark.parametrize("algorithm", list(SigningAlgorithm), ids=lambda a: a.value)
def test_signed_bundle_is_verified_and_served_by_opa(
    algorithm: SigningAlgorithm, opa_binary: Path, opa_logs: Path, tmp_path: Path
) -> None:
    policy = snp_policy_with_tricky_data()
    key_path = write_key(tmp_path / "signing.pem", make_key(algorithm))
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(
        build_bundle([BundledPolicy(policy=policy)], signing_key=load_bundle_signing_key(key_path, key_id="ccpolicy"))
    )
    assert SIGNATURES_NAME in read_bundle(bundle.read_bytes())
    server = start_bundle_server(
        opa_binary,
        opa_logs,
        bundle,
        "--verification-key",
        str(key_path.with_suffix(".pub")),
        "--verification-key-id",
        "ccpolicy",
        "--signing-alg",
        algorithm.value,
    )
    try:
        connection = OpaConnection(OpaServerSettings(url=server.url))
        document = snp_base_document()
        assert connection.query("ccpolicy.snp.result", document) == RegorusEngine().evaluate(policy, document)
        assert connection.query("snp.notes.strings", {}) == TRICKY_STRINGS
    finally:
        server.stop()


def _replace_file(bundle: bytes, path: str, content: bytes) -> bytes:
    files = read_bundle(bundle)
    files[path] = content
    return tar_gz([BundleFile(path=name, content=value) for name, value in files.items()])


@pytest.mark.parametrize("tampered", ["data.json", "snp/snp.rego", ".manifest"])
def test_tampered_signed_bundle_is_refused_by_opa(
    tampered: str, opa_binary: Path, opa_logs: Path, tmp_path: Path
) -> None:
    policy = load_policy("snp")
    key_path = write_key(tmp_path / "signing.pem", make_key(SigningAlgorithm.ES256))
    original = build_bundle([BundledPolicy(policy=policy)], signing_key=load_bundle_signing_key(key_path))
    content = read_bundle(original)[tampered]
    if tampered == ".manifest":
        changed = json.dumps({**json.loads(content), "revision": "tampered"}).encode()
    elif tampered == "data.json":
        changed = json.dumps({"snp": {**json.loads(content)["snp"], "allow_debug": True}}).encode()
    else:
        changed = content + b"\n# edited\n"
    assert changed != content
    bundle = tmp_path / "tampered.tar.gz"
    bundle.write_bytes(_replace_file(original, tampered, changed))
    server = start_bundle_server(
        opa_binary,
        opa_logs,
        bundle,
        "--verification-key",
        str(key_path.with_suffix(".pub")),
        "--signing-alg",
        "ES256",
        wait=False,
    )
    try:
        assert server.wait_exit() != 0
        assert "digest mismatch" in server.log_text()
    finally:
        server.stop()


def test_bundle_signed_with_another_key_is_refused_by_opa(opa_binary: Path, opa_logs: Path, tmp_path: Path) -> None:
    signer = write_key(tmp_path / "signer.pem", make_key(SigningAlgorithm.ES256))
    other = write_key(tmp_path / "other.pem", make_key(SigningAlgorithm.ES256))
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(
        build_bundle([BundledPolicy(policy=load_policy("snp"))], signing_key=load_bundle_signing_key(signer))
    )
    server = start_bundle_server(
        opa_binary,
        opa_logs,
        bundle,
        "--verification-key",
        str(other.with_suffix(".pub")),
        "--signing-alg",
        "ES256",
        wait=False,
    )
    try:
        assert server.wait_exit() != 0
        assert "verify" in server.log_text().lower()
    finally:
        server.stop()


def test_read_bundle_refuses_garbage() -> None:
    with pytest.raises(ConfigurationError, match="not a gzipped tar"):
        read_bundle(b"garbage")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz"):
        pass
    assert read_bundle(raw.getvalue()) == {}
