"""A file that changes and changes back keeps every reviewer edit (issue 16): real files, real SQLite."""

from __future__ import annotations

import shutil
import sqlite3

from tests.paths import SEEDS
from workbench.records import Status
from workbench.service import Workbench
from workbench.settings import load_workspace
from workbench.store.database import Store
from workbench.store.schema import MIGRATIONS, SCHEMA_VERSION


def _bench(tmp_path) -> Workbench:
    return Workbench(load_workspace(str(tmp_path / "W"), {}, env={}))


def test_truncate_and_restore_brings_every_edit_back(tmp_path) -> None:
    source = tmp_path / "a.txt"
    shutil.copy(SEEDS / "000_bb1e4186efedc55e.txt", source)
    text = source.read_text()
    with _bench(tmp_path) as bench:
        (imported,) = bench.import_paths([source])
        body = [s for s in bench.segments(imported.article_id) if s.kind.value == "body"][1:6]
        for number, segment in enumerate(body):
            status = Status.APPROVED if number == 0 else Status.EDITED
            bench.store.change_segment(segment.id, f"edit {number}", status, "ana")
        edited = {s.source: bench.store.segment(s.id) for s in body}

        source.write_text(text.splitlines()[0] + "\n")  # a revision without those sentences
        assert bench.import_paths([source])[0].outcome.value == "revised"
        current = {s.source for s in bench.segments(imported.article_id)}
        assert not current & set(edited)
        assert bench.store.has_human_work()  # retired, not deleted

        source.write_text(text)
        assert bench.import_paths([source])[0].outcome.value == "revised"
        back = {s.source: s for s in bench.segments(imported.article_id)}
        for sentence, before in edited.items():
            after = back[sentence]
            assert (after.id, after.status, after.target, after.version) == (
                before.id, before.status, before.target, before.version,
            )  # fmt: skip
            (row,) = bench.store.history(after.id)
            assert (row.new_target, row.reviewer) == (before.target, "ana")
        assert len(bench.store.article_history(imported.article_id)) == 5
        assert bench.store.memory_for([body[0].source]) == {body[0].source: ("edit 0", "approved")}
        assert bench.store.integrity_ok()


def test_machine_only_segments_are_not_kept_when_their_sentence_goes(tmp_path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Titel\n\nDer erste Satz. Der zweite Satz.\n")
    with _bench(tmp_path) as bench:
        bench.import_paths([source])
        source.write_text("Titel\n\nDer erste Satz.\n")
        bench.import_paths([source])
        db = sqlite3.connect(tmp_path / "W" / "workbench.db")
        assert db.execute("SELECT COUNT(*) FROM segments WHERE block_id IS NULL").fetchone()[0] == 0


def test_history_left_unlinked_by_an_older_workbench_is_linked_again(tmp_path) -> None:
    """Workspaces from before schema 5 deleted segments and cut their history rows loose."""
    source = tmp_path / "a.txt"
    source.write_text("Titel\n\nDer erste Satz. Der zweite Satz.\n")
    with _bench(tmp_path) as bench:
        (imported,) = bench.import_paths([source])
        second = bench.segments(imported.article_id)[-1]
        bench.store.change_segment(second.id, "The second sentence.", Status.EDITED, "ana")
        with bench.store._transaction() as db:  # what an old revision did
            db.execute("UPDATE edits SET segment_id = NULL")
            db.execute("DELETE FROM segments WHERE id = ?", (second.id,))
        source.write_text("Titel\n\nDer erste Satz. Der zweite Satz. Ein dritter.\n")
        bench.import_paths([source])
        back = next(s for s in bench.segments(imported.article_id) if s.source == second.source)
        assert (back.status, back.target, back.version) == (Status.EDITED, "The second sentence.", 1)
        assert [e.new_target for e in bench.store.history(back.id)] == ["The second sentence."]


def test_migration_to_retired_segments_keeps_every_row(tmp_path) -> None:
    path = tmp_path / "workbench.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number + 1}; COMMIT;")
    db.executescript(
        "INSERT INTO articles VALUES (1, '/a.txt', 'T', NULL, 'de', 'h', 'utf-8', 1, 'now');"
        "INSERT INTO blocks VALUES (1, 1, 0, 'body', 'body', 'de', 1, 'Satz.');"
        "INSERT INTO segments (id, article_id, block_id, position, source, status, target, version,"
        " updated_at) VALUES (7, 1, 1, 0, 'Satz.', 'approved', 'Sentence.', 3, 'now');"
        "INSERT INTO edits VALUES (1, 7, 1, 'Satz.', NULL, 'Sentence.', 'mt', 'approved', 'ana', 'now');"
    )
    db.close()
    store = Store(path)
    try:
        (segment,) = store.segments(1)
        assert (segment.id, segment.status, segment.target, segment.version) == (
            7,
            Status.APPROVED,
            "Sentence.",
            3,
        )
        assert [e.reviewer for e in store.history(7)] == ["ana"]
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store._db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.integrity_ok()
    finally:
        store.close()
