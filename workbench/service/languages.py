"""Which language a text is in and which language the workspace's reviewed work is in.

Each block has its own lingua language; a block too short to tell takes its article's. The
workspace has one target language for reviewed work, kept in the database once reviewers have
written in it, so an English edit can never end up in a French export.
"""

from __future__ import annotations

from workbench.engines.model_files import languages_of
from workbench.errors import WorkbenchError
from workbench.records import ArticleInfo, Segment
from workbench.service.models import Session
from workbench.store.database import Store


class Languages:
    def __init__(self, session: Session, store: Store) -> None:
        self.session = session
        self.store = store

    def target_language(self) -> str:
        """The workspace's target language: the setting, fixed once reviewers have written in it."""
        wanted = self.session.settings.target_language
        stored = self.store.meta("target_language")
        if stored == wanted:
            return wanted
        if stored and self.store.has_human_work():
            raise WorkbenchError(
                f"{self.session.workspace.path} holds reviewed {stored} translations, so its target "
                f"language cannot become {wanted}; use --to {wanted} for machine translations, "
                "or another workspace"
            )
        self.store.set_meta("target_language", wanted)
        return wanted

    def source_language(self, segment: Segment, info: ArticleInfo) -> str:
        """A block's language; one too short to tell takes the article's, else the default model's."""
        language = info.language if segment.language == "und" else segment.language
        if language == "und":
            return languages_of(self.session.settings.model)[0] or language
        return language

    def memory_pair(self) -> tuple[str, str]:
        """The translation memory's pair: the default model's source language, the workspace's target."""
        source, _ = languages_of(self.session.settings.model)
        return source or "de", self.target_language()
