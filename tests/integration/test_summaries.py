"""Extractive summaries and the digest, through the service, the CLI and on the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SEEDS
from workbench.errors import WorkbenchError
from workbench.records import BlockKind

WORKBENCH = Path(sys.executable).parent / "workbench"


@pytest.fixture
def translated(make_bench):
    bench = make_bench()
    bench.import_paths([SEEDS])
    bench.translate_articles([a.id for a in bench.articles()])
    return bench


def test_summaries_of_the_seeds_come_from_real_body_segments(translated) -> None:
    for article in translated.articles():
        segments = {s.id: s for s in translated.segments(article.id)}
        summary = translated.summarize(article.id, mode="extractive")
        assert len(summary.sentences) == 3
        assert summary.language == "en" and summary.note == ""
        for sentence in summary.sentences:
            (segment_id,) = sentence.segment_ids
            segment = segments[segment_id]
            assert segment.kind is BlockKind.BODY and not segment.is_title
            assert sentence.text == segment.target
        order = [s.segment_ids[0] for s in summary.sentences]
        assert order == sorted(order)  # reading order


def test_summaries_are_deterministic_and_cached(translated) -> None:
    first = translated.summarize(2, sentences=4)
    again = translated.summarize(2, sentences=4)
    assert again.from_cache and not first.from_cache
    assert again.sentences == first.sentences
    assert translated.summarize(2, ratio=0.5).sentences != first.sentences


def test_an_edit_makes_the_summary_stale(translated) -> None:
    """After an edit the summary is computed again, over the current texts (the edit included)."""
    summary = translated.summarize(1)
    chosen = summary.sentences[0].segment_ids[0]
    edited = "The Kremlin declined to say whether North Korean troops fight for Russia."
    translated.edit_segment(chosen, edited)
    fresh = translated.summarize(1)
    assert not fresh.from_cache
    current = {s.id: s.target for s in translated.segments(1)}
    assert current[chosen] == edited
    assert all(s.text == current[s.segment_ids[0]] for s in fresh.sentences)
    assert translated.summarize(1).from_cache


def test_untranslated_articles_are_summarised_from_the_source_and_say_so(make_bench) -> None:
    bench = make_bench()
    bench.import_paths([SEEDS / "002_e2235c48d83a146a.txt"])
    summary = bench.summarize(1)
    assert summary.language == "de"
    assert summary.note.endswith("summarised from the source text")
    assert all(s.text.split() and len(s.text.split()) >= 5 for s in summary.sentences)


def test_without_a_summarization_model_auto_is_extractive_and_says_so(translated) -> None:
    summary = translated.summarize(1)
    assert summary.mode == "extractive"
    assert "sshleifer/distilbart-cnn-12-6 is not here" in summary.note
    assert "workbench models pull sshleifer/distilbart-cnn-12-6" in summary.note
    with pytest.raises(WorkbenchError, match="workbench models pull sshleifer/distilbart-cnn-12-6"):
        translated.summarize(1, mode="abstractive")


def test_digest_merges_the_same_fact_across_articles(translated, tmp_path) -> None:
    copy = tmp_path / "copy-of-003.txt"
    copy.write_text(
        (SEEDS / "003_56bf65ee1d3c5807.txt")
        .read_text(encoding="utf-8")
        .replace("Nordkorea will", "Pjöngjang will")
    )
    translated.import_paths([copy])
    translated.translate_articles([6])
    ids = [a.id for a in translated.articles()]
    items = translated.digest(ids)
    merged = [item for item in items if {4, 6} <= {s.article_id for s in item.sources}]
    assert merged, "the copy's summary should merge into the original's"
    dated = [s for item in items for s in item.sources if s.article_id == 4]
    assert dated[0].date == "17. Oktober 2024"
    assert {s.article_id for item in items for s in item.sources} == set(ids)
    assert len(items) < 3 * len(ids)  # merging made fewer items than sentences picked


def test_cli_summarize_json_and_digest(tmp_path, tiny_model) -> None:
    workspace = str(tmp_path / "W")
    subprocess.run(
        [str(WORKBENCH), "-w", workspace, "translate", str(SEEDS), "--model", str(tiny_model)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [str(WORKBENCH), "-w", workspace, "summarize", "1", "--format", "json", "--sentences", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    (summary,) = json.loads(result.stdout)
    assert summary["article_id"] == 1 and len(summary["sentences"]) == 2
    assert all(isinstance(i, int) for s in summary["sentences"] for i in s["segment_ids"])
    digest = subprocess.run(
        [str(WORKBENCH), "-w", workspace, "digest", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    items = json.loads(digest.stdout)
    assert {source["article_id"] for item in items for source in item["sources"]} == {1, 2, 3, 4, 5}
