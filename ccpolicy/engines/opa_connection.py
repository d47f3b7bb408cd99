"""A connection to an OPA server's REST API, on opa-python-client, with a policy decision point's defaults.

opa-python-client does the HTTP; this module wraps it where it falls short for ccpolicy:

- TLS: the client's ``ssl`` flag only switches the scheme to https and cannot take a CA bundle, a client
  key apart from its certificate, or an explicit "do not verify".  The wrapper builds the client's
  session itself: https URLs are verified against the system store or ``ca_bundle``; turning that off
  needs ``unsafe_skip_tls_verify`` and logs a warning.
- Time-outs: every request is bounded by ``timeout`` (the client's default is 1.5 s and is not applied to
  everything the client can do); a transport failure is retried at most ``retries`` times.
- Errors: the client raises requests' ``HTTPError`` without OPA's message, ``ConnectionError`` from deep
  inside urllib3, or its own exception types.  Every one of them becomes a PolicyError (exit 6, fail
  closed) that says which server, what was asked, and what the server answered.
- Base paths: a URL with a path (OPA behind a gateway, ``https://gw/opa``) is kept as the API prefix.

The client is imported when the first connection is made, so loading ccpolicy's plugins stays fast and
a missing ``opa-python-client`` is reported as an engine error with the install hint.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ccpolicy.claims import JsonValue
from ccpolicy.errors import ConfigurationError, PolicyError

LOGGER = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8181"
DEFAULT_TIMEOUT = 10.0
URL_VARIABLE = "CCPOLICY_OPA_URL"
TOKEN_VARIABLE = "CCPOLICY_OPA_TOKEN"
CA_BUNDLE_VARIABLE = "CCPOLICY_OPA_CA_BUNDLE"
CLIENT_CERT_VARIABLE = "CCPOLICY_OPA_CLIENT_CERT"
CLIENT_KEY_VARIABLE = "CCPOLICY_OPA_CLIENT_KEY"
TIMEOUT_VARIABLE = "CCPOLICY_OPA_TIMEOUT"
FROM_BUNDLE_VARIABLE = "CCPOLICY_OPA_FROM_BUNDLE"
INSTALL_HINT = "install the OPA engine's client: pip install 'ccpolicy[opa]' (opa-python-client)"
UNSAFE_TLS_WARNING = (
    "TLS certificate verification of the OPA server is OFF (unsafe_skip_tls_verify): never in production"
)


class Undefined:
    """The answer of OPA for a rule that has no value for the input (no ``result`` key)."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED = Undefined()


