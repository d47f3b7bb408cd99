"""When a chart's axis is logarithmic: when its values span two orders of magnitude or more."""

from __future__ import annotations

from collections.abc import Iterable

from ccpolicy.report.model import Scale

LOG_SPAN = 100.0


def scale_for(values: Iterable[float]) -> Scale:
    positive = [value for value in values if value > 0]
    if len(positive) < 2:
        return Scale.LINEAR
    return Scale.LOG if max(positive) / min(positive) >= LOG_SPAN else Scale.LINEAR
