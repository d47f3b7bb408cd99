"""IBM Secure Execution (IBM Z / LinuxONE) attestation for ccpolicy.

A Secure Execution guest asks the Ultravisor for an attestation measurement
with an attestation request control block (ARCB) that the *requester* made with
``pvattest create``: the ARCB carries, encrypted with the request protection key
(ARPK), a fresh HMAC-SHA512 measurement key and a nonce; the ARPK itself is
wrapped for the host keys of the machines allowed to run the request.  The
Ultravisor answers with an HMAC-SHA512 over the SE header tags of the running
image, the configuration UID, the user data, the nonce and the additional data.
``pvattest perform`` stores request and answer in the pvattest exchange format.

The answer is sealed with a key only the requester holds: nobody but the
requester (or whoever it hands the ARPK or measurement key to) can verify it,
and whoever holds that key could also have computed it.  Formats follow
s390-tools (``rust/pvattest/src/exchange.rs``, ``rust/pv/src/uvattest``,
``rust/pv/src/req``, ``rust/pv/src/brcb.rs``).
"""

from __future__ import annotations

__version__ = "0.1.0"
