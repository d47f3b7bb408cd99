"""Rendering the report model: Jinja2 templates (autoescaped) to self-contained HTML and to Markdown, or JSON.

Templates are looked up first in the directories given (``--template-dir``), then in the chosen
template set (``--templates``, from a plugin), then in the built-in set. A template that does not
compile or render is a ConfigurationError naming it.  Every number goes through the ``num`` filter, which
writes it with its source and JSON pointer as data attributes so that it can be traced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from markupsafe import Markup, escape

from ccpolicy.claims import to_json_value
from ccpolicy.errors import ConfigurationError, PluginError
from ccpolicy.interfaces import ReportTemplates
from ccpolicy.report.model import Chart, Quantity, Report, SourceFact
from ccpolicy.report.number_format import format_quantity
from ccpolicy.report.plots import chart_svg
from ccpolicy.report.template_sets import BUILTIN_TEMPLATES

HTML_TEMPLATE = "report.html.j2"
MARKDOWN_TEMPLATE = "report.md.j2"
MODEL_SCHEMA = "ccpolicy-report-1"
MISSING = "–"
FULL_WIDTH_IN = 11.0
HALF_WIDTH_IN = 5.6


def template_environment(template_dirs: Sequence[Path] = (), templates: ReportTemplates | None = None) -> Environment:
    loaders: list[BaseLoader] = [FileSystemLoader([str(path) for path in template_dirs])] if template_dirs else []
    if templates is not None and templates.name != BUILTIN_TEMPLATES.name:
        loaders.append(_package_loader(templates))
    loaders.append(_package_loader(BUILTIN_TEMPLATES))
    environment = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["num"] = number_html
    environment.filters["plain"] = number_text
    environment.filters["fact"] = fact_html
    environment.filters["fact_text"] = fact_text
    environment.filters["chart"] = chart_html
    environment.filters["cell"] = markdown_cell
    environment.filters["traced"] = traced_html
    environment.filters["link"] = link_target
    environment.globals["HALF_WIDTH_IN"] = HALF_WIDTH_IN
    return environment


def render_html(report: Report, template_dirs: Sequence[Path] = (), templates: ReportTemplates | None = None) -> str:
    return _render(HTML_TEMPLATE, report, template_dirs, templates)


def render_markdown(
    report: Report, template_dirs: Sequence[Path] = (), templates: ReportTemplates | None = None
) -> str:
    return _render(MARKDOWN_TEMPLATE, report, template_dirs, templates)


def _render(name: str, report: Report, template_dirs: Sequence[Path], templates: ReportTemplates | None) -> str:
    environment = template_environment(template_dirs, templates)
    try:
        return environment.get_template(name).render(report=report)
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name or name}:{exc.lineno}"
        raise ConfigurationError(f"report template {where} does not compile: {exc.message}") from exc
    except TemplateError as exc:
        raise ConfigurationError(f"report template {name} does not render: {type(exc).__name__}: {exc}") from exc


def _package_loader(templates: ReportTemplates) -> PackageLoader:
    try:
        return PackageLoader(templates.package, templates.directory)
    except (ValueError, ImportError) as exc:
        raise PluginError(
            f"report templates '{templates.name}': no template directory {templates.directory!r} "
            f"in package {templates.package!r} ({exc})"
        ) from exc


def render_json(report: Report) -> str:
    document = {"schema": MODEL_SCHEMA, **to_json_value(report)}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def number_html(quantity: Quantity | None) -> Markup:
    if quantity is None:
        return Markup('<span class="missing">{}</span>').format(MISSING)
    attributes = {
        "class": "num",
        "data-source": quantity.source_id,
        "data-pointer": quantity.pointer,
        "data-value": repr(quantity.value),
        "data-unit": quantity.unit.value,
    }
    if quantity.divisor_pointer is not None:
        attributes["data-divisor"] = quantity.divisor_pointer
    if quantity.cited_by is not None:
        attributes["data-cited"] = quantity.cited_by
    return Markup("<span {}>{}</span>").format(_attributes(attributes), format_quantity(quantity))


def number_text(quantity: Quantity | None) -> str:
    return MISSING if quantity is None else format_quantity(quantity)


def traced_html(text: str | None, source_id: str, pointer: str) -> Markup:
    """A string from a source file, tagged with where it comes from."""
    if text is None:
        return Markup('<span class="missing">{}</span>').format(MISSING)
    return Markup("<span {}>{}</span>").format(_attributes({"data-source": source_id, "data-pointer": pointer}), text)


def fact_html(fact: SourceFact, source_id: str) -> Markup:
    if fact.quantity is not None:
        return number_html(fact.quantity)
    if fact.pointer is None:
        return Markup("{}").format(fact.text or MISSING)
    return traced_html(fact.text, source_id, fact.pointer)


def fact_text(fact: SourceFact) -> str:
    return number_text(fact.quantity) if fact.quantity is not None else fact.text or MISSING


def chart_html(chart: Chart, width_in: float = FULL_WIDTH_IN) -> Markup:
    """The chart as inline SVG, drawn at about the width it is shown (so its text keeps its size).

    matplotlib escapes the text it writes; the SVG has no external reference.
    """
    return Markup(chart_svg(chart, width_in))


def markdown_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: no pipe, no line break."""
    return " ".join(str(value).split()).replace("|", "\\|")


def link_target(url: str) -> str:
    """Only web addresses become links: a declaration's ``javascript:`` or ``file:`` URL links nowhere."""
    return url if url.startswith(("https://", "http://")) else "#"


def _attributes(attributes: dict[str, str]) -> Markup:
    return Markup(" ").join(Markup('{}="{}"').format(name, escape(value)) for name, value in attributes.items())
