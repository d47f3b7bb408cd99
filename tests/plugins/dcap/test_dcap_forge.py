"""The TDX and SGX forges: real-format DCAP quotes and PCS collateral under a test root.

Forged evidence verifies only with unsafe_trust_test_root; every negative case the settings describe gives
its documented error (and CLI exit code); dcap-qvl, given the forge's test root as its root CA, agrees.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import dcap_qvl  # the peer verifier: a declared test dependency
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ccpolicy.certificates import TEST_ROOT_NAME, describe, is_test_root
from ccpolicy.claims import Claims
from ccpolicy.cli.main import main
from ccpolicy.clock import format_time, parse_time
from ccpolicy.collateral import CollateralStore, load_collateral
from ccpolicy.errors import (
    ChainError,
    CollateralExpiredError,
    CollateralNotYetValidError,
    ConfigurationError,
    RevokedError,
    SignatureError,
)
from ccpolicy.interfaces import EvidenceForge, ForgedEvidence, VerificationContext
from ccpolicy.policy_files import default_policy_directory
from ccpolicy_dcap import plugin
from ccpolicy_dcap.forge import DcapForge, SgxForge, TdxForge
from ccpolicy_dcap.forge_certificates import forge_key
from ccpolicy_dcap.forge_collateral import NEWER_LEVEL_DATE
from ccpolicy_dcap.quote import BodyType, TeeType, parse_quote
from ccpolicy_dcap.verifier import DcapVerifier, SgxVerifier, TdxVerifier

from .conftest import collateral_store

NOW = parse_time("2026-03-01T12:00:00Z")
COLLATERAL_FILES = [
    "tcb_info.json",
    "qe_identity.json",
    "tcb_info_issuer_chain.pem",
    "pck_crl_issuer_chain.pem",
    "root_ca_crl.der",
    "pck_crl.der",
]


def forge(out: Path, tee: str = "tdx", **settings: str) -> ForgedEvidence:
    forger: DcapForge = TdxForge() if tee == "tdx" else SgxForge()
    return forger.forge(out, settings, NOW)


def verify(
    forged: ForgedEvidence,
    tee: str = "tdx",
    *,
    unsafe: bool = True,
    now: datetime = NOW,
    extra: CollateralStore | None = None,
) -> Claims:
    store = load_collateral(forged.collateral)
    if extra is not None:
        store = store.merged(extra)
    verifier: DcapVerifier = TdxVerifier() if tee == "tdx" else SgxVerifier()
    quote = verifier.parse(forged.evidence.read_bytes())
    return verifier.verify(quote, VerificationContext(now=now, collateral=store, unsafe_trust_test_root=unsafe))


def test_forges_are_evidence_forges_returned_by_the_hook() -> None:
    forges = plugin.ccpolicy_evidence_forges()
    assert [type(forge) for forge in forges] == [SgxForge, TdxForge]
    assert [forge.tee_id for forge in forges] == ["sgx", "tdx"]
    assert all(isinstance(forge, EvidenceForge) for forge in forges)


def test_default_tdx_forge_writes_a_v4_quote_pcs_collateral_and_reference_values(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    assert forged.evidence == tmp_path / "quote.bin"
    assert [path.name for path in forged.collateral] == COLLATERAL_FILES
    quote = parse_quote(forged.evidence.read_bytes())
    assert (quote.header.version, quote.header.tee_type, quote.body_type) == (4, TeeType.TDX, BodyType.TD_REPORT_10)
    assert quote.trailing_size == 0 and quote.qe.certification.type == 5
    assert quote.qe.pck_chain_pem.endswith(b"\0")
    pck, pck_ca, root = x509.load_pem_x509_certificates(quote.qe.pck_chain_pem.rstrip(b"\0"))
    assert describe(root) == f"SGX Root CA {TEST_ROOT_NAME}" and is_test_root(root) and root.issuer == root.subject
    assert pck.issuer == pck_ca.subject and pck_ca.issuer == root.subject
    assert pck.not_valid_before_utc == NOW - timedelta(days=1)
    signing, signing_root = x509.load_pem_x509_certificates(
        (tmp_path / "collateral/tcb_info_issuer_chain.pem").read_bytes()
    )
    assert signing.issuer == root.subject and signing_root == root
    tcb_info = json.loads((tmp_path / "collateral/tcb_info.json").read_bytes())
    assert tcb_info["tcbInfo"]["id"] == "TDX" and tcb_info["tcbInfo"]["issueDate"] == format_time(
        NOW - timedelta(days=1)
    )
    reference = json.loads(forged.reference_values.read_text())
    td = quote.td_report
    assert reference == {
        "tdx": {
            "measurements": {
                "mrtd": [td.mr_td.hex()],
                **{f"rtmr{i}": [rtmr.hex()] for i, rtmr in enumerate(td.rtmrs)},
                "mrseam": [td.mr_seam.hex()],
            }
        }
    }


def test_forged_tdx_evidence_needs_unsafe_trust_of_the_test_root(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    with pytest.raises(ChainError, match="does not chain to a pinned root") as caught:
        verify(forged, unsafe=False)
    assert caught.value.exit_code == 3
    claims = verify(forged)
    assert claims.collateral.source == "test-root" and claims.collateral.crl_checked
    assert claims.collateral.not_after == NOW + timedelta(days=29)
    assert claims.evidence.tcb.status == "UpToDate" and claims.evidence.tcb.advisories == ()
    assert claims.evidence.debug is False and claims.vendor["report"]["sept_ve_disable"] is True
    assert claims.vendor["tcb"]["tdx_module_identity"] == "TDX_01"
    reference = json.loads(forged.reference_values.read_text())["tdx"]["measurements"]
    assert {name: [value.hex()] for name, value in claims.evidence.measurements.items()} == reference


def test_real_intel_collateral_does_not_help_forged_evidence(tmp_path: Path, vectors: Path) -> None:
    forged = forge(tmp_path)
    real = collateral_store([vectors / "tdx/qvl_tdx_quote_v4_collateral.json"])
    with pytest.raises(ChainError):
        verify(forged, unsafe=False, extra=real)
    assert verify(forged, extra=real).evidence.tcb.status == "UpToDate"


def test_keys_are_generated_once_per_process(tmp_path: Path) -> None:
    first, second = forge(tmp_path / "a"), forge(tmp_path / "b")
    roots = [x509.load_pem_x509_certificates((forged.collateral[3]).read_bytes())[-1] for forged in (first, second)]
    assert roots[0].public_key() == roots[1].public_key() == forge_key("root").public_key()
    assert roots[0].serial_number != roots[1].serial_number


def test_settings_reach_the_claims(tmp_path: Path) -> None:
    settings = {
        "mrtd": "aa" * 48,
        "rtmr0": "01" * 48,
        "rtmr3": "03" * 48,
        "mrconfigid": "0c" * 48,
        "report_data": "5e" * 32,
        "tee_tcb_svn": "07010400000000000000000000000000",
        "sgx_components": "4,4,2,2,4,1,0,5",
        "pcesvn": "14",
        "fmspc": "90c06f000000",
        "qe_svn": "6",
        "xfam": "e718060000000000",
        "sept_ve_disable": "0",
    }
    claims = verify(forge(tmp_path, **settings))
    evidence, report = claims.evidence, claims.vendor["report"]
    assert evidence.measurements["mrtd"] == b"\xaa" * 48
    assert evidence.measurements["rtmr0"] == b"\x01" * 48 and evidence.measurements["rtmr3"] == b"\x03" * 48
    assert report["mr_config_id"] == b"\x0c" * 48 and report["xfam"] == bytes.fromhex("e718060000000000")
    assert report["sept_ve_disable"] is False
    assert evidence.report_data == b"\x5e" * 32 + bytes(32)
    components = evidence.tcb.components
    assert [components[f"sgx_comp{i:02d}"] for i in range(1, 9)] == [4, 4, 2, 2, 4, 1, 0, 5]
    assert components["pcesvn"] == 14 and components["qe_isvsvn"] == 6 and components["tdx_comp01"] == 7
    assert evidence.identity["fmspc"] == bytes.fromhex("90c06f000000")
    assert evidence.tcb.status == "UpToDate"


def test_debug_td_verifies_and_says_so(tmp_path: Path) -> None:
    claims = verify(forge(tmp_path, debug="1"))
    assert claims.evidence.debug is True and claims.vendor["report"]["debug"] is True
    assert claims.vendor["report"]["td_attributes"] == ((1 << 28) | 1).to_bytes(8, "little")


def test_version_5_tdx_15_body(tmp_path: Path) -> None:
    forged = forge(tmp_path, version="5", tee_tcb_svn2="07010300000000000000000000000000")
    quote = parse_quote(forged.evidence.read_bytes())
    assert (quote.header.version, quote.body_type) == (5, BodyType.TD_REPORT_15)
    assert quote.td_report.tee_tcb_svn2 == bytes.fromhex("07010300000000000000000000000000")
    assert verify(forged).evidence.tcb.status == "UpToDate"


@pytest.mark.parametrize(
    ("status", "advisories"),
    [
        ("SWHardeningNeeded", "INTEL-SA-00615"),
        ("ConfigurationNeeded", "INTEL-SA-00289"),
        ("ConfigurationAndSWHardeningNeeded", "INTEL-SA-00289,INTEL-SA-00615"),
        ("OutOfDate", "INTEL-SA-00837"),
        ("OutOfDateConfigurationNeeded", "INTEL-SA-00828,INTEL-SA-00837"),
        ("Revoked", ""),
    ],
)
def test_tcb_level_status_and_advisories(tmp_path: Path, status: str, advisories: str) -> None:
    claims = verify(forge(tmp_path, tcb_status=status, tcb_advisories=advisories, tcb_date="2024-03-13T00:00:00Z"))
    assert claims.evidence.tcb.status == status
    assert claims.evidence.tcb.advisories == tuple(a for a in advisories.split(",") if a)
    assert claims.evidence.tcb.date == "2024-03-13T00:00:00Z"
    tcb = claims.vendor["tcb"]
    assert tcb["up_to_date_date"] == NEWER_LEVEL_DATE
    assert [(c.name, c.platform, c.required) for c in tcb["components_behind"]] == [("sgx_comp01", 3, 4)]


def test_no_matching_tcb_level(tmp_path: Path) -> None:
    claims = verify(forge(tmp_path, tcb_level_match="0"))
    assert claims.evidence.tcb.status is None
    assert "no TCB level matches" in claims.vendor["tcb"]["not_supported"]


@pytest.mark.parametrize(("setting", "status"), [("module_status", "OutOfDate"), ("qe_status", "OutOfDate")])
def test_module_and_qe_identity_statuses_fold_in(tmp_path: Path, setting: str, status: str) -> None:
    assert verify(forge(tmp_path, **{setting: status})).evidence.tcb.status == "OutOfDate"


def test_revoked_qe_identity_level(tmp_path: Path) -> None:
    assert verify(forge(tmp_path, qe_status="Revoked")).evidence.tcb.status == "Revoked"


@pytest.mark.parametrize("certificate", ["pck", "pck_ca", "tcb_signing"])
def test_revoked_certificates(tmp_path: Path, certificate: str) -> None:
    forged = forge(tmp_path, revoked=certificate)
    with pytest.raises(RevokedError, match="is revoked") as caught:
        verify(forged)
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(("value", "issuer"), [("1", "PCK Platform CA"), ("pck", "PCK Platform CA"), ("root", "Root")])
def test_expired_crls(tmp_path: Path, value: str, issuer: str) -> None:
    with pytest.raises(CollateralExpiredError, match=f"CRL of '.*{issuer}.*' is outside its window") as caught:
        verify(forge(tmp_path, crl_expired=value))
    assert caught.value.exit_code == 4


@pytest.mark.parametrize(
    ("setting", "what"), [("tcb_info_expired", "TCB info"), ("qe_identity_expired", "QE identity")]
)
def test_expired_signed_documents(tmp_path: Path, setting: str, what: str) -> None:
    with pytest.raises(CollateralExpiredError, match=f"{what} .* expired at .*window") as caught:
        verify(forge(tmp_path, **{setting: "1"}))
    assert caught.value.exit_code == 4


def test_validity_windows_follow_now(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    with pytest.raises(CollateralNotYetValidError):
        verify(forged, now=NOW - timedelta(days=2))
    with pytest.raises(CollateralExpiredError):
        verify(forged, now=NOW + timedelta(days=31))


def test_tampered_forged_quote_is_rejected(tmp_path: Path) -> None:
    forged = forge(tmp_path)
    data = bytearray(forged.evidence.read_bytes())
    data[48 + 136] ^= 1  # inside MRTD, covered by the quote signature
    forged.evidence.write_bytes(bytes(data))
    with pytest.raises(SignatureError):
        verify(forged)


def test_default_sgx_forge(tmp_path: Path) -> None:
    forged = forge(tmp_path, "sgx")
    quote = parse_quote(forged.evidence.read_bytes())
    assert (quote.header.version, quote.header.tee_type) == (3, TeeType.SGX)
    with pytest.raises(ChainError):
        verify(forged, "sgx", unsafe=False)
    claims = verify(forged, "sgx")
    reference = json.loads(forged.reference_values.read_text())["sgx"]
    assert [claims.evidence.measurements["mrenclave"].hex()] == reference["mrenclaves"]
    assert claims.evidence.signer is not None and [claims.evidence.signer.hex()] == reference["mrsigners"]
    assert claims.vendor["report"]["isv_prod_id"] == reference["isv_prod_id"] == 1
    assert claims.evidence.tcb.status == "UpToDate" and claims.evidence.debug is False


def test_sgx_settings(tmp_path: Path) -> None:
    claims = verify(
        forge(tmp_path, "sgx", version="4", debug="1", mrenclave="ee" * 32, isv_prod_id="7", isv_svn="3"), "sgx"
    )
    assert claims.vendor["header"].version == 4
    assert claims.evidence.debug is True and claims.evidence.measurements["mrenclave"] == b"\xee" * 32
    assert (claims.vendor["report"]["isv_prod_id"], claims.vendor["report"]["isv_svn"]) == (7, 3)


@pytest.mark.parametrize(
    ("tee", "settings", "message"),
    [
        ("tdx", {"colour": "blue"}, "unknown tdx forge settings"),
        ("tdx", {"mrenclave": "00" * 32}, "unknown tdx forge settings"),
        ("sgx", {"mrtd": "00" * 48}, "unknown sgx forge settings"),
        ("tdx", {"version": "3"}, "version"),
        ("sgx", {"version": "5"}, "version"),
        ("tdx", {"mrtd": "00"}, "48 bytes"),
        ("tdx", {"report_data": "00" * 65}, "at most 64"),
        ("tdx", {"fmspc": "zz"}, "hexadecimal"),
        ("tdx", {"tcb_status": "Fine"}, "tcb_status"),
        ("tdx", {"revoked": "root"}, "revoked"),
        ("tdx", {"crl_expired": "2"}, "crl_expired"),
        ("tdx", {"sgx_components": "1,2,300"}, "sgx_components"),
        ("tdx", {"debug": "maybe"}, "debug"),
        ("tdx", {"tcb_date": "yesterday"}, "RFC 3339"),
    ],
)
def test_bad_settings_are_configuration_errors(
    tmp_path: Path, tee: str, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        forge(tmp_path, tee, **settings)


def _qvl_verdict(forged: ForgedEvidence) -> tuple[str | None, tuple[str, ...], str | None]:
    """dcap-qvl's (status, advisories, error) for forged evidence, with the forge's root as its root CA."""
    directory = forged.collateral[0].parent

    def signed(name: str) -> tuple[str, bytes]:
        text = (directory / name).read_text()
        return text[text.index(":") + 1 : text.rindex(',"signature"')], bytes.fromhex(json.loads(text)["signature"])

    tcb_info, tcb_signature = signed("tcb_info.json")
    qe_identity, qe_signature = signed("qe_identity.json")
    chain = (directory / "tcb_info_issuer_chain.pem").read_text()
    collateral = dcap_qvl.QuoteCollateralV3(
        pck_crl_issuer_chain=(directory / "pck_crl_issuer_chain.pem").read_text(),
        root_ca_crl=(directory / "root_ca_crl.der").read_bytes(),
        pck_crl=(directory / "pck_crl.der").read_bytes(),
        tcb_info_issuer_chain=chain,
        tcb_info=tcb_info,
        tcb_info_signature=tcb_signature,
        qe_identity_issuer_chain=chain,
        qe_identity=qe_identity,
        qe_identity_signature=qe_signature,
    )
    root = x509.load_pem_x509_certificates(chain.encode())[-1].public_bytes(serialization.Encoding.DER)
    try:
        report = dcap_qvl.verify_with_root_ca(forged.evidence.read_bytes(), collateral, root, int(NOW.timestamp()))
    except ValueError as exc:
        return None, (), str(exc)
    return report.status, tuple(report.advisory_ids), None


@pytest.mark.parametrize(
    ("tee", "settings"),
    [
        ("tdx", {}),
        ("tdx", {"version": "5"}),
        ("tdx", {"tcb_status": "SWHardeningNeeded", "tcb_advisories": "INTEL-SA-00615"}),
        ("tdx", {"tcb_status": "OutOfDate", "tcb_advisories": "INTEL-SA-00837,INTEL-SA-00828"}),
        ("sgx", {}),
        ("sgx", {"tcb_status": "ConfigurationAndSWHardeningNeeded", "tcb_advisories": "INTEL-SA-00289"}),
    ],
)
def test_dcap_qvl_accepts_forged_evidence_and_agrees(tmp_path: Path, tee: str, settings: dict[str, str]) -> None:
    """An independent verifier, given the test root as its root CA, reads the forged format the same way."""
    forged = forge(tmp_path, tee, **settings)
    claims = verify(forged, tee)
    status, advisories, error = _qvl_verdict(forged)
    assert error is None, f"dcap-qvl rejects forged {tee} {settings}: {error}"
    assert claims.evidence.tcb.status == status
    assert set(claims.evidence.tcb.advisories) == set(advisories)


def test_dcap_qvl_also_rejects_a_revoked_pck(tmp_path: Path) -> None:
    status, _, error = _qvl_verdict(forge(tmp_path, revoked="pck"))
    assert status is None and error is not None and "Revoked" in error


# The CLI round trip: ``ccpolicy forge`` then ``ccpolicy verify`` with and without --trust-test-root.

AT = format_time(NOW)
TINY_POLICY = """package ccpolicy.{package}

