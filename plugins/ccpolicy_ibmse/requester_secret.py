"""The requester's secret and the image's SE header tags, picked from the collateral by content.

Only the requester can verify an IBM SE attestation response: the measurement is
an HMAC keyed with a key that ``pvattest create`` generated and sealed inside the
request.  The requester hands ccpolicy that secret in a JSON collateral document::

    {"ibmse": {
        "arpk": "<32-byte request protection key, hex>",        # the --arpk file of pvattest create, or
        "attestation_key": "<64-byte HMAC-SHA512 key, hex>",   # the measurement key itself, with
        "nonce": "<16-byte nonce, hex>",                       #   the nonce when the request has one
        "request_tag": "<16-byte GCM tag of the request, hex>",# optional: which request this secret is for
        "image": {"pld": "<64 bytes hex>", "ald": "...", "tld": "...", "tag": "<16 bytes hex>"},
        "test_key": "ccpolicy test root - not genuine hardware"  # only in documents the forge writes
    }}

The image tags may instead come from the image's SE header file (``pvextract-hdr``
output), recognized by its magic; it also tells whether the image allows dumping.
A document marked ``test_key`` is used only with ``unsafe_trust_test_root``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccpolicy.collateral import CollateralStore
from ccpolicy.errors import BindingError, CollateralMissingError, ConfigurationError
from ccpolicy_ibmse.attestation_request import NONCE_SIZE, AttestationRequest
from ccpolicy_ibmse.se_header import DIGEST_SIZE, SE_HEADER_TAG_SIZE, ImageTags, SeHeader, is_se_header, parse_se_header

DOCUMENT_KEY = "ibmse"
ARPK_SIZE = 32
MEASUREMENT_KEY_SIZE = 64
REQUEST_TAG_SIZE = 16
FIELDS = frozenset({"arpk", "attestation_key", "nonce", "request_tag", "image", "test_key"})
IMAGE_FIELDS = {"pld": DIGEST_SIZE, "ald": DIGEST_SIZE, "tld": DIGEST_SIZE, "tag": SE_HEADER_TAG_SIZE}
ONLY_THE_REQUESTER = (
    "an IBM SE attestation response can be verified only by its requester, with the secret of its request"
)
COLLATERAL_HINT = (
    'pass --collateral with a JSON document {"ibmse": {"arpk": HEX, "image": {...}}} holding the request '
    "protection key that 'pvattest create' wrote (or the attestation key and nonce), and the image's SE header"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequesterSecret:
    origin: Path
    arpk: bytes | None
    attestation_key: bytes | None
    nonce: bytes | None
    request_tag: bytes | None
    image: ImageTags | None
    test_key: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RequesterCollateral:
    secret: RequesterSecret
    image: ImageTags
    se_header: SeHeader | None
    """The SE header whose tags are ``image``, when one was given."""


def requester_collateral(
    store: CollateralStore, request: AttestationRequest, *, unsafe_trust_test_root: bool
) -> RequesterCollateral:
    secret = select_secret(store, request, unsafe_trust_test_root=unsafe_trust_test_root)
    headers = [parse_se_header(blob.data, origin=str(blob.path)) for blob in store.blobs if is_se_header(blob.data)]
    if secret.image is not None:
        matching = [header for header in headers if header.tags == secret.image]
        return RequesterCollateral(secret=secret, image=secret.image, se_header=matching[0] if matching else None)
    if not headers:
        raise CollateralMissingError(
            f"no image tags for the IBM SE response: {secret.origin} names no image and no SE header file was given",
            hint='add "image" to the ibmse document or pass the image\'s SE header (pvextract-hdr) as collateral',
        )
    if len(headers) > 1:
        raise ConfigurationError(
            f"{len(headers)} SE header files are in the collateral and {secret.origin} names no image; "
            'say which with its "image" tags'
        )
    return RequesterCollateral(secret=secret, image=headers[0].tags, se_header=headers[0])


def select_secret(
    store: CollateralStore, request: AttestationRequest, *, unsafe_trust_test_root: bool
) -> RequesterSecret:
    secrets = [
        parse_secret(item.document[DOCUMENT_KEY], origin=item.origin)
        for item in store.json_documents
        if isinstance(item.document, Mapping) and DOCUMENT_KEY in item.document
    ]
    if not secrets:
        raise CollateralMissingError(
            f"{ONLY_THE_REQUESTER}; no ibmse document is in the collateral", hint=COLLATERAL_HINT
        )
    usable = [secret for secret in secrets if unsafe_trust_test_root or not secret.test_key]
    if not usable:
        raise CollateralMissingError(
            f"the ibmse document {secrets[0].origin} holds a ccpolicy test key, not a requester's secret; "
            "it is accepted only with the unsafe trust of the ccpolicy test root",
            hint="pass --trust-test-root only for evidence made by 'ccpolicy forge'",
        )
    if len(usable) == 1:
        secret = usable[0]
        if secret.request_tag not in (None, request.tag):
            raise BindingError(
                f"the ibmse document {secret.origin} is for the request with tag {secret.request_tag.hex()}, "
                f"the response carries a request with tag {request.tag.hex()}"
            )
        return secret
    for_request = [secret for secret in usable if secret.request_tag == request.tag]
    if len(for_request) == 1:
        return for_request[0]
    if not for_request and all(secret.request_tag is not None for secret in usable):
        raise BindingError(f"none of the {len(usable)} ibmse documents is for the request with tag {request.tag.hex()}")
    raise ConfigurationError(
        f"{len(usable)} ibmse documents fit this response ({', '.join(str(s.origin) for s in usable)}); "
        'add "request_tag" to tell them apart'
    )


def parse_secret(document: Any, *, origin: Path) -> RequesterSecret:
    """Read one ``{"ibmse": {...}}`` body; a wrong shape is a ConfigurationError naming the file."""
    if not isinstance(document, Mapping):
        raise _garbage(origin, "the ibmse entry is not an object")
    unknown = set(document) - FIELDS
    if unknown:
        raise _garbage(origin, f"unknown fields {sorted(unknown)} (known: {sorted(FIELDS)})")
    arpk = _hex(document, "arpk", ARPK_SIZE, origin)
    attestation_key = _hex(document, "attestation_key", MEASUREMENT_KEY_SIZE, origin)
    if arpk is None and attestation_key is None:
        raise _garbage(origin, 'it holds neither "arpk" nor "attestation_key"')
    image = document.get("image")
    if image is not None and not isinstance(image, Mapping):
        raise _garbage(origin, '"image" is not an object')
    test_key = document.get("test_key")
    if test_key is not None and not isinstance(test_key, str):
        raise _garbage(origin, '"test_key" is not a string')
    return RequesterSecret(
        origin=origin,
        arpk=arpk,
        attestation_key=attestation_key,
        nonce=_hex(document, "nonce", NONCE_SIZE, origin),
        request_tag=_hex(document, "request_tag", REQUEST_TAG_SIZE, origin),
        image=None if image is None else _image(image, origin),
        test_key=test_key is not None,
    )


def _image(image: Mapping[str, Any], origin: Path) -> ImageTags:
    if set(image) != set(IMAGE_FIELDS):
        raise _garbage(origin, f'"image" must have exactly the fields {sorted(IMAGE_FIELDS)}')
    values = {name: _hex(image, name, size, origin) for name, size in IMAGE_FIELDS.items()}
    pld, ald, tld, tag = (values[name] for name in IMAGE_FIELDS)
    if pld is None or ald is None or tld is None or tag is None:
        raise _garbage(origin, '"image" has a null tag')
    return ImageTags(pld=pld, ald=ald, tld=tld, tag=tag)


def _hex(document: Mapping[str, Any], name: str, size: int, origin: Path) -> bytes | None:
    text = document.get(name)
    if text is None:
        return None
    if not isinstance(text, str):
        raise _garbage(origin, f'"{name}" is not a hex string')
    try:
        value = bytes.fromhex(text)
    except ValueError:
        raise _garbage(origin, f'"{name}" is not hex') from None
    if len(value) != size:
        raise _garbage(origin, f'"{name}" is {len(value)} bytes, not {size}')
    return value


def _garbage(origin: Path, problem: str) -> ConfigurationError:
    return ConfigurationError(f"ibmse collateral document {origin}: {problem}", reason="collateral.garbage")
