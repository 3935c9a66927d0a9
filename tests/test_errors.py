"""Messages quote bad values briefly: long text is cut, a long path keeps its file's name."""

from __future__ import annotations

from strategy_kit.errors import VALUE_CHARS, BadParameterError, brief, close_match


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


def test_a_short_form_of_an_id_is_matched_when_only_one_id_has_its_words() -> None:
    ids = ["international-donors", "international-organisations", "key-governments", "media"]
    assert close_match("donors", ids) == "international-donors"
    assert close_match("governments", ids) == "key-governments"
    assert close_match("key", ["key-governments", "key-allies"]) is None  # two have it: no guess
    assert close_match("medai", ids) == "media"  # typos as before
    assert close_match("nothing", ids) is None
