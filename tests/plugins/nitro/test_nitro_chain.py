"""The Nitro chain: self-made roots, AWS's certificate profile, and the forge's test root."""

from __future__ import annotations

import base64
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization

from ccpolicy.collateral import CollateralFile, CollateralStore, collateral_from_files, load_collateral
from ccpolicy.errors import ChainError
from ccpolicy.interfaces import VerificationContext
from ccpolicy_cose.cose_signature import sign_cose_sign1
from ccpolicy_nitro import forge
from ccpolicy_nitro.aws_root import aws_nitro_root
from ccpolicy_nitro.verifier import NitroVerifier

VERIFIER = NitroVerifier()


def real_fields(vector) -> dict:
    message = cbor2.loads(base64.b64decode(vector.text))
    return cbor2.loads(message[2])


def root_store(chain: forge.ForgedChain) -> CollateralStore:
    pem = chain.root.public_bytes(serialization.Encoding.PEM)
    return collateral_from_files([CollateralFile(path=Path("root.pem"), data=pem)])


def verify(evidence: bytes, at, *, collateral: CollateralStore | None = None, unsafe: bool = False):
    context = VerificationContext(now=at, collateral=collateral or CollateralStore(), unsafe_trust_test_root=unsafe)
    return VERIFIER.verify(VERIFIER.parse(evidence), context)


def test_self_made_root_impersonating_aws_is_a_chain_error(production):
    """The real document's fields, re-signed under a self-made chain whose root copies AWS's name."""
    chain = forge.forge_chain(production.at, root_name=aws_nitro_root().subject)
    document = forge.forge_document(real_fields(production), chain)
    with pytest.raises(ChainError):
        verify(document, production.at)
    with pytest.raises(ChainError):  # even offered as collateral with the unsafe switch: not a test root
        verify(document, production.at, collateral=root_store(chain), unsafe=True)


def test_real_chain_with_replaced_root_is_a_chain_error(production):
    """cabundle[0] swapped for a self-made root (document re-signed with a self-made leaf): no pinned root."""
    chain = forge.forge_chain(production.at, root_name=aws_nitro_root().subject)
    fields = real_fields(production)
    bundle = [der(chain.root), *fields["cabundle"][1:]]
    document = signed_with(fields, der(chain.signing_certificate), bundle, chain.signing_key)
    with pytest.raises(ChainError):
        verify(document, production.at)


def test_forge_test_root_needs_the_unsafe_switch(production):
    chain = forge.forge_chain(production.at)
    document = forge.forge_document(real_fields(production), chain)
    with pytest.raises(ChainError):
        verify(document, production.at, collateral=root_store(chain))
    claims = verify(document, production.at, collateral=root_store(chain), unsafe=True)
    assert claims.collateral.source == "test-root"
    assert claims.evidence.measurements["pcr0"] == real_fields(production)["pcrs"][0]


def signed_with(fields: dict, certificate: bytes, cabundle: list[bytes], key) -> bytes:
    payload = {**fields, "certificate": certificate, "cabundle": cabundle}
    return sign_cose_sign1(cbor2.dumps(payload), key, tagged=False)


def der(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def test_leaf_without_digital_signature_is_rejected(production):
    """The instance CA (keyCertSign only) signing the document itself."""
    chain = forge.forge_chain(production.at)
    document = signed_with(
        real_fields(production), der(chain.cas[-1]), [der(c) for c in chain.cas[:-1]], chain.ca_keys[-1]
    )
    with pytest.raises(ChainError, match="digitalSignature"):
        verify(document, production.at, collateral=root_store(chain), unsafe=True)


def test_leaf_used_as_ca_is_rejected(production):
    """A bundle with the signing certificate in the instance CA's place fails the basicConstraints rule."""
    chain = forge.forge_chain(production.at)
    bundle = [der(c) for c in chain.cas[:3]] + [der(chain.signing_certificate)]
    document = signed_with(real_fields(production), der(chain.signing_certificate), bundle, chain.signing_key)
    with pytest.raises(ChainError, match="basicConstraints"):
        verify(document, production.at, collateral=root_store(chain), unsafe=True)


def test_path_length_is_enforced(production):
    """The instance CA (pathLen 0) placed above the zonal CA: its pathLenConstraint is exceeded."""
    chain = forge.forge_chain(production.at)
    bundle = [der(chain.cas[i]) for i in (0, 1, 3, 2)]
    document = signed_with(real_fields(production), der(chain.signing_certificate), bundle, chain.signing_key)
    with pytest.raises(ChainError, match="allows 0 CA certificates"):
        verify(document, production.at, collateral=root_store(chain), unsafe=True)


def test_forge_writes_verifiable_evidence(tmp_path, production):
    forged = forge.NitroForge().forge(tmp_path, {"nonce": "ab" * 16, "debug": "true"}, production.at)
    store = load_collateral(forged.collateral)
    claims = verify(forged.evidence.read_bytes(), production.at, collateral=store, unsafe=True)
    assert claims.evidence.debug is True
    assert claims.evidence.report_data == bytes.fromhex("ab" * 16)
    with pytest.raises(ChainError):
        verify(forged.evidence.read_bytes(), production.at, collateral=store)
