"""Reading a policy's structure from regorus' AST: references, aliases, TEE context, annotations."""

from __future__ import annotations

import pytest

from ccpolicy.errors import PluginError, PolicyError
from ccpolicy.interfaces import PolicyModule
from ccpolicy.rego_annotations import rule_annotations
from ccpolicy.rego_structure import PolicyStructure
from ccpolicy.threats import Threat

LIBRARY = """package ccpolicy.lib.shared

import rego.v1

tee := input.tee

claims := input[tee]

ref := data.alpha if tee == "alpha"

ref := data.beta if tee == "beta"

low if claims.level < ref.minimum
"""

POLICY = """package ccpolicy.alpha

import rego.v1

import data.ccpolicy.lib.shared as common

# METADATA
# title: level check
# custom:
#   threats:
#     - outdated-tcb
#     - "insecure-config"
result := {"low": common.low, "debug": input.alpha.debug}

# METADATA
# custom:
#   threats: [replay]
unused if input.tee == "beta"
"""


def test_references_resolve_through_imports_aliases_and_the_tee() -> None:
    structure = PolicyStructure(
        [PolicyModule(path="lib/shared.rego", text=LIBRARY), PolicyModule(path="alpha.rego", text=POLICY)]
    )
    analysis = structure.analyze_package("ccpolicy.alpha", "alpha")
    dotted = {reference.dotted for reference in analysis.references}
    assert {"input.alpha.level", "data.alpha.minimum", "input.alpha.debug"} <= dotted
    assert "data.beta.minimum" not in dotted  # the beta definition of ref never applies to alpha
    assert [r.dotted for r in analysis.data_paths()] == ["data.alpha.minimum"]
    result = next(rule for rule in analysis.rules if rule.name == "result")
    assert result.threats == ("outdated-tcb", "insecure-config")
    assert [c.value for c in analysis.unreachable] == ["beta"]
    assert analysis.anchor.line == 13


def test_a_policy_that_does_not_compile_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        PolicyStructure([PolicyModule(path="broken.rego", text="package x\n\nallow if {")])


def test_annotations_are_read_only_from_a_block_starting_with_metadata() -> None:
    text = "# a comment first\n# METADATA\n# custom:\n#   threats: [replay]\nallow := true\n"
    assert rule_annotations(text, 5).threats == ()
    text = "# METADATA\n# title: t: with colon\n# custom:\n#   threats: replay\nallow := true\n"
    annotation = rule_annotations(text, 5)
    assert annotation.threats == ("replay",) and annotation.title == "t: with colon"
    assert rule_annotations("allow := true\n", 1).threats == ()


def test_threat_ids_are_checked() -> None:
    with pytest.raises(PluginError):
        Threat(id="Debug Access", description="x")
