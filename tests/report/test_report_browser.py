"""report.html in a real browser: headless Chromium opens it from disk over the DevTools protocol.

The page must load with no console error and no request but the file itself, and show the matrix
and every plot; the screenshot is kept under the test's tmp directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ccpolicy.cli.main import main
from tests.report.devtools_page import chromium_binary, chromium_page
from tests.report.report_inputs import RESULTS, VERIFIER_BENCH

WIDTH = 1280
SNP_VECTOR = "trustee_report_milan_v2_vcek.bin"
SNP_COLLATERAL = ("trustee_vcek_milan.der", "ask_ark_milan.pem")
PAGE_FACTS = """(() => {
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 50 && box.height > 50;
  };
  const charts = [...document.querySelectorAll('svg[data-chart]')];
  return {
    charts: charts.map((svg) => svg.getAttribute('data-chart')),
    visibleCharts: charts.filter(visible).length,
    chartTexts: charts.map((svg) => svg.querySelectorAll('text').length),
    matrixRows: [...document.querySelectorAll('#matrix-properties tr[data-technology]')]
      .map((row) => row.getAttribute('data-technology')),
    adversaryRows: document.querySelectorAll('#matrix-adversaries tr[data-technology]').length,
    resultRows: document.querySelectorAll('table.results tr[data-backend]').length,
    decisions: document.querySelectorAll('tr[data-decision="evidence"]').length,
  };
})()"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, vectors: Path) -> Path:
    out = tmp_path_factory.mktemp("report")
    snp = vectors / "snp"
    code = main(
        [
            "report",
            "--results",
            str(RESULTS),
            "--verifier-bench",
            str(VERIFIER_BENCH),
            "--evidence",
            str(snp / SNP_VECTOR),
            *[argument for name in SNP_COLLATERAL for argument in ("--collateral", str(snp / name))],
            "--at",
            "2025-06-01T00:00:00Z",
            "--policy",
            "policies/snp",
            "--out",
            str(out),
            "--format",
            "html,json",
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def browser() -> str:
    binary = chromium_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must apt-get install chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return binary


def test_report_in_chromium(rendered: Path, browser: str, tmp_path: Path) -> None:
    page_url = (rendered / "report.html").resolve().as_uri()
    model = json.loads((rendered / "report.json").read_text())
    with chromium_page(browser, tmp_path / "profile") as page:
        page.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=900, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url=page_url)
        page.wait_for("Page.loadEventFired")
        facts: dict[str, Any] = page.evaluate(PAGE_FACTS)
        screenshot = tmp_path / "report.png"
        page.screenshot(screenshot, WIDTH)
        errors = [
            event
            for event in page.named("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded")
            if event["method"] == "Runtime.exceptionThrown"
            or event["params"].get("type") in ("error", "assert")
            or event["params"].get("entry", {}).get("level") == "error"
        ]
        requests = [event["params"]["request"]["url"] for event in page.named("Network.requestWillBeSent")]
    assert errors == []
    assert requests == [page_url]
    assert screenshot.stat().st_size > 50_000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    expected_charts = _chart_ids(model)
    assert facts["charts"] == expected_charts
    assert facts["visibleCharts"] == len(expected_charts)
    assert all(count > 5 for count in facts["chartTexts"])
    assert sorted(facts["matrixRows"]) == sorted(row["key"] for row in model["matrix"]["rows"])
    assert {"snp", "fhe", "mpc", "zkp"} <= set(facts["matrixRows"])
    assert facts["adversaryRows"] == len(facts["matrixRows"])
    assert facts["resultRows"] > 10
    assert facts["decisions"] == 1


def _chart_ids(model: dict[str, Any]) -> list[str]:
    comparison = model["comparison"]
    ids = [comparison["headline"]["chart_id"]]
    for workload in comparison["workloads"]:
        ids += [chart["chart_id"] for chart in workload["charts"]]
    ids.append(comparison["cited_chart"]["chart_id"])
    ids += [suite["chart"]["chart_id"] for suite in model["verifier"]["suites"]]
    return ids
