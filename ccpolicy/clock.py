"""RFC 3339 times. ccpolicy never reads the clock inside verification: time is an argument."""

from __future__ import annotations

from datetime import datetime, timezone

from ccpolicy.errors import ConfigurationError


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not allowed; pass an aware UTC time")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 time (``2025-06-01T00:00:00Z``) into an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise ConfigurationError(f"'{text}' is not an RFC 3339 time such as 2025-06-01T00:00:00Z") from exc
    if moment.tzinfo is None:
        raise ConfigurationError(f"'{text}' has no time zone; add Z for UTC")
    return moment.astimezone(timezone.utc)
