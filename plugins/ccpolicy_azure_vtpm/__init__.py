"""Azure confidential VMs attested through the paravisor's vTPM: SEV-SNP (``az-snp-vtpm``) and TDX (``az-tdx-vtpm``).

The HCL (host compatibility layer, Azure's paravisor) writes an attestation report to vTPM NV index
0x01400001: a header, the hardware report (SEV-SNP report or TDREPORT) whose REPORT_DATA holds the hash of
the runtime claims, and the runtime claims JSON with the vTPM attestation key (HCLAkPub). The hardware
report is verified by the host's ``snp``/``tdx`` verifier and the TPM quote by the host's ``tpm`` verifier,
reached through ``VerificationContext.verifier_for``; this package parses the HCL report and Trustee's
evidence envelopes and checks the bindings between the parts.
"""

from __future__ import annotations

__version__ = "0.1.0"
