"""The documentation keeps up with the hooks (after datasette's meta-tests).

docs/hooks.md must be exactly what docs/generate_hook_reference.py writes from ccpolicy/hookspecs.py,
every hook must appear there with its exact signature, and every hook must have a
``test_hook_<hook name>`` test somewhere under tests/.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

from ccpolicy import hookspecs

REPOSITORY = Path(__file__).resolve().parents[2]
DOCS = REPOSITORY / "docs"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_hook_reference", DOCS / "generate_hook_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = load_generator()
HOOK_NAMES = [function.__name__ for function in GENERATOR.hook_specifications()]


def test_every_hookspec_is_found() -> None:
    declared = {
        name
        for name, value in vars(hookspecs).items()
        if inspect.isfunction(value) and name.startswith(f"{hookspecs.PROJECT_NAME}_")
    }
    assert set(HOOK_NAMES) == declared
    assert len(HOOK_NAMES) == len(declared) >= 7


def test_committed_hook_reference_is_up_to_date() -> None:
    committed = (DOCS / "hooks.md").read_text()
    assert committed == GENERATOR.reference(), "docs/hooks.md is stale: run python docs/generate_hook_reference.py"


def test_check_mode_reports_a_stale_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "hooks.md"
    stale.write_text("# Plugin hooks\n")
    monkeypatch.setattr(GENERATOR, "OUTPUT", stale)
    assert GENERATOR.main(["--check"]) == 1
    assert GENERATOR.main([]) == 0
    assert GENERATOR.main(["--check"]) == 0


@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_hook_is_documented_with_its_exact_signature(hook_name: str) -> None:
    function = getattr(hookspecs, hook_name)
    text = (DOCS / "hooks.md").read_text()
    returned = inspect.signature(function).return_annotation
    assert f"## `{hook_name}`" in text
    assert f"def {hook_name}() -> {returned}\n" in text
    assert inspect.cleandoc(function.__doc__).splitlines()[0] in text


@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_hook_has_a_test(hook_name: str) -> None:
    pattern = re.compile(rf"^def test_hook_{hook_name}\(", re.MULTILINE)
    tests = [path for path in (REPOSITORY / "tests").rglob("test_*.py") if pattern.search(path.read_text())]
    assert tests, f"no test_hook_{hook_name} under tests/"


def test_guides_link_the_reference_and_each_other() -> None:
    plugin_guide = (DOCS / "write-a-plugin.md").read_text()
    policy_guide = (DOCS / "write-a-policy.md").read_text()
    assert "hooks.md" in plugin_guide and "write-a-policy.md" in plugin_guide
    assert "write-a-plugin.md" in policy_guide
    for hook_name in HOOK_NAMES:
        assert hook_name in plugin_guide, f"write-a-plugin.md does not mention {hook_name}"
