"""The report exporter gives the page nbconvert's HTMLExporter gives, without its second parse."""

from __future__ import annotations

import html
import re

import nbformat
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from strategy_kit.reports.exporter import ReportExporter


def _notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("## A heading"),
        new_code_cell("print(1)", outputs=[
            new_output("stream", name="stdout", text="one\n"),
            new_output("display_data", data={"text/html": "<p>a <b>table</b></p>",
                                             "text/plain": "a table"}),
        ]),
        new_code_cell("x", outputs=[new_output("execute_result", execution_count=1,
                                               data={"text/plain": "2"})]),
    ])


def _focusable(html: str) -> list[str]:
    """The class of every element given tabindex, in page order."""
    tags = re.findall(r"<div[^>]*>", html)
    return [re.search(r'class="([^"]*)"', t).group(1).split()[0] for t in tags if "tabindex" in t]


def test_the_same_elements_are_focusable_as_with_html_exporter() -> None:
    for options in ({}, {"exclude_input": True}):
        theirs, _ = HTMLExporter(template_name="lab", **options).from_notebook_node(_notebook())
        ours, _ = ReportExporter(template_name="lab", **options).from_notebook_node(_notebook())
        assert _focusable(ours) == _focusable(theirs)
        assert len(_focusable(ours)) >= 3  # every output (and input, when shown)
        text = [html.unescape(re.sub(r"<[^>]+>", " ", h)).split() for h in (ours, theirs)]
        assert text[0] == text[1]
