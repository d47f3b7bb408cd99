"""Legacy AMD SEV and SEV-ES (pre-SNP) attestation for ccpolicy.

Two kinds of evidence are understood:

* the platform certificates a guest owner receives before launch (a PDH
  certificate alone, or a concatenation such as ``sevctl export`` writes), whose
  chain PDH <- PEK <- {OCA, CEK <- ASK <- ARK} is verified up to an embedded AMD
  root;
* a launch document (media type ``application/vnd.ccpolicy.sev.launch+json``)
  that adds the LAUNCH_MEASURE of a guest, checked with the guest owner's TIK.

Formats follow the AMD SEV API specification #55766 (appendices B and C and the
LAUNCH_MEASURE command).
"""

from __future__ import annotations

__version__ = "0.1.0"
