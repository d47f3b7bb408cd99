"""A compact table of bench results: one row per record, measured numbers only."""

from __future__ import annotations

from collections.abc import Sequence

from ccpolicy.comparison.results import ResultRecord, ResultStatus

HEADERS = (
    "backend",
    "technology",
    "workload",
    "size",
    "status",
    "end-to-end",
    "setup",
    "plaintext",
    "overhead",
    "bytes",
)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def format_bytes(count: int | None) -> str:
    if count is None:
        return "-"
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def _bytes_column(record: ResultRecord) -> str:
    sizes = record.sizes
    if sizes is None:
        return "-"
    parts = []
    for label, value in (
        ("ct", sizes.ciphertext),
        ("key", sizes.key),
        ("proof", sizes.proof),
        ("comm", sizes.communication),
    ):
        if value is not None:
            parts.append(f"{label} {format_bytes(value)}")
    if record.communication is not None:
        parts.append(f"{record.communication.rounds} rounds")
    return ", ".join(parts) or "-"


def summary_rows(records: Sequence[ResultRecord]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for record in records:
        end_to_end = record.phase("end_to_end")
        setup = record.phase("setup")
        ok = record.status is ResultStatus.OK
        rows.append(
            (
                record.backend,
                record.technology,
                record.workload,
                str(record.size),
                record.status.value,
                format_seconds(end_to_end.median) if ok and end_to_end else "-",
                format_seconds(setup.median) if ok and setup else "-",
                format_seconds(record.plaintext_baseline_s),
                f"{record.overhead_ratio:,.0f}x" if ok and record.overhead_ratio is not None else "-",
                _bytes_column(record) if ok else (record.detail or "-")[:80],
            )
        )
    return rows


def markdown_table(records: Sequence[ResultRecord]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(row) + " |" for row in summary_rows(records)]
    return "\n".join(lines)
