"""Word alignment of human texts, by forced decoding with the model of their language pair.

A reviewer's text has no alignment until a model reads it against its source (teacher forcing
with transformers, `target_prefix` with CTranslate2); until then the faces mark it stale. A pair
translated through English has no single model to align with: its human texts stay unaligned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from workbench.engines.model_files import ModelError
from workbench.records import Segment
from workbench.service.articles import Articles
from workbench.service.languages import Languages
from workbench.service.models import ModelRegistry
from workbench.store.database import Store


class Realigner:
    def __init__(
        self, store: Store, registry: ModelRegistry, languages: Languages, articles: Articles
    ) -> None:
        self.store = store
        self.registry = registry
        self.languages = languages
        self.articles = articles

    def realign(self, segments: Sequence[Segment]) -> int:
        """Align the stale human texts among `segments`; returns how many were aligned."""
        stale = [s for s in segments if s.alignment_stale and s.target]
        target = self.languages.target_language()
        by_language: dict[str, list[Segment]] = defaultdict(list)
        for segment in stale:
            info = self.articles.article(segment.article_id)
            by_language[self.languages.source_language(segment, info)].append(segment)
        done = 0
        for language, group in sorted(by_language.items()):
            try:
                route = self.registry.route(language, target)
            except ModelError:
                continue  # no model for this language: the texts stay unaligned
            if route.pivoted:
                continue
            pairs = [(s.source, s.target or "") for s in group]
            results = self.registry.translator_for(route.steps[0]).align(pairs)
            for segment, result in zip(group, results, strict=True):
                if result is not None and segment.target:
                    self.store.set_alignment(segment.id, segment.target, result.alignment, result.score)
                    done += 1
        return done
