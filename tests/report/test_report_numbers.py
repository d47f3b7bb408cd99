"""Every number in report.html comes from the fixed results and benchmark files, by JSON pointer."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ccpolicy.comparison.results import PHASES
from ccpolicy.report.json_reading import resolve_pointer
from ccpolicy.report.model import Unit
from ccpolicy.report.number_format import format_value
from ccpolicy.report.plots import chart_svg
from ccpolicy.report.rendering import render_html, render_markdown
from tests.report.report_inputs import fixed_report, read_page, source_documents

DIGIT = re.compile(r"\d")


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(fixed_report())


@pytest.fixture(scope="module")
def documents() -> dict[str, Any]:
    return source_documents()


def test_every_traced_number_equals_its_source(html: str, documents: dict[str, Any]) -> None:
    page = read_page(html)
    numbers = [element for element in page.traced if "data-value" in element.attributes]
    assert len(numbers) > 200
    for element in numbers:
        attributes = element.attributes
        document = documents[attributes["data-source"]]
        expected = float(resolve_pointer(document, attributes["data-pointer"]))
        if "data-divisor" in attributes:
            expected /= float(resolve_pointer(document, attributes["data-divisor"]))
        value = float(attributes["data-value"])
        assert value == pytest.approx(expected, rel=1e-12), attributes
        assert element.text == format_value(value, Unit(attributes["data-unit"])), attributes


def test_every_traced_string_equals_its_source(html: str, documents: dict[str, Any]) -> None:
    page = read_page(html)
    strings = [element for element in page.traced if "data-value" not in element.attributes]
    assert any(element.attributes["data-pointer"].startswith("/libraries/") for element in strings)
    assert any(element.attributes["data-pointer"].startswith("/machine_info/") for element in strings)
    for element in strings:
        attributes = element.attributes
        expected = resolve_pointer(documents[attributes["data-source"]], attributes["data-pointer"])
        assert element.text == str(expected), attributes


def test_no_number_outside_a_traced_element(html: str) -> None:
    """Digits appear only in text that says where it comes from (a file pointer, a declaration, a decision)."""
    page = read_page(html)
    untraced = [node.text for node in page.texts if DIGIT.search(node.text) and not node.traced]
    assert untraced == []


def test_every_measurement_of_the_results_file_is_shown(html: str, documents: dict[str, Any]) -> None:
    shown = {element.attributes["data-pointer"] for element in read_page(html).traced}
    expected = set()
    for index, record in enumerate(documents["R1"]["results"]):
        if record["status"] != "ok":
            assert f"/results/{index}/detail" in shown
            continue
        for phase in PHASES:
            if record["timings_s"][phase] is not None:
                expected.add(f"/results/{index}/timings_s/{phase}/median")
        for kind, size in record["bytes"].items():
            if size is not None:
                expected.add(f"/results/{index}/bytes/{kind}")
        expected |= {f"/results/{index}/overhead_ratio", f"/results/{index}/overhead_ratio_with_setup"}
    assert expected <= shown, sorted(expected - shown)
    cited = {figure["figure"] for record in documents["R1"]["results"] for figure in record["cited"]}
    cited_shown = {
        element.text for element in read_page(html).traced if element.attributes["data-pointer"].endswith("/figure")
    }
    assert cited and cited == cited_shown


def test_chart_labels_are_the_traced_values(documents: dict[str, Any]) -> None:
    report = fixed_report()
    assert report.comparison is not None and report.verifier is not None
    charts = [
        report.comparison.headline,
        report.comparison.cited_chart,
        *(chart for workload in report.comparison.workloads for chart in workload.charts),
        *(suite.chart for suite in report.verifier.suites),
    ]
    assert len(charts) == 2 + 2 * len(report.comparison.workloads) + len(report.verifier.suites)
    for chart in charts:
        assert chart is not None
        labels = read_page(chart_svg(chart)).svg_groups
        for index, bar in enumerate(chart.bars):
            quantity = bar.value
            expected = float(resolve_pointer(documents[quantity.source_id], quantity.pointer))
            assert quantity.value == pytest.approx(expected, rel=1e-12)
            label = labels[f"{chart.chart_id}-value-{index}"]
            assert format_value(quantity.value, quantity.unit) in label


def test_markdown_shows_the_same_numbers(documents: dict[str, Any]) -> None:
    markdown = render_markdown(fixed_report())
    for record in documents["R1"]["results"]:
        if record["status"] == "ok":
            assert format_value(record["timings_s"]["end_to_end"]["median"], Unit.SECONDS) in markdown
            assert format_value(record["overhead_ratio"], Unit.RATIO) in markdown
    assert "<svg" not in markdown


def test_named_keys_exist_in_their_source(html: str, documents: dict[str, Any]) -> None:
    """Library names shown as labels are keys of the object their pointer names."""
    keys = re.findall(r'data-key-of="([^"]+)">([^<]+)<', html)
    assert keys
    for pointer, label in keys:
        parent, _, key = pointer.rpartition("/")
        assert key == label
        assert any(
            key in resolve_pointer(document, parent) for document in documents.values() if _has(document, parent)
        )


def _has(document: Any, pointer: str) -> bool:
    try:
        resolve_pointer(document, pointer)
    except (KeyError, IndexError, TypeError):
        return False
    return True
