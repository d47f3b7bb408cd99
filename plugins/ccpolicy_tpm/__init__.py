"""TPM 2.0 quotes (go-tpm-tools Attestation protobuf or a plain JSON form) with TCG event-log replay."""

from __future__ import annotations

__version__ = "0.1.0"
