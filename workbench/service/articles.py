"""Articles in the workspace: importing files, finding an article by id or path, block verdicts.

A file whose bytes are unchanged since its last import is not parsed again; a changed one
becomes a new revision in the store (segments whose sentence is unchanged keep their work).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.ingest.article import bytes_digest, find_files, path_text, read_article, read_bytes
from workbench.ingest.fetch import is_url
from workbench.records import ArticleInfo, BlockKind
from workbench.service.models import Session
from workbench.store.database import ImportOutcome, Store


@dataclass(frozen=True)
class ImportResult:
    path: str
    article_id: int | None
    outcome: ImportOutcome | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    note: str | None = None
    """Said after the outcome: where a URL was redirected to."""


class Articles:
    def __init__(self, session: Session, store: Store) -> None:
        self.session = session
        self.store = store

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
            raise WorkbenchError(f"no article {article_id} in {self.session.workspace.path}")
        return info

    def find_article(self, reference: str) -> int:
        """An article by id, or by the path it was imported from: absolute, or relative to the
        current directory (imports store absolute paths, so `show seeds/x.txt` after
        `import seeds/` finds it), with `..` and symbolic links allowed."""
        if reference.isdigit() and self.store.article(int(reference)):
            return int(reference)
        if is_url(reference) and (found := self.store.article_id_for_url(reference)) is not None:
            return found
        path = Path(reference).expanduser()
        spellings: list[str | Path] = [reference, path.absolute(), os.path.abspath(path), path.resolve()]
        for candidate in dict.fromkeys(path_text(spelling) for spelling in spellings):
            article_id = self.store.article_id_for_path(candidate)
            if article_id is not None:
                return article_id
        raise WorkbenchError(f"no article '{reference}' in {self.session.workspace.path}")

    def set_boilerplate(self, article_id: int, block_position: int, boilerplate: bool) -> None:
        """A reviewer's verdict on a block overrides the classifier's."""
        kind = BlockKind.BOILERPLATE if boilerplate else BlockKind.BODY
        self.store.set_block_kind(article_id, block_position, kind, f"marked {kind.value} by reviewer")