@dataclass(frozen=True, slots=True, kw_only=True)
class OpaServerSettings:
    """Where the OPA server is and how to talk to it."""

    url: str = DEFAULT_URL
    token: str | None = field(default=None, repr=False)
    """Bearer token (OPA's ``--authentication=token``)."""
    ca_bundle: Path | None = None
    """PEM CA certificates that verify an https server (default: the system store)."""
    client_certificate: Path | None = None
    client_key: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    """Seconds for connecting and for each answer."""
    retries: int = 1
    """Retries of a request whose connection failed (not of answered requests)."""
    unsafe_skip_tls_verify: bool = False
    """Do not verify the server's certificate. Never for production."""
    from_bundle: bool = False
    """The server runs the policies from a bundle (``ccpolicy policy bundle``): query it, push nothing, and
    accept a decision only from a bundle that lists this policy's id for the query."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> OpaServerSettings:
        """Settings from CCPOLICY_OPA_URL, _TOKEN, _CA_BUNDLE, _CLIENT_CERT, _CLIENT_KEY, _TIMEOUT and _FROM_BUNDLE."""
        env = os.environ if environ is None else environ
        timeout_text = env.get(TIMEOUT_VARIABLE)
        try:
            timeout = float(timeout_text) if timeout_text else DEFAULT_TIMEOUT
        except ValueError:
            raise ConfigurationError(f"{TIMEOUT_VARIABLE}={timeout_text!r} is not a number of seconds") from None
        from_bundle_text = env.get(FROM_BUNDLE_VARIABLE, "").strip().lower()
        if from_bundle_text not in {"", "0", "1", "false", "true"}:
            raise ConfigurationError(f"{FROM_BUNDLE_VARIABLE}={from_bundle_text!r} is not 1/true or 0/false")
        return cls(
            url=env.get(URL_VARIABLE) or DEFAULT_URL,
            token=env.get(TOKEN_VARIABLE) or None,
            ca_bundle=_optional_path(env.get(CA_BUNDLE_VARIABLE)),
            client_certificate=_optional_path(env.get(CLIENT_CERT_VARIABLE)),
            client_key=_optional_path(env.get(CLIENT_KEY_VARIABLE)),
            timeout=timeout,
            from_bundle=from_bundle_text in {"1", "true"},
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerAddress:
    """The parts of an OPA URL that opa-python-client takes separately."""

    scheme: str
    host: str
    port: int
    api_root: str
    """Path of the versioned API below the host, e.g. ``v1`` or ``opa/v1``."""

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigurationError(f"OPA server URL {url!r} must be http(s)://host[:port][/path]")
        if parts.query or parts.fragment or parts.username:
            raise ConfigurationError(f"OPA server URL {url!r} must not carry a query, fragment or user")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ConfigurationError(f"OPA server URL {url!r} has an invalid port") from None
        prefix = parts.path.strip("/")
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=port,
            api_root=f"{prefix}/v1" if prefix else "v1",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleManifest:
    """What ccpolicy reads of a bundle's ``.manifest``."""

    revision: str | None
    roots: tuple[str, ...]
    """Paths under ``data`` the bundle owns (OPA: none listed means everything)."""
    policy_ids: Mapping[str, str]
    """``metadata.ccpolicy.policies``: query -> policy id (empty for bundles ccpolicy did not write)."""

    @classmethod
    def from_json(cls, manifest: object) -> BundleManifest:
        document = manifest if isinstance(manifest, dict) else {}
        roots = document.get("roots", [""])
        metadata = document.get("metadata")
        ccpolicy = metadata.get("ccpolicy") if isinstance(metadata, dict) else None
        policies = ccpolicy.get("policies") if isinstance(ccpolicy, dict) else None
        revision = document.get("revision")
        return cls(
            revision=revision if isinstance(revision, str) else None,
            roots=tuple(str(root) for root in roots) if isinstance(roots, list) else ("",),
            policy_ids={
                str(query): policy_id
                for query, policy_id in (policies.items() if isinstance(policies, dict) else ())
                if isinstance(policy_id, str)
            },
        )

    def owns(self, rule_path: str) -> bool:
        """Whether the rule (``ccpolicy.snp.result``) lies under one of the roots (an empty root is everything)."""
        path = rule_path.replace(".", "/")
        return any(root in {"", path} or path.startswith(root.rstrip("/") + "/") for root in self.roots)


def _optional_path(text: str | None) -> Path | None:
    return Path(text) if text else None


