"""Report template sets (``ccpolicy_report_templates``): the built-in set, a plugin's set chosen with
``--templates``, fall-back to the built-in templates, and clear errors for broken templates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ccpolicy.cli import report_command
from ccpolicy.cli.main import main
from ccpolicy.errors import ConfigurationError, PluginError
from ccpolicy.hookspecs import hookimpl
from ccpolicy.host import PluginHost, build_plugin_manager
from ccpolicy.interfaces import ReportTemplates
from ccpolicy.report import template_sets
from ccpolicy.report.rendering import render_html, render_markdown
from ccpolicy.report.template_sets import BUILTIN_TEMPLATES, PackagedTemplates
from tests.report.report_inputs import RESULTS, fixed_report

BRIEF = PackagedTemplates(
    name="brief",
    version="1",
    description="a one-paragraph summary",
    package="tests.report",
    directory="brief_templates",
)


class TemplatePlugin:
    def __init__(self, *sets: ReportTemplates) -> None:
        self.sets = list(sets)

    @hookimpl
    def ccpolicy_report_templates(self) -> list[ReportTemplates]:
        return self.sets


def host_with(*sets: ReportTemplates) -> PluginHost:
    manager = build_plugin_manager()
    manager.register(TemplatePlugin(*sets), name="test-templates")
    return PluginHost(manager)


def test_hook_ccpolicy_report_templates() -> None:
    (builtin,) = template_sets.ccpolicy_report_templates()
    assert builtin is BUILTIN_TEMPLATES and isinstance(builtin, ReportTemplates)
    assert (builtin.name, builtin.package, builtin.directory) == ("ccpolicy", "ccpolicy.report", "templates")


def test_the_built_in_set_is_provided_like_a_plugins() -> None:
    host = PluginHost.load()
    assert host.report_templates["ccpolicy"] is BUILTIN_TEMPLATES
    assert "templates:ccpolicy" in host.providers()["report-templates"]


def test_a_plugin_set_is_found_by_name_and_a_duplicate_name_is_refused() -> None:
    assert host_with(BRIEF).report_templates["brief"] is BRIEF
    with pytest.raises(PluginError, match="ccpolicy"):
        _ = host_with(replace(BRIEF, name="ccpolicy")).report_templates


def test_a_set_renders_its_templates_and_borrows_the_rest() -> None:
    report = fixed_report()
    brief = render_markdown(report, templates=BRIEF)
    assert brief.startswith(f"# Brief: {report.title}")
    assert render_markdown(report) != brief
    assert render_html(report, templates=BRIEF) == render_html(report)  # the set has no HTML template


def test_template_dirs_override_the_set(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("override of {{ report.title }}\n")
    assert render_markdown(fixed_report(), [tmp_path], templates=BRIEF).startswith("override of ")


def test_a_set_without_its_directory_is_a_plugin_error() -> None:
    with pytest.raises(PluginError, match="no template directory 'missing'"):
        render_markdown(fixed_report(), templates=replace(BRIEF, directory="missing"))


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{% if %}", r"report.md.j2:1 does not compile"),
        ("{{ report.no_such_field }}", "report.md.j2 does not render: UndefinedError"),
    ],
)
def test_a_broken_template_is_a_configuration_error(tmp_path: Path, template: str, message: str) -> None:
    (tmp_path / "report.md.j2").write_text(template)
    with pytest.raises(ConfigurationError, match=message):
        render_markdown(fixed_report(), [tmp_path])


def test_the_command_renders_with_the_chosen_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(report_command.PluginHost, "load", classmethod(lambda cls: host_with(BRIEF)))
    arguments = ["report", "--results", str(RESULTS), "--out", str(tmp_path), "--format", "md"]
    assert main([*arguments, "--templates", "brief"]) == 0
    assert (tmp_path / "report.md").read_text().startswith("# Brief: ")
    assert main([*arguments, "--templates", "nothing-like-it"]) == 1
    assert "no report template set 'nothing-like-it' (loaded: brief, ccpolicy)" in capsys.readouterr().err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "report.md.j2").write_text("{% if %}")
    assert main([*arguments, "--template-dir", str(tmp_path / "bad")]) == 1
