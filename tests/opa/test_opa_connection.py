"""The OPA connection: settings, TLS verification on by default, bearer tokens, errors with the server's words."""

from __future__ import annotations

import datetime
import ipaddress
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccpolicy.engines.opa_connection import UNDEFINED, OpaConnection, OpaServerSettings, ServerAddress
from ccpolicy.engines.opa_engine import OpaEngine
from ccpolicy.errors import ConfigurationError, PolicyError
from ccpolicy.interfaces import PolicyModule
from ccpolicy.policy_files import make_policy
from tests.opa.opa_process import OpaServerProcess

pytestmark = pytest.mark.opa

TOKEN = "s3cret-token"
AUTHZ_POLICY = """package system.authz

import rego.v1

default allow := false

allow if input.identity == "s3cret-token"
"""
VALID_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
VALID_TO = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)


def test_settings_from_environment() -> None:
    settings = OpaServerSettings.from_environment(
        {
            "CCPOLICY_OPA_URL": "https://opa.example:8443/gw",
            "CCPOLICY_OPA_TOKEN": "hidden-token",
            "CCPOLICY_OPA_CA_BUNDLE": "/etc/ca.pem",
            "CCPOLICY_OPA_TIMEOUT": "2.5",
        }
    )
    assert settings.url == "https://opa.example:8443/gw"
    assert settings.token == "hidden-token" and "hidden-token" not in repr(settings)
    assert settings.ca_bundle == Path("/etc/ca.pem")
    assert settings.timeout == 2.5
    assert not settings.unsafe_skip_tls_verify
    assert OpaServerSettings.from_environment({}).url == "http://127.0.0.1:8181"
    with pytest.raises(ConfigurationError, match="CCPOLICY_OPA_TIMEOUT"):
        OpaServerSettings.from_environment({"CCPOLICY_OPA_TIMEOUT": "soon"})


def test_server_address_keeps_a_gateway_prefix() -> None:
    address = ServerAddress.parse("https://opa.example/gw/opa/")
    assert (address.scheme, address.host, address.port, address.api_root) == ("https", "opa.example", 443, "gw/opa/v1")
    assert ServerAddress.parse("http://127.0.0.1:8181").api_root == "v1"
    for bad in ("ftp://x", "opa:8181", "http://x:99999", "http://x/?q=1", "http://user@x"):
        with pytest.raises(ConfigurationError):
            ServerAddress.parse(bad)


def test_client_key_needs_its_certificate() -> None:
    with pytest.raises(ConfigurationError, match="client key"):
        OpaConnection(OpaServerSettings(client_key=Path("key.pem")))


def test_unreachable_server_is_a_policy_error_with_a_hint() -> None:
    connection = OpaConnection(OpaServerSettings(url="http://127.0.0.1:9", timeout=2.0))
    with pytest.raises(PolicyError) as caught:
        connection.query("x.y", {})
    assert caught.value.exit_code == 6
    assert "cannot reach the OPA server at http://127.0.0.1:9" in caught.value.message
    assert caught.value.hint and "CCPOLICY_OPA_URL" in caught.value.hint
    assert not connection.healthy()


def test_rejected_module_reports_opa_errors_with_location(opa_server: OpaServerProcess) -> None:
    connection = OpaConnection(OpaServerSettings(url=opa_server.url))
    with pytest.raises(PolicyError, match=r"rejected it: .*broken.rego:\d+:\d+: rego_parse_error") as caught:
        connection.put_policy("tests/broken.rego", "package broken\n\nallow if {\n")
    assert caught.value.reason == "policy.opa.rejected"


def test_query_of_missing_rule_is_undefined(opa_server: OpaServerProcess) -> None:
    connection = OpaConnection(OpaServerSettings(url=opa_server.url))
    assert connection.query("no.such.rule", {}) is UNDEFINED
    assert connection.healthy()
    connection.delete_data("no/such/document")  # missing documents are fine to delete


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ccpolicy test OPA server")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    certificate_path = directory / "server.pem"
    key_path = directory / "server.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path


@pytest.fixture(scope="module")
def tls_token_server(
    opa_binary: Path, opa_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[OpaServerProcess, Path]]:
    """OPA with a self-signed certificate that accepts only requests carrying TOKEN."""
    directory = tmp_path_factory.mktemp("opa-tls")
    certificate, key = _self_signed(directory)
    (directory / "authz.rego").write_text(AUTHZ_POLICY)
    server = OpaServerProcess(
        opa_binary,
        [
            "--tls-cert-file",
            str(certificate),
            "--tls-private-key-file",
            str(key),
            "--authentication=token",
            "--authorization=basic",
            str(directory / "authz.rego"),
        ],
        scheme="https",
    ).start(opa_logs)
    yield server, certificate
    server.stop()


def _toy() -> object:
    module = PolicyModule(path="tls/toy.rego", text="package tlstoy\n\nimport rego.v1\n\nresult := input.n + 1\n")
    return make_policy([module], {}, "data.tlstoy.result")


def test_tls_is_verified_by_default(tls_token_server: tuple[OpaServerProcess, Path]) -> None:
    server, _ = tls_token_server
    engine = OpaEngine(OpaServerSettings(url=server.url, token=TOKEN))
    with pytest.raises(PolicyError, match=r"TLS with the OPA server .* failed: .*CERTIFICATE_VERIFY_FAILED") as caught:
        engine.evaluate(_toy(), {"n": 1})  # type: ignore[arg-type]
    assert caught.value.reason == "policy.opa.tls" and caught.value.exit_code == 6


def test_tls_with_ca_bundle_and_token(tls_token_server: tuple[OpaServerProcess, Path]) -> None:
    server, certificate = tls_token_server
    engine = OpaEngine(OpaServerSettings(url=server.url, token=TOKEN, ca_bundle=certificate))
    assert engine.evaluate(_toy(), {"n": 1}) == 2  # type: ignore[arg-type]


def test_missing_token_is_refused_with_the_servers_message(tls_token_server: tuple[OpaServerProcess, Path]) -> None:
    server, certificate = tls_token_server
    engine = OpaEngine(OpaServerSettings(url=server.url, ca_bundle=certificate))
    with pytest.raises(PolicyError, match="HTTP 401 unauthorized: request rejected by administrative policy"):
        engine.evaluate(_toy(), {"n": 1})  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_unsafe_skip_tls_verify_warns(
    tls_token_server: tuple[OpaServerProcess, Path], caplog: pytest.LogCaptureFixture
) -> None:
    server, _ = tls_token_server
    with caplog.at_level(logging.WARNING):
        engine = OpaEngine(OpaServerSettings(url=server.url, token=TOKEN, unsafe_skip_tls_verify=True))
        assert engine.evaluate(_toy(), {"n": 41}) == 42  # type: ignore[arg-type]
    assert "verification of the OPA server is OFF" in caplog.text
