"""The workspace's SQLite database: the only code in the workbench that speaks SQL.

WAL mode lets a TUI read while a batch run writes; every public write is one transaction, so a
crash loses at most the call in flight and never half of it.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.cache_key import CacheKey
from workbench.records import (
    Article,
    ArticleInfo,
    Block,
    BlockKind,
    Edit,
    FetchedPage,
    Segment,
    Status,
    Translation,
    WordPair,
)
from workbench.store.guard import (
    IDENTITY_KEY,
    MARK_KEY,
    ForeignWal,
    SessionLock,
    StoreError,
    check_wal_belongs,
    left_over_wal,
)
from workbench.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


__all__ = ["EditConflict", "ForeignWal", "ImportOutcome", "Store", "StoreError"]


class EditConflict(StoreError):
    """A save found its segment changed underneath (by another window or process)."""

    def __init__(self, current: Segment, kept: str | None) -> None:
        self.current = current
        self.kept = kept
        note = "; your text is kept as a suggestion" if kept and kept != current.target else ""
        super().__init__(f"segment {current.id} was changed meanwhile (now {current.status.value}){note}")


class ImportOutcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    REVISED = "revised"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path) -> None:
        """Open (or create) the database, after the checks in guard.py; every fault is one
        StoreError line naming the file."""
        self.path = path
        self._identity: str | None = None
        _check_workspace_files(path)
        self._lock = SessionLock(path)
        alone = self._lock.acquire()
        try:
            if alone:  # never while this process holds SQLite's locks on the file (see _check_size)
                _check_size(path)
            unclean = alone and left_over_wal(path)
            if unclean:
                check_wal_belongs(path)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.row_factory = sqlite3.Row  # rows are read by column name, never by position
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = FULL")
            self._migrate()
            if unclean:
                self._quick_check()
            self._identity = self._ensure_identity()
        except sqlite3.Error as error:
            self._lock.release()
            raise StoreError(f"{path}: {_database_fault(error)}") from None
        except BaseException:
            self._lock.release()
            raise
        self._lock.share()

    def close(self) -> None:
        self._db.close()
        self._lock.release()

    def _value(self, sql: str, *parameters: object) -> Any:
        """The first column of the first row (a count, an id, a setting), or None without a row."""
        row = self._db.execute(sql, parameters).fetchone()
        return row[0] if row else None

    def _ensure_identity(self) -> str:
        """The database's id (guard.py), made once and checkpointed into the file at once."""
        found = self.meta(IDENTITY_KEY)
        if found is None:
            with self._transaction() as db:
                db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (IDENTITY_KEY, uuid.uuid4().hex)
                )
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            found = self.meta(IDENTITY_KEY) or ""
        return found

    def _quick_check(self) -> None:
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreError(
                f"{self.path}: damaged after a session that did not close cleanly ({problems[0]}); "
                "`workbench check` lists the problems; restore a copy made with `workbench backup`"
            )

    def check(self) -> list[str]:
        """Every problem `PRAGMA integrity_check` and `foreign_key_check` find; empty when sound."""
        try:
            problems = [row[0] for row in self._db.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [
                f"{table} row {rowid} points to a missing {parent} row"
                for table, rowid, parent, _ in self._db.execute("PRAGMA foreign_key_check")
            ]
        except sqlite3.DatabaseError as error:  # too damaged to walk at all
            return [_database_fault(error)]
        return problems

    def backup(self, destination: Path) -> None:
        """A consistent copy through SQLite's online backup API (other sessions may go on
        writing), with an id of its own: a WAL of this database is never replayed into it."""
        with sqlite3.connect(destination) as copy:
            self._db.backup(copy)
            copy.execute("UPDATE meta SET value = ? WHERE key = ?", (uuid.uuid4().hex, IDENTITY_KEY))
            copy.execute("DELETE FROM meta WHERE key = ?", (MARK_KEY,))
        copy.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE takes the write lock up front, so two writers queue, not deadlock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self._identity:  # the mark guard.py looks for in every WAL generation
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (MARK_KEY, f"{self._identity} {time.time_ns()}"),
                )
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._value("PRAGMA user_version")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer workbench (schema {version} > {SCHEMA_VERSION}); "
                "upgrade workbench to open it"
            )
        if version == SCHEMA_VERSION:
            return
        # Foreign keys off while tables are rebuilt: dropping a table would otherwise run its
        # ON DELETE actions and cut history rows loose from their segments.
        self._db.execute("PRAGMA foreign_keys = OFF")
        for number in range(version, SCHEMA_VERSION):
            # One script per migration, its version bump inside the same transaction.
            self._db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
            )
        self._db.execute("PRAGMA foreign_keys = ON")

    # --- articles -------------------------------------------------------------------------

    def save_article(self, article: Article) -> tuple[int, ImportOutcome]:
        """Store an imported article; a changed file becomes a new revision.

        In a new revision, a sentence whose text is unchanged keeps its segment row, and with it
        its status, reviewer text and history; a sentence that disappears takes its human work
        into retirement, and a later revision that has it again gets it back (`_replace_blocks`).
        """
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, content_hash FROM articles WHERE path = ?", (article.path,)
            ).fetchone()
            if row and row["content_hash"] == article.content_hash:
                return row["id"], ImportOutcome.UNCHANGED
            if row is None:
                article_id = self._insert_article(db, article)
                outcome = ImportOutcome.NEW
            else:
                article_id = row["id"]
                self._update_article(db, article_id, article)
                outcome = ImportOutcome.REVISED
            _set_page_metadata(db, article_id, article)
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
        """Put a revision's blocks in place of the old ones, keeping every segment's human work.

        A sentence takes over an old segment with the same text: a current one first, else one
        retired by an earlier revision, so its status, text, version and history come back. Old
        segments no sentence takes are retired (block_id NULL) when a human worked on them, and
        dropped otherwise (their machine translation stays in the cache).
        """
        old_blocks = [r[0] for r in db.execute("SELECT id FROM blocks WHERE article_id = ?", (article_id,))]
        reusable: dict[str, deque[int]] = defaultdict(deque)
        for segment_id, source in db.execute(
            "SELECT s.id, s.source FROM segments s LEFT JOIN blocks b ON b.id = s.block_id"
            " WHERE s.article_id = ? ORDER BY s.block_id IS NULL, b.position, s.position, s.id",
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
                    segment_id = db.execute(
                        "INSERT INTO segments (article_id, block_id, position, source, updated_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (article_id, block_id, position, sentence, now),
                    ).lastrowid
                    _relink_history(db, article_id, int(segment_id or 0), sentence)
        _retire(db, [i for ids in reusable.values() for i in ids])
        if old_blocks:
            marks = ",".join("?" * len(old_blocks))
            db.execute(f"DELETE FROM blocks WHERE id IN ({marks})", old_blocks)

    def articles(self) -> list[ArticleInfo]:
        return [_article_info(row) for row in self._db.execute(_ARTICLE_INFO_SQL + " ORDER BY a.id")]

    def article(self, article_id: int) -> ArticleInfo | None:
        row = self._db.execute(_ARTICLE_INFO_SQL + " WHERE a.id = ?", (article_id,)).fetchone()
        return _article_info(row) if row else None

    def article_id_for_content(self, path: str, content_hash: str) -> int | None:
        return self._value("SELECT id FROM articles WHERE path = ? AND content_hash = ?", path, content_hash)

    def article_id_for_path(self, path: str) -> int | None:
        return self._value("SELECT id FROM articles WHERE path = ?", path)

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

    def cached_translations(self, key: CacheKey, sources: Iterable[str]) -> dict[str, Translation]:
        found: dict[str, Translation] = {}
        for chunk, marks in _chunks(list(dict.fromkeys(sources))):
            for row in self._db.execute(
                "SELECT source, target, score, alignment, tokens FROM translations"
                f" WHERE mt_key = ? AND source IN ({marks})",
                (key.text(), *chunk),
            ):
                found[row["source"]] = Translation(
                    row["target"], _pairs(row["alignment"]), row["score"], row["tokens"]
                )
        return found

    def put_translations(
        self, key: CacheKey, results: Iterable[tuple[str, Translation]], segment_ids: Iterable[int]
    ) -> None:
        """Cache a batch of machine translations and make them current for these segments."""
        mt_key = key.text()
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

    def assign_translations(self, key: CacheKey, segment_ids: Iterable[int]) -> None:
        """Make cached translations current for these segments."""
        with self._transaction() as db:
            self._assign(db, key.text(), segment_ids)

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

    def change_segment(
        self,
        segment_id: int,
        target: str | None,
        status: Status,
        reviewer: str,
        expected_version: int | None = None,
        origin: str | None = None,
        languages: tuple[str, str] | None = None,
    ) -> Segment:
        """Set a segment's human text and status, with a history row, in one transaction.

        With `expected_version`, a segment changed meanwhile (by another process) is not
        overwritten: the new text is kept as a suggestion beside the current one and
        `EditConflict` says so. `languages` (source, target) go into the memory with an approval.
        """
        with self._transaction() as db:
            before = self._read_segment(db, segment_id)
            stale = expected_version is not None and before.version != expected_version
            if not stale:
                self._change(db, before, target, status, reviewer, origin, languages)
            elif target and target != before.target:
                db.execute(
                    "INSERT INTO suggestions (segment_id, text, origin, at) VALUES (?, ?, ?, ?)",
                    (segment_id, target, f"{reviewer}'s save over an older version", _now()),
                )
            after = self._read_segment(db, segment_id)
        if stale:
            raise EditConflict(after, target)
        return after

    def fill_from_memory(self, fills: Iterable[tuple[int, str]], reviewer: str) -> int:
        """Give segments an approved text from the translation memory, where no human owns them yet."""
        count = 0
        with self._transaction() as db:
            for segment_id, target in fills:
                before = self._read_segment(db, segment_id)
                if not before.status.is_human:
                    self._change(db, before, target, Status.EDITED, reviewer, origin="tm")
                    count += 1
        return count

    def _read_segment(self, db: sqlite3.Connection, segment_id: int) -> Segment:
        row = db.execute(_SEGMENT_SQL + " WHERE s.id = ?", (segment_id,)).fetchone()
        if row is None:
            raise StoreError(f"no segment {segment_id}")
        return _segment(row)

    def _change(
        self,
        db: sqlite3.Connection,
        before: Segment,
        target: str | None,
        status: Status,
        reviewer: str,
        origin: str | None,
        languages: tuple[str, str] | None = None,
    ) -> None:
        now = _now()
        db.execute(
            "INSERT INTO edits (segment_id, article_id, source, old_target, new_target,"
            " old_status, new_status, reviewer, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (before.id, before.article_id, before.source, before.target, target,
             before.status.value, status.value, reviewer, now),
        )  # fmt: skip
        stored = target if status.is_human else None
        same_text = stored is not None and stored == before.target and before.status.is_human
        db.execute(
            "UPDATE segments SET status = ?, target = ?, origin = ?, version = version + 1,"
            " alignment = CASE WHEN ? THEN alignment END,"
            " human_score = CASE WHEN ? THEN human_score END, updated_at = ? WHERE id = ?",
            (status.value, stored, origin if stored else None, same_text, same_text, now, before.id),
        )
        if before.status is Status.APPROVED and (status is not Status.APPROVED or not same_text):
            db.execute(
                "DELETE FROM memory WHERE source = ? AND target = ? AND origin = 'approved'"
                " AND NOT EXISTS (SELECT 1 FROM segments WHERE source = ? AND target = ?"
                " AND status = 'approved')",
                (before.source, before.target, before.source, before.target),
            )
        if status is Status.APPROVED and stored:
            db.execute(
                "INSERT OR REPLACE INTO memory (source, target, origin, reviewer, at, source_language,"
                " target_language) VALUES (?, ?, 'approved', ?, ?, ?, ?)",
                (before.source, stored, reviewer, now, *(languages or (None, None))),
            )
            db.execute("DELETE FROM suggestions WHERE segment_id = ?", (before.id,))

    def set_alignment(
        self, segment_id: int, target: str, alignment: tuple[WordPair, ...], score: float
    ) -> None:
        """Store the word alignment of a human text, unless the text changed meanwhile."""
        with self._transaction() as db:
            db.execute(
                "UPDATE segments SET alignment = ?, human_score = ? WHERE id = ? AND target = ?",
                (json.dumps(alignment), score, segment_id, target),
            )

    def history(self, segment_id: int) -> list[Edit]:
        return self._edits("e.segment_id = ?", segment_id)

    def article_history(self, article_id: int) -> list[Edit]:
        """Every history row of an article's current segments, oldest first."""
        return self._edits("s.article_id = ? AND s.block_id IS NOT NULL", article_id)

    def _edits(self, where: str, value: int) -> list[Edit]:
        rows = self._db.execute(
            "SELECT e.segment_id, e.old_target, e.new_target, e.old_status, e.new_status, e.reviewer,"
            f" e.at, e.step FROM edits e JOIN segments s ON s.id = e.segment_id WHERE {where}"
            " ORDER BY e.id",
            (value,),
        )
        return [Edit(r[0], r[1], r[2], Status(r[3]), Status(r[4]), r[5], r[6], r[7]) for r in rows]

    def suggestions(self, segment_id: int) -> list[tuple[str, str]]:
        """(text, origin) of the texts kept beside a segment after conflicting saves."""
        rows = self._db.execute(
            "SELECT text, origin FROM suggestions WHERE segment_id = ? ORDER BY id", (segment_id,)
        )
        return [(text, origin) for text, origin in rows]

    def segments_with_suggestions(self, article_id: int) -> set[int]:
        rows = self._db.execute(
            "SELECT DISTINCT g.segment_id FROM suggestions g JOIN segments s ON s.id = g.segment_id"
            " WHERE s.article_id = ?",
            (article_id,),
        )
        return {row["segment_id"] for row in rows}

    def machine_translations(self, source: str) -> list[tuple[str, str, float]]:
        """(mt_key, text, score) of every cached machine translation of a source text."""
        rows = self._db.execute(
            "SELECT mt_key, target, score FROM translations WHERE source = ? ORDER BY created_at DESC",
            (source,),
        )
        return [(key, text, score) for key, text, score in rows]

    # --- translation memory ------------------------------------------------------------------

    def add_memory(
        self,
        pairs: Iterable[tuple[str, str]],
        origin: str,
        reviewer: str,
        languages: tuple[str, str] | None = None,
    ) -> int:
        """Add (source, target) pairs of the `languages` (source, target); a pair already in the
        memory is kept as it is. Returns new ones."""
        now = _now()
        known = languages or (None, None)
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO memory (source, target, origin, reviewer, at, source_language,"
                " target_language) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(source, target, origin, reviewer, now, *known) for source, target in pairs],
            )
            return db.total_changes - before

    def memory_for(self, sources: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Exact matches: source -> (target, origin), the most recent entry where there are several."""
        found: dict[str, tuple[str, str]] = {}
        for chunk, marks in _chunks(list(dict.fromkeys(sources))):
            for row in self._db.execute(
                f"SELECT source, target, origin FROM memory WHERE source IN ({marks}) ORDER BY at, rowid",
                chunk,
            ):
                found[row["source"]] = (row["target"], row["origin"])
        return found

    def memory_sources(self) -> list[str]:
        return [row["source"] for row in self._db.execute("SELECT DISTINCT source FROM memory")]

    def memory_entries(
        self, origin_prefix: str = "", languages: tuple[str, str] | None = None
    ) -> list[tuple[str, str, str, str, str]]:
        """(source, target, origin, reviewer, at) rows whose origin starts with `origin_prefix`,
        and, with `languages`, of that (source, target) language pair only."""
        pair = " AND source_language = ? AND target_language = ?" if languages else ""
        rows = self._db.execute(
            "SELECT source, target, origin, reviewer, at FROM memory"
            f" WHERE substr(origin, 1, ?) = ?{pair} ORDER BY at, rowid",
            (len(origin_prefix), origin_prefix, *(languages or ())),
        )
        return [(row["source"], row["target"], row["origin"], row["reviewer"], row["at"]) for row in rows]

    # --- summaries -------------------------------------------------------------------------

    def summary(self, article_id: int, settings_key: str) -> tuple[str, str] | None:
        """(text hash, JSON body) of the stored summary, if any."""
        row = self._db.execute(
            "SELECT text_hash, body FROM summaries WHERE article_id = ? AND settings_key = ?",
            (article_id, settings_key),
        ).fetchone()
        return (row["text_hash"], row["body"]) if row else None

    def put_summary(self, article_id: int, settings_key: str, text_hash: str, body: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO summaries (article_id, settings_key, text_hash, body, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (article_id, settings_key, text_hash, body, _now()),
            )

    # --- model fingerprints -----------------------------------------------------------------

    def model_hash(self, path: str, signature: str) -> str | None:
        return self._value(
            "SELECT sha256 FROM model_hashes WHERE path = ? AND signature = ?", path, signature
        )

    def put_model_hash(self, path: str, signature: str, sha256: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO model_hashes (path, signature, sha256) VALUES (?, ?, ?)",
                (path, signature, sha256),
            )

    # --- workspace facts ---------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        return self._value("SELECT value FROM meta WHERE key = ?", key)

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def has_human_work(self) -> bool:
        """Whether any reviewer text exists (it is in the workspace's target language)."""
        found = self._db.execute(
            "SELECT 1 FROM segments WHERE status IN ('edited', 'approved', 'needs-work') LIMIT 1"
        ).fetchone()
        return found is not None

    def integrity_ok(self) -> bool:
        return self._value("PRAGMA integrity_check") == "ok"

    # --- pages fetched from the web (issue 18) -----------------------------------------------

    def save_page(self, article: Article, fetch: FetchedPage) -> tuple[int, ImportOutcome]:
        """Store an article fetched from the web, then the bytes it was made from (written
        again for an unchanged page, so a page row lost to a crash between the two comes back)."""
        article_id, outcome = self.save_article(article)
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO pages (article_id, final_url, redirects, content_type,"
                " fetched_at, body) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    fetch.final_url,
                    json.dumps(list(fetch.redirects)),
                    fetch.content_type,
                    _now(),
                    fetch.body,
                ),
            )
        return article_id, outcome

    def page(self, article_id: int) -> FetchedPage | None:
        row = self._db.execute(
            "SELECT a.path, p.final_url, p.redirects, p.content_type, p.body"
            " FROM pages p JOIN articles a ON a.id = p.article_id WHERE p.article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return FetchedPage(
            row["path"],
            row["final_url"],
            tuple(json.loads(row["redirects"])),
            row["content_type"],
            bytes(row["body"]),
        )

    def imported_at(self, article_id: int) -> datetime | None:
        """When the article's current revision was imported (UTC)."""
        imported = self._value("SELECT imported_at FROM articles WHERE id = ?", article_id)
        return datetime.fromisoformat(imported) if imported else None

    def article_id_for_url(self, url: str) -> int | None:
        """An article by the address it was fetched from or the canonical URL its page names."""
        return self._value(
            "SELECT id FROM articles WHERE path = ? OR url = ? ORDER BY path = ? DESC, id LIMIT 1",
            url,
            url,
            url,
        )


def _set_page_metadata(db: sqlite3.Connection, article_id: int, article: Article) -> None:
    """The web metadata of an import: URL, author, publication date (NULL for a text file)."""
    db.execute(
        "UPDATE articles SET url = ?, author = ?, published = ? WHERE id = ?",
        (article.url, article.author, article.date, article_id),
    )


def _retire(db: sqlite3.Connection, segment_ids: list[int]) -> None:
    """Detach segments from their blocks before the blocks go: those with human work, history
    or suggestions are kept (retired), the others deleted."""
    for chunk, marks in _chunks(segment_ids):
        db.execute(
            f"UPDATE segments SET block_id = NULL WHERE id IN ({marks})"
            " AND (status IN ('edited', 'approved', 'needs-work')"
            " OR EXISTS (SELECT 1 FROM edits e WHERE e.segment_id = segments.id)"
            " OR EXISTS (SELECT 1 FROM suggestions g WHERE g.segment_id = segments.id))",
            chunk,
        )
        db.execute(f"DELETE FROM segments WHERE id IN ({marks}) AND block_id IS NOT NULL", chunk)


def _relink_history(db: sqlite3.Connection, article_id: int, segment_id: int, source: str) -> None:
    """A new segment takes the history rows its sentence left behind in this article before
    segments were retired (workspaces from before schema 5), and the human text they end with."""
    linked = db.execute(
        "UPDATE edits SET segment_id = ? WHERE article_id = ? AND source = ? AND segment_id IS NULL",
        (segment_id, article_id, source),
    ).rowcount
    if not linked:
        return
    status, target = db.execute(
        "SELECT new_status, new_target FROM edits WHERE segment_id = ? ORDER BY id DESC LIMIT 1",
        (segment_id,),
    ).fetchone()
    if Status(status).is_human:
        db.execute(
            "UPDATE segments SET status = ?, target = ?, version = ? WHERE id = ?",
            (status, target, linked, segment_id),
        )


def _chunks(values: list, size: int = 500) -> Iterator[tuple[list, str]]:
    """`values` in pieces SQLite takes as one `IN (...)` list, with that list's placeholders."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def _check_workspace_files(path: Path) -> None:
    """One-line errors for what SQLite would report as a traceback or a bare "unable to open":
    a workspace that is a file, a database that is a directory or device (a truncated file:
    `_check_size`)."""
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreError(f"{path.parent}: is a file, not a workspace directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"{path}: cannot open ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path}: not a regular file, so not a workspace database")


def _check_size(path: Path) -> None:
    """A truncated database file as a one-line error.

    Reads the header with a plain file handle, so only when no Store has the file open: closing
    any handle on a file drops every POSIX lock the process holds on it, SQLite's included. A
    session whose locks are gone looks closed to the others, and the next process to close its
    connection deletes the write-ahead log and shared memory under it: its later saves go into
    an unlinked file and are lost, and its next connection fails with "disk I/O error".
    """
    try:
        info = path.stat()
    except OSError:
        return
    expected = _header_size(path)
    if expected is not None and info.st_size < expected:
        raise StoreError(
            f"{path}: truncated ({info.st_size:,} of {expected:,} bytes); restore a copy made with "
            "`workbench backup`"
        )


def _header_size(path: Path) -> int | None:
    """The size the database header records (page size x pages), when the header vouches for it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = header[24:28], int.from_bytes(header[28:32], "big"), header[92:96]
    return page_size * pages if change_counter == valid_for and pages else None


def _database_fault(error: sqlite3.Error) -> str:
    """SQLite's reason, with what to do about the common ones."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if "not a database" in reason or "malformed" in reason:
        return f"not a sound workbench database ({reason}); restore a copy made with `workbench backup`"
    if "readonly" in reason or "unable to open" in reason:
        return f"cannot open for writing ({reason}); check the workspace's permissions and free space"
    return reason


_ARTICLE_INFO_SQL = """
SELECT a.id, a.path, a.title, a.outlet, a.language, a.revision,
       (SELECT COUNT(*) FROM segments s JOIN blocks b ON b.id = s.block_id
         WHERE s.article_id = a.id AND b.kind = 'body') AS segments,
       (SELECT COUNT(*) FROM segments s JOIN blocks b ON b.id = s.block_id
         WHERE s.article_id = a.id AND b.kind = 'body' AND s.status != 'untranslated') AS translated,
       (SELECT COUNT(*) FROM segments s JOIN blocks b ON b.id = s.block_id
         WHERE s.article_id = a.id AND b.kind = 'body' AND s.status IN ('edited', 'approved', 'needs-work'))
         AS reviewed,
       a.url, a.author, a.published AS date
FROM articles a
"""

_SEGMENT_SQL = """
SELECT s.id, s.article_id, b.position AS block_position, s.position, s.source, b.kind, b.reason,
       b.language, b.is_title, s.status, s.target AS human_target, s.mt_key, t.target AS mt_target,
       t.score AS mt_score, t.alignment AS mt_alignment, s.origin, s.alignment AS human_alignment,
       s.human_score, s.version
FROM segments s
JOIN blocks b ON b.id = s.block_id
LEFT JOIN translations t ON t.mt_key = s.mt_key AND t.source = s.source
"""


def _article_info(row: sqlite3.Row) -> ArticleInfo:
    return ArticleInfo(**{name: row[name] for name in _ARTICLE_INFO_FIELDS})


_ARTICLE_INFO_FIELDS = tuple(field.name for field in fields(ArticleInfo))


def _segment(row: sqlite3.Row) -> Segment:
    """A segment's current text: the human one in a human state, else its machine translation,
    with the word alignment that belongs to that text (none yet: stale, for a human text)."""
    status = Status(row["status"])
    mt_target = row["mt_target"]
    target = row["human_target"] if status.is_human else mt_target
    stale = False
    if status.is_human and row["human_alignment"] is not None:
        pairs, score = _pairs(row["human_alignment"]), row["human_score"]
    elif target is not None and target == mt_target and row["mt_alignment"]:
        pairs, score = _pairs(row["mt_alignment"]), row["mt_score"]  # aligned when translated
    else:
        pairs, score = (), None
        stale = status.is_human and target is not None
    return Segment(
        id=row["id"],
        article_id=row["article_id"],
        block_position=row["block_position"],
        position=row["position"],
        source=row["source"],
        kind=BlockKind(row["kind"]),
        reason=row["reason"],
        language=row["language"],
        is_title=bool(row["is_title"]),
        status=status,
        target=target,
        score=score,
        alignment=pairs,
        mt_key=row["mt_key"],
        mt_text=mt_target,
        origin=row["origin"],
        alignment_stale=stale,
        version=row["version"],
    )


def _pairs(alignment: str) -> tuple[WordPair, ...]:
    return tuple((int(a), int(b)) for a, b in json.loads(alignment))
