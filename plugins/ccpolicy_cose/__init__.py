"""COSE_Sign1 (RFC 9052) for ccpolicy's COSE-signed evidence: AWS Nitro Enclaves, Arm PSA and Arm CCA.

This package has no hook implementation: it is the shared layer the ``nitro``,
``psa`` and ``cca`` plugins build on.  It decodes CBOR strictly (size and depth
limits, no trailing bytes, no duplicate map keys, no indefinite lengths, no
semantic tag decoding), parses COSE_Sign1 messages (tagged 18 or untagged),
verifies and makes ES256/ES384/ES512 signatures, and reads public keys from
COSE_Key maps, raw EC points and the collateral store.
"""

from __future__ import annotations

__version__ = "0.1.0"
