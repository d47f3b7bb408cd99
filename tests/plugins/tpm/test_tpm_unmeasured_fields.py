"""Fields no signature or PCR binds (event types, unverified event data, reserved TPMA_OBJECT bits).

They must either be refused or leave the claims unchanged (GCE vector, PROVENANCE.md).
"""

from __future__ import annotations

import struct
from dataclasses import replace

import pytest

from ccpolicy.claims import to_json_value
from ccpolicy.errors import BindingError, EvidenceFormatError
from ccpolicy_tpm.event_log import EventType, parse_event_log
from ccpolicy_tpm.protobuf_wire import parse_message
from ccpolicy_tpm.tpm_structures import parse_public_area

EVENT_LOG_FIELD = 3
AK_PUBLIC_FIELD = 1
SECURE_BOOT_NAME = "SecureBoot".encode("utf-16-le")
SHIM_DB_CERTIFICATE_EVENT = 23
"""An EV_EFI_VARIABLE_AUTHORITY event (PCR 7) whose data does not hash to its digest (shim measures otherwise)."""


@pytest.fixture(scope="module")
def event_log(gce_evidence) -> bytes:
    return parse_message(gce_evidence, what="test").bytes_field(EVENT_LOG_FIELD)


@pytest.fixture(scope="module")
def baseline(verifier, gce_evidence, context_with):
    return to_json_value(verifier.verify(verifier.parse(gce_evidence), context_with()))


@pytest.fixture
def verify_with_log(verifier, gce_evidence, rewrite_fields, context_with):
    def run(log: bytes):
        evidence = rewrite_fields(
            gce_evidence, lambda item: replace(item, payload=log) if item.number == EVENT_LOG_FIELD else item
        )
        return to_json_value(verifier.verify(verifier.parse(evidence), context_with()))

    return run


def _flip(data: bytes, offset: int, mask: int = 0x01) -> bytes:
    return data[:offset] + bytes([data[offset] ^ mask]) + data[offset + 1 :]


def _event_offsets(log: bytes) -> list[tuple[int, int]]:
    """(offset of eventType, offset of the event data) of each TCG_PCR_EVENT2, walking the log's own lengths."""
    sizes = dict(parse_event_log(log).spec_id.digest_sizes)
    offset = 4 + 4 + 20
    offset += 4 + struct.unpack_from("<I", log, offset)[0]  # the Spec ID event
    found = []
    for _ in parse_event_log(log).events:
        type_offset = offset + 4
        offset += 8
        (count,) = struct.unpack_from("<I", log, offset)
        offset += 4
        for _ in range(count):
            (alg_id,) = struct.unpack_from("<H", log, offset)
            offset += 2 + sizes[alg_id]
        (size,) = struct.unpack_from("<I", log, offset)
        found.append((type_offset, offset + 4))
        offset += 4 + size
    return found


def test_the_event_list_shows_only_what_the_quote_binds(baseline):
    log = baseline["vendor"]["event_log"]
    assert all(set(item) == {"sequence", "pcr", "digest"} for item in log["events"])
    assert "unverified_event_count" not in log and "spec_version" not in log
    assert {"pcr": 7, "name": "SecureBoot", "vendor_guid": "8be4df61-93ca-11d2-aa0d-00e098032b8c"} in log[
        "efi_variables"
    ]
    assert {"pcr": 5, "text": "Exit Boot Services Invocation"} in log["measured_strings"]


def test_a_retyped_secure_boot_event_keeps_the_claims(event_log, verify_with_log, baseline):
    secure_boot_event = next(
        event.sequence
        for event in parse_event_log(event_log).events
        if event.event_type == EventType.EV_EFI_VARIABLE_DRIVER_CONFIG.value and SECURE_BOOT_NAME in event.data
    )
    offset = _event_offsets(event_log)[secure_boot_event][0]
    for mask in (0x01, 0x02, 0x80):
        claims = verify_with_log(_flip(event_log, offset, mask))
        assert claims == baseline
        assert claims["vendor"]["event_log"]["secure_boot"] is True


def test_unverified_event_data_does_not_reach_the_claims(event_log, verify_with_log, baseline):
    event = parse_event_log(event_log).events[SHIM_DB_CERTIFICATE_EVENT]
    assert event.event_type == EventType.EV_EFI_VARIABLE_AUTHORITY.value
    start = _event_offsets(event_log)[SHIM_DB_CERTIFICATE_EVENT][1]
    for offset in (start, start + 16, start + 32, start + len(event.data) - 1):  # GUID, lengths, name, data
        assert verify_with_log(_flip(event_log, offset)) == baseline


@pytest.mark.parametrize("text", [b"grub_cmd: set timeout=0", b"kernel_cmdline: /syslinux/vmlinuz.A"])
@pytest.mark.parametrize("where", ["label", "text"])
def test_a_changed_grub_string_is_refused(event_log, verify_with_log, text, where):
    offset = event_log.index(text) + (2 if where == "label" else len(text) - 1)
    with pytest.raises(BindingError):
        verify_with_log(_flip(event_log, offset))


def test_a_changed_separator_is_refused(event_log, verify_with_log):
    events = parse_event_log(event_log).events
    offsets = _event_offsets(event_log)
    separators = [event.sequence for event in events if event.event_type == EventType.EV_SEPARATOR.value]
    assert len(separators) == 8
    for sequence in separators:
        with pytest.raises(BindingError, match="not what was measured"):
            verify_with_log(_flip(event_log, offsets[sequence][1]))


@pytest.mark.parametrize("bit", [0, 3, 8, 9, 12, 15, 20, 31])
def test_reserved_object_attribute_bits_are_refused(gce_evidence, bit):
    public = parse_message(gce_evidence, what="test").bytes_field(AK_PUBLIC_FIELD)
    parse_public_area(public)
    attributes = int.from_bytes(public[4:8], "big")
    assert not attributes >> bit & 1
    changed = public[:4] + (attributes | 1 << bit).to_bytes(4, "big") + public[8:]
    with pytest.raises(EvidenceFormatError, match="reserved"):
        parse_public_area(changed)
