"""Replay of a TCG event log into PCR values, and comparison with quoted PCRs."""

from __future__ import annotations

from collections.abc import Mapping

from ccpolicy.errors import BindingError
from ccpolicy_tpm.event_log import EventLog, EventType
from ccpolicy_tpm.tpm_algorithms import HashAlgorithm
from ccpolicy_tpm.tpm_hashing import digest

STARTUP_LOCALITY_SIGNATURE = b"StartupLocality\0"


def replay_bank(log: EventLog, bank: HashAlgorithm) -> dict[int, bytes]:
    """Extend each PCR from zeros with the events' digests of ``bank``.

    EV_NO_ACTION events are not extended; the StartupLocality one (PCR 0) sets
    PCR 0's initial value to the locality in its last byte.
    """
    size = bank.digest_size
    values: dict[int, bytes] = {}
    for event in log.events:
        if event.event_type == EventType.EV_NO_ACTION.value:
            if event.pcr == 0 and event.data[:16] == STARTUP_LOCALITY_SIGNATURE and len(event.data) >= 17:
                if 0 in values:
                    raise BindingError(
                        f"event log: StartupLocality (event {event.sequence}) comes after PCR 0 was extended"
                    )
                values[0] = bytes(size - 1) + event.data[16:17]
            continue
        event_digest = event.digests.get(bank)
        if event_digest is None:
            raise BindingError(f"event log: event {event.sequence} (PCR {event.pcr}) has no {bank.label} digest")
        values[event.pcr] = digest(bank, values.get(event.pcr, bytes(size)) + event_digest)
    return values


def check_replay(log: EventLog, bank: HashAlgorithm, quoted: Mapping[int, bytes]) -> tuple[int, ...]:
    """Replay ``bank`` and compare every PCR the log touches with the quoted value.

    Returns the PCR indexes that were compared.  A PCR the log extends but the
    quote does not cover is left out (its events stay unverified).
    """
    replayed = replay_bank(log, bank)
    compared = []
    for pcr in sorted(replayed):
        if pcr not in quoted:
            continue
        if replayed[pcr] != quoted[pcr]:
            raise BindingError(
                f"event log replay of PCR {pcr} in the {bank.label} bank gives {replayed[pcr].hex()}, "
                f"the quote says {quoted[pcr].hex()}",
                reason="verification.binding.event_log",
            )
        compared.append(pcr)
    return tuple(compared)
