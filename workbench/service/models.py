"""Which models the workspace uses, resolved, fingerprinted and loaded once per session.

`Session` is what a Workbench shares with its thread clones: the workspace (whose model
`adapt --use` may switch) and every model resolved or loaded so far. `ModelRegistry` is one
thread's view of it, with that thread's store (SQLite connections stay in their thread) for the
remembered content hashes. A model is resolved (local store, Hugging Face cache, download) on
first need, and loaded only on a cache miss: a run whose segments are all cached never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.cache_key import CacheKey
from workbench.engines.model_files import (
    CONVERTED_DIR,
    ModelError,
    check_model_type,
    content_hash,
    languages_of,
    num_beams,
    readable_name,
    resolve_model,
    stat_signature,
)
from workbench.engines.registry import PIVOT, Route, Step, pair_model, target_prefix
from workbench.engines.summarizer import SUMMARY_TYPES, Summarizer
from workbench.engines.translator import Translator, load_translator, resolve_backend
from workbench.settings import Settings, Workspace
from workbench.store.database import Store

TranslatorFactory = Callable[..., Translator]


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    key: CacheKey
    """What the model's output is cached under (the summarizer's: its bare identity)."""

    @property
    def sha256(self) -> str:
        """First 16 hex digits of the hash of the model's files."""
        return self.key.sha256


@dataclass
class Session:
    """What a Workbench and its thread clones share: the workspace and the models so far."""

    workspace: Workspace
    factory: TranslatorFactory = load_translator
    model: ModelInfo | None = None
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    translators: dict[CacheKey, Translator] = field(default_factory=dict)
    """A route step's cache key -> its loaded Translator."""
    prefetched: dict[tuple[CacheKey, str], int] = field(default_factory=dict)
    """(cache key, source) -> tokens, for texts another executor (a cluster) translated in this run."""
    summary_model: ModelInfo | None = None
    summary_converted: Path | None = None
    summarizer: Summarizer | None = None

    @property
    def settings(self) -> Settings:
        return self.workspace.settings

    def switch_model(self, model: str) -> None:
        """Translate with `model` from now on; what was resolved or loaded for the old one goes."""
        self.workspace = replace(self.workspace, settings=replace(self.settings, model=model))
        self.model, self.routes, self.translators, self.prefetched = None, {}, {}, {}


