"""AWS Nitro Enclaves attestation for ccpolicy.

An attestation document is a COSE_Sign1 (ES384) made by the Nitro Secure
Module; its payload is a CBOR map with the enclave's PCRs, the signing
certificate and the CA bundle up to the AWS Nitro Enclaves Root G1, which this
plugin embeds and pins.  Format and validation rules follow AWS's
``aws-nitro-enclaves-nsm-api`` document ``docs/attestation_process.md`` and the
user guide page "Verifying the root of trust".
"""

from __future__ import annotations

__version__ = "0.1.0"
