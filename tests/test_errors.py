"""Messages quote bad values briefly: long text is cut, a long path keeps its file's name."""

from __future__ import annotations

from strategy_kit.errors import VALUE_CHARS, BadParameterError, brief


def test_a_long_path_keeps_its_end() -> None:
    path = "/tmp/" + "deep/" * 30 + "raters.csv"
    text = brief(path)
    assert len(text) == VALUE_CHARS and text.startswith("…") and text.endswith("raters.csv")
    assert "raters.csv" in str(BadParameterError("out", path, "a new folder"))


def test_long_text_keeps_its_start_and_structures_are_never_walked_whole() -> None:
    text = brief("x" * 1000)
    assert len(text) == VALUE_CHARS and text.endswith("…")
    nested: list = []
    for _ in range(50):
        nested = [nested] * 10  # 10**50 leaves if walked: brief must not try
    assert len(brief(nested)) <= VALUE_CHARS
