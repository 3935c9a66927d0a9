"""The plotly.js a report embeds: the vendored cartesian bundle, gzip-compressed, checked.

A report draws only bar, scatter and heatmap traces, which the official partial bundle
``plotly.js-cartesian-dist-min`` holds (1.5 MB instead of 4.8 MB). It is vendored in
``templates/vendor/`` with its licence, gzip-compressed once and for all (zopfli: 0.48 MB);
its version must equal the plotly.js version of the installed plotly.py (whose JSON the
figures are), otherwise the full bundle of plotly.py is embedded and a warning is logged.
Either bundle is embedded gzip-compressed and base64-encoded, and unpacked in the page with
the browser's ``DecompressionStream`` (docs/reports.md, "Size").
"""

from __future__ import annotations

import base64
import functools
import gzip
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import config

__all__ = ["CARTESIAN_TRACES", "PlotlyBundle", "bundle_version", "plotly_bundle",
           "VENDORED_BUNDLE"]

log = logging.getLogger(__name__)

VENDORED_BUNDLE = config.TEMPLATES_DIR / "vendor" / "plotly-cartesian.min.js.gz"
#: The trace types of plotly.js-cartesian-dist-min (its README).
CARTESIAN_TRACES = frozenset({
    "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
    "image", "pie", "scatter", "scatterternary", "violin",
})
_VERSION = re.compile(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+\S*)")


@dataclass(frozen=True)
class PlotlyBundle:
    """One plotly.js bundle ready to embed: its name, version and gzip + base64 text."""

    name: str
    version: str
    size: int
    gzip_base64: str


def bundle_version(js: str) -> str | None:
    """The plotly.js version in a bundle's licence header (``None`` when it has none)."""
    found = _VERSION.search(js[:400])
    return found.group(1) if found else None


def _pack(name: str, js: str, packed: bytes | None = None) -> PlotlyBundle:
    data = js.encode("utf-8")
    # mtime=0: the same bundle gives the same bytes, so reports differ only where they do.
    packed = packed or gzip.compress(data, compresslevel=9, mtime=0)
    return PlotlyBundle(name, bundle_version(js) or "unknown", len(data),
                        base64.b64encode(packed).decode("ascii"))


@functools.cache
def _full() -> PlotlyBundle:
    from plotly.offline import get_plotlyjs

    return _pack("plotly.js (full, from plotly.py)", get_plotlyjs())


@functools.cache
def _cartesian(path: Path, wanted: str) -> PlotlyBundle | None:
    try:
        packed = path.read_bytes()
        js = gzip.decompress(packed).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as e:
        log.warning("the vendored plotly.js bundle %s cannot be read (%s): embedding the full "
                    "plotly.js of plotly.py instead (reports are 3 times larger)", path.name, e)
        return None
    found = bundle_version(js)
    if found != wanted:
        log.warning("the vendored plotly.js-cartesian-dist-min is version %s but plotly.py "
                    "draws with plotly.js %s: embedding the full plotly.js of plotly.py "
                    "instead (reports are 3 times larger). Update it as docs/reports.md says.",
                    found, wanted)
        return None
    return _pack("plotly.js-cartesian-dist-min", js, packed)


def plotly_bundle(traces: Iterable[str] = (), vendored: Path | None = None) -> PlotlyBundle:
    """The bundle to embed for figures with these trace types.

    The vendored cartesian bundle when its version is the installed plotly.py's plotly.js and
    it holds every trace type; otherwise the full bundle, with a warning in the log.
    """
    from plotly.offline import get_plotlyjs_version

    other = sorted(set(traces) - CARTESIAN_TRACES)
    if other:
        log.warning("figures with %s traces need the full plotly.js: embedding it (reports are "
                    "3 times larger); draw tables as HTML (display.show_table)", ", ".join(other))
        return _full()
    return _cartesian(vendored or VENDORED_BUNDLE, get_plotlyjs_version()) or _full()
