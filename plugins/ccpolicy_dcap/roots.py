"""The Intel SGX Root CA, embedded and pinned by SHA-256.

``intel_sgx_root_ca.pem`` is Intel's public root certificate for SGX and TDX DCAP attestation
(``https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.pem``,
the root of every PCK, CRL and TCB-signing chain Intel PCS serves).  It is a trust anchor (data),
checked against :data:`INTEL_SGX_ROOT_CA_SHA256` before use.
"""

from __future__ import annotations

import functools
from importlib import resources

from cryptography import x509

from ccpolicy.certificates import fingerprint, load_certificate
from ccpolicy.errors import PluginError

INTEL_SGX_ROOT_CA_FILE = "intel_sgx_root_ca.pem"
INTEL_SGX_ROOT_CA_SHA256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3"
"""SHA-256 over the DER encoding of the Intel SGX Root CA certificate."""


@functools.cache
def intel_sgx_root_ca() -> x509.Certificate:
    """The embedded Intel SGX Root CA, after checking its pinned fingerprint."""
    encoded = (resources.files("ccpolicy_dcap") / INTEL_SGX_ROOT_CA_FILE).read_bytes()
    certificate = load_certificate(encoded)
    digest = fingerprint(certificate).hex()
    if digest != INTEL_SGX_ROOT_CA_SHA256:
        raise PluginError(
            f"embedded Intel SGX Root CA has SHA-256 {digest}, pinned {INTEL_SGX_ROOT_CA_SHA256}: "
            "the installation is damaged",
            reason="plugin.dcap.root_pin",
        )
    return certificate
