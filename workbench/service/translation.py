"""Machine translation of articles: the cache, the memory, the engine's batches, pivots, views.

Each body segment is translated from its own block's language (lingua) into the target: a
German article with an English blurb and a French quote uses the de-en model, leaves the blurb
and sends the quote to fr-en. A pair without a model goes through English (source->en->target)
when both legs have one; its segments are marked as pivoted.

Into the workspace's reviewed language (languages.py) segments get their current machine
translation; `--to` another language gives machine translations only (cached like the
others, exported and summarised on request), and leaves the reviewed segments alone.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from workbench.cache_key import CacheKey
from workbench.engines.model_files import ModelError
from workbench.engines.registry import Route, Step, compose
from workbench.records import ArticleInfo, BlockKind, Segment, Status, TranslateReport, Translation
from workbench.service.articles import Articles
from workbench.service.languages import Languages
from workbench.service.memory import TranslationMemory
from workbench.service.models import ModelRegistry, Session
from workbench.service.realignment import Realigner
from workbench.store.database import Store


class Executor(Protocol):
    """Somewhere else to run a model over many texts (a Ray cluster, see cluster.py)."""

    def translate(self, step: Step, groups: list[list[str]]) -> Iterator[list[tuple[str, Translation]]]:
        """Translations of each group of texts, a list per group, as they finish."""
        ...


ProgressCallback = Callable[[TranslateReport], None]
"""Called with the article's report so far (done = from_cache + from_memory + translated) after each batch."""


