"""An IBM SE attestation response: the exchange file, its request and its additional data, typed.

Parsing only: no key is needed and nothing is verified here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccpolicy.errors import EvidenceFormatError
from ccpolicy_ibmse.additional_data import AdditionalData, parse_additional_data
from ccpolicy_ibmse.attestation_request import AttestationRequest, parse_attestation_request
from ccpolicy_ibmse.exchange_format import ExchangeResponse, parse_exchange_response


@dataclass(frozen=True, slots=True, kw_only=True)
class AttestationResponse:
    exchange: ExchangeResponse
    request: AttestationRequest
    additional: AdditionalData

    @property
    def measurement(self) -> bytes:
        return self.exchange.measurement

    @property
    def config_uid(self) -> bytes:
        return self.exchange.config_uid

    @property
    def user_data(self) -> bytes | None:
        return self.exchange.user_data

    @property
    def additional_data(self) -> bytes | None:
        return self.exchange.additional_data


def parse_attestation_response(data: bytes) -> AttestationResponse:
    exchange = parse_exchange_response(data)
    request = parse_attestation_request(exchange.request)
    if len(exchange.measurement) != request.algorithm.measurement_size:
        raise EvidenceFormatError(
            f"IBM SE attestation response: the measurement is {len(exchange.measurement)} bytes; "
            f"{request.algorithm.name} gives {request.algorithm.measurement_size}"
        )
    return AttestationResponse(
        exchange=exchange,
        request=request,
        additional=parse_additional_data(exchange.additional_data, request.flags),
    )