class ModelRegistry:
    """Model names to directories, cache keys, routes between languages and loaded translators."""

    def __init__(self, session: Session, store: Store) -> None:
        self.session = session
        self.store = store

    @property
    def settings(self) -> Settings:
        return self.session.settings

    def model(self) -> ModelInfo:
        """The configured model, resolved (and fetched if allowed) once per session."""
        if self.session.model is None:
            name = self.settings.model
            path, identity, _ = self.resolve(name)
            self.session.model = ModelInfo(name, path, self.translation_key(identity, path))
        return self.session.model

    def resolve(self, name: str, offline: bool | None = None) -> tuple[Path, CacheKey, Path]:
        """A model's directory, its bare identity (id, content hash, backend), and where its
        CTranslate2 copy goes (keyed by the hash, so a changed model is converted again)."""
        offline = self.settings.offline if offline is None else offline
        models_dir = self.session.workspace.models_dir
        path = resolve_model(name, models_dir, offline)
        digest = self.model_hash(path)[:16]
        identity = CacheKey(model=name, sha256=digest, backend=resolve_backend(self.settings.backend))
        return path, identity, models_dir / CONVERTED_DIR / f"{path.name}-{digest}-int8"

    def translation_key(self, identity: CacheKey, path: Path, prefix: str | None = None) -> CacheKey:
        """The machine-translation cache key: the model's identity, how it decodes and where its
        alignment is read (a changed alignment source realigns rather than serving old links)."""
        return replace(
            identity,
            num_beams=self.settings.beam_size or num_beams(path),
            alignment=self.settings.alignment_source(identity.model).label(),
            prefix=prefix or None,
        )

    def model_hash(self, path: Path) -> str:
        """The SHA-256 over a model's files, remembered in the store while their sizes and
        times are unchanged (hashing 300 MB on every start would cost seconds)."""
        signature = stat_signature(path)
        known = self.store.model_hash(str(path.resolve()), signature)
        if known is None:
            known = content_hash(path)
            self.store.put_model_hash(str(path.resolve()), signature, known)
        return known

    # --- routes between languages -------------------------------------------------------------

    def route(self, source: str, target: str) -> Route:
        """How to translate source into target: one model, or two through English. Resolved once."""
        routes = self.session.routes
        if (source, target) not in routes:
            try:
                routes[source, target] = Route(source, target, (self._step(source, target),))
            except ModelError as direct:
                if PIVOT in (source, target):
                    raise
                routes[source, target] = Route(source, target, self._pivot_legs(source, target, direct))
        return routes[source, target]

    def _pivot_legs(self, source: str, target: str, direct: ModelError) -> tuple[Step, Step]:
        """source->en and en->target; when either is missing, the error names the missing one(s)."""
        legs, missing = [], []
        for pair in ((source, PIVOT), (PIVOT, target)):
            try:
                legs.append(self._step(*pair))
            except ModelError:
                missing.append("-".join(pair))
        if missing:
            present = [f"{leg.source}-{leg.target}" for leg in legs]
            there = f", {present[0]} is there" if present else ""
            raise ModelError(
                f"{direct}; to pivot through English {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing{there}"
                f" (workbench models pull {' '.join(missing)})"
            ) from None
        return legs[0], legs[1]

    def _step(self, source: str, target: str) -> Step:
        settings = self.settings
        name = pair_model(source, target, settings.models, settings.model, languages_of(settings.model))
        path, identity, converted = self.resolve(name)
        prefix = target_prefix(path, target)
        alignment = settings.alignment_source(name)
        # The alignment source is built into a CTranslate2 copy, so each source has its own.
        converted = converted.with_name(f"{converted.name}-{alignment.label()}")
        key = self.translation_key(identity, path, prefix)
        return Step(source, target, name, path, key, prefix, converted, alignment)

    def translator_for(self, step: Step) -> Translator:
        """The loaded translator of one model (and target token), shared with thread clones."""
        translators = self.session.translators
        if step.key not in translators:
            translators[step.key] = self.session.factory(
                step.path,
                backend=self.settings.backend,
                beam_size=self.settings.beam_size,
                batch_tokens=self.settings.batch_tokens,
                converted_dir=step.converted_dir,
                target_prefix=step.prefix,
                alignment=step.alignment,
            )
        return translators[step.key]

    def translators_loaded(self) -> bool:
        return bool(self.session.translators)

    # --- the summarization model ----------------------------------------------------------------

    def summarizer(self, offline: bool | None = None) -> Summarizer:
        """The abstractive summarizer, resolved and loaded once per session.

        `offline=True` finds it only where it is already present (the store or the HF cache).
        """
        if self.session.summarizer is None:
            from workbench.engines.summarizer import load_summarizer

            info = self.summary_model(offline)
            backend = resolve_backend(self.settings.backend)
            self.session.summarizer = load_summarizer(info.path, backend, self.session.summary_converted)
        return self.session.summarizer

    def summary_model(self, offline: bool | None = None) -> ModelInfo:
        """The summarization model resolved, type-checked and fingerprinted, but not loaded: a
        cached summary is found by this identity without paying for the model's start-up."""
        if self.session.summary_model is None:
            name = self.settings.summary_model
            path, identity, converted = self.resolve(name, offline)
            check_model_type(path, SUMMARY_TYPES, "summarization")
            self.session.summary_model = ModelInfo(name, path, identity)
            self.session.summary_converted = converted
        return self.session.summary_model

    # --- labels for the faces ------------------------------------------------------------------

    def backend_label(self) -> str:
        return resolve_backend(self.settings.backend)

    def model_label(self) -> str:
        """The configured model as a person reads it: a hub id, or a directory's name."""
        return readable_name(self.settings.model)