class Translations:
    """The run: cache, memory, engine batches committed one by one, pivots and cluster prefetch."""

    def __init__(
        self,
        session: Session,
        store: Store,
        registry: ModelRegistry,
        languages: Languages,
        articles: Articles,
        memory: TranslationMemory,
        realigner: Realigner,
    ) -> None:
        self.session = session
        self.store = store
        self.registry = registry
        self.languages = languages
        self.articles = articles
        self.memory = memory
        self.realigner = realigner

    def check_routes(self, article_ids: Sequence[int], target: str | None = None) -> None:
        """Fail before any work when no article's language can be translated at all."""
        target = target or self.languages.target_language()
        languages = {self.articles.article(i).language for i in article_ids} - {target, "und"}
        errors = []
        for language in sorted(languages):
            try:
                self.registry.route(language, target)
            except ModelError as error:
                errors.append(error)
        if errors and len(errors) == len(languages):
            raise errors[0]

    # --- the run ------------------------------------------------------------------------------------

    def translate_articles(
        self,
        article_ids: Sequence[int],
        on_progress: ProgressCallback | None = None,
        target: str | None = None,
    ) -> TranslateReport:
        """Translate several articles, sharing the cache and the loaded models."""
        report = TranslateReport()
        started = time.monotonic()
        for article_id in article_ids:
            report.add(self.translate_article(article_id, on_progress, target))
        report.seconds = time.monotonic() - started
        return report

    def translate_article(
        self,
        article_id: int,
        on_progress: ProgressCallback | None = None,
        target: str | None = None,
        first: int = 0,
    ) -> TranslateReport:
        """Machine-translate an article's body segments; human-owned segments are never touched.

        Into the workspace's language: identical approved sources come from the translation
        memory; cached segments come from the store; the rest are deduplicated and sent to the
        engine, each finished batch committed before the next starts. Human-owned segments are
        translated too, into the cache only, so a new model's output is offered as a suggestion;
        their stale word alignments are computed at the end, while the model is loaded. The
        first `first` sentences to translate go first, in a batch of their own (the TUI passes
        what is on screen).
        """
        started = time.monotonic()
        workspace_target = self.languages.target_language()
        target = target or workspace_target
        reviewed = target == workspace_target
        info = self.articles.article(article_id)
        report = TranslateReport()
        wanted = self._to_translate(info, target)
        if reviewed:
            self._keep_target_language(info, target)
            report.skipped_human = sum(s.status.is_human for s in wanted)
            report.from_memory = self.memory.fill(wanted)
            if report.from_memory:
                wanted = self._to_translate(info, target)
        groups: dict[str, list[Segment]] = defaultdict(list)
        for segment in wanted:
            groups[self.languages.source_language(segment, info)].append(segment)
        for language, group in groups.items():
            try:
                route = self.registry.route(language, target)
            except ModelError:
                if language == info.language or len(groups) == 1:
                    raise
                report.no_model[language] = report.no_model.get(language, 0) + len(group)
                continue
            self._translate_group(route, group, reviewed, report, on_progress, started, first)
        if reviewed:
            self.realigner.realign([s for s in wanted if s.status.is_human])
        report.seconds = time.monotonic() - started
        return report

    def _keep_target_language(self, info: ArticleInfo, target: str) -> None:
        """Body segments already in the target language are translated: their translation is
        themselves (cached under an identity key, so counts, summaries and exports see them)."""
        same = [
            s
            for s in self.store.segments(info.id)
            if s.kind is BlockKind.BODY
            and s.status is Status.UNTRANSLATED
            and self.languages.source_language(s, info) == target
        ]
        if same:
            results = [(s.source, as_is(s.source)) for s in same]
            self.store.put_translations(CacheKey.kept_as_is(target), results, [s.id for s in same])

    def _to_translate(self, info: ArticleInfo, target: str) -> list[Segment]:
        """Body segments whose language is not the target's."""
        return [
            s
            for s in self.store.segments(info.id)
            if s.kind is BlockKind.BODY and self.languages.source_language(s, info) != target
        ]

    def _translate_group(
        self,
        route: Route,
        group: list[Segment],
        reviewed: bool,
        report: TranslateReport,
        on_progress: ProgressCallback | None,
        started: float,
        first: int = 0,
    ) -> None:
        todo = [s for s in group if not (reviewed and s.status.is_human)]
        cached = self.store.cached_translations(route.key, (s.source for s in group))
        if reviewed:
            stale = [
                s.id
                for s in todo
                if s.source in cached and (s.mt_key != route.key.text() or s.status is not Status.MT)
            ]
            if stale:
                self.store.assign_translations(route.key, stale)
        report.segments += len(todo)
        report.from_cache += sum(s.source in cached for s in todo)
        report.pivoted += len(todo) if route.pivoted else 0
        self._count_prefetched(route, group, todo, report)
        ids_by_source: dict[str, list[int]] = defaultdict(list)
        for s in todo:
            ids_by_source[s.source].append(s.id)
        if on_progress:
            on_progress(report)
        missing = list(dict.fromkeys(s.source for s in group if s.source not in cached))
        if missing and on_progress and not route.pivoted:
            # The model loads here rather than inside the first batch, and progress is said once
            # it is there: a cancel asked for while it loaded stops the run before any batch.
            self.registry.translator_for(route.steps[0])
            on_progress(report)
        for results in self._machine_batches(route, missing, first):
            ids = [sid for source, _ in results for sid in ids_by_source.get(source, ())]
            self.store.put_translations(route.key, results, ids if reviewed else [])
            report.translated += len(ids)
            report.tokens += sum(t.tokens for _, t in results)
            report.seconds = time.monotonic() - started
            if on_progress:
                on_progress(report)

    def _count_prefetched(
        self, route: Route, group: list[Segment], todo: list[Segment], report: TranslateReport
    ) -> None:
        """Texts a cluster translated for this run count as translated here, as they would locally."""
        fresh = self.session.prefetched
        if not fresh:
            return
        from_run = [s for s in todo if (route.key, s.source) in fresh]
        report.from_cache -= len(from_run)
        report.translated += len(from_run)
        for source in dict.fromkeys(s.source for s in group):
            report.tokens += fresh.pop((route.key, source), 0)

    def prefetch(
        self,
        article_ids: Sequence[int],
        executor: Executor,
        target: str | None = None,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> int:
        """Translate everything these articles need and the cache lacks on `executor` (a cluster).

        The segments are chosen as the per-article pass would choose them (memory matches and
        cached texts are never sent); results are committed to the cache batch by batch as they
        stream back, so the per-article pass that follows finds them there. Pivot routes are
        left to that pass. Returns how many texts were sent.
        """
        target = target or self.languages.target_language()
        reviewed = target == self.languages.target_language()
        steps: dict[CacheKey, Step] = {}
        groups: dict[CacheKey, list[list[str]]] = defaultdict(list)
        for article_id in article_ids:
            for step, sources in self._article_needs(article_id, target, reviewed):
                seen = {text for group in groups[step.key] for text in group}
                fresh = [source for source in sources if source not in seen]
                steps[step.key] = step
                groups[step.key].append(fresh)
        total = sum(len(group) for key in groups for group in groups[key])
        done = 0
        for key, step in steps.items():
            for results in executor.translate(step, groups[key]):
                self.store.put_translations(key, results, [])
                self.session.prefetched.update(((key, source), t.tokens) for source, t in results)
                done += len(results)
                if on_batch:
                    on_batch(done, total)
        return total

    def _article_needs(self, article_id: int, target: str, reviewed: bool) -> list[tuple[Step, list[str]]]:
        """Per direct route: the article's source texts the cache lacks, as its own pass would send them."""
        info = self.articles.article(article_id)
        wanted = self._to_translate(info, target)
        memory = self.store.memory_for(s.source for s in wanted) if reviewed else {}
        by_route: dict[CacheKey, tuple[Route, list[str]]] = {}
        for segment in wanted:
            if segment.source in memory and not segment.status.is_human:
                continue
            try:
                route = self.registry.route(self.languages.source_language(segment, info), target)
            except ModelError:
                continue  # the per-article pass reports it
            if not route.pivoted:
                by_route.setdefault(route.key, (route, []))[1].append(segment.source)
        needs = []
        for key, (route, sources) in by_route.items():
            unique = list(dict.fromkeys(sources))
            cached = self.store.cached_translations(key, unique)
            needs.append((route.steps[0], [source for source in unique if source not in cached]))
        return needs

    def _machine_batches(
        self, route: Route, sources: list[str], first: int = 0
    ) -> Iterator[list[tuple[str, Translation]]]:
        """(source, translation) batches as the engine finishes them; a pivot's two legs are cached too."""
        if not sources:
            return
        if not route.pivoted:
            for batch in self.registry.translator_for(route.steps[0]).translate_batches(sources, first):
                yield [(sources[i], translation) for i, translation in batch]
            return
        into_pivot = self._leg(route.steps[0], sources)
        out_of_pivot = self._leg(route.steps[1], [into_pivot[s].text for s in sources])
        yield [(s, compose(into_pivot[s], out_of_pivot[into_pivot[s].text])) for s in sources]

    def _leg(self, step: Step, texts: list[str]) -> dict[str, Translation]:
        """One model's translations of `texts`, from the cache where it has them; new ones cached."""
        unique = list(dict.fromkeys(texts))
        found = self.store.cached_translations(step.key, unique)
        missing = [text for text in unique if text not in found]
        if missing:
            for batch in self.registry.translator_for(step).translate_batches(missing):
                results = [(missing[i], translation) for i, translation in batch]
                self.store.put_translations(step.key, results, [])
                found.update(results)
        return found

    # --- reading translations in a language -------------------------------------------------------

    def segments(self, article_id: int, target: str | None = None) -> list[Segment]:
        """An article's segments: with the reviewed texts, or machine translations into `target`."""
        segments = self.store.segments(article_id)
        if target is None or target == self.languages.target_language():
            return segments
        info = self.articles.article(article_id)
        return [self._machine_view(s, info, target) for s in segments]

    def _machine_view(self, segment: Segment, info: ArticleInfo, target: str) -> Segment:
        """The segment with the cached machine translation into `target`, or none yet."""
        bare = replace(
            segment, status=Status.UNTRANSLATED, target=None, score=None, alignment=(), mt_key=None,
            mt_text=None, origin=None, alignment_stale=False,
        )  # fmt: skip
        if segment.kind is not BlockKind.BODY:
            return bare
        if self.languages.source_language(segment, info) == target:  # already in that language
            kept = as_is(segment.source)
            return replace(bare, status=Status.MT, target=kept.text, alignment=kept.alignment,
                           mt_key=CacheKey.kept_as_is(target).text(), mt_text=kept.text)  # fmt: skip
        try:
            route = self.registry.route(self.languages.source_language(segment, info), target)
        except ModelError:
            return bare
        found = self.store.cached_translations(route.key, [segment.source]).get(segment.source)
        if found is None:
            return bare
        return replace(
            bare, status=Status.MT, target=found.text, score=found.score, alignment=found.alignment,
            mt_key=route.key.text(), mt_text=found.text,
        )  # fmt: skip


def as_is(text: str) -> Translation:
    """A text as its own translation: each word aligned to itself."""
    words = len(text.split())
    return Translation(text, tuple((i, i) for i in range(words)), 0.0, 0)
