"""TCB info and QE identity documents in Intel PCS's JSON shape, signed by the forge's TCB signing key.

A document is served as ``{"tcbInfo": <value>, "signature": "<hex r||s>"}`` (or ``enclaveIdentity``);
the ECDSA P-256 / SHA-256 signature covers the exact bytes of ``<value>`` as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ccpolicy.clock import format_time
from ccpolicy_dcap.forge_settings import DcapForgeSettings
from ccpolicy_dcap.intel_collateral import TcbStatus

QE_MRSIGNER = bytes.fromhex("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5")
"""The MRSIGNER of Intel's quoting enclaves (public, in every QE identity); the forge's QE claims it too."""
QE_PRODUCT_IDS = {"QE": 1, "TD_QE": 2}
QE_ATTRIBUTES = bytes.fromhex("11000000000000000000000000000000")
QE_ATTRIBUTES_MASK = bytes.fromhex("fbffffffffffffff0000000000000000")
TDX_MODULE_MRSIGNER = bytes(48)
DOCUMENT_LIFETIME = timedelta(days=30)
EVALUATION_DATA_NUMBER = 17
COMPONENT_COUNT = 16
NEWER_LEVEL_DATE = "2025-08-13T00:00:00Z"
"""tcbDate of the UpToDate level listed above a platform that is not UpToDate."""


def signed_document(key: str, value: Mapping[str, Any], signing_key: ec.EllipticCurvePrivateKey) -> bytes:
    """The served bytes: the compact JSON of ``value`` under ``key`` and its raw r||s signature."""
    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    r, s = decode_dss_signature(signing_key.sign(body, ec.ECDSA(hashes.SHA256())))
    signature = (r.to_bytes(32, "big") + s.to_bytes(32, "big")).hex()
    return b'{"' + key.encode() + b'":' + body + b',"signature":"' + signature.encode() + b'"}'


def document_window(now: datetime, *, expired: bool) -> dict[str, str]:
    if expired:
        issue, next_update = now - DOCUMENT_LIFETIME - timedelta(days=1), now - timedelta(days=1)
    else:
        issue, next_update = now - timedelta(days=1), now - timedelta(days=1) + DOCUMENT_LIFETIME
    return {"issueDate": format_time(issue), "nextUpdate": format_time(next_update)}


def tcb_info(settings: DcapForgeSettings, now: datetime) -> dict[str, Any]:
    """A TCB info v3 (``id`` TDX or SGX) whose levels rate the forged platform as the settings say."""
    tdx = settings.td is not None
    wanted = settings.collateral
    platform_sgx = settings.sgx_components
    platform_tdx = settings.td.tee_tcb_svn if settings.td is not None else bytes(COMPONENT_COUNT)
    # Without a match, the only level is one the platform does not reach: SGX component 1 one higher.
    matched_sgx = platform_sgx if wanted.tcb_level_match else (platform_sgx[0] + 1, *platform_sgx[1:])
    levels = []
    if wanted.tcb_status is not TcbStatus.UP_TO_DATE and wanted.tcb_level_match:
        newer = (platform_sgx[0] + 1, *platform_sgx[1:])
        levels.append(
            _tcb_level(
                newer,
                settings.pce_svn,
                platform_tdx if tdx else None,
                date=NEWER_LEVEL_DATE,
                status=TcbStatus.UP_TO_DATE.value,
                advisories=(),
            )
        )
    levels.append(
        _tcb_level(
            matched_sgx,
            settings.pce_svn,
            platform_tdx if tdx else None,
            date=wanted.tcb_date,
            status=wanted.tcb_status.value,
            advisories=wanted.tcb_advisories,
        )
    )
    document: dict[str, Any] = {
        "id": "TDX" if tdx else "SGX",
        "version": 3,
        **document_window(now, expired=wanted.tcb_info_expired),
        "fmspc": settings.fmspc.hex(),
        "pceId": "0000",
        "tcbType": 0,
        "tcbEvaluationDataNumber": EVALUATION_DATA_NUMBER,
    }
    if tdx:
        module = {
            "mrsigner": TDX_MODULE_MRSIGNER.hex().upper(),
            "attributes": "0000000000000000",
            "attributesMask": "FFFFFFFFFFFFFFFF",
        }
        document["tdxModule"] = module
        major = platform_tdx[1]
        if major > 0:
            module_level = {
                "tcb": {"isvsvn": platform_tdx[0]},
                "tcbDate": wanted.tcb_date,
                "tcbStatus": wanted.module_status.value,
            }
            document["tdxModuleIdentities"] = [{"id": f"TDX_{major:02X}", **module, "tcbLevels": [module_level]}]
    document["tcbLevels"] = levels
    return document


def _tcb_level(
    sgx: tuple[int, ...], pce_svn: int, tdx: bytes | None, *, date: str, status: str, advisories: tuple[str, ...]
) -> dict[str, Any]:
    tcb: dict[str, Any] = {"sgxtcbcomponents": [{"svn": svn} for svn in sgx], "pcesvn": pce_svn}
    if tdx is not None:
        tcb["tdxtcbcomponents"] = [{"svn": svn} for svn in tdx]
    level: dict[str, Any] = {"tcb": tcb, "tcbDate": date, "tcbStatus": status}
    if advisories:
        level["advisoryIDs"] = list(advisories)
    return level


def qe_identity(settings: DcapForgeSettings, now: datetime) -> dict[str, Any]:
    """An enclave identity v2 of the QE (SGX) or TD_QE (TDX) with one level at the forged QE's ISVSVN."""
    identity_id = "TD_QE" if settings.td is not None else "QE"
    return {
        "id": identity_id,
        "version": 2,
        **document_window(now, expired=settings.collateral.qe_identity_expired),
        "tcbEvaluationDataNumber": EVALUATION_DATA_NUMBER,
        "miscselect": "00000000",
        "miscselectMask": "FFFFFFFF",
        "attributes": QE_ATTRIBUTES.hex().upper(),
        "attributesMask": QE_ATTRIBUTES_MASK.hex().upper(),
        "mrsigner": QE_MRSIGNER.hex().upper(),
        "isvprodid": QE_PRODUCT_IDS[identity_id],
        "tcbLevels": [
            {
                "tcb": {"isvsvn": settings.qe_svn},
                "tcbDate": settings.collateral.tcb_date,
                "tcbStatus": settings.collateral.qe_status.value,
            }
        ],
    }
