"""AMD SEV-SNP attestation: ATTESTATION_REPORT parsing, VCEK/VLEK chain verification, claims and a forge.

The layout follows the SEV-SNP Firmware ABI specification (AMD publication 56860);
certificate extensions follow the Key Distribution Service specification (57230).
"""

from __future__ import annotations

__version__ = "0.1.0"
