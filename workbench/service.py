"""The application: import, translate, edit and approve, used alike by the CLI and the TUI.

The faces never touch SQL or torch: they call this object, so a batch run and a reviewer's
session behave the same. The translator is built lazily on the first cache miss; a run whose
segments are all cached never loads the model at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.adaptation_workflow import AdaptationWorkflow
from workbench.engines.model_files import (
    CONVERTED_DIR,
    check_model_type,
    content_hash,
    num_beams,
    readable_name,
    resolve_model,
    stat_signature,
)
from workbench.engines.summarizer import SUMMARY_TYPES, Summarizer
from workbench.engines.translator import Translator, load_translator, resolve_backend
from workbench.errors import WorkbenchError
from workbench.export.document import ExportArticle
from workbench.ingest.article import bytes_digest, find_files, path_text, read_article, read_bytes
from workbench.records import (
    ArticleInfo,
    BlockKind,
    Flag,
    Segment,
    Status,
    Suggestion,
)
from workbench.review.memory import fuzzy_matches
from workbench.review.replace import plan_replacements
from workbench.review.undo import HistoryStep, redo_step, undo_step
from workbench.review_workflow import EditConflict, ReviewWorkflow
from workbench.settings import Workspace
from workbench.store.database import ImportOutcome, Store
from workbench.store.drafts import Draft, article_drafts, drop_draft, put_draft
from workbench.store.undo import change_as_step, history_steps
from workbench.summary_workflow import SummaryWorkflow
from workbench.translation_workflow import ProgressCallback, TranslationWorkflow

__all__ = ["Cancelled", "EditConflict", "ImportResult", "ModelInfo", "ProgressCallback", "Workbench"]

TranslatorFactory = Callable[..., Translator]


@dataclass(frozen=True)
class ImportResult:
    path: str
    article_id: int | None
    outcome: ImportOutcome | None
    error: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    mt_key: str
    sha256: str
    """First 16 hex digits of the hash of the model's files."""


class Cancelled(WorkbenchError):
    """Raised by a progress callback to stop a translation between batches."""


@dataclass
class _Engine:
    """The resolved model and loaded translator, shared by a Workbench and its thread clones."""

    factory: TranslatorFactory
    model: ModelInfo | None = None
    routes: dict = field(default_factory=dict)
    """(source, target) -> Route"""
    translators: dict = field(default_factory=dict)
    """A route step's cache key -> its loaded Translator"""
    prefetched: dict = field(default_factory=dict)
    """(cache key, source) -> tokens, for texts another executor translated in this run"""
    summary_model: ModelInfo | None = None
    summary_converted: Path | None = None
    summarizer: Summarizer | None = None


