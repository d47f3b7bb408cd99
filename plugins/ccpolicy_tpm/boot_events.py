"""What a replayed event log says about the boot: secure boot, EFI variables, separators, GRUB strings.

Only events on PCRs whose replay matched the quote are read, and event data is
used only where it is what was measured (its hash equals the event digest):
a PCR value binds digests, not the data next to them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ccpolicy.errors import BindingError, EvidenceFormatError
from ccpolicy_tpm.event_log import EventLog, EventType, TcgEvent
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_hashing import digest
from ccpolicy_tpm.uefi_variables import EFI_GLOBAL_VARIABLE, parse_uefi_variable

MAX_LISTED_EVENTS = 256
MAX_STRING_CHARACTERS = 4096
GRUB_COMMAND_PREFIX = b"grub_cmd: "
KERNEL_COMMAND_LINE_PREFIX = b"kernel_cmdline: "
SEPARATOR_OK = b"\0\0\0\0"
SEPARATOR_ERROR = b"\x01\0\0\0"


@dataclass(frozen=True, slots=True, kw_only=True)
class EfiVariableMeasurement:
    """One EV_EFI_VARIABLE_DRIVER_CONFIG / _BOOT / _AUTHORITY event."""

    event_type: str
    pcr: int
    name: str
    vendor_guid: str
    digest: bytes
    data_verified: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Separator:
    pcr: int
    error: bool
    """True for the 0x00000001 separator firmware logs after an error."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListedEvent:
    sequence: int
    pcr: int
    event_type: str
    digest: bytes
    data_size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BootSummary:
    bank: HashAlgorithm
    """The bank whose digests are shown."""
    verified_pcrs: tuple[int, ...]
    secure_boot: bool | None
    """From the SecureBoot variable (EV_EFI_VARIABLE_DRIVER_CONFIG, PCR 7); None when not measured."""
    efi_variables: tuple[EfiVariableMeasurement, ...]
    separators: tuple[Separator, ...]
    grub_commands: tuple[str, ...]
    kernel_command_lines: tuple[str, ...]
    ipl_strings: tuple[str, ...]
    """Other EV_IPL strings whose data is what was measured."""
    unverified_event_count: int
    """Events on PCRs the quote does not cover or whose data is not what was measured (not claimed)."""
    event_count: int
    events: tuple[ListedEvent, ...]
    events_truncated: bool


def summarize_boot(log: EventLog, bank: HashAlgorithm, verified_pcrs: Collection[int]) -> BootSummary:
    """Read the events of ``verified_pcrs`` (as replayed in ``bank``)."""
    secure_boot: bool | None = None
    variables: list[EfiVariableMeasurement] = []
    separators: list[Separator] = []
    grub_commands: list[str] = []
    command_lines: list[str] = []
    ipl_strings: list[str] = []
    unverified = 0
    listed: list[ListedEvent] = []
    counted = [event for event in log.events if event.event_type != EventType.EV_NO_ACTION.value]
    for event in counted:
        event_digest = event.digests.get(bank, b"")
        if len(listed) < MAX_LISTED_EVENTS:
            listed.append(
                ListedEvent(
                    sequence=event.sequence,
                    pcr=event.pcr,
                    event_type=event.type_name,
                    digest=event_digest,
                    data_size=len(event.data),
                )
            )
        if event.pcr not in verified_pcrs:
            unverified += 1
            continue
        if event.event_type in _VARIABLE_EVENTS:
            measurement = _variable_measurement(event, bank, event_digest)
            if measurement is None:
                unverified += 1
                continue
            variables.append(measurement)
            if _is_secure_boot_variable(event, measurement):
                if not measurement.data_verified:
                    raise BindingError(
                        f"event log: the SecureBoot variable (event {event.sequence}) is not what PCR 7 measured"
                    )
                variable = parse_uefi_variable(event.data)
                secure_boot = variable.data[:1] == b"\x01"
        elif event.event_type == EventType.EV_SEPARATOR.value:
            if not _measures(event, bank, event_digest, event.data):
                unverified += 1
                continue
            separators.append(Separator(pcr=event.pcr, error=event.data != SEPARATOR_OK))
        elif event.event_type == EventType.EV_IPL.value:
            text = _measured_string(event, bank, event_digest)
            if text is None:
                unverified += 1
            elif event.data.startswith(GRUB_COMMAND_PREFIX):
                grub_commands.append(text)
            elif event.data.startswith(KERNEL_COMMAND_LINE_PREFIX):
                command_lines.append(text)
            else:
                ipl_strings.append(text)
    return BootSummary(
        bank=bank,
        verified_pcrs=tuple(sorted(verified_pcrs)),
        secure_boot=secure_boot,
        efi_variables=tuple(variables),
        separators=tuple(separators),
        grub_commands=tuple(grub_commands),
        kernel_command_lines=tuple(command_lines),
        ipl_strings=tuple(ipl_strings),
        unverified_event_count=unverified,
        event_count=len(counted),
        events=tuple(listed),
        events_truncated=len(counted) > len(listed),
    )


_VARIABLE_EVENTS = frozenset(
    {
        EventType.EV_EFI_VARIABLE_DRIVER_CONFIG.value,
        EventType.EV_EFI_VARIABLE_BOOT.value,
        EventType.EV_EFI_VARIABLE_BOOT2.value,
        EventType.EV_EFI_VARIABLE_AUTHORITY.value,
    }
)


def _variable_measurement(event: TcgEvent, bank: HashAlgorithm, event_digest: bytes) -> EfiVariableMeasurement | None:
    try:
        variable = parse_uefi_variable(event.data)
    except EvidenceFormatError:
        return None
    return EfiVariableMeasurement(
        event_type=event.type_name,
        pcr=event.pcr,
        name=variable.name,
        vendor_guid=str(variable.vendor_guid),
        digest=event_digest,
        data_verified=_measures(event, bank, event_digest, event.data),
    )


def _is_secure_boot_variable(event: TcgEvent, measurement: EfiVariableMeasurement) -> bool:
    return (
        event.event_type == EventType.EV_EFI_VARIABLE_DRIVER_CONFIG.value
        and event.pcr == 7
        and measurement.name == "SecureBoot"
        and measurement.vendor_guid == str(EFI_GLOBAL_VARIABLE)
    )


def _measures(event: TcgEvent, bank: HashAlgorithm, event_digest: bytes, candidate: bytes) -> bool:
    return bool(event_digest) and digest(bank, candidate) == event_digest


def _measured_string(event: TcgEvent, bank: HashAlgorithm, event_digest: bytes) -> str | None:
    """The event's text when the data (whole, without its NUL, or GRUB's measured part) hashes to the digest."""
    data = event.data
    trimmed = data.rstrip(b"\0")
    candidates = [data, trimmed]
    for prefix in (GRUB_COMMAND_PREFIX, KERNEL_COMMAND_LINE_PREFIX):
        if trimmed.startswith(prefix):
            candidates.append(trimmed[len(prefix) :])
    if not any(_measures(event, bank, event_digest, candidate) for candidate in candidates):
        return None
    for prefix in (GRUB_COMMAND_PREFIX, KERNEL_COMMAND_LINE_PREFIX):
        if trimmed.startswith(prefix):
            trimmed = trimmed[len(prefix) :]
    return trimmed.decode("utf-8", errors="replace")[:MAX_STRING_CHARACTERS]