class OpaConnection:
    """One OPA server's REST API: policies, data and decisions. Every failure is a PolicyError."""

    def __init__(self, settings: OpaServerSettings) -> None:
        self.settings = settings
        self.address = ServerAddress.parse(settings.url)
        if settings.client_key is not None and settings.client_certificate is None:
            raise ConfigurationError("an OPA client key needs its client certificate")
        if settings.unsafe_skip_tls_verify:
            LOGGER.warning(UNSAFE_TLS_WARNING)
        self._client = _make_client(settings, self.address)

    @property
    def url(self) -> str:
        return self.settings.url

    def close(self) -> None:
        self._client.close_connection()

    def healthy(self) -> bool:
        """True when the server answers ``/health`` with 200."""
        with self._translated("checking health"):
            return bool(self._client.check_health())

    def put_policy(self, policy_id: str, text: str) -> None:
        """Create or replace the module ``policy_id`` (``PUT /v1/policies/<id>``); compile errors are reported."""
        with self._translated(f"uploading policy module {policy_id}"):
            self._client.update_policy_from_string(text, policy_id, rego_compat=False)

    def delete_policy(self, policy_id: str) -> None:
        with self._translated(f"deleting policy module {policy_id}"):
            self._client.delete_policy(policy_id)

    def policy_packages(self) -> dict[str, str]:
        """Every module on the server: id -> its package (``ccpolicy.snp``)."""
        with self._translated("listing policy modules"):
            info: dict[str, dict[str, Any]] = self._client.get_policies_info()
        prefix = f"{self._client.root_url}/"
        packages = {}
        for policy_id, details in info.items():
            path = str(details.get("path", "")).removeprefix(prefix).split("/")
            packages[policy_id] = ".".join(path[1:] if path[:1] == ["data"] else path)
        return packages

    def put_data(self, path: str, value: Mapping[str, JsonValue]) -> None:
        """Create or replace the document at ``data.<path>`` (``PUT /v1/data/<path>``)."""
        with self._translated(f"writing data/{path}"):
            self._client.update_or_create_data(dict(value), path)

    def delete_data(self, path: str) -> None:
        """Remove ``data.<path>``; a document that is not there is fine."""
        from opa_client.errors import DeleteDataError

        try:
            with self._translated(f"deleting data/{path}"):
                self._client.delete_data(path)
        except PolicyError as error:
            if not isinstance(error.__cause__, DeleteDataError) or error.__cause__.expression != "resource_not_found":
                raise

    def query(
        self, rule_path: str, input_document: Mapping[str, JsonValue], *, action: str | None = None
    ) -> JsonValue | Undefined:
        """The value of the rule at ``data.<rule_path>`` (dot-separated) for the input, or UNDEFINED."""
        with self._translated(action or f"querying data.{rule_path}"):
            body = self._client.query_rule(dict(input_document), rule_path)
        if not isinstance(body, dict):
            raise PolicyError(f"OPA server at {self.url} answered data.{rule_path} with {body!r}", reason="policy.opa")
        return body.get("result", UNDEFINED)

    def query_with_provenance(
        self, rule_path: str, input_document: Mapping[str, JsonValue], *, action: str
    ) -> tuple[JsonValue | Undefined, dict[str, str]]:
        """The rule's value and the revision of each bundle the server ran it with (OPA's ``?provenance``)."""
        with self._translated(action):
            body = self._client.query_rule(dict(input_document), rule_path, query_params={"provenance": "true"})
        if not isinstance(body, dict):
            raise PolicyError(f"OPA server at {self.url} answered data.{rule_path} with {body!r}", reason="policy.opa")
        bundles = body.get("provenance", {}).get("bundles", {}) if isinstance(body.get("provenance"), dict) else {}
        revisions = {
            str(name): details["revision"]
            for name, details in (bundles.items() if isinstance(bundles, dict) else ())
            if isinstance(details, dict) and isinstance(details.get("revision"), str)
        }
        return body.get("result", UNDEFINED), revisions

    def bundle_manifests(self) -> dict[str, BundleManifest]:
        """Each bundle the server holds, by name, with its manifest (``data.system.bundles``)."""
        from opa_client.errors import PolicyNotFoundError

        try:
            with self._translated("reading the bundle manifests (data.system.bundles)"):
                body = self._client.get_data("system/bundles")
        except PolicyError as error:
            if isinstance(error.__cause__, PolicyNotFoundError):  # undefined: the server holds no bundle
                return {}
            raise
        bundles = body.get("result", {}) if isinstance(body, dict) else {}
        return {
            str(name): BundleManifest.from_json(details.get("manifest") if isinstance(details, dict) else None)
            for name, details in (bundles.items() if isinstance(bundles, dict) else ())
        }

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn every failure of the client or of the transport into a PolicyError naming the server."""
        import requests
        from opa_client import errors as client_errors

        where = f"OPA server at {self.url}"
        try:
            yield
        except requests.exceptions.SSLError as exc:
            raise PolicyError(
                f"{action}: TLS with the {where} failed: {_root_cause(exc)}",
                reason="policy.opa.tls",
                hint="pass the server's CA with CCPOLICY_OPA_CA_BUNDLE (--opa-ca-bundle)",
            ) from exc
        except requests.exceptions.Timeout as exc:
            raise PolicyError(
                f"{action}: the {where} did not answer within {self.settings.timeout:g} s",
                reason="policy.opa.timeout",
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise PolicyError(
                f"{action}: cannot reach the {where}: {_root_cause(exc)}",
                reason="policy.opa.unreachable",
                hint=f"is `opa run --server` listening there? Set {URL_VARIABLE} (--opa-url) to its address",
            ) from exc
        except requests.exceptions.HTTPError as exc:
            raise PolicyError(
                f"{action}: the {where} answered {_describe_response(exc.response)}", reason="policy.opa.http"
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise PolicyError(f"{action}: request to the {where} failed: {exc}", reason="policy.opa") from exc
        except client_errors.RegoParseError as exc:
            details = "; ".join(_describe_opa_error(item) for item in exc.errors if isinstance(item, dict))
            raise PolicyError(
                f"{action}: the {where} rejected it: {exc.message or exc.expression}"
                + (f": {details}" if details else ""),
                reason="policy.opa.rejected",
            ) from exc
        except (
            client_errors.DeleteDataError,
            client_errors.DeletePolicyError,
            client_errors.PolicyNotFoundError,
            client_errors.PatchDataError,
            client_errors.QueryExecuteError,
            client_errors.ConnectionsError,
        ) as exc:
            raise PolicyError(
                f"{action}: the {where} answered {exc.expression}: {exc.message}", reason="policy.opa"
            ) from exc
        except ValueError as exc:  # a body that is not JSON (a proxy's error page)
            raise PolicyError(
                f"{action}: the {where} sent an answer that is not JSON: {exc}", reason="policy.opa"
            ) from exc


def _make_client(settings: OpaServerSettings, address: ServerAddress) -> Any:
    try:
        from opa_client import OpaClient
        from requests import PreparedRequest, Response
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry
    except ImportError as exc:
        raise PolicyError(
            f"the OPA engine cannot load its client: {exc}", reason="policy.opa", hint=INSTALL_HINT
        ) from exc

    pinned: bool | str = True
    if settings.unsafe_skip_tls_verify:
        pinned = False
    elif settings.ca_bundle is not None:
        pinned = str(settings.ca_bundle)

    class VerifyingAdapter(HTTPAdapter):
        """Applies ``verify`` to every request: requests lets REQUESTS_CA_BUNDLE replace a session's CA bundle."""

        def send(  # noqa: PLR0917 -- the signature of HTTPAdapter.send
            self,
            request: PreparedRequest,
            stream: bool = False,
            timeout: float | tuple[float | None, float | None] | None = None,
            verify: bool | str = True,
            cert: str | tuple[str, str] | None = None,
            proxies: dict[str, str] | None = None,
        ) -> Response:
            return super().send(request, stream=stream, timeout=timeout, verify=pinned, cert=cert, proxies=proxies)

    class VerifyingOpaClient(OpaClient):  # type: ignore[misc]
        """OpaClient whose session verifies TLS as configured, and retries only failed connections."""

        def _init_session(self) -> Any:
            session = super()._init_session()
            retry = Retry(
                total=settings.retries,
                connect=settings.retries,
                read=0,
                status=0,
                other=0,
                backoff_factor=0.1,
                raise_on_status=False,
            )
            adapter = VerifyingAdapter(max_retries=retry)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.verify = pinned
            if settings.client_certificate is not None:
                session.cert = (
                    (str(settings.client_certificate), str(settings.client_key))
                    if settings.client_key is not None
                    else str(settings.client_certificate)
                )
            return session

    client = VerifyingOpaClient(
        host=address.host,
        port=address.port,
        version=address.api_root,
        ssl=address.scheme == "https",
        token=settings.token,
        retries=settings.retries,
        timeout=settings.timeout,
    )
    return client


