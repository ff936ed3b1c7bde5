"""The summaries half of the service: which summarizer, its input, the cache, the digest.

A German article is summarised from its translation, reviewer edits included. `auto` uses the
abstractive model when it is present on this machine and the article is translated, and says
why when it falls back to extractive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import groupby

from workbench.engines import extractive
from workbench.engines.model_files import ModelError, fetch_hint
from workbench.engines.summarizer import ExtractiveSummarizer, Summarizer
from workbench.errors import WorkbenchError
from workbench.ingest.segment import split_sentences
from workbench.records import BlockKind, DigestItem, DigestSource, Segment, Summary, SummarySentence
from workbench.summaries import (
    DEFAULT_SENTENCES,
    find_date,
    merge_facts,
    summary_from_json,
    summary_length,
    summary_to_json,
)

MODES = ("auto", "extractive", "abstractive")
SUMMARY_LANGUAGE = "en"
"""The language the default summarization model (distilbart-cnn) was trained on."""


class SummaryWorkflow:
    def summarize(
        self,
        article_id: int,
        sentences: int | None = None,
        ratio: float | None = None,
        mode: str = "auto",
        target: str | None = None,
    ) -> Summary:
        """A summary of the article's translation, cached until the text it summarises changes.

        Sentences come from body segments in reading order (not the title). Extractive summary
        sentences are segments; abstractive ones name their most similar segments.
        """
        if mode not in MODES:
            raise WorkbenchError(f"unknown summary mode '{mode}'; use one of {', '.join(MODES)}")
        info = self.article(article_id)
        target = target or self.target_language()
        body = [s for s in self.segments(article_id, target) if s.kind is BlockKind.BODY and not s.is_title]
        untranslated = sum(1 for s in body if not s.target)
        summarizer, note = self._choose_summarizer(article_id, mode, untranslated, len(body), target)
        count = summary_length(len(body), sentences, ratio)
        key = self._summary_key(summarizer, count, target)
        text_hash = hashlib.sha256("\n".join(s.target or s.source for s in body).encode()).hexdigest()
        stored = self.store.summary(article_id, key)
        if stored and stored[0] == text_hash:
            return replace(summary_from_json(stored[1], from_cache=True), note=note)
        paragraphs = [list(group) for _, group in groupby(body, key=lambda s: s.block_position)]
        language = info.language if untranslated == len(body) else target
        pieces = summarizer.summarize(
            [[_text(s) for s in paragraph] for paragraph in paragraphs],
            count,
            lambda text: split_sentences(text, language),
        )
        picked = tuple(SummarySentence(p.text, tuple(body[i].id for i in p.sources)) for p in pieces)
        summary = Summary(article_id, summarizer.mode, picked, language)
        self.store.put_summary(article_id, key, text_hash, summary_to_json(summary))
        return replace(summary, note=note)

    def _choose_summarizer(
        self, article_id: int, mode: str, untranslated: int, total: int, target: str
    ) -> tuple[Summarizer, str]:
        """The summarizer for `mode`, and what to tell the user about the choice.

        `auto` runs the summarization model on English text only: the default (distilbart-cnn)
        reads English; another language gets an abstractive summary when asked for by name.
        """
        partly = (
            f"{untranslated} of {total} sentences summarised from the source text" if untranslated else ""
        )
        if mode == "extractive":
            return ExtractiveSummarizer(), partly
        if untranslated:
            if mode == "abstractive":
                raise WorkbenchError(
                    f"article {article_id}: {untranslated} of {total} sentences are not translated yet; "
                    f"the summarization model reads the translation: run workbench translate {article_id}"
                )
            return ExtractiveSummarizer(), f"extractive: {partly}"
        if mode == "auto" and target != SUMMARY_LANGUAGE:
            return ExtractiveSummarizer(), f"extractive: the summarization model reads {SUMMARY_LANGUAGE}"
        offline = True if mode == "auto" else None
        try:
            self.summary_model(offline)  # present and a summarization model; loaded on a cache miss
            return _Deferred(lambda: self.summarizer(offline)), ""
        except ModelError:
            if mode == "abstractive":
                raise
            name = self.settings.summary_model
            return ExtractiveSummarizer(), (
                f"extractive: the summarization model {name} is not here ({fetch_hint(name)})"
            )

    def _summary_key(self, summarizer: Summarizer, count: int, target: str) -> str:
        """Mode and length, plus the ranker version or the model's identity: a new model is a new key."""
        values: dict[str, object] = {"mode": summarizer.mode, "sentences": count}
        if target != self.target_language():
            values["to"] = target
        if summarizer.mode == "extractive":
            values["ranker"] = extractive.VERSION
        else:
            values["model"] = json.loads(self._engine.summary_model.mt_key)
        return json.dumps(values, sort_keys=True)

    def digest(
        self, article_ids: Sequence[int], per_article: int = DEFAULT_SENTENCES, target: str | None = None
    ) -> list[DigestItem]:
        """A multi-article digest: each article's summary, near-duplicate facts merged."""
        candidates = []
        for article_id in article_ids:
            info = self.article(article_id)
            date = find_date(" ".join(s.source for s in self.store.segments(article_id)))
            for sentence in self.summarize(article_id, sentences=per_article, target=target).sentences:
                source = DigestSource(article_id, info.title, date, sentence.segment_ids)
                candidates.append((sentence.text, source))
        return merge_facts(candidates)


class _Deferred:
    """The abstractive summarizer, loaded only when a summary is not in the cache (loading the
    model takes seconds; the cache lookup needs only its identity)."""

    mode = "abstractive"

    def __init__(self, load: Callable[[], Summarizer]) -> None:
        self._load = load

    def summarize(self, *args, **kwargs):
        return self._load().summarize(*args, **kwargs)


def _text(segment: Segment) -> str:
    return segment.target or segment.source
