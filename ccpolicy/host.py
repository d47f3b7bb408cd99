"""Plugin loading and the typed facade through which the host calls hooks.

Built-in and third-party plugins are found the same way: entry points of the
group ``ccpolicy``.  The host holds no list of plugin names.  Set
``CCPOLICY_DISABLE_PLUGINS=name,name`` to block plugins by entry-point name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import entry_points
from typing import Any, TypeVar

import pluggy

from ccpolicy import hookspecs
from ccpolicy.comparison.backend import ComparisonBackend
from ccpolicy.errors import CcpolicyError, PluginError, UnsupportedEvidenceError
from ccpolicy.interfaces import (
    CollateralSource,
    EvidenceForge,
    PolicyEngine,
    ReferenceValueGenerator,
    ReportTemplates,
    TeeVerifier,
)
from ccpolicy.threats import ThreatModel

T = TypeVar("T")
DISABLE_VARIABLE = "CCPOLICY_DISABLE_PLUGINS"


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginInfo:
    name: str
    module: str
    distribution: str | None
    version: str | None


def build_plugin_manager(disabled: Iterable[str] | None = None) -> pluggy.PluginManager:
    """Load every ``ccpolicy`` entry point not blocked, and check the hook implementations."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    if disabled is None:
        disabled = [name.strip() for name in os.environ.get(DISABLE_VARIABLE, "").split(",") if name.strip()]
    for name in disabled:
        manager.set_blocked(name)
    for entry_point in entry_points(group=hookspecs.PROJECT_NAME):
        if manager.is_blocked(entry_point.name):
            continue
        if manager.has_plugin(entry_point.name):
            raise PluginError(f"two plugins are registered as '{entry_point.name}'", reason="plugin.conflict")
        try:
            plugin = entry_point.load()
        except Exception as exc:
            raise PluginError(
                f"plugin '{entry_point.name}' ({entry_point.value}) failed to load: {exc}", reason="plugin.load"
            ) from exc
        manager.register(plugin, name=entry_point.name)
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), reason="plugin.contract") from exc
    return manager