class Workbench(TranslationWorkflow, ReviewWorkflow, SummaryWorkflow, AdaptationWorkflow):
    def __init__(
        self,
        workspace: Workspace,
        translator_factory: TranslatorFactory = load_translator,
        _engine: _Engine | None = None,
    ) -> None:
        self.workspace = workspace
        self.settings = workspace.settings
        self.store = Store(workspace.db_path)
        self._engine = _engine or _Engine(translator_factory)

    def clone(self) -> Workbench:
        """A Workbench for another thread: its own database connection, the same loaded model."""
        return Workbench(self.workspace, _engine=self._engine)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- articles -------------------------------------------------------------------------

    def import_paths(self, paths: Iterable[Path]) -> list[ImportResult]:
        """Import files and directories; a bad file is reported and the rest go on."""
        results = []
        for path in find_files([p.absolute() for p in paths]):
            name = path_text(path)
            try:
                data = read_bytes(path)
                known = self.store.article_id_for_content(name, bytes_digest(data))
                if known is not None:  # the same bytes as last time: no need to parse
                    results.append(ImportResult(name, known, ImportOutcome.UNCHANGED))
                    continue
                article = read_article(path, data)
            except WorkbenchError as error:
                results.append(ImportResult(name, None, None, error=str(error)))
                continue
            article_id, outcome = self.store.save_article(article)
            results.append(ImportResult(name, article_id, outcome, warnings=article.warnings))
        return results

    def articles(self) -> list[ArticleInfo]:
        return self.store.articles()

    def article(self, article_id: int) -> ArticleInfo:
        info = self.store.article(article_id)
        if info is None:
            raise WorkbenchError(f"no article {article_id} in {self.workspace.path}")
        return info

    def find_article(self, reference: str) -> int:
        """An article by id, or by the path it was imported from: absolute, or relative to the
        current directory (imports store absolute paths, so `show seeds/x.txt` after
        `import seeds/` finds it), with `..` and symbolic links allowed."""
        if reference.isdigit() and self.store.article(int(reference)):
            return int(reference)
        path = Path(reference).expanduser()
        for candidate in dict.fromkeys(
            map(path_text, (reference, path.absolute(), os.path.abspath(path), path.resolve()))
        ):
            article_id = self.store.article_id_for_path(candidate)
            if article_id is not None:
                return article_id
        raise WorkbenchError(f"no article '{reference}' in {self.workspace.path}")

    def set_boilerplate(self, article_id: int, block_position: int, boilerplate: bool) -> None:
        """A reviewer's verdict on a block overrides the classifier's."""
        kind = BlockKind.BOILERPLATE if boilerplate else BlockKind.BODY
        self.store.set_block_kind(article_id, block_position, kind, f"marked {kind.value} by reviewer")

    # --- translation ----------------------------------------------------------------------

    def model(self) -> ModelInfo:
        """The configured model, resolved (and fetched if allowed) once per session."""
        if self._engine.model is None:
            name = self.settings.model
            path, identity, _ = self._resolve(name)
            key = self._translation_key(identity, path)
            self._engine.model = ModelInfo(name, path, key, identity["sha256"])
        return self._engine.model

    def _resolve(self, name: str, offline: bool | None = None) -> tuple[Path, dict[str, str], Path]:
        """A model's directory, its identity in cache keys (id, content hash, backend), and where
        its CTranslate2 copy goes (keyed by the hash, so a changed model is converted again)."""
        offline = self.settings.offline if offline is None else offline
        path = resolve_model(name, self.workspace.models_dir, offline)
        digest = self._model_hash(path)[:16]
        identity = {"model": name, "sha256": digest, "backend": resolve_backend(self.settings.backend)}
        return path, identity, self.workspace.models_dir / CONVERTED_DIR / f"{path.name}-{digest}-int8"

    def _translation_key(self, identity: dict[str, str], path: Path, prefix: str | None = None) -> str:
        """The machine-translation cache key: the model's identity, how it decodes and where its
        alignment is read (a changed alignment source realigns rather than serving old links)."""
        key: dict[str, object] = {**identity, "num_beams": self.settings.beam_size or num_beams(path)}
        key["alignment"] = self.settings.alignment_source(identity["model"]).label()
        if prefix:
            key["prefix"] = prefix
        return json.dumps(key, sort_keys=True)

    def backend_label(self) -> str:
        return resolve_backend(self.settings.backend)

    def model_label(self) -> str:
        """The configured model as a person reads it: a hub id, or a directory's name."""
        return readable_name(self.settings.model)

    def summarizer(self, offline: bool | None = None) -> Summarizer:
        """The abstractive summarizer, resolved and loaded once per session.

        `offline=True` finds it only where it is already present (the store or the HF cache).
        """
        if self._engine.summarizer is None:
            from workbench.engines.summarizer import load_summarizer

            info = self.summary_model(offline)
            backend = resolve_backend(self.settings.backend)
            self._engine.summarizer = load_summarizer(info.path, backend, self._engine.summary_converted)
        return self._engine.summarizer

    def summary_model(self, offline: bool | None = None) -> ModelInfo:
        """The summarization model resolved, type-checked and fingerprinted, but not loaded: a
        cached summary is found by this identity without paying for the model's start-up."""
        if self._engine.summary_model is None:
            name = self.settings.summary_model
            path, identity, converted = self._resolve(name, offline)
            check_model_type(path, SUMMARY_TYPES, "summarization")
            key = json.dumps(identity, sort_keys=True)
            self._engine.summary_model = ModelInfo(name, path, key, identity["sha256"])
            self._engine.summary_converted = converted
        return self._engine.summary_model

    def _model_hash(self, path: Path) -> str:
        signature = stat_signature(path)
        known = self.store.model_hash(str(path.resolve()), signature)
        if known is None:
            known = content_hash(path)
            self.store.put_model_hash(str(path.resolve()), signature, known)
        return known

    def export_document(self, article_id: int, target: str | None = None) -> ExportArticle:
        """An article as the export writers read it: current texts, human ones first.

        Into another language than the workspace's: its machine translations.
        """
        target = target or self.target_language()
        return ExportArticle(self.article(article_id), tuple(self.segments(article_id, target)), target)

    # --- what the TUI asks (issue 17): thin calls, the logic lives in review/ ---------------------

    def article_flags(self, article_id: int) -> dict[int, tuple[Flag, ...]]:
        """Every segment's flags by id, the conflict flag included: faces draw these, never their own."""
        conflicts = self.store.segments_with_suggestions(article_id)
        return {s.id: self.flags(s, conflicts) for s in self.store.segments(article_id)}

    def save_draft(self, segment_id: int, text: str, base_version: int) -> None:
        """Keep a text the reviewer is typing, so a crash or a failed save loses none of it."""
        put_draft(self.store, segment_id, text, base_version)

    def discard_draft(self, segment_id: int) -> None:
        drop_draft(self.store, segment_id)

    def drafts(self, article_id: int) -> dict[int, Draft]:
        """Unsaved texts of an article's segments, by segment id."""
        return article_drafts(self.store, article_id)

    def undo_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Take back the latest change not yet undone; repeated, back to the machine translation."""
        step = undo_step(history_steps(self.store, segment_id))
        if step is None:
            raise WorkbenchError(f"segment {segment_id} has nothing left to undo")
        return self._apply_history_step(segment_id, step, "undo", expected_version)

    def redo_segment(self, segment_id: int, expected_version: int | None = None) -> Segment:
        """Apply again the latest change undone (and not replaced by a new change since)."""
        step = redo_step(history_steps(self.store, segment_id))
        if step is None:
            raise WorkbenchError(f"segment {segment_id} has nothing to redo")
        return self._apply_history_step(segment_id, step, "redo", expected_version)

    def _apply_history_step(
        self, segment_id: int, step: HistoryStep, kind: str, expected_version: int | None
    ) -> Segment:
        target, status = (
            (step.old_target, step.old_status) if kind == "undo" else (step.new_target, step.new_status)
        )
        if status is Status.MT and not self._segment(segment_id).mt_text:
            status = Status.UNTRANSLATED  # the machine text went with a model change: back to none
        reviewer = self.settings.reviewer
        change_as_step(self.store, segment_id, target, status, reviewer, expected_version, step, kind)
        return self._segment(segment_id)

    def best_memory_match(self, segment_id: int) -> Suggestion | None:
        """The memory's closest match for a segment (exact first), shown beside it unasked."""
        source = self._segment(segment_id).source
        exact = self.store.memory_for([source])
        if source in exact:
            return Suggestion("tm", exact[source][0], exact[source][1], 100.0)
        for match, score in fuzzy_matches(source, self.store.memory_sources(), limit=1):
            target, origin = self.store.memory_for([match])[match]
            return Suggestion("fuzzy", target, f"{origin}: {match}", score)
        return None

    def replace_in_article(
        self, article_id: int, find: str, replace: str, expected: Mapping[int, int]
    ) -> tuple[list[Segment], list[str]]:
        """Replace `find` in the article's translations (the plan the preview showed); each segment
        is an edit with its own history row. Returns the changed segments and, for any changed
        meanwhile (its version no longer the one in `expected`), a one-line note."""
        changed, notes = [], []
        for item in plan_replacements(self.segments(article_id), find, replace):
            try:
                changed.append(self.edit_segment(item.segment_id, item.new, expected.get(item.segment_id)))
            except WorkbenchError as error:  # a conflict keeps the other text: say so, go on
                notes.append(str(error).replace(f"segment {item.segment_id} ", f"segment {item.number} ", 1))
        return changed, notes
