"""Known-answer values from s390-tools' own tests (github.com/ibm-s390-linux/s390-tools, MIT licence).

Taken at commit 61c5d7d4314094867e406a774265c31ec532707e:

- ``ARCB``: ``rust/pv/tests/assets/exp/arcb.bin``, an attestation request made by the ``pv`` crate's
  test ``mk_arcb`` (``rust/pv/src/uvattest/arcb.rs``) with ARPK 0x17 * 32, measurement key 0x77 * 64,
  nonce 0xab * 16, flags nonce + image PHKH + attestation PHKH, one key slot, IV 0x55 * 12.
- ``SE_HEADER``: ``rust/pv/tests/assets/exp/secure_guest.hdr`` and its tags ``EXP_HDR`` from
  ``rust/pv/src/brcb.rs``.
- ``MEASUREMENTS``: the expected HMACs of ``rust/pv/src/uvattest/attest.rs`` (key 0x41 * 64, tags
  PLD 0x01, ALD 0x02, TLD 0x03 * 64, tag 0x04 * 16, CUID 0x05 * 16, user data 0x07 * 256, nonce 0x08 * 16,
  additional data 0x09 * 128).
- ``EXCHANGE_RESPONSE_SHA256``: SHA-256 of ``rust/pvattest/tests/assets/exp/exchange/*_resp.bin``, written
  by ``rust/pvattest/src/exchange.rs`` tests from ARCB 0x11 * 16, measurement 0x12 * 64, additional data
  0x13 * 32, user data 0x15 * 256 and CUID 0x14 * 16.
"""

from __future__ import annotations

ARCB = bytes.fromhex(
    "0000000000000000000001000000019055555555555555555555555500000000000000000000000100000000000000507000"
    "0000000000000000000100000000000000000000000000000000000000c75d34f91652db457b0b209c46a491a44ee2b16e23"
    "c2d8daf116678a62f24ce332c5995f08456b66b16dd55a92c507f1e31af78c64a82e7a541b15135015f20286000000000000"
    "000000000000000001408058a7f1a5c35097533a02a93879e7de67ba280bce8365ec94b2b908f589c3a998d8be1e6307d74a"
    "e01adc46825ff6bb6fa05c1147cfe2ccf4a24f3d833dda70415c25a5d19c381e619733e1c1b7fbd88bdd1c31d882d5ade04b"
    "97043c5010f0c07743c154ac20653815af37b196ad1ef8e847690c5c1ef985291df18e6870d8a038978d7ccb85b5b32bd40c"
    "15c6353f2d8940a4e4730fa16daab4e939af041f697374554dbcdbd10bc43c798fd646826b6e6c256bd982e7ef94467f7731"
    "ec45afb6da9075a0d616a85004fb330f1b76444c6672520a9121d7a64ae783f78b5192cff0ab3e9131bc2984efb24b699cb4"
)
ARCB_PROTECTION_KEY = bytes([0x17] * 32)
ARCB_MEASUREMENT_KEY = bytes([0x77] * 64)
ARCB_NONCE = bytes([0xAB] * 16)

