"""HTTP access to AMD's Key Distribution Service: the only module of the plugin that touches the network.

Standard-library urllib with a timeout on every request and a bound on the response size. KDS allows
about one request per 10 s per client and answers HTTP 429 (Too Many Requests) beyond that, usually
with a ``Retry-After`` header. The client waits as told (seconds, or an HTTP date measured against the
response's ``Date``), else 10 s doubling per attempt, each wait capped at ``max_delay``, and gives up
after ``max_retries`` retries with a CollateralMissingError. HTTP 503 is treated the same way. The
sleep function is injected, so tests observe the backoff without sleeping.

Failures are CollateralError (exit 4: no decision is possible without the collateral):
KdsNotFoundError for HTTP 404, CollateralMissingError for anything else (throttled, unreachable,
other status, oversized answer).
"""

from __future__ import annotations

import http.client
import logging
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.message import Message
from email.utils import parsedate_to_datetime

from ccpolicy.errors import CollateralMissingError, ConfigurationError
from ccpolicy_snp import __version__
from ccpolicy_snp.kds import KDS_BASE_URL

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRY_DELAY = 10.0
"""KDS's documented pace: about one request per 10 seconds per client."""
MAX_RETRY_DELAY = 120.0
MAX_RETRIES = 4
MAX_RESPONSE_BYTES = 1024 * 1024
RETRY_STATUSES = frozenset({429, 503})
NOT_FOUND = 404

logger = logging.getLogger(__name__)


class KdsNotFoundError(CollateralMissingError):
    """KDS answered 404: it has no such artifact (for example a VCEK asked for under the wrong product)."""

    default_reason = "collateral.missing.kds"


class KdsClient:
    """GET requests to one KDS base URL, with backoff on HTTP 429/503."""

    def __init__(
        self,
        base_url: str = KDS_BASE_URL,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = MAX_RETRIES,
        max_delay: float = MAX_RETRY_DELAY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        scheme = urllib.parse.urlsplit(base_url).scheme
        if scheme not in ("http", "https"):
            raise ConfigurationError(f"KDS URL '{base_url}' is not an http or https URL")
        if timeout <= 0 or max_retries < 0 or max_delay < 0:
            raise ConfigurationError("KDS client: timeout must be positive, retries and delays not negative")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_delay = max_delay
        self._sleep = sleep

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str, *, what: str) -> bytes:
        """The body of ``GET base_url + path``; ``what`` names the artifact in messages."""
        url = self.url(path)
        request = urllib.request.Request(url, headers={"User-Agent": f"ccpolicy-snp/{__version__}"})
        attempt = 0
        while True:
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body: bytes = response.read(MAX_RESPONSE_BYTES + 1)
            except urllib.error.HTTPError as exc:
                status = exc.code
                headers = exc.headers
                exc.close()
                if status in RETRY_STATUSES and attempt < self.max_retries:
                    delay = retry_delay(
                        header(headers, "Retry-After"), header(headers, "Date"), attempt, self.max_delay
                    )
                    logger.warning("AMD KDS answered HTTP %d for %s; retrying in %.1f s", status, url, delay)
                    self._sleep(delay)
                    attempt += 1
                    continue
                raise _status_error(status, url, what, attempt) from exc
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise CollateralMissingError(
                    f"cannot fetch the {what} from {url}: {reason}",
                    reason="collateral.fetch",
                    hint="check the network, or pass the collateral offline with --collateral",
                ) from exc
            if len(body) > MAX_RESPONSE_BYTES:
                raise CollateralMissingError(
                    f"the answer for the {what} at {url} is larger than {MAX_RESPONSE_BYTES} bytes",
                    reason="collateral.fetch",
                )
            if not body:
                raise CollateralMissingError(f"AMD KDS answered {url} with an empty body", reason="collateral.fetch")
            return body


def retry_delay(retry_after: str | None, server_date: str | None, attempt: int, max_delay: float) -> float:
    """How long to wait before retry ``attempt`` (0-based): Retry-After when usable, else 10 s * 2**attempt."""
    fallback: float = min(DEFAULT_RETRY_DELAY * 2.0**attempt, max_delay)
    if retry_after is None:
        return fallback
    seconds: float | None
    try:
        seconds = float(retry_after.strip())
    except ValueError:
        seconds = _seconds_until(retry_after.strip(), server_date)
    if seconds is None or math.isnan(seconds) or seconds < 0:  # not a usable instruction
        return fallback
    return min(seconds, max_delay)


def header(headers: Message | None, name: str) -> str | None:
    value = headers.get(name) if headers is not None else None
    return value if isinstance(value, str) else None


def _seconds_until(http_date: str, server_date: str | None) -> float | None:
    """Retry-After as an HTTP date, measured against the server's own Date header (never the local clock)."""
    if server_date is None:
        return None
    try:
        return (parsedate_to_datetime(http_date) - parsedate_to_datetime(server_date)).total_seconds()
    except (TypeError, ValueError):
        return None


def _status_error(status: int, url: str, what: str, retries: int) -> CollateralMissingError:
    if status == NOT_FOUND:
        return KdsNotFoundError(f"AMD KDS has no {what} at {url} (HTTP 404)")
    if status in RETRY_STATUSES:
        return CollateralMissingError(
            f"AMD KDS still answered HTTP {status} for the {what} at {url} after {retries} retries",
            reason="collateral.throttled",
            hint="KDS allows about one request per 10 seconds; try again later or reuse a --cache directory",
        )
    return CollateralMissingError(f"AMD KDS answered HTTP {status} for the {what} at {url}", reason="collateral.fetch")
