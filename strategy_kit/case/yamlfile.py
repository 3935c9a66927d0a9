"""YAML as the kit reads it: safe, without anchors or aliases, of a bounded size.

PyYAML's safe loader still expands aliases: a few hundred bytes of nested ``&a``/``*a``
("billion laughs") become an object of billions of items the moment anything walks it
(``str()``, a comparison, a copy). A case file never needs an alias, so the loader refuses the
first anchor or alias with its line, before anything is built (docs/security.md).
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import YamlRefused

__all__ = ["MAX_YAML_BYTES", "NoAliasLoader", "YamlRefused", "load_yaml"]

#: The largest YAML file read (case.yaml, guidance.yaml, a plan): far above any real one.
MAX_YAML_BYTES = 1_000_000


class NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors (``&name``) and aliases (``*name``) where they occur."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102  (PyYAML's hook)
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused("anchors and aliases (& and *) are not allowed; write the "
                              "values out", event.start_mark.line + 1)
        return super().compose_node(parent, index)


def load_yaml(text: str, loader: type[NoAliasLoader] = NoAliasLoader) -> Any:
    """Parse YAML text with ``loader`` (a :class:`NoAliasLoader`), bounded in size and depth.

    Raises
    ------
    yaml.YAMLError
        Not valid YAML; :class:`YamlRefused` for an alias, an anchor, a text over
        ``MAX_YAML_BYTES`` or nesting too deep to read.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YamlRefused(f"the file has {len(text):,} characters; at most "
                          f"{MAX_YAML_BYTES:,} are read")
    try:
        return yaml.load(text, loader)  # noqa: S506  (a safe loader)
    except RecursionError:
        raise YamlRefused("values nested too deeply to read") from None
