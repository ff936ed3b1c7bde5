"""The translation memory's pairs carry their languages (issue 20: adapt trains a model on its
own pair only): approvals and TMX imports record them, and the migration fills them for the
approved pairs of an existing workspace."""

from __future__ import annotations

import sqlite3

from workbench.store.database import Store
from workbench.store.schema import MIGRATIONS, SCHEMA_VERSION

LANGUAGES = next(i for i, script in enumerate(MIGRATIONS) if "memory ADD COLUMN source_language" in script)


def test_migration_fills_the_languages_of_approved_pairs(tmp_path) -> None:
    path = tmp_path / "workbench.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:LANGUAGES]):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number + 1}; COMMIT;")
    db.executescript(
        "INSERT INTO meta VALUES ('target_language', 'en');"
        "INSERT INTO articles (id, path, title, outlet, language, content_hash, encoding, revision,"
        " imported_at) VALUES (1, '/a.txt', 'T', NULL, 'de', 'h', 'utf-8', 1, 'now');"
        "INSERT INTO blocks VALUES (1, 1, 0, 'body', 'body', 'fr', 0, 'Phrase.');"
        "INSERT INTO blocks VALUES (2, 1, 1, 'body', 'body', 'und', 0, 'Satz.');"
        "INSERT INTO segments (id, article_id, block_id, position, source, status, target, updated_at)"
        " VALUES (1, 1, 1, 0, 'Phrase.', 'approved', 'Sentence.', 'now'),"
        " (2, 1, 2, 0, 'Satz.', 'approved', 'Sentence.', 'now');"
        "INSERT INTO memory VALUES ('Phrase.', 'Sentence.', 'approved', 'ana', 'now'),"
        " ('Satz.', 'Sentence.', 'approved', 'ana', 'now'), ('Wort.', 'Word.', 'tmx:a.tmx', 'ana', 'now');"
    )
    db.close()
    store = Store(path)
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # a block's own language; one too short to tell ('und') takes the article's
        assert [r[0] for r in store.memory_entries("", ("fr", "en"))] == ["Phrase."]
        assert [r[0] for r in store.memory_entries("", ("de", "en"))] == ["Satz."]
        assert len(store.memory_entries("")) == 3  # the imported pair's languages stay unknown
    finally:
        store.close()


def test_added_pairs_keep_their_languages(tmp_path) -> None:
    store = Store(tmp_path / "workbench.db")
    try:
        assert store.add_memory([("Satz.", "Sentence.")], "tmx:a.tmx", "ana", ("de", "en")) == 1
        assert store.add_memory([("Phrase.", "Sentence.")], "tmx:b.tmx", "ana", ("fr", "en")) == 1
        assert [r[0] for r in store.memory_entries("tmx:", ("de", "en"))] == ["Satz."]
        assert store.memory_entries("tmx:", ("de", "fr")) == []
    finally:
        store.close()
