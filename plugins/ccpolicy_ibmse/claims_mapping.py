"""A verified IBM SE response -> ccpolicy Claims.

Normalized: ``measurements`` pld, ald, tld and se_header_tag (the image the
measurement proves); ``report_data`` = the request's nonce (empty without one),
so the host's ``--nonce`` check compares it; ``identity`` = the configuration
UID; ``debug`` is false only when the image's SE header was given and does not
allow dumping (unknown counts as not shown good).  Vendor: every field of the
response, the request's flags and key slots, and the image's control flags.
"""

from __future__ import annotations

from ccpolicy.claims import Claims, CollateralStatus, EvidenceClaims, JsonValue, TcbClaims
from ccpolicy_ibmse.additional_data import AttestationFlag
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
    additional = response.additional
    flags: dict[str, JsonValue] = {flag.claim_name: request.flags.is_set(flag) for flag in AttestationFlag}
    flags["raw"] = request.flags.raw
    flags["unknown_bits"] = list(request.flags.unknown_bits)
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
        "flags": flags,
        "additional_data": {
            "image_public_host_key_hash": additional.image_public_host_key_hash,
            "attestation_public_host_key_hash": additional.attestation_public_host_key_hash,
            "secret_store_hash": additional.secret_store_hash,
            "firmware_state": additional.firmware_state,
            "unrecognized": additional.unrecognized or None,
        },
        "request": {
            "version": request.version,
            "host_key_hashes": [slot.host_key_hash for slot in request.keyslots],
            "customer_public_key": request.customer_public_key,
            "tag": request.tag,
        },
        "test_key": collateral.secret.test_key,
    }
