"""Google's vTPM EK/AK certificate authorities, embedded and pinned by SHA-256 fingerprint.

Public certificates of Google Cloud (pki.goog/cloud_integrity), as go-tpm-tools
ships them in server/ca-certs.  Roots are trust anchors; intermediates only help
build a chain and are still checked signature by signature.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from cryptography import x509

from ccpolicy.certificates import fingerprint

ROOT_FINGERPRINTS = {
    "google_tpm_ek_root_1.pem": "9bd5285f8fb18502a7947e621ffd470266f49fcd3b73e19a190f690ad32a7caf",
    "google_ek_ak_ca_root.pem": "594759594b9b61524f6c8ef668f7177f7b9066bc0674f2f49fe9e052be78beb2",
}
INTERMEDIATE_FINGERPRINTS = {
    "google_tpm_ek_intermediate_2.pem": "5d8dbcf8c8053dd8ffad711b6219355032b7122c34cac0f90ccb49def69ec504",
    "google_tpm_ek_intermediate_3.pem": "7132b6ea71101f6c51bb58f98c3798c19b65be510eca0344318900510b593178",
    "google_ek_ak_ca_intermediate_v3.pem": "c84de8116dfaf5a908f21e810487791f5437e206d00ad8025050cca6bd2ff627",
}


@cache
def google_roots() -> tuple[x509.Certificate, ...]:
    return tuple(_load(name, expected) for name, expected in ROOT_FINGERPRINTS.items())


@cache
def google_intermediates() -> tuple[x509.Certificate, ...]:
    return tuple(_load(name, expected) for name, expected in INTERMEDIATE_FINGERPRINTS.items())


def _load(name: str, expected: str) -> x509.Certificate:
    data = resources.files("ccpolicy_tpm").joinpath("roots", name).read_bytes()
    certificate = x509.load_pem_x509_certificate(data)
    if fingerprint(certificate).hex() != expected:
        raise RuntimeError(f"embedded certificate {name} does not have its pinned fingerprint")
    return certificate
