"""A word longer than the model's whole input (a 1,500-character URL) is cut, never dropped."""

from __future__ import annotations

from workbench.engines.batching import split_marked, split_to_fit


def test_a_word_longer_than_the_limit_is_cut_inside_and_nothing_is_dropped() -> None:
    url = "https://example.com/" + "abcdefghij" * 5
    text = f"Mehr unter {url} heute, sagte er."
    pieces = split_marked(text, len, limit=16)  # one token per character
    assert all(len(piece.text) <= 16 for piece in pieces)
    rebuilt = ""
    for piece in pieces:
        rebuilt += piece.text if piece.continues else f" {piece.text}"
    assert rebuilt.split() == text.split()
    assert sum(piece.continues for piece in pieces) == len(url) // 16
    assert split_to_fit(text, len, limit=16) == [piece.text for piece in pieces]
