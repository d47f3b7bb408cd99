"""The AWS Nitro Enclaves Root G1, embedded and pinned by the SHA-256 fingerprint AWS publishes.

CN=aws.nitro-enclaves, O=Amazon, OU=AWS, C=US; P-384; valid 2019-10-28 .. 2049-10-28.
(The nsm-api document quotes 8cf60e2b... for the downloadable zip archive; the
value pinned here is the fingerprint of the certificate's DER encoding.)
"""

from __future__ import annotations

import functools
from importlib import resources

from cryptography import x509

from ccpolicy.certificates import fingerprint
from ccpolicy.errors import PluginError

ROOT_FILE = "aws_nitro_enclaves_root_g1.pem"
ROOT_SHA256 = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b"


@functools.cache
def aws_nitro_root() -> x509.Certificate:
    """The embedded root, after checking its fingerprint (PluginError if the file was altered)."""
    data = resources.files(__package__).joinpath(ROOT_FILE).read_bytes()
    try:
        root = x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise PluginError(f"the embedded AWS Nitro root {ROOT_FILE} does not parse", reason="plugin.data") from exc
    if fingerprint(root).hex() != ROOT_SHA256:
        raise PluginError(
            f"the embedded AWS Nitro root {ROOT_FILE} does not have the pinned SHA-256 {ROOT_SHA256}",
            reason="plugin.data",
        )
    return root
