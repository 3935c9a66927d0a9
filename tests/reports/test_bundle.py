"""The plotly.js a report embeds: the vendored cartesian bundle, its version check, fallbacks."""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from strategy_kit.reports import bundle
from strategy_kit.reports.bundle import CARTESIAN_TRACES, VENDORED_BUNDLE, plotly_bundle


def unpacked(b: bundle.PlotlyBundle) -> str:
    return gzip.decompress(base64.b64decode(b.gzip_base64)).decode("utf-8")


def test_vendored_bundle_is_plotly_py_version_with_its_licence() -> None:
    js = gzip.decompress(VENDORED_BUNDLE.read_bytes()).decode()
    assert bundle.bundle_version(js) == get_plotlyjs_version()
    digest = hashlib.sha256(js.encode()).hexdigest()
    assert digest in VENDORED_BUNDLE.with_name("README.md").read_text(encoding="utf-8")
    licence = VENDORED_BUNDLE.with_name("plotly-cartesian.LICENSE").read_text(encoding="utf-8")
    assert "MIT" in licence or "Permission is hereby granted" in licence
    assert "4.1.1" in VENDORED_BUNDLE.with_name("README.md").read_text(encoding="utf-8")


def test_report_figures_get_the_small_bundle(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        b = plotly_bundle({"bar", "scatter", "heatmap"})
    assert b.name == "plotly.js-cartesian-dist-min" and b.version == get_plotlyjs_version()
    assert unpacked(b) == gzip.decompress(VENDORED_BUNDLE.read_bytes()).decode()
    assert b.size < 2_000_000 and len(b.gzip_base64) < 800_000
    assert base64.b64decode(b.gzip_base64) == VENDORED_BUNDLE.read_bytes(), "embedded as is"
    assert caplog.records == []


def test_a_bundle_of_another_version_falls_back_to_the_full_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    old = tmp_path / "plotly-cartesian.min.js.gz"
    old.write_bytes(gzip.compress(gzip.decompress(VENDORED_BUNDLE.read_bytes()).replace(
        f"v{get_plotlyjs_version()}".encode(), b"v3.0.1", 1)))
    with caplog.at_level(logging.WARNING, logger="strategy_kit.reports.bundle"):
        b = plotly_bundle({"bar"}, vendored=old)
    assert b.name.startswith("plotly.js (full")
    assert unpacked(b) == get_plotlyjs()
    assert "version 3.0.1 but plotly.py draws with plotly.js " + get_plotlyjs_version() in (
        caplog.text)


def test_a_missing_bundle_falls_back_with_a_warning(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="strategy_kit.reports.bundle"):
        b = plotly_bundle(vendored=tmp_path / "nope.js")
    assert b.name.startswith("plotly.js (full") and "cannot be read" in caplog.text


def test_a_trace_outside_the_cartesian_bundle_gets_the_full_one(
        caplog: pytest.LogCaptureFixture) -> None:
    assert "table" not in CARTESIAN_TRACES
    with caplog.at_level(logging.WARNING, logger="strategy_kit.reports.bundle"):
        b = plotly_bundle({"bar", "table"})
    assert b.name.startswith("plotly.js (full") and "table traces need the full" in caplog.text


def test_compression_is_deterministic() -> None:
    a = bundle._pack("x", "var a = 1;")
    assert a.gzip_base64 == bundle._pack("x", "var a = 1;").gzip_base64
