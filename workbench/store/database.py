"""The workspace's SQLite database: the only code in the workbench that speaks SQL.

WAL mode lets a TUI read while a batch run writes; every public write is one transaction, so a
crash loses at most the call in flight and never half of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.records import (
    Article,
    ArticleInfo,
    Block,
    BlockKind,
    Edit,
    Segment,
    Status,
    Translation,
    WordPair,
)
from workbench.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


class StoreError(WorkbenchError, RuntimeError):
    """The workspace database cannot be used as asked."""


class ImportOutcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    REVISED = "revised"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE takes the write lock up front, so two writers queue, not deadlock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer workbench (schema {version} > {SCHEMA_VERSION}); "
                "upgrade workbench to open it"
            )
        for number in range(version, SCHEMA_VERSION):
            # One script per migration, its version bump inside the same transaction.
            self._db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
            )

    # --- articles -------------------------------------------------------------------------

    def save_article(self, article: Article) -> tuple[int, ImportOutcome]:
        """Store an imported article; a changed file becomes a new revision.

        In a new revision, a sentence whose text is unchanged keeps its segment row, and with it
        its status, reviewer text and history; sentences that disappeared are dropped, their
        history rows stay.
        """
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, content_hash FROM articles WHERE path = ?", (article.path,)
            ).fetchone()
            if row and row[1] == article.content_hash:
                return row[0], ImportOutcome.UNCHANGED
            if row is None:
                article_id = self._insert_article(db, article)
                outcome = ImportOutcome.NEW
            else:
                article_id = row[0]
                self._update_article(db, article_id, article)
                outcome = ImportOutcome.REVISED
            self._replace_blocks(db, article_id, article.blocks)
            return article_id, outcome

    def _insert_article(self, db: sqlite3.Connection, article: Article) -> int:
        cursor = db.execute(
            "INSERT INTO articles (path, title, outlet, language, content_hash, encoding, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article.path,
                article.title,
                article.outlet,
                article.language,
                article.content_hash,
                article.encoding,
                _now(),
            ),
        )
        return int(cursor.lastrowid or 0)

    def _update_article(self, db: sqlite3.Connection, article_id: int, article: Article) -> None:
        db.execute(
            "UPDATE articles SET title = ?, outlet = ?, language = ?, content_hash = ?, encoding = ?,"
            " revision = revision + 1, imported_at = ? WHERE id = ?",
            (
                article.title,
                article.outlet,
                article.language,
                article.content_hash,
                article.encoding,
                _now(),
                article_id,
            ),
        )

    def _replace_blocks(self, db: sqlite3.Connection, article_id: int, blocks: Iterable[Block]) -> None:
        old_blocks = [r[0] for r in db.execute("SELECT id FROM blocks WHERE article_id = ?", (article_id,))]
        reusable: dict[str, deque[int]] = defaultdict(deque)
        for segment_id, source in db.execute(
            "SELECT s.id, s.source FROM segments s JOIN blocks b ON b.id = s.block_id"
            " WHERE s.article_id = ? ORDER BY b.position, s.position",
            (article_id,),
        ):
            reusable[source].append(segment_id)
        now = _now()
        for block in blocks:
            block_id = db.execute(
                "INSERT INTO blocks (article_id, position, kind, reason, language, is_title, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    block.position,
                    block.kind.value,
                    block.reason,
                    block.language,
                    int(block.is_title),
                    block.text,
                ),
            ).lastrowid
            for position, sentence in enumerate(block.sentences):
                if reusable[sentence]:
                    db.execute(
                        "UPDATE segments SET block_id = ?, position = ? WHERE id = ?",
                        (block_id, position, reusable[sentence].popleft()),
                    )
                else:
                    db.execute(
                        "INSERT INTO segments (article_id, block_id, position, source, updated_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (article_id, block_id, position, sentence, now),
                    )
        if old_blocks:
            marks = ",".join("?" * len(old_blocks))
            db.execute(f"DELETE FROM blocks WHERE id IN ({marks})", old_blocks)

    def articles(self) -> list[ArticleInfo]:
        return [ArticleInfo(*row) for row in self._db.execute(_ARTICLE_INFO_SQL + " ORDER BY a.id")]

    def article(self, article_id: int) -> ArticleInfo | None:
        row = self._db.execute(_ARTICLE_INFO_SQL + " WHERE a.id = ?", (article_id,)).fetchone()
        return ArticleInfo(*row) if row else None

    def article_id_for_content(self, path: str, content_hash: str) -> int | None:
        row = self._db.execute(
            "SELECT id FROM articles WHERE path = ? AND content_hash = ?", (path, content_hash)
        ).fetchone()
        return row[0] if row else None

    def article_id_for_path(self, path: str) -> int | None:
        row = self._db.execute("SELECT id FROM articles WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    # --- segments -------------------------------------------------------------------------

    def segments(self, article_id: int) -> list[Segment]:
        rows = self._db.execute(
            _SEGMENT_SQL + " WHERE s.article_id = ? ORDER BY b.position, s.position", (article_id,)
        )
        return [_segment(row) for row in rows]

    def segment(self, segment_id: int) -> Segment | None:
        row = self._db.execute(_SEGMENT_SQL + " WHERE s.id = ?", (segment_id,)).fetchone()
        return _segment(row) if row else None

    def set_block_kind(self, article_id: int, block_position: int, kind: BlockKind, reason: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE blocks SET kind = ?, reason = ? WHERE article_id = ? AND position = ?",
                (kind.value, reason, article_id, block_position),
            )

    # --- machine translation cache ----------------------------------------------------------

    def cached_translations(self, mt_key: str, sources: Iterable[str]) -> dict[str, Translation]:
        found: dict[str, Translation] = {}
        unique = list(dict.fromkeys(sources))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for source, target, score, alignment, tokens in self._db.execute(
                "SELECT source, target, score, alignment, tokens FROM translations"
                f" WHERE mt_key = ? AND source IN ({marks})",
                (mt_key, *chunk),
            ):
                found[source] = Translation(target, _pairs(alignment), score, tokens)
        return found

    def put_translations(
        self, mt_key: str, results: Iterable[tuple[str, Translation]], segment_ids: Iterable[int]
    ) -> None:
        """Cache a batch of machine translations and make them current for these segments."""
        rows = [
            (mt_key, source, t.text, t.score, json.dumps(t.alignment), t.tokens, _now())
            for source, t in results
        ]
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO translations"
                " (mt_key, source, target, score, alignment, tokens, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._assign(db, mt_key, segment_ids)

    def assign_translations(self, mt_key: str, segment_ids: Iterable[int]) -> None:
        """Make cached translations current for these segments."""
        with self._transaction() as db:
            self._assign(db, mt_key, segment_ids)

    @staticmethod
    def _assign(db: sqlite3.Connection, mt_key: str, segment_ids: Iterable[int]) -> None:
        """Point segments at a machine translation; a human-owned segment is never touched."""
        now = _now()
        db.executemany(
            "UPDATE segments SET status = 'mt', mt_key = ?, updated_at = ?"
            " WHERE id = ? AND status IN ('untranslated', 'mt')",
            [(mt_key, now, segment_id) for segment_id in segment_ids],
        )

    # --- reviewer edits ---------------------------------------------------------------------

    def change_segment(self, segment_id: int, target: str | None, status: Status, reviewer: str) -> Segment:
        """Set a segment's human text and status, with a history row, in one transaction."""
        with self._transaction() as db:
            row = db.execute(_SEGMENT_SQL + " WHERE s.id = ?", (segment_id,)).fetchone()
            if row is None:
                raise StoreError(f"no segment {segment_id}")
            before = _segment(row)
            db.execute(
                "INSERT INTO edits (segment_id, article_id, source, old_target, new_target,"
                " old_status, new_status, reviewer, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    segment_id,
                    before.article_id,
                    before.source,
                    before.target,
                    target,
                    before.status.value,
                    status.value,
                    reviewer,
                    _now(),
                ),
            )
            stored_target = target if status.is_human else None
            db.execute(
                "UPDATE segments SET status = ?, target = ?, updated_at = ? WHERE id = ?",
                (status.value, stored_target, _now(), segment_id),
            )
            after = db.execute(_SEGMENT_SQL + " WHERE s.id = ?", (segment_id,)).fetchone()
        return _segment(after)

    def history(self, segment_id: int) -> list[Edit]:
        rows = self._db.execute(
            "SELECT segment_id, old_target, new_target, old_status, new_status, reviewer, at"
            " FROM edits WHERE segment_id = ? ORDER BY id",
            (segment_id,),
        )
        return [Edit(r[0], r[1], r[2], Status(r[3]), Status(r[4]), r[5], r[6]) for r in rows]

    # --- summaries -------------------------------------------------------------------------

    def summary(self, article_id: int, settings_key: str) -> tuple[str, str] | None:
        """(text hash, JSON body) of the stored summary, if any."""
        row = self._db.execute(
            "SELECT text_hash, body FROM summaries WHERE article_id = ? AND settings_key = ?",
            (article_id, settings_key),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put_summary(self, article_id: int, settings_key: str, text_hash: str, body: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO summaries (article_id, settings_key, text_hash, body, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (article_id, settings_key, text_hash, body, _now()),
            )

    # --- model fingerprints -----------------------------------------------------------------

    def model_hash(self, path: str, signature: str) -> str | None:
        row = self._db.execute(
            "SELECT sha256 FROM model_hashes WHERE path = ? AND signature = ?", (path, signature)
        ).fetchone()
        return row[0] if row else None

    def put_model_hash(self, path: str, signature: str, sha256: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO model_hashes (path, signature, sha256) VALUES (?, ?, ?)",
                (path, signature, sha256),
            )

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


_ARTICLE_INFO_SQL = """
SELECT a.id, a.path, a.title, a.outlet, a.language, a.revision,
       (SELECT COUNT(*) FROM segments s JOIN blocks b ON b.id = s.block_id
         WHERE s.article_id = a.id AND b.kind = 'body'),
       (SELECT COUNT(*) FROM segments s JOIN blocks b ON b.id = s.block_id
         WHERE s.article_id = a.id AND b.kind = 'body' AND s.status != 'untranslated'),
       (SELECT COUNT(*) FROM segments s JOIN blocks b ON b.id = s.block_id
         WHERE s.article_id = a.id AND b.kind = 'body' AND s.status IN ('edited', 'approved'))
FROM articles a
"""

_SEGMENT_SQL = """
SELECT s.id, s.article_id, b.position, s.position, s.source, b.kind, b.reason, b.language,
       b.is_title, s.status, s.target, s.mt_key, t.target, t.score, t.alignment
FROM segments s
JOIN blocks b ON b.id = s.block_id
LEFT JOIN translations t ON t.mt_key = s.mt_key AND t.source = s.source
"""


def _segment(row: tuple) -> Segment:
    (seg_id, article_id, block_pos, pos, source, kind, reason, language, is_title, status) = row[:10]
    human_target, mt_key, mt_target, score, alignment = row[10:]
    status = Status(status)
    target = human_target if status.is_human else mt_target
    # The machine alignment describes the machine text only; an edited text has none yet.
    pairs = _pairs(alignment) if alignment and target == mt_target else ()
    return Segment(
        id=seg_id,
        article_id=article_id,
        block_position=block_pos,
        position=pos,
        source=source,
        kind=BlockKind(kind),
        reason=reason,
        language=language,
        is_title=bool(is_title),
        status=status,
        target=target,
        score=score if target == mt_target else None,
        alignment=pairs,
        mt_key=mt_key,
    )


def _pairs(alignment: str) -> tuple[WordPair, ...]:
    return tuple((int(a), int(b)) for a, b in json.loads(alignment))