import rego.v1

default result := {{"trust_vector": {{"configuration": 96}}, "reasons": []}}

result := {{"trust_vector": {{"configuration": 2, "hardware": 2}}, "reasons": []}} if {{
	input.evidence.debug == false
	input.evidence.tcb.status == "UpToDate"
}}
"""


def _policy_arguments(tee: str, directory: Path) -> list[str]:
    """The default policy when it exists; else a tiny policy (the CLI would otherwise stop with exit 1)."""
    try:
        default_policy_directory(tee)
    except ConfigurationError:
        path = directory / f"{tee}_tiny.rego"
        path.write_text(TINY_POLICY.format(package=tee))
        return ["--policy", str(path)]
    return []


def _cli_round_trip(tmp_path: Path, tee: str, *settings: str, trust: bool = True) -> int:
    out = tmp_path / "forged"
    assert main(["forge", tee, "--out", str(out), "--at", AT, *(f"--set={item}" for item in settings)]) == 0
    arguments = ["verify", str(out / "quote.bin"), "--tee", tee, "--collateral", str(out / "collateral"), "--at", AT]
    arguments += ["--data", str(out / "refvalues.json"), *_policy_arguments(tee, tmp_path)]
    return main([*arguments, *(["--trust-test-root"] if trust else [])])


@pytest.mark.parametrize("tee", ["tdx", "sgx"])
def test_cli_forged_evidence_verifies_only_with_trust_test_root(
    tmp_path: Path, tee: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli_round_trip(tmp_path / "trusted", tee) in {0, 5}
    assert "NOT genuine hardware" in capsys.readouterr().err
    assert _cli_round_trip(tmp_path / "untrusted", tee, trust=False) == 3


@pytest.mark.parametrize(
    ("settings", "exit_code"),
    [
        (("revoked=pck",), 3),
        (("crl_expired=1",), 4),
        (("tcb_info_expired=1",), 4),
        (("debug=1",), 5),
        (("tcb_status=OutOfDate", "tcb_advisories=INTEL-SA-00837"), 5),
    ],
)
def test_cli_forged_negative_cases(tmp_path: Path, settings: tuple[str, ...], exit_code: int) -> None:
    assert _cli_round_trip(tmp_path, "tdx", *settings) == exit_code


def test_cli_unknown_setting_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["forge", "tdx", "--out", str(tmp_path), "--set", "colour=blue"]) == 1
