"""What a replayed event log says about the boot: secure boot, EFI variables, separators, measured strings.

A PCR binds the events' digests and PCR indexes (replay), nothing else: the
event type and the event data are not measured (TCG PC Client firmware profile).
So the summary uses only

  * the digests and PCR indexes of events on PCRs whose replay matched the quote;
  * event data that hashes to its digest ("verified" data), read by its own
    structure (a UEFI_VARIABLE_DATA, a separator value, a string), never by the
    logged event type.

Data that does not verify contributes nothing, not even a count.  Because a
flipped byte turns verified data into unverified data, events whose data must be
what was measured are required to verify (else BindingError): the event types
for which the firmware profile defines the digest as the hash of the event data,
and GRUB's ``grub_cmd: `` / ``kernel_cmdline: `` strings.  The type only decides
whether a mismatch is an error; it never changes what is claimed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ccpolicy.errors import BindingError, EvidenceFormatError
from ccpolicy_tpm.event_log import EventLog, EventType, TcgEvent
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_hashing import digest
from ccpolicy_tpm.uefi_variables import EFI_GLOBAL_VARIABLE, UefiVariable, parse_uefi_variable

MAX_LISTED_EVENTS = 256
MAX_STRING_CHARACTERS = 4096
GRUB_COMMAND_PREFIX = b"grub_cmd: "
KERNEL_COMMAND_LINE_PREFIX = b"kernel_cmdline: "
GRUB_PREFIXES = (GRUB_COMMAND_PREFIX, KERNEL_COMMAND_LINE_PREFIX)
SEPARATOR_OK = b"\0\0\0\0"
SEPARATOR_ERROR = b"\x01\0\0\0"
SECURE_BOOT_PCR = 7

DATA_MEASURED_EVENT_TYPES = frozenset(
    {
        EventType.EV_SEPARATOR.value,
        EventType.EV_ACTION.value,
        EventType.EV_EFI_ACTION.value,
        EventType.EV_S_CRTM_VERSION.value,
        EventType.EV_EFI_VARIABLE_DRIVER_CONFIG.value,
    }
)
"""Event types whose digest is the hash of the event data (PC Client firmware profile): their data must verify."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EfiVariable:
    """A UEFI variable whose UEFI_VARIABLE_DATA, as logged, hashes to its event's digest."""

    pcr: int
    name: str
    vendor_guid: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Separator:
    pcr: int
    error: bool
    """True for the 0x00000001 separator firmware logs after an error."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasuredString:
    pcr: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListedEvent:
    """An extended event of a replayed PCR: what the quote binds (no type, no data)."""

    sequence: int
    pcr: int
    digest: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class BootSummary:
    bank: HashAlgorithm
    """The bank whose digests are shown and against which event data is verified."""
    verified_pcrs: tuple[int, ...]
    secure_boot: bool | None
    """From a verified SecureBoot variable (EFI global GUID) on PCR 7; None when none is in the log."""
    efi_variables: tuple[EfiVariable, ...]
    """Distinct (PCR, name, GUID) of verified UEFI variables, sorted."""
    separators: tuple[Separator, ...]
    grub_commands: tuple[str, ...]
    kernel_command_lines: tuple[str, ...]
    measured_strings: tuple[MeasuredString, ...]
    """Other verified event data that is printable UTF-8 text."""
    event_count: int
    """Extended events of the replayed PCRs."""
    events: tuple[ListedEvent, ...]
    events_truncated: bool


def summarize_boot(log: EventLog, bank: HashAlgorithm, verified_pcrs: Collection[int]) -> BootSummary:
    """Read the events of ``verified_pcrs`` (as replayed in ``bank``)."""
    secure_boot: bool | None = None
    variables: set[EfiVariable] = set()
    separators: list[Separator] = []
    grub_commands: list[str] = []
    command_lines: list[str] = []
    strings: list[MeasuredString] = []
    bound = [
        event for event in log.events if event.pcr in verified_pcrs and event.event_type != EventType.EV_NO_ACTION.value
    ]  # an EV_NO_ACTION type on a replayed PCR is bound: another type would be extended and fail the replay
    for event in bound:
        event_digest = event.digests.get(bank, b"")
        prefix = _grub_prefix(event)
        if prefix is not None:
            text = _measured_after_prefix(event, bank, event_digest, prefix)
            (grub_commands if prefix == GRUB_COMMAND_PREFIX else command_lines).append(text)
            continue
        whole = _measures(bank, event_digest, event.data)
        variable = _exact_variable(event.data)
        if variable is not None and whole:
            variables.add(EfiVariable(pcr=event.pcr, name=variable.name, vendor_guid=str(variable.vendor_guid)))
            if event.pcr == SECURE_BOOT_PCR and _is_secure_boot(variable):
                value = variable.data[:1] == b"\x01"
                if secure_boot is not None and secure_boot != value:
                    raise BindingError("event log: two measured SecureBoot variables disagree")
                secure_boot = value
            continue
        if variable is not None and event.pcr == SECURE_BOOT_PCR and _is_secure_boot(variable):
            raise BindingError(
                f"event log: the SecureBoot variable (event {event.sequence}) is not what PCR 7 measured"
            )
        if whole and event.data in (SEPARATOR_OK, SEPARATOR_ERROR):
            separators.append(Separator(pcr=event.pcr, error=event.data != SEPARATOR_OK))
            continue
        trimmed = event.data.rstrip(b"\0")
        if whole or _measures(bank, event_digest, trimmed):
            printable = _printable(trimmed)
            if printable is not None:
                strings.append(MeasuredString(pcr=event.pcr, text=printable))
            continue
        if event.event_type in DATA_MEASURED_EVENT_TYPES:
            raise BindingError(
                f"event log: the data of event {event.sequence} ({event.type_name}, PCR {event.pcr}) "
                f"is not what was measured"
            )
    listed = tuple(
        ListedEvent(sequence=item.sequence, pcr=item.pcr, digest=item.digests.get(bank, b"")) for item in bound
    )
    return BootSummary(
        bank=bank,
        verified_pcrs=tuple(sorted(verified_pcrs)),
        secure_boot=secure_boot,
        efi_variables=tuple(sorted(variables, key=lambda item: (item.pcr, item.name, item.vendor_guid))),
        separators=tuple(separators),
        grub_commands=tuple(grub_commands),
        kernel_command_lines=tuple(command_lines),
        measured_strings=tuple(strings),
        event_count=len(bound),
        events=listed[:MAX_LISTED_EVENTS],
        events_truncated=len(listed) > MAX_LISTED_EVENTS,
    )


def _grub_prefix(event: TcgEvent) -> bytes | None:
    """GRUB's unmeasured label of a measured string; a label one byte away from one is tampering."""
    for prefix in GRUB_PREFIXES:
        head = event.data[: len(prefix)]
        if head == prefix:
            return prefix
        if len(head) == len(prefix) and sum(a != b for a, b in zip(head, prefix, strict=True)) == 1:
            raise BindingError(f"event log: event {event.sequence} carries a damaged GRUB label {head!r}")
    return None


def _measured_after_prefix(event: TcgEvent, bank: HashAlgorithm, event_digest: bytes, prefix: bytes) -> str:
    """GRUB measures the string without its label and without its NUL; it must be what was measured."""
    text = event.data[len(prefix) :].rstrip(b"\0")
    if not _measures(bank, event_digest, text):
        raise BindingError(
            f"event log: the GRUB string of event {event.sequence} (PCR {event.pcr}) is not what was measured"
        )
    return text.decode("utf-8", errors="replace")[:MAX_STRING_CHARACTERS]


def _exact_variable(data: bytes) -> UefiVariable | None:
    try:
        variable = parse_uefi_variable(data)
    except EvidenceFormatError:
        return None
    return variable if variable.size == len(data) else None


def _is_secure_boot(variable: UefiVariable) -> bool:
    return variable.name == "SecureBoot" and variable.vendor_guid == EFI_GLOBAL_VARIABLE


def _measures(bank: HashAlgorithm, event_digest: bytes, candidate: bytes) -> bool:
    return bool(event_digest) and digest(bank, candidate) == event_digest


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or any(not character.isprintable() and character not in "\t\n\r" for character in text):
        return None
    return text[:MAX_STRING_CHARACTERS]