SE_HEADER = bytes.fromhex(
    "49424d536563457800000100000002804dc42a795fd9d2e4a40fcb3300000000000000000000000100000000000000800000"
    "00000000fc2500000000000000000000000000000000000000000000013fa57395f4d35560d55565d84347035d62fc161c3a"
    "6d5db61a358302d25e71b66ce90705d45d828c237d81b251a145879e0dd5e9a0448290ced028c87feca852fd000000000000"
    "000000000000000001a503d17cebf3ae922409a66bbbd15de2039023f4adc1db218a2f58bdfa9b263dade6cf786b78294166"
    "2189caba4659c9599541ba89338e6c8d353a9be4304662cbbe94b5eab3c1b118c757d7db7ea0f65d9b64823a8dc55bf8a872"
    "5b58072d9d4258c53e8a5da82dfb2192d91d07bc1c39b95d6321d3ba16a751a6e3e32f3e01612858c3368b2a0af0c5ea0fde"
    "7905eb15af9cd1dd737165933cdaa2b850b6a8e2f0f42c7b36dd5381096288dc092daa8a6facec2534137bc94ca80bda4fcb"
    "93284860ebcf7b9d24eb909a795356ad32c936b62165988a9ffcd66170dbc590c23010d7952fa882d1bb79558f9be0a549d8"
    "d7a94ae720e5c0760a825d479fe67af5782966a6298f6f5968780c3134ca4c55958d2dbca5292f59e9f5d2670befaf2f5ba3"
    "401e8dde0d01dc1f971edfe8c81c3ced6d39e887225b4e9c34b5d5bebeff19af21eb7c50e34b0a93cf0b2f1a6f8a8e883a7a"
    "8efa9094e232d375ce377c612a977b31c13810d530764dcd577bc1e50570a817ab75e46a7fdcdfcb7f89a1a6f0a0bcba2d32"
    "c5a8d2f4078160069014fabe2a3acd87c0d1eae8151931b842cfd042f4d2cb40ffbd0a66cef51532f8f769d63dea75cd62ef"
    "ea635d7cb43f5482689635a16ff3c216591c1e0273b5136e92309d4589b9a85b427f8753171d1520"
)
SE_HEADER_PLD = bytes.fromhex(
    "be94b5eab3c1b118c757d7db7ea0f65d9b64823a8dc55bf8a8725b58072d9d4258c53e8a5da82dfb2192d91d07bc1c39"
    "b95d6321d3ba16a751a6e3e32f3e0161"
)
SE_HEADER_ALD = bytes.fromhex(
    "2858c3368b2a0af0c5ea0fde7905eb15af9cd1dd737165933cdaa2b850b6a8e2f0f42c7b36dd5381096288dc092daa8a"
    "6facec2534137bc94ca80bda4fcb9328"
)
SE_HEADER_TLD = bytes.fromhex(
    "4860ebcf7b9d24eb909a795356ad32c936b62165988a9ffcd66170dbc590c23010d7952fa882d1bb79558f9be0a549d8"
    "d7a94ae720e5c0760a825d479fe67af5"
)
SE_HEADER_TAG = bytes.fromhex("92309d4589b9a85b427f8753171d1520")

MEASUREMENT_KEY = bytes([0x41] * 64)
"""The HMAC key of the measurement vectors; the names say which optional parts each includes."""
MEASUREMENTS = {
    "all": bytes.fromhex(
        "88794c62cce7bcf26216deb3f48f13fea6374b6d7e35bcc5c2ce68121db6f45dfc8c17185646354940"
        "8bf8e7d1aca11efad0a878af97dc9e21a1fc2a32f3a675"
    ),
    "user_additional": bytes.fromhex(
        "fbd4f738a390edd947cd4f11af3a2f3bab2fdf8bf89bf81beb495117f4382cf42f0730c8c7d9e3ca27"
        "fb25adfceb21224f57fdb398dcf41a83c146e6a23db760"
    ),
    "additional": bytes.fromhex(
        "63671fbf295036eb1023ea71f7182e7d6343dc7b2da584e824d0a7d198ab9cded756c93b39050ffb76"
        "4555b01f88cb82017a6a15c7e0bafc6005f1e4f78aa124"
    ),
    "minimal": bytes.fromhex(
        "c5c34c93835d1ec23f5c2d778dfa20129b11b305601742cb2f38e0ed9894dcdb73fc8695ab6a8dbad0"
        "744073ddc81a5eaafa52e4a15af8deb8d761091922847f"
    ),
}

EXCHANGE_RESPONSE_SHA256 = {
    "full": "a8ccad385f107a8f4a692c0b74bb75645fff4dc6a75639b78db8d11fe4afb62c",
    "min": "29288e86a525eecd23705b6183819e43434a50bb0bc4e4e179ce4629f4f33393",
    "add": "8b27bb99ebfb2a33d7587e8ae1eb424e32d6e89bb2ce7000725edf966b9d4b80",
    "user": "a34389783566a359c9e3bf01330ec9b503a0ebda2a410471f56e4c86420b09e0",
}
