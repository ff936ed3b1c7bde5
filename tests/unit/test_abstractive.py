"""Abstractive summaries with the tiny BART built by scripts/make_test_model.py --kind bart.

The tiny model writes the lead of the text it reads, so what a correct map-reduce must produce is
known: the first sentence of each chunk, or of the whole article once the chunk summaries are
summarised again.
"""

from __future__ import annotations

from workbench.engines.summarizer import provenance


def test_provenance_names_the_closest_sentences() -> None:
    sentences = [
        "Russia confirmed the deployment of North Korean soldiers.",
        "The weather in Moscow was cold.",
        "North Korean soldiers fight in Kursk.",
    ]
    assert provenance("Russia confirmed North Korean soldiers were deployed.", sentences)[0] == 0
    assert provenance("It was cold in Moscow.", sentences) == (1,)
