"""The application as the faces see it: one `Workbench` object, composed of the service's parts.

The CLI and the TUI call this object, so a batch run and a reviewer's session behave the same;
neither touches SQL or torch. Each part has its own file and takes what it needs explicitly:

    Session, ModelRegistry  models.py       models resolved, fingerprinted, loaded (shared by clones)
    Languages               languages.py    the workspace's target language, each block's source language
    Articles (catalog)      articles.py     import, find, block verdicts
    WebImports              web.py          pages by URL and feed entries
    TranslationMemory       memory.py       memory fills, TMX in and out
    Realigner               realignment.py  word alignment of human texts by forced decoding
    Translations            translation.py  the run: cache, memory, batches, pivots, other-language views
    Review                  review.py       state changes (rules: review/rules.py), suggestions, flags
    Summaries               summaries.py    summaries and the digest
    Adaptation              adaptation.py   fine-tuning on the memory, switching the workspace's model

`Workbench` builds the parts and lends their methods under one name each; it holds no logic.
"""

from __future__ import annotations

from workbench.engines.translator import load_translator
from workbench.errors import WorkbenchError
from workbench.export.document import ExportArticle
from workbench.service.adaptation import Adaptation
from workbench.service.articles import Articles, ImportResult
from workbench.service.languages import Languages
from workbench.service.memory import TranslationMemory
from workbench.service.models import ModelInfo, ModelRegistry, Session, TranslatorFactory
from workbench.service.realignment import Realigner
from workbench.service.review import EditConflict, Review
from workbench.service.summaries import Summaries
from workbench.service.translation import ProgressCallback, Translations
from workbench.service.web import WebImports
from workbench.settings import Settings, Workspace
from workbench.store.database import Store

__all__ = ["Cancelled", "EditConflict", "ImportResult", "ModelInfo", "ProgressCallback", "Workbench"]


class Cancelled(WorkbenchError):
    """Raised by a progress callback to stop a translation between batches."""


class Workbench:
    def __init__(
        self,
        workspace: Workspace,
        translator_factory: TranslatorFactory = load_translator,
        _session: Session | None = None,
    ) -> None:
        self.session = _session or Session(workspace, translator_factory)
        self.store = Store(workspace.db_path)
        session, store = self.session, self.store
        self.registry = ModelRegistry(session, store)
        self.languages = Languages(session, store)
        self.catalog = Articles(session, store)
        self.memory = TranslationMemory(session, store, self.languages)
        self.realigner = Realigner(store, self.registry, self.languages, self.catalog)
        self.translation = Translations(
            session, store, self.registry, self.languages, self.catalog, self.memory, self.realigner
        )
        self.review = Review(session, store, self.catalog, self.languages, self.registry, self.realigner)
        self.summaries = Summaries(
            session, store, self.registry, self.languages, self.catalog, self.translation
        )
        self.adaptation = Adaptation(session, store, self.registry)
        self.web = WebImports(session, store)
        self._lend_methods()

    def _lend_methods(self) -> None:
        """The faces' vocabulary, each word served by exactly one part."""
        catalog, registry, translation, review = self.catalog, self.registry, self.translation, self.review
        self.import_paths = catalog.import_paths
        self.articles = catalog.articles
        self.article = catalog.article
        self.find_article = catalog.find_article
        self.set_boilerplate = catalog.set_boilerplate
        self.import_urls = self.web.import_urls
        self.import_feed = self.web.import_feed

        self.model = registry.model
        self.route = registry.route
        self.translator_for = registry.translator_for
        self.translators_loaded = registry.translators_loaded
        self.summarizer = registry.summarizer
        self.summary_model = registry.summary_model
        self.backend_label = registry.backend_label
        self.model_label = registry.model_label

        self.target_language = self.languages.target_language
        self.translate_articles = translation.translate_articles
        self.translate_article = translation.translate_article
        self.check_routes = translation.check_routes
        self.prefetch = translation.prefetch
        self.segments = translation.segments

        self.edit_segment = review.edit_segment
        self.approve_segment = review.approve_segment
        self.set_needs_work = review.set_needs_work
        self.revert_segment = review.revert_segment
        self.undo_segment = review.undo_segment
        self.redo_segment = review.redo_segment
        self.replace_in_article = review.replace_in_article
        self.save_draft = review.save_draft
        self.discard_draft = review.discard_draft
        self.drafts = review.drafts
        self.best_memory_match = review.best_memory_match
        self.article_flags = review.article_flags
        self.history = review.history
        self.segment_numbers = review.segment_numbers
        self.numbered_segment = review.numbered_segment
        self.suggestions = review.suggestions
        self.flags = review.flags
        self.review_queue = review.review_queue
        self.article_stats = review.article_stats
        self.reviewer_stats = review.reviewer_stats
        self.realign = self.realigner.realign

        self.fill_from_memory = self.memory.fill
        self.import_tmx = self.memory.import_tmx
        self.export_memory = self.memory.export_tmx

        self.summarize = self.summaries.summarize
        self.digest = self.summaries.digest

        self.adaptation_pairs = self.adaptation.adaptation_pairs
        self.adapt = self.adaptation.adapt
        self.use_model = self.adaptation.use_model
        self.switch_model = self.adaptation.switch_model
        self.model_is_adapted = self.adaptation.model_is_adapted

    @property
    def workspace(self) -> Workspace:
        return self.session.workspace

    @property
    def settings(self) -> Settings:
        return self.session.settings

    def clone(self) -> Workbench:
        """A Workbench for another thread: its own database connection, the same loaded models."""
        return Workbench(self.workspace, _session=self.session)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def export_document(self, article_id: int, target: str | None = None) -> ExportArticle:
        """An article as the export writers read it: current texts, human ones first.

        Into another language than the workspace's: its machine translations.
        """
        target = target or self.target_language()
        return ExportArticle(self.article(article_id), tuple(self.segments(article_id, target)), target)
