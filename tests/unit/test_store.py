"""The SQLite store on a real file: pragmas, revisions that keep edits, history, schema guard."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.cache_key import CacheKey
from workbench.ingest.article import parse_article
from workbench.records import Status, Translation
from workbench.store.database import ImportOutcome, Store, StoreError
from workbench.store.schema import SCHEMA_VERSION

TEXT = "Die Lage im Osten\n\nDer Kreml schweigt. Die Lage ist ernst.\n\nDie Soldaten kämpfen in Kursk.\n"


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "workbench.db")
    yield opened
    opened.close()


def _article(text: str = TEXT, content_hash: str = "h1"):
    return parse_article(text, "/news/a.txt", content_hash)


def test_database_is_wal_with_foreign_keys(store: Store) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reimporting_unchanged_content_is_a_no_op(store: Store) -> None:
    first = store.save_article(_article())
    again = store.save_article(_article())
    assert first[1] is ImportOutcome.NEW
    assert again == (first[0], ImportOutcome.UNCHANGED)
    assert store.article(first[0]).revision == 1


def test_new_revision_keeps_edits_of_unchanged_segments(store: Store) -> None:
    article_id, _ = store.save_article(_article())
    kept = next(s for s in store.segments(article_id) if s.source == "Der Kreml schweigt.")
    gone = next(s for s in store.segments(article_id) if s.source == "Die Lage ist ernst.")
    store.change_segment(kept.id, "The Kremlin stays silent.", Status.EDITED, "ana")
    store.change_segment(gone.id, "The situation is grave.", Status.EDITED, "ana")

    revised = TEXT.replace("Die Lage ist ernst.", "Die Lage ist sehr ernst.")
    assert store.save_article(_article(revised, "h2")) == (article_id, ImportOutcome.REVISED)

    segments = {s.source: s for s in store.segments(article_id)}
    assert store.article(article_id).revision == 2
    assert segments["Der Kreml schweigt."].id == kept.id
    assert segments["Der Kreml schweigt."].target == "The Kremlin stays silent."
    assert segments["Der Kreml schweigt."].status is Status.EDITED
    assert segments["Die Lage ist sehr ernst."].status is Status.UNTRANSLATED
    assert "Die Lage ist ernst." not in segments
    # The history of the segment that disappeared is still in the database.
    rows = store._db.execute("SELECT new_target FROM edits WHERE source = 'Die Lage ist ernst.'").fetchall()
    assert [row["new_target"] for row in rows] == ["The situation is grave."]


def test_machine_translation_never_overwrites_a_human_edit(store: Store) -> None:
    article_id, _ = store.save_article(_article())
    segment = store.segments(article_id)[1]
    store.change_segment(segment.id, "Human text.", Status.EDITED, "ana")
    mt = Translation("Machine text.", ((0, 0),), -0.1, 3)
    store.put_translations(CacheKey(model="m"), [(segment.source, mt)], [segment.id])
    after = store.segment(segment.id)
    assert after.target == "Human text."
    assert after.status is Status.EDITED


def test_cached_translation_round_trip(store: Store) -> None:
    article_id, _ = store.save_article(_article())
    segment = store.segments(article_id)[0]
    mt = Translation("The situation in the east", ((0, 0), (1, 1), (3, 4)), -0.25, 6)
    store.put_translations(CacheKey(model="a"), [(segment.source, mt)], [segment.id])
    assert store.cached_translations(CacheKey(model="a"), [segment.source]) == {segment.source: mt}
    assert store.cached_translations(CacheKey(model="b"), [segment.source]) == {}
    current = store.segment(segment.id)
    assert (current.status, current.target, current.alignment) == (Status.MT, mt.text, mt.alignment)


def test_history_records_every_change(store: Store) -> None:
    article_id, _ = store.save_article(_article())
    segment = store.segments(article_id)[1]
    store.change_segment(segment.id, "First.", Status.EDITED, "ana")
    store.change_segment(segment.id, "First.", Status.APPROVED, "ben")
    history = store.history(segment.id)
    assert [(h.old_status, h.new_status, h.reviewer) for h in history] == [
        (Status.UNTRANSLATED, Status.EDITED, "ana"),
        (Status.EDITED, Status.APPROVED, "ben"),
    ]


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workbench.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer workbench"):
        Store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_migration_to_the_review_schema_keeps_segments_history_and_approvals(tmp_path: Path) -> None:
    """A workspace written before the review schema (version 2) opens with nothing lost."""
    from workbench.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(
        f"BEGIN; {MIGRATIONS[0]}; {MIGRATIONS[1]}; PRAGMA user_version = 2; COMMIT;"
        """
        INSERT INTO articles VALUES (1, 'a.txt', 'T', NULL, 'de', 'h', 'utf-8', 1, 'now');
        INSERT INTO blocks VALUES (1, 1, 0, 'body', 'r', 'de', 0, 'Der Kreml schweigt. Es gab Verluste.');
        INSERT INTO segments VALUES (7, 1, 1, 0, 'Der Kreml schweigt.', 'approved', 'The Kremlin is silent.',
                                     NULL, 'now');
        INSERT INTO segments VALUES (8, 1, 1, 1, 'Es gab Verluste.', 'untranslated', NULL, NULL, 'now');
        INSERT INTO edits VALUES (1, 7, 1, 'Der Kreml schweigt.', NULL, 'The Kremlin is silent.',
                                  'untranslated', 'approved', 'ana', 'now');
        """
    )
    old.close()
    store = Store(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.integrity_ok()
    kept = store.segment(7)
    assert (kept.status, kept.target, kept.version) == (Status.APPROVED, "The Kremlin is silent.", 0)
    assert [(e.segment_id, e.reviewer) for e in store.history(7)] == [(7, "ana")]  # still linked
    assert store.memory_for(["Der Kreml schweigt."]) == {
        "Der Kreml schweigt.": ("The Kremlin is silent.", "approved")
    }
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.change_segment(8, "Losses.", Status.NEEDS_WORK, "ben")  # the new state is allowed
    assert store.segment(8).status is Status.NEEDS_WORK
    store.close()


def test_an_article_that_fails_midway_through_saving_leaves_nothing_behind(store: Store, monkeypatch) -> None:
    """A save is one transaction: a failure after some rows were written rolls all of them back."""
    first, _ = store.save_article(_article())
    before = (store.articles(), store.segments(first))
    write_blocks = store._replace_blocks

    def write_then_fail(db, article_id, blocks) -> None:
        write_blocks(db, article_id, blocks)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_replace_blocks", write_then_fail)
    with pytest.raises(sqlite3.OperationalError):
        store.save_article(parse_article(TEXT, "/news/b.txt", "h2"))
    assert (store.articles(), store.segments(first)) == before
    assert sqlite3.connect(store.path).execute("SELECT count(*) FROM segments").fetchone()[0] == len(
        before[1]
    )
    assert store.integrity_ok()
