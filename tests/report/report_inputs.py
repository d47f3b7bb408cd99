"""The fixed report inputs of tests/data/report and an HTML reader that keeps what the tests check."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ccpolicy.report.bench_results_file import load_bench_results
from ccpolicy.report.build import ReportInputs, build_report
from ccpolicy.report.model import Report
from ccpolicy.report.verifier_bench_file import load_verifier_bench
from ccpolicy.threats import ThreatModel

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
RESULTS = DATA / "results.json"
VERIFIER_BENCH = DATA / "verifier-bench.json"
SOURCE_FILES = {"R1": RESULTS, "V1": VERIFIER_BENCH}
TRACE_ATTRIBUTES = (
    "data-pointer",
    "data-key-of",
    "data-declared",
    "data-decision",
    "data-generator",
    "data-source-ref",
)
SKIPPED_ELEMENTS = ("svg", "style", "script", "title", "head")


def fixed_report(threat_models: Mapping[str, ThreatModel] | None = None) -> Report:
    return build_report(
        ReportInputs(
            results=[load_bench_results(RESULTS)],
            verifier_benches=[load_verifier_bench(VERIFIER_BENCH)],
            threat_models=threat_models,
        )
    )


def source_documents() -> dict[str, Any]:
    return {source_id: json.loads(path.read_text()) for source_id, path in SOURCE_FILES.items()}


@dataclass
class TracedElement:
    attributes: dict[str, str]
    text: str = ""


@dataclass
class TextNode:
    text: str
    traced: bool


@dataclass
class ReportPage(HTMLParser):
    """Elements carrying a data-pointer (with their text), and every text node outside SVG and style."""

    traced: list[TracedElement] = field(default_factory=list)
    texts: list[TextNode] = field(default_factory=list)
    svg_groups: dict[str, str] = field(default_factory=dict)
    _stack: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _open: list[TracedElement] = field(default_factory=list)
    _group: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in ("meta", "br", "link", "img", "input", "path", "use", "rect", "circle", "line", "polyline"):
            return
        self._stack.append((tag, attributes))
        if "data-pointer" in attributes:
            element = TracedElement(attributes=attributes)
            self.traced.append(element)
            self._open.append(element)
        if tag == "g":
            self._group.append(attributes.get("id"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, attributes = self._stack.pop()
            if "data-pointer" in attributes and self._open:
                self._open.pop()
            if open_tag == "g" and self._group:
                self._group.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _ in self._stack]
        if any(tag in SKIPPED_ELEMENTS for tag in tags):
            if "svg" in tags:
                group = next((g for g in reversed(self._group) if g), None)
                if group is not None and data.strip():
                    self.svg_groups[group] = self.svg_groups.get(group, "") + data
            return
        for element in self._open:
            element.text += data
        if data.strip():
            traced = any(any(name in attributes for name in TRACE_ATTRIBUTES) for _, attributes in self._stack)
            self.texts.append(TextNode(text=data.strip(), traced=traced))


def read_page(html: str) -> ReportPage:
    page = ReportPage()
    page.feed(html)
    page.close()
    return page
