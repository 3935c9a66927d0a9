"""Every path the kit uses, in one place."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root when the kit runs from a checkout (the usual case: ``pip install -e .``).
ROOT = PACKAGE_DIR.parent
DATA_DIR = Path(os.environ.get("STRATEGY_KIT_DATA", ROOT / "data"))
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
DOCS_DIR = ROOT / "docs"
METHOD_DOC = DOCS_DIR / "method.md"
TEMPLATE_CASE_DIR = PACKAGE_DIR / "case_template"
#: The report, brief and batch-index templates, their style sheet and the vendored plotly.js.
TEMPLATES_DIR = PACKAGE_DIR / "templates"
DEFAULT_CASE = "belarus"
KERNEL_NAME = "python3"
#: Where an exported report puts its table of contents: after the title and its lead.
TOC_MARK = "<!--sk-toc-->"
