"""An example third-party ccpolicy plugin for a made-up TEE ("example").

Its evidence is a JSON document holding a report (JSON, base64url) and an Ed25519 signature over the
report's bytes by the device's attestation key, which the relying party pins in collateral. See
``evidence_format`` for the format, ``verification`` for the checks and ``forge`` for test evidence.
"""
