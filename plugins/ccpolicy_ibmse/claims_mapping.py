"""A verified IBM SE response -> ccpolicy Claims.

Normalized: ``measurements`` pld, ald, tld and se_header_tag (the image the
measurement proves); ``report_data`` = the request's nonce (empty without one),
so the host's ``--nonce`` check compares it; ``identity`` = the configuration
UID; ``debug`` is false only when the image's SE header was given and does not
allow dumping (unknown counts as not shown good).  Vendor: every field of the
response, the request's flags and key slots, and the image's control flags.

Only what is authenticated is claimed.  ``request_authenticated`` says whether
the ARPK opened the request; without it (the requester stated the measurement
key and nonce) ``flags`` and ``request`` are null, and the additional data,
whose bytes the HMAC covers but whose split into fields follows the unproven
flags, is claimed whole as ``unrecognized`` with every named field null.
"""

from __future__ import annotations

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_ibmse.additional_data import AdditionalData, AttestationFlag, AttestationFlags
from ccpolicy_ibmse.attestation_request import AttestationRequest
from ccpolicy_ibmse.attestation_response import AttestationResponse
from ccpolicy_ibmse.measurement_verification import MeasurementSecret
from ccpolicy_ibmse.requester_secret import RequesterCollateral


def build_claims(
    response: AttestationResponse, collateral: RequesterCollateral, secret: MeasurementSecret, *, tee: str
) -> Claims:
    image = collateral.image
    header = collateral.se_header
    evidence = EvidenceClaims(
        platform={"vendor": "IBM", "product": "Secure Execution"},
        measurements={"pld": image.pld, "ald": image.ald, "tld": image.tld, "se_header_tag": image.tag},
        signer=None,
        debug=header is None or header.allow_dumping,
        tcb=TcbClaims(),
        report_data=secret.nonce or b"",
        identity={"config_uid": response.config_uid},
    )
    return Claims(
        tee=tee,
        evidence=evidence,
        vendor=vendor_claims(response, collateral, secret),
        collateral=CollateralStatus(
            source="test-root" if collateral.secret.test_key else "offline", not_after=None, crl_checked=False
        ),
    )


def vendor_claims(
    response: AttestationResponse, collateral: RequesterCollateral, secret: MeasurementSecret
) -> dict[str, JsonValue]:
    request = response.request
    header = collateral.se_header
    authenticated = secret.request_authenticated
    return {
        "image": {
            "pld": collateral.image.pld,
            "ald": collateral.image.ald,
            "tld": collateral.image.tld,
            "tag": collateral.image.tag,
            "se_header_given": header is not None,
            "plaintext_control_flags": None if header is None else header.plaintext_control_flags,
            "allow_dumping": None if header is None else header.allow_dumping,
        },
        "config_uid": response.config_uid,
        "user_data": response.user_data,
        "nonce": secret.nonce,
        "measurement": response.measurement,
        "measurement_algorithm": request.algorithm.name.lower(),
        "flags": flag_claims(request.flags) if authenticated else None,
        "additional_data": additional_data_claims(
            response.additional if authenticated else AdditionalData(unrecognized=response.additional_data or b"")
        ),
        "request": request_claims(request) if authenticated else None,
        "request_authenticated": authenticated,
        "test_key": collateral.secret.test_key,
    }


def flag_claims(flags: AttestationFlags) -> dict[str, JsonValue]:
    claims: dict[str, JsonValue] = {flag.claim_name: flags.is_set(flag) for flag in AttestationFlag}
    claims["raw"] = flags.raw
    claims["unknown_bits"] = list(flags.unknown_bits)
    return claims


def additional_data_claims(additional: AdditionalData) -> dict[str, JsonValue]:
    return {
        "image_public_host_key_hash": additional.image_public_host_key_hash,
        "attestation_public_host_key_hash": additional.attestation_public_host_key_hash,
        "secret_store_hash": additional.secret_store_hash,
        "firmware_state": additional.firmware_state,
        "unrecognized": additional.unrecognized or None,
    }


def request_claims(request: AttestationRequest) -> dict[str, JsonValue]:
    return {
        "version": request.version,
        "host_key_hashes": [slot.host_key_hash for slot in request.keyslots],
        "customer_public_key": request.customer_public_key,
        "tag": request.tag,
    }