def _root_cause(exc: BaseException) -> str:
    """The innermost reason of a urllib3/requests failure ("Connection refused"), not the whole chain."""
    text = str(exc)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current) or text
        nested = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = nested or getattr(current, "reason", None) or current.__cause__ or current.__context__
        if current is not None and not isinstance(current, BaseException):
            current = None
    marker = "] "
    return text.split(marker, 1)[1] if text.startswith("<") and marker in text else text


def _describe_response(response: Any) -> str:
    """``HTTP 400 invalid_parameter: message (location)`` from an OPA error body, else the status and text."""
    if response is None:
        return "an HTTP error without a response"
    status = f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return f"{status}: {response.text[:200]!r}"
    if not isinstance(body, dict):
        return f"{status}: {json.dumps(body)[:200]}"
    text = f"{status} {body.get('code', '')}: {body.get('message', '')}".strip()
    details = "; ".join(_describe_opa_error(item) for item in body.get("errors", []) if isinstance(item, dict))
    return f"{text}: {details}" if details else text


def _describe_opa_error(item: Mapping[str, Any]) -> str:
    location = item.get("location")
    where = ""
    if isinstance(location, dict):
        where = f"{location.get('file', '')}:{location.get('row', '?')}:{location.get('col', '?')}: "
    return f"{where}{item.get('code', '')}: {item.get('message', '')}"
