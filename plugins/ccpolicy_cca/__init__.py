"""Arm CCA attestation tokens (Realm Management Extension) for ccpolicy.

A CCA attestation token is a CBOR tag 399 collection of two COSE_Sign1
tokens: the platform token (key 44234), signed by the CCA Platform Attestation
Key (CPAK, from the collateral), and the realm token (key 44241), signed by the
Realm Attestation Key (RAK) it carries.  The platform token's challenge is the
hash of the RAK, which binds the two.  Claims follow the Arm Realm Management
Monitor specification (DEN0137) and the CCA Security Model (DEN0096).
"""

from __future__ import annotations

__version__ = "0.1.0"
