"""The error hierarchy of ccpolicy.

Every error carries a machine-readable ``reason`` code, a human message and a
``diagnostics()`` text.  The exit code of the CLI is a property of the class, so
a command never has to guess how to report a failure.
"""

from __future__ import annotations

from typing import ClassVar


class CcpolicyError(Exception):
    """Base of every error ccpolicy raises on purpose."""

    exit_code: ClassVar[int] = 1
    default_reason: ClassVar[str] = "error"

    def __init__(self, message: str, *, reason: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.hint = hint

    def diagnostics(self) -> str:
        """A human explanation: what failed, why, and what to try next."""
        text = f"{type(self).__name__} [{self.reason}]: {self.message}"
        cause = self.__cause__
        if cause is not None and not isinstance(cause, CcpolicyError):
            text += f"\n  caused by: {type(cause).__name__}: {cause}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigurationError(CcpolicyError):
    """Bad usage or configuration: unknown option values, unreadable files, bad data."""

    exit_code = 1
    default_reason = "configuration"


class PluginError(CcpolicyError):
    """A plugin failed to load, conflicts with another, or broke its contract.

    An exception escaping a plugin during verification is wrapped in this error:
    the verdict is an error (exit 6), never a pass.
    """

    exit_code = 6
    default_reason = "plugin"


class EvidenceError(CcpolicyError):
    """Evidence is malformed or of an unsupported kind (exit 2)."""

    exit_code = 2
    default_reason = "evidence"


class EvidenceFormatError(EvidenceError):
    """Evidence bytes do not follow their format."""

    default_reason = "evidence.format"


class UnsupportedEvidenceError(EvidenceError):
    """No loaded plugin understands the evidence, or it uses an unsupported version."""

    default_reason = "evidence.unsupported"


class VerificationError(CcpolicyError):
    """Cryptographic verification failed (exit 3)."""

    exit_code = 3
    default_reason = "verification"


class SignatureError(VerificationError):
    """A signature over evidence or collateral does not verify."""

    default_reason = "verification.signature"


class ChainError(VerificationError):
    """A certificate chain does not lead to a trusted, pinned root."""

    default_reason = "verification.chain"


class RevokedError(VerificationError):
    """A certificate in the chain is revoked by a CRL."""

    default_reason = "verification.revoked"


class BindingError(VerificationError):
    """Evidence fields that must agree with each other or with collateral do not."""

    default_reason = "verification.binding"


class FreshnessError(VerificationError):
    """The nonce given by the relying party is not the one in the evidence."""

    default_reason = "verification.freshness"


class CollateralError(CcpolicyError):
    """Collateral is missing, expired or not yet valid: no decision is possible (exit 4)."""

    exit_code = 4
    default_reason = "collateral"


class CollateralMissingError(CollateralError):
    default_reason = "collateral.missing"


class CollateralExpiredError(CollateralError):
    default_reason = "collateral.expired"


class CollateralNotYetValidError(CollateralError):
    default_reason = "collateral.not_yet_valid"


class PolicyError(CcpolicyError):
    """A policy failed to compile or evaluate (exit 6). A deny is not an error."""

    exit_code = 6
    default_reason = "policy"


class BackendError(CcpolicyError):
    """A comparison backend failed, timed out or gave a wrong result."""

    exit_code = 1
    default_reason = "backend"
