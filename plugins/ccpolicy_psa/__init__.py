"""Arm PSA attestation tokens (TrustZone, TF-M initial attestation) for ccpolicy.

A token is a COSE_Sign1 over an EAT claims map, signed by the device's Initial
Attestation Key (IAK).  Claims follow RFC 9783 (profile
``http://arm.com/psa/2.0.0`` and ``tag:psacertified.org,2023:psa#tfm``) and the
legacy ``PSA_IOT_PROFILE_1`` claim keys (-75000 .. -75010).  The IAK's public
key comes from the collateral.
"""

from __future__ import annotations

__version__ = "0.1.0"
