"""How the report writes a number: one function per unit, shared by the tables, the charts and Markdown."""

from __future__ import annotations

from ccpolicy.comparison.summary import format_bytes, format_seconds
from ccpolicy.report.model import Quantity, Unit

GIGA = 1_000_000_000


def format_value(value: float, unit: Unit) -> str:
    if unit is Unit.SECONDS:
        return format_seconds(value)
    if unit is Unit.BYTES:
        return f"{value / GIGA:.1f} GB" if value >= GIGA else format_bytes(round(value))
    if unit is Unit.RATIO:
        return f"{_significant(value)}×"
    if unit is Unit.PER_SECOND:
        return f"{_significant(value)}/s"
    if unit is Unit.PERCENT:
        return f"{value:,.0f}%" if value == round(value) else f"{value:,.1f}%"
    return f"{value:,.0f}" if value == round(value) else f"{value:,.3g}"


def format_quantity(quantity: Quantity) -> str:
    return format_value(quantity.value, quantity.unit)


def _significant(value: float) -> str:
    """Whole numbers from 100 up (thousands separated); three significant digits below."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
