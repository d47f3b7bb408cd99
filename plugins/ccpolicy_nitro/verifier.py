"""The Nitro verifier: parse (raw CBOR or base64), verify the ES384 signature, then the chain to the pinned root."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.claims import Claims
from ccpolicy.errors import UnsupportedEvidenceError
from ccpolicy.interfaces import VerificationContext, parses
from ccpolicy_cose.cose_signature import verify_cose_sign1
from ccpolicy_nitro import __version__
from ccpolicy_nitro.attestation_document import NitroEvidence, parse_evidence
from ccpolicy_nitro.aws_root import aws_nitro_root
from ccpolicy_nitro.certificate_chain import verify_document_chain
from ccpolicy_nitro.claims_mapping import build_claims

MEDIA_TYPE = "application/vnd.aws.nitro-enclaves.attestation+cbor"


class NitroVerifier:
    tee_id = "nitro"
    name = "AWS Nitro Enclaves"
    version = __version__
    media_types: Sequence[str] = (MEDIA_TYPE,)

    def detect(self, evidence: bytes) -> bool:
        return parses(self.parse, evidence)

    def parse(self, evidence: bytes) -> NitroEvidence:
        return parse_evidence(evidence)

    def verify(self, report: NitroEvidence, context: VerificationContext) -> Claims:
        if not isinstance(report, NitroEvidence):
            raise UnsupportedEvidenceError(f"nitro cannot verify a {type(report).__name__}")
        # The certificates are inside the signed payload: checking the signature with the leaf's key first
        # makes any change to the document a SignatureError; the chain then decides whether that key is AWS's.
        document = report.document
        verify_cose_sign1(report.message, document.certificate.public_key(), what="Nitro attestation document")
        chain = verify_document_chain(document, context.trust_anchors([aws_nitro_root()]), context.now)
        return build_claims(document, chain, tee=self.tee_id)
