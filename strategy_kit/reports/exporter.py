"""The report's nbconvert HTML exporter: the lab template's page, less a second parse.

nbconvert's ``HTMLExporter`` renders the page, then parses it again with BeautifulSoup to give
images without ``alt`` a placeholder text and to make inputs and outputs focusable
(``tabindex``), and serializes the tree back: a fifth of a report's export time for a page
of many tables. Our pages carry no code and no image without text, so ``ReportExporter`` adds
the same ``tabindex`` to the template's output and input wrappers as it writes them, and skips
the parse. Everything else is nbconvert's, configured in :func:`exporter`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from .. import config

__all__ = ["ReportExporter", "exporter"]

#: The wrappers nbconvert's HTMLExporter makes focusable (keyboard users reach each output).
_FOCUSABLE = re.compile(
    r'<div class="([^"]*(?<![\w-])(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?![\w-])[^"]*)"')


def focusable(html: str) -> str:
    """Give every input and output wrapper ``tabindex="0"``, as ``HTMLExporter`` does."""
    return _FOCUSABLE.sub(r'<div tabindex="0" class="\1"', html)


class ReportExporter(HTMLExporter):
    """``HTMLExporter`` whose page is not parsed and rewritten by BeautifulSoup afterwards."""

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        """Render the notebook as ``HTMLExporter`` does, with focusable outputs."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return focusable(html), resources


@functools.cache
def exporter() -> ReportExporter:
    """The report's HTML exporter, built once per process (batch workers warm it)."""
    from traitlets.config import Config

    c = Config()
    # Cells tagged "report-hide" (how to run the notebook) are for notebook users only.
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"report-hide"}
    # Check the notebook once, after the preprocessors, rather than after each of them.
    c.HTMLExporter.optimistic_validation = True
    exp = ReportExporter(
        config=c,
        extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        template_name="strategy_kit_report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exp.register_filter("sk_min_css", _min_css)
    return exp


@functools.lru_cache(maxsize=4)
def _min_css(css: str) -> str:
    """JupyterLab's style sheets without comments and spare white space (a fifth smaller).

    The same sheets every report: minified once per process.
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};])\s*", r"\1", css)
