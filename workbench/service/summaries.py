"""Summaries and the digest: which summarizer, its input, the cache, lengths, dates, merging.

A German article is summarised from its translation, reviewer edits included. `auto` uses the
abstractive model when it is present on this machine and the article is translated, and says
why when it falls back to extractive.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from itertools import groupby

from workbench.engines import extractive
from workbench.engines.extractive import similarity
from workbench.engines.model_files import ModelError, fetch_hint
from workbench.engines.summarizer import ExtractiveSummarizer, Summarizer
from workbench.errors import WorkbenchError
from workbench.ingest.segment import split_sentences
from workbench.records import BlockKind, DigestItem, DigestSource, Segment, Summary, SummarySentence
from workbench.service.articles import Articles
from workbench.service.languages import Languages
from workbench.service.models import ModelRegistry, Session
from workbench.service.translation import Translations
from workbench.store.database import Store

DEFAULT_SENTENCES = 3
DUPLICATE_FACT = 0.5
"""Cosine similarity above which two digest sentences state the same fact."""

_MONTHS = (
    "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_DATE = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTHS})\s+(\d{{4}})\b")


MODES = ("auto", "extractive", "abstractive")
SUMMARY_LANGUAGE = "en"
"""The language the default summarization model (distilbart-cnn) was trained on."""


class Summaries:
    def __init__(
        self,
        session: Session,
        store: Store,
        registry: ModelRegistry,
        languages: Languages,
        articles: Articles,
        translation: Translations,
    ) -> None:
        self.session = session
        self.store = store
        self.registry = registry
        self.languages = languages
        self.articles = articles
        self.translation = translation

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
        info = self.articles.article(article_id)
        target = target or self.languages.target_language()
        body = [
            s
            for s in self.translation.segments(article_id, target)
            if s.kind is BlockKind.BODY and not s.is_title
        ]
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
            self.registry.summary_model(offline)  # present and a summarization model; loaded on a cache miss
            return _Deferred(lambda: self.registry.summarizer(offline)), ""
        except ModelError:
            if mode == "abstractive":
                raise
            name = self.session.settings.summary_model
            return ExtractiveSummarizer(), (
                f"extractive: the summarization model {name} is not here ({fetch_hint(name)})"
            )

    def _summary_key(self, summarizer: Summarizer, count: int, target: str) -> str:
        """Mode and length, plus the ranker version or the model's identity: a new model is a new key."""
        values: dict[str, object] = {"mode": summarizer.mode, "sentences": count}
        if target != self.languages.target_language():
            values["to"] = target
        if summarizer.mode == "extractive":
            values["ranker"] = extractive.VERSION
        else:
            values["model"] = self.registry.summary_model().key.as_dict()
        return json.dumps(values, sort_keys=True)

    def digest(
        self, article_ids: Sequence[int], per_article: int = DEFAULT_SENTENCES, target: str | None = None
    ) -> list[DigestItem]:
        """A multi-article digest: each article's summary, near-duplicate facts merged."""
        candidates = []
        for article_id in article_ids:
            info = self.articles.article(article_id)
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


# --- lengths, the stored form, dates and the digest merge (pure functions) ---


def summary_length(available: int, sentences: int | None, ratio: float | None) -> int:
    """How many sentences: `sentences`, else `ratio` of the article, else 3; never more than there are."""
    if sentences is not None:
        wanted = sentences
    elif ratio is not None:
        wanted = math.ceil(ratio * available)
    else:
        wanted = DEFAULT_SENTENCES
    return max(0, min(wanted, available))


def summary_to_json(summary: Summary) -> str:
    return json.dumps(asdict(summary), ensure_ascii=False)


def summary_from_json(text: str, from_cache: bool = False) -> Summary:
    data = json.loads(text)
    sentences = tuple(SummarySentence(s["text"], tuple(s["segment_ids"])) for s in data.pop("sentences"))
    data["from_cache"] = from_cache
    return Summary(sentences=sentences, **data)


def find_date(text: str) -> str | None:
    """The first full date the text gives ("17. Oktober 2024"), as written."""
    match = _DATE.search(text)
    return match.group(0) if match else None


def merge_facts(candidates: list[tuple[str, DigestSource]]) -> list[DigestItem]:
    """Digest items in order; a sentence that repeats an earlier one joins that item's sources."""
    if not candidates:
        return []
    similar = similarity([text for text, _ in candidates])
    items: list[tuple[int, list[DigestSource]]] = []
    for index, (_, source) in enumerate(candidates):
        home = next((item for item in items if similar[index, item[0]] >= DUPLICATE_FACT), None)
        if home is None:
            items.append((index, [source]))
        elif all(s.article_id != source.article_id for s in home[1]):
            home[1].append(source)
    return [DigestItem(candidates[first][0], tuple(sources)) for first, sources in items]
