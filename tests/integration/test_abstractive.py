"""Abstractive summaries with the tiny BART built by scripts/make_test_model.py --kind bart.

The tiny model writes the lead of the text it reads, so what a correct map-reduce must produce is
known: the first sentence of each chunk, or of the whole article once the chunk summaries are
summarised again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from workbench.engines.summarizer import AbstractiveSummarizer
from workbench.errors import WorkbenchError
from workbench.records import BlockKind


@pytest.fixture
def long_article(tmp_path: Path, pairs) -> Path:
    """Forty fixture sentences in eight paragraphs: several times the tiny BART's input limit."""
    german = [source for source, _ in pairs[1:41]]
    paragraphs = [" ".join(german[i : i + 5]) for i in range(0, 40, 5)]
    path = tmp_path / "in" / "long.txt"
    path.parent.mkdir()
    path.write_text("Ein langer Bericht\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def summarizing(make_bench, tiny_bart, long_article):
    bench = make_bench(summary_model=str(tiny_bart))
    (result,) = bench.import_paths([long_article])
    bench.translate_article(result.article_id)
    return bench, result.article_id


def _body(bench, article_id: int):
    return [s for s in bench.segments(article_id) if s.kind is BlockKind.BODY and not s.is_title]


def test_long_article_is_summarised_map_reduce_with_provenance(summarizing) -> None:
    """One sentence per chunk, in chunk order, each linked to the segments of the chunk it summarises.

    The tiny model learned to copy the lead of fixture runs; chunks are runs it never saw whole,
    so its copies may be imperfect: the test checks where each sentence comes from, not its words.
    """
    bench, article_id = summarizing
    body = _body(bench, article_id)
    by_id = {s.id: s for s in body}
    bench.summarizer()
    paragraphs = [
        " ".join(s.target for s in body if s.block_position == p) for p in {s.block_position for s in body}
    ]
    chunks = bench.session.summarizer.chunks(paragraphs)
    assert len(chunks) >= 3, "the article must not fit the tiny model at once"
    chunk_of = {s.id: next(i for i, chunk in enumerate(chunks) if s.target in chunk) for s in body}
    # as many sentences as chunks: the map step's outputs are the summary
    summary = bench.summarize(article_id, sentences=len(chunks))
    assert summary.mode == "abstractive" and summary.note == ""
    assert len(summary.sentences) == len(chunks)
    for index, sentence in enumerate(summary.sentences):
        assert sentence.segment_ids and all(i in by_id for i in sentence.segment_ids)
        best = sentence.segment_ids[0]
        assert chunk_of[best] == index, (sentence, chunks[index])
        assert fuzz.partial_ratio(by_id[best].target, sentence.text) >= 70, sentence


def test_a_short_summary_of_a_long_article_reduces_the_chunk_summaries(summarizing) -> None:
    bench, article_id = summarizing
    body = _body(bench, article_id)
    summary = bench.summarize(article_id, sentences=1)
    summarizer = bench.session.summarizer
    map_chunks = len(summarizer.chunks([" ".join(s.target for s in body)]))
    assert summarizer.chunks_summarised > map_chunks  # the map step, then at least one reduce
    (sentence,) = summary.sentences
    assert sentence.segment_ids[0] == body[0].id  # the lead of the leads: the article's first sentence


def test_abstractive_summary_is_cached_and_an_edit_makes_it_stale(summarizing) -> None:
    bench, article_id = summarizing
    first = bench.summarize(article_id, sentences=2)
    again = bench.summarize(article_id, sentences=2)
    assert again.from_cache and again.sentences == first.sentences
    lead = _body(bench, article_id)[0]
    bench.edit_segment(lead.id, "Russia declines to comment on North Korean soldiers.")
    fresh = bench.summarize(article_id, sentences=2)
    assert not fresh.from_cache


def test_untranslated_article_is_not_sent_to_the_summarization_model(
    make_bench, tiny_bart, long_article
) -> None:
    bench = make_bench(summary_model=str(tiny_bart))
    (result,) = bench.import_paths([long_article])
    with pytest.raises(WorkbenchError, match=r"not translated yet.*workbench translate"):
        bench.summarize(result.article_id, mode="abstractive")
    fallback = bench.summarize(result.article_id)
    assert fallback.mode == "extractive" and "summarised from the source text" in fallback.note


def test_backends_write_the_same_summary(tiny_bart, tmp_path, pairs) -> None:
    texts = [" ".join(target for _, target in pairs[i : i + 3]) for i in (0, 10, 20, 30)]
    reference = AbstractiveSummarizer(tiny_bart, "transformers")
    fast = AbstractiveSummarizer(tiny_bart, "ctranslate2", tmp_path / "ct2")
    assert reference._generate(texts) == fast._generate(texts)
    assert reference._generate(texts)[0] == pairs[0][1]
