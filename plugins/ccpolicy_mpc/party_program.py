"""One MPyC party, run as its own process: ``python party_program.py SPEC.json -M3 -I i -P host:port ...``.

SPEC.json holds this party's inputs and what every party contributes (lengths), so all parties call
``mpc.input`` with the same shapes. The party prints one JSON line: the opened result, its phase
times, bytes and messages it sent to each peer. Only mpyc, numpy and the standard library are used.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    import numpy as np
    from mpyc.runtime import mpc

    messages = _count_messages(mpc)
    report = mpc.run(_party(mpc, np, spec, messages))
    print(json.dumps(report), flush=True)


def _count_messages(mpc: Any) -> list[int]:
    counts = [0] * len(mpc.parties)
    send = mpc._send_message

    def counted(peer_pid: int, data: bytes) -> None:
        counts[peer_pid] += 1
        send(peer_pid, data)

    mpc._send_message = counted
    return counts


async def _party(mpc: Any, np: Any, spec: dict[str, Any], messages: list[int]) -> dict[str, Any]:
    started = time.perf_counter()
    await mpc.start()
    connected = time.perf_counter()
    secint = mpc.SecInt(spec["bit_length"])
    own = spec["own_values"]
    shared: list[Any] = []
    for sender, length in enumerate(spec["lengths"]):
        if length == 0:
            shared.append(None)
            continue
        values = own if sender == mpc.pid else [0] * length
        shared.append(mpc.input(secint.array(np.array(values, dtype=object)), senders=sender))
    for array in shared:
        if array is not None:
            await mpc.gather(array)
    input_messages = list(messages)
    shares_ready = time.perf_counter()
    workload = spec["workload"]
    if workload == "sum":
        result = mpc.sum([mpc.np_sum(array) for array in shared if array is not None])
    elif workload == "dot":
        result = shared[0] @ shared[1]
    else:
        result = shared[0] > spec["threshold"]
    await mpc.gather(result)
    computed = time.perf_counter()
    opened = await mpc.output(result)
    finished = time.perf_counter()
    sent = [peer.protocol.nbytes_sent if peer.pid != mpc.pid else 0 for peer in mpc.parties]
    sent_messages = list(messages)
    await mpc.shutdown()
    output = [int(opened)] if workload in ("sum", "dot") else [int(bit) for bit in np.asarray(opened).reshape(-1)]
    return {
        "pid": mpc.pid,
        "output": output,
        "setup_s": connected - started,
        "share_s": shares_ready - connected,
        "compute_s": computed - shares_ready,
        "open_s": finished - computed,
        "bytes_sent": sent,
        "messages_sent": sent_messages,
        "input_messages": input_messages,
    }


if __name__ == "__main__":
    main()
