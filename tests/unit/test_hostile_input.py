"""Broken and hostile input: each file imports or fails in one line naming it; nothing stored is lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.ingest.article import IngestError, parse_article


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.sampled_from([".txt", ".md"]))
def test_fuzz_ingestion_loses_no_text(text: str, suffix: str) -> None:
    """Any text is refused as empty or comes back, character for character, in blocks and sentences."""
    try:
        article = parse_article(text, "fuzz" + suffix, "hash", suffix=suffix)
    except IngestError:
        assert not text.replace("#", "").split()
        return
    expected = "".join(text.split())  # every non-space character, in order
    blocks = "".join("".join(b.text for b in article.blocks).split())
    sentences = "".join("".join(s for b in article.blocks for s in b.sentences).split())
    if suffix == ".txt":
        assert blocks == expected
    assert sentences == blocks
