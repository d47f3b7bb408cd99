"""Quote checks: the AK's signature, the PCR digest, and agreement between the quotes of one attestation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ccpolicy.errors import BindingError, SignatureError, UnsupportedEvidenceError
from ccpolicy_tpm.ak_public_key import AkPublicKey
from ccpolicy_tpm.attestation import TpmQuote
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm, ObjectAttributes, SignatureScheme
from ccpolicy_tpm.tpm_hashing import digest
from ccpolicy_tpm.tpm_structures import EcdsaSignature, PublicArea, RsaSignature

_SIGNATURE_HASHES: dict[HashAlgorithm, type[hashes.HashAlgorithm]] = {
    HashAlgorithm.SHA1: hashes.SHA1,
    HashAlgorithm.SHA256: hashes.SHA256,
    HashAlgorithm.SHA384: hashes.SHA384,
    HashAlgorithm.SHA512: hashes.SHA512,
    HashAlgorithm.SHA3_256: hashes.SHA3_256,
    HashAlgorithm.SHA3_384: hashes.SHA3_384,
    HashAlgorithm.SHA3_512: hashes.SHA3_512,
}
RESTRICTED_SIGNING = ObjectAttributes.RESTRICTED | ObjectAttributes.SIGN_ENCRYPT


def check_ak_attributes(public: PublicArea) -> None:
    """A quote key must be a restricted signing key, which cannot sign outside data shaped like a quote."""
    if RESTRICTED_SIGNING not in public.attributes or ObjectAttributes.DECRYPT in public.attributes:
        raise BindingError(
            f"the AK is not a restricted signing key (attributes: {', '.join(public.attributes.labels) or 'none'})",
            reason="verification.binding.ak_attributes",
        )


def verify_quote_signature(quote: TpmQuote, public: PublicArea, key: AkPublicKey, *, position: int) -> None:
    signature = quote.signature
    what = f"quote {position}"
    if public.scheme is not None and (public.scheme, public.scheme_hash) != (
        signature.scheme,
        signature.hash_algorithm,
    ):
        raise SignatureError(
            f"{what}: signed with {signature.scheme.name}/{signature.hash_algorithm.label}, "
            f"but the AK only signs with {public.scheme.name}/{public.scheme_hash.label if public.scheme_hash else '?'}"
        )
    hash_type = _SIGNATURE_HASHES.get(signature.hash_algorithm)
    if hash_type is None:
        raise UnsupportedEvidenceError(f"{what}: signature hash {signature.hash_algorithm.label} is not supported")
    try:
        if isinstance(signature, EcdsaSignature):
            if not isinstance(key, ec.EllipticCurvePublicKey):
                raise SignatureError(f"{what}: an ECDSA signature, but the AK is an RSA key")
            der = encode_dss_signature(int.from_bytes(signature.r, "big"), int.from_bytes(signature.s, "big"))
            key.verify(der, quote.attest_raw, ec.ECDSA(hash_type()))
        else:
            if not isinstance(key, rsa.RSAPublicKey):
                raise SignatureError(f"{what}: an RSA signature, but the AK is an ECC key")
            key.verify(signature.signature, quote.attest_raw, _rsa_padding(signature, hash_type), hash_type())
    except InvalidSignature:
        raise SignatureError(f"{what}: the signature over TPMS_ATTEST does not verify with the AK") from None
    except UnsupportedAlgorithm as exc:
        raise UnsupportedEvidenceError(f"{what}: {exc}") from None


def _rsa_padding(signature: RsaSignature, hash_type: type[hashes.HashAlgorithm]) -> padding.AsymmetricPadding:
    if signature.scheme is SignatureScheme.RSAPSS:
        return padding.PSS(mgf=padding.MGF1(hash_type()), salt_length=padding.PSS.AUTO)
    return padding.PKCS1v15()


def check_pcr_digest(quote: TpmQuote, *, position: int) -> None:
    """The PCR values given for the quote, concatenated in selection order and hashed with the
    signature's hash, must equal the signed pcrDigest; values outside the selection are refused."""
    what = f"quote {position}"
    selected = {selection.bank: selection.pcrs for selection in quote.attest.pcr_selections}
    for bank, values in quote.pcr_values.items():
        extra = sorted(set(values) - set(selected.get(bank, ())))
        if extra:
            raise BindingError(f"{what}: PCRs {extra} of the {bank.label} bank are given but not quoted")
    concatenated = b""
    for selection in quote.attest.pcr_selections:
        values = quote.pcr_values.get(selection.bank, {})
        missing = [pcr for pcr in selection.pcrs if pcr not in values]
        if missing:
            raise BindingError(f"{what}: PCRs {missing} of the {selection.bank.label} bank are quoted but not given")
        concatenated += b"".join(values[pcr] for pcr in selection.pcrs)
    computed = digest(quote.signature.hash_algorithm, concatenated)
    if computed != quote.attest.pcr_digest:
        raise BindingError(
            f"{what}: the PCR values hash to {computed.hex()}, the signed pcrDigest is {quote.attest.pcr_digest.hex()}",
            reason="verification.binding.pcr_digest",
        )


def check_quotes_agree(quotes: Sequence[TpmQuote]) -> dict[HashAlgorithm, dict[int, bytes]]:
    """All quotes carry the same nonce, come from the same TPM boot cycle and firmware, and agree on
    any PCR quoted twice.  Returns the quoted PCR values of every bank."""
    first = quotes[0].attest
    merged: dict[HashAlgorithm, dict[int, bytes]] = {}
    for position, quote in enumerate(quotes):
        attest = quote.attest
        if attest.extra_data != first.extra_data:
            raise BindingError(
                f"quote {position} carries extraData {attest.extra_data.hex()}, quote 0 {first.extra_data.hex()}"
            )
        for field, ours, theirs in (
            ("resetCount", attest.clock_info.reset_count, first.clock_info.reset_count),
            ("restartCount", attest.clock_info.restart_count, first.clock_info.restart_count),
            ("firmwareVersion", attest.firmware_version, first.firmware_version),
            ("qualifiedSigner", attest.qualified_signer, first.qualified_signer),
        ):
            if ours != theirs:
                raise BindingError(f"quote {position} differs from quote 0 in {field}: the quotes are not of one boot")
        _merge(merged, quote.pcr_values, position)
    return merged


def _merge(
    merged: dict[HashAlgorithm, dict[int, bytes]], values: Mapping[HashAlgorithm, Mapping[int, bytes]], position: int
) -> None:
    for bank, bank_values in values.items():
        target = merged.setdefault(bank, {})
        for pcr, value in bank_values.items():
            if target.get(pcr, value) != value:
                raise BindingError(f"quote {position} gives PCR {pcr} of the {bank.label} bank another value")
            target[pcr] = value