class PluginHost:
    """Typed access to what the loaded plugins provide. Keys are checked for duplicates."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    @classmethod
    def load(cls, disabled: Iterable[str] | None = None) -> PluginHost:
        return cls(build_plugin_manager(disabled))

    def plugins(self) -> list[PluginInfo]:
        """The registered plugins with the distribution that installed each."""
        distributions = {
            entry_point.name: entry_point.dist for entry_point in entry_points(group=hookspecs.PROJECT_NAME)
        }
        infos = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is None:  # blocked
                continue
            distribution = distributions.get(name)
            infos.append(
                PluginInfo(
                    name=name,
                    module=getattr(plugin, "__name__", type(plugin).__name__),
                    distribution=distribution.name if distribution else None,
                    version=distribution.version if distribution else None,
                )
            )
        return sorted(infos, key=lambda info: info.name)

    @cached_property
    def tee_verifiers(self) -> Mapping[str, TeeVerifier]:
        verifiers = self._collect("ccpolicy_tee_verifiers", TeeVerifier, key=lambda v: v.tee_id)
        media_owner: dict[str, str] = {}
        for verifier in verifiers.values():
            for media_type in verifier.media_types:
                other = media_owner.setdefault(media_type, verifier.tee_id)
                if other != verifier.tee_id:
                    raise PluginError(
                        f"media type {media_type} is claimed by both '{other}' and '{verifier.tee_id}'",
                        reason="plugin.conflict",
                    )
        return verifiers

    @cached_property
    def evidence_forges(self) -> Mapping[str, EvidenceForge]:
        return self._collect("ccpolicy_evidence_forges", EvidenceForge, key=lambda f: f.tee_id)

    @cached_property
    def comparison_backends(self) -> Mapping[str, ComparisonBackend]:
        return self._collect("ccpolicy_comparison_backends", ComparisonBackend, key=lambda b: b.name)

    @cached_property
    def threat_models(self) -> Mapping[str, ThreatModel]:
        return self._collect("ccpolicy_threat_models", ThreatModel, key=lambda m: m.tee_id)

    @cached_property
    def policy_engines(self) -> Mapping[str, PolicyEngine]:
        return self._collect("ccpolicy_policy_engines", PolicyEngine, key=lambda e: e.name)

    @cached_property
    def reference_value_generators(self) -> Mapping[str, ReferenceValueGenerator]:
        return self._collect("ccpolicy_reference_value_generators", ReferenceValueGenerator, key=lambda g: g.tee_id)

    @cached_property
    def collateral_sources(self) -> Mapping[str, CollateralSource]:
        return self._collect("ccpolicy_collateral_sources", CollateralSource, key=lambda s: s.tee_id)

    @cached_property
    def report_templates(self) -> Mapping[str, ReportTemplates]:
        return self._collect("ccpolicy_report_templates", ReportTemplates, key=lambda t: t.name)

    def providers(self) -> dict[str, list[str]]:
        """For each plugin name, the keys of everything it provides (``tee:snp``, ``engine:regorus``)."""
        provided: dict[str, list[str]] = {}
        for hook_name, kind, key in (
            ("ccpolicy_tee_verifiers", "tee", "tee_id"),
            ("ccpolicy_evidence_forges", "forge", "tee_id"),
            ("ccpolicy_policy_engines", "engine", "name"),
            ("ccpolicy_comparison_backends", "backend", "name"),
            ("ccpolicy_reference_value_generators", "refvalues", "tee_id"),
            ("ccpolicy_collateral_sources", "collateral", "tee_id"),
            ("ccpolicy_threat_models", "threats", "tee_id"),
            ("ccpolicy_report_templates", "templates", "name"),
        ):
            for plugin_name, objects in self._call_each(hook_name):
                provided.setdefault(plugin_name, []).extend(f"{kind}:{getattr(o, key)}" for o in objects)
        return provided

    def verifier(self, tee_id: str) -> TeeVerifier:
        try:
            return self.tee_verifiers[tee_id]
        except KeyError:
            known = ", ".join(sorted(self.tee_verifiers)) or "none"
            raise UnsupportedEvidenceError(f"no plugin provides TEE '{tee_id}' (loaded: {known})") from None

    def detect(self, evidence: bytes) -> TeeVerifier:
        """The one verifier that recognizes the evidence; none or several is an error."""
        matches = []
        for verifier in self.tee_verifiers.values():
            try:
                detected = verifier.detect(evidence)
            except CcpolicyError:
                raise
            except Exception as exc:  # as guarded() does, without a closure per verifier
                raise PluginError(f"plugin '{verifier.tee_id}' failed in detect: {type(exc).__name__}: {exc}") from exc
            if detected:
                matches.append(verifier)
        if not matches:
            raise UnsupportedEvidenceError(
                "no loaded plugin recognizes this evidence", hint="pass --tee ID; `ccpolicy plugins` lists the TEEs"
            )
        if len(matches) > 1:
            names = ", ".join(sorted(v.tee_id for v in matches))
            raise UnsupportedEvidenceError(f"evidence is ambiguous between {names}", hint="pass --tee ID")
        return matches[0]

    def _call_each(self, hook_name: str) -> list[tuple[str, Sequence[Any]]]:
        results = []
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            answer = guarded(impl.plugin_name, hook_name, impl.function)
            if not isinstance(answer, Sequence) or isinstance(answer, str | bytes):
                raise PluginError(f"plugin '{impl.plugin_name}' returned no sequence from {hook_name}")
            results.append((impl.plugin_name, answer))
        return results

    def _collect(self, hook_name: str, protocol: Any, key: Callable[[Any], str]) -> dict[str, Any]:
        """Flatten a provider hook's answers, checking each object's protocol and key uniqueness."""
        collected: dict[str, Any] = {}
        owners: dict[str, str] = {}
        for plugin_name, objects in self._call_each(hook_name):
            for obj in objects:
                if not isinstance(obj, protocol):
                    raise PluginError(
                        f"plugin '{plugin_name}' returned {type(obj).__name__} from {hook_name}, "
                        f"which lacks the attributes of {protocol.__name__}",
                        reason="plugin.contract",
                    )
                name = key(obj)
                if name in collected:
                    raise PluginError(
                        f"'{name}' from {hook_name} is provided by both '{owners[name]}' and '{plugin_name}'",
                        reason="plugin.conflict",
                    )
                collected[name], owners[name] = obj, plugin_name
        return collected


def guarded(plugin: str, what: str, call: Callable[[], T]) -> T:
    """Run plugin code; ccpolicy errors pass through, anything else becomes a PluginError."""
    try:
        return call()
    except CcpolicyError:
        raise
    except Exception as exc:
        raise PluginError(f"plugin '{plugin}' failed in {what}: {type(exc).__name__}: {exc}") from exc
