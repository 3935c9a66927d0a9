"""Process start-up tweaks for the kit's own processes (the command line, batch workers).

jsonschema, imported by nbformat, builds rfc3987_syntax's grammar when that package is
importable: about 0.7 s of CPU in every process, for "iri" format checks that nbformat never
makes. Our processes go without it (jsonschema treats it as not installed); kernels and the
JupyterLab server are separate processes and are not affected.
"""

from __future__ import annotations

import sys

_SLOW_UNUSED_IMPORTS = ("rfc3987_syntax",)


def skip_slow_unused_imports() -> None:
    """Mark the slow, unused imports as absent, unless jsonschema is already loaded."""
    if "jsonschema" not in sys.modules:
        for name in _SLOW_UNUSED_IMPORTS:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]
