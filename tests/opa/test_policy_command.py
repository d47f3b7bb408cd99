"""``ccpolicy policy bundle`` and the ``--opa-*`` options."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ccpolicy.bundle import SIGNATURES_NAME, read_bundle
from ccpolicy.cli import policy_command
from ccpolicy.engines.opa_connection import OpaServerSettings
from ccpolicy.engines.opa_engine import OpaEngine
from ccpolicy.errors import CcpolicyError, ConfigurationError
from ccpolicy.policy_files import policies_root

SNP_POLICY = Path(str(policies_root() / "snp"))


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ccpolicy")
    subparsers = parser.add_subparsers(dest="command", required=True)
    policy_command.register(subparsers)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


def test_bundle_of_a_policy_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy_dir = tmp_path / "snp"
    shutil.copytree(SNP_POLICY, policy_dir)
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"snp": {"measurements": ["aa"]}}))
    out = tmp_path / "bundle.tar.gz"
    assert run_cli("policy", "bundle", str(policy_dir), "--out", str(out), "--data", str(extra)) == 0
    files = read_bundle(out.read_bytes())
    assert "snp/snp.rego" in files and "lib/ar4si.rego" in files
    assert not any(name.endswith("_test.rego") for name in files)
    assert json.loads(files["data.json"])["snp"]["measurements"] == ["aa"]
    assert "wrote" in capsys.readouterr().err


def test_one_bundle_of_several_policy_directories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fleet.tar.gz"
    directories = [SNP_POLICY.parent / tee for tee in ("snp", "tdx", "az-snp-vtpm")]
    assert run_cli("policy", "bundle", *map(str, directories), "--out", str(out)) == 0
    files = read_bundle(out.read_bytes())
    assert {"snp/snp.rego", "tdx/tdx.rego", "az-snp-vtpm/az_snp_vtpm.rego", "lib/ar4si.rego"} <= set(files)
    policies = json.loads(files[".manifest"])["metadata"]["ccpolicy"]["policies"]
    assert set(policies) == {"data.ccpolicy.snp.result", "data.ccpolicy.tdx.result", "data.ccpolicy.az_snp_vtpm.result"}
    assert "policies snp, tdx, az-snp-vtpm" in capsys.readouterr().err


def test_signed_bundle_with_key_id_and_scope(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    out = tmp_path / "signed.tar.gz"
    code = run_cli(
        "policy",
        "bundle",
        str(SNP_POLICY),
        "--out",
        str(out),
        "--signing-key",
        str(key),
        "--key-id",
        "k1",
        "--scope",
        "fleet",
        "--revision",
        "r7",
    )
    assert code == 0
    files = read_bundle(out.read_bytes())
    assert json.loads(files[".manifest"])["revision"] == "r7"
    token = json.loads(files[SIGNATURES_NAME])["signatures"][0]
    assert token.count(".") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["policy", "bundle", "/no/such/dir", "--out", "x.tar.gz"], "does not exist"),
        (["policy", "bundle", str(SNP_POLICY), "--out", "x.tar.gz", "--key-id", "k"], "go with --signing-key"),
    ],
)
def test_usage_errors_exit_1(argv: list[str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        run_cli(*argv)
    assert caught.value.exit_code == 1


def test_unwritable_output_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(CcpolicyError, match="cannot write bundle"):
        run_cli("policy", "bundle", str(SNP_POLICY), "--out", str(tmp_path / "missing" / "b.tar.gz"))


def test_opa_options_override_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPOLICY_OPA_URL", "http://127.0.0.1:1111")
    monkeypatch.setenv("CCPOLICY_OPA_TOKEN", "from-env")
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="regorus")
    policy_command.add_opa_arguments(parser)
    args = parser.parse_args(["--engine", "opa", "--opa-url", "https://opa:8443", "--opa-token-file", str(token_file)])
    settings = policy_command.opa_settings(args)
    assert settings.url == "https://opa:8443" and settings.token == "from-file"
    defaults = policy_command.opa_settings(parser.parse_args([]))
    assert defaults.url == "http://127.0.0.1:1111" and defaults.token == "from-env"
    assert defaults == OpaServerSettings.from_environment()


def test_configure_opa_engine_only_when_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = OpaEngine(OpaServerSettings(url="http://127.0.0.1:2222"))

    class Host:
        def __init__(self) -> None:
            self.policy_engines = {"opa": engine}

    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="regorus")
    policy_command.add_opa_arguments(parser)
    policy_command.configure_opa_engine(Host(), parser.parse_args(["--opa-url", "http://127.0.0.1:3333"]))  # type: ignore[arg-type]
    assert engine.settings.url == "http://127.0.0.1:2222"
    policy_command.configure_opa_engine(
        Host(),  # type: ignore[arg-type]
        parser.parse_args(["--engine", "opa", "--opa-url", "http://127.0.0.1:3333"]),
    )
    assert engine.settings.url == "http://127.0.0.1:3333"
