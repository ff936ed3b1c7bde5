"""Defects found by driving the TUI as a reviewer (issue 17's audit), each fixed outside the
article grid: a pilot test per fix."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, TextArea

from tests.integration.test_tui import _open_article, _record_notices, _settle
from tests.paths import SEEDS
from workbench import cli
from workbench.store.guard import StoreError
from workbench.tui.app import WorkbenchApp
from workbench.tui.article_list_screen import SORTS
from workbench.tui.summary_pane import SummaryPane


def _failing_clone(app: WorkbenchApp, monkeypatch: pytest.MonkeyPatch) -> str:
    reason = f"{app.bench.workspace.db_path}: disk I/O error"

    def clone() -> None:
        raise StoreError(reason)

    monkeypatch.setattr(app.bench, "clone", clone)
    return reason


async def test_a_worker_connection_that_cannot_open_is_a_notice_not_a_crash(
    open_app, article_file, monkeypatch
) -> None:
    """A worker's own connection failing to open (a locked or damaged workspace) used to end the
    app with a traceback; the summary says why instead, and the article stays open."""
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        reason = _failing_clone(app, monkeypatch)
        await pilot.press("s")
        await _settle(app, pilot)
        assert app.is_running and app.screen is screen
        assert app.status.last_error == reason
        assert screen.query_one(SummaryPane).border_title == "summary"


async def test_an_import_whose_connection_cannot_open_is_a_notice(
    open_app, article_file, monkeypatch
) -> None:
    app = open_app([article_file])
    reason = _failing_clone(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        assert app.is_running and app.status.state == "ready" and app.status.last_error == reason


async def test_every_sorted_column_shows_its_mark_whole(open_app) -> None:
    """The ▼ of the sorted column was cut off in the narrow lang, translated and reviewed columns."""
    app = open_app([SEEDS])
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        marked = []
        for _ in SORTS[1:]:
            await pilot.press("f2")
            heads = [(column.label.plain, column.width) for column in table.columns.values()]
            marked += [(label, width) for label, width in heads if "▼" in label]
            assert sum(width + 2 for _, width in heads) <= 80  # the columns still fit
        assert [label for label, _ in marked] == ["title▼", "lang▼", "translated▼", "reviewed▼", "date▼"]
        assert all(len(label) <= width for label, width in marked)


async def test_home_and_end_go_to_the_first_and_last_article(open_app) -> None:
    app = open_app([SEEDS])
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 4
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_the_list_footer_says_how_to_open_an_article(open_app) -> None:
    app = open_app([SEEDS])
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        shown = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"Open", "Sort", "Help"} <= shown
        await pilot.press("down", "enter")
        await _settle(app, pilot)
        assert app.screen.article_id == 2


async def test_the_cache_count_belongs_to_the_article_in_view(open_app, article_file) -> None:
    """`n of m from cache` and `done` (or `cancelled`) were the last run's, shown on the list and on
    every article after it."""
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_article(app, pilot)
        assert "from cache" in app.status.render()
        await pilot.press("escape")
        await _settle(app, pilot)
        assert "from cache" not in app.status.render()
        assert app.status.state == "ready"  # "done" was the article's
        await _open_article(app, pilot)  # translated already: no run, so no count
        assert "from cache" not in app.status.render() and app.status.state == "ready"


async def test_an_empty_save_names_the_segment_as_the_reader_counts_it(open_app) -> None:
    """`segment 25: an empty translation…` for the 4th segment of article 2: the rule's message
    had a colon after the id, so the TUI's id → number swap missed it."""
    app = open_app([SEEDS])
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("down")
        screen = await _open_article(app, pilot)
        await pilot.press("j", "e")
        await pilot.pause()
        screen.query_one(TextArea).clear()
        await pilot.press("enter")
        await pilot.pause()
        said = [n for n in notices if "empty translation" in n]
        assert said and "segment 4 " in said[-1], notices


def test_the_cli_names_the_segment_by_the_number_it_was_given(tmp_path, capsys) -> None:
    workspace = ["-w", str(tmp_path / "ws")]
    assert cli.main([*workspace, "import", "--quiet", str(SEEDS)]) == 0
    assert cli.main([*workspace, "edit", "2", "4", "  "]) == 1
    error = capsys.readouterr().err
    assert "segment 4 cannot be saved as an empty translation" in error, error


async def test_notices_leave_the_segment_info_and_status_lines_in_view(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("d")  # says "diff against the machine translation on"
        await pilot.pause(0.2)
        toasts = list(app.screen.query("Toast"))
        assert toasts
        for name in ("#segment-info", "#progress-line", "#status-bar"):
            line = screen.query_one(name).region
            assert not any(toast.region.overlaps(line) for toast in toasts), name
        await pilot.press("e")  # the editor's row is not hidden under a notice already read
        await pilot.pause(0.2)
        assert not list(app.screen.query("Toast"))


async def test_undoing_a_replace_names_segments_as_the_reader_counts_them(open_app, article_file) -> None:
    from workbench.tui.article_screen import ArticleScreen

    app = open_app([SEEDS / "002_e2235c48d83a146a.txt", article_file])  # ids differ from numbers
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press(*"beteiligung")
        screen = await _open_article(app, pilot)
        assert isinstance(screen, ArticleScreen) and screen.rows[0].segment.id > 1
        screen._replace("Russia", "Moscow")
        changed = [i for i, row in enumerate(screen.rows) if row.segment.id in screen.last_replace]
        first = screen.rows[changed[0]]
        app.bench.undo_segment(first.segment.id)  # changed elsewhere after the replace
        screen.reload_segments()
        await pilot.press("ctrl+z")
        said = next(n for n in notices if "changed after the replace" in n)
        assert said.startswith(f"segment {changed[0] + 1} ") and first.segment.id != changed[0] + 1


async def test_undoing_a_replace_keeps_an_edit_made_after_it(open_app, article_file) -> None:
    """ctrl+z takes back the replace, not a reviewer's later edit of one of its segments."""
    app = open_app([article_file])
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        before = {row.segment.id: row.segment.target for row in screen.rows}
        screen._replace("Russia", "Moscow")
        replaced = [row for row in screen.rows if row.segment.id in screen.last_replace]
        assert len(replaced) >= 2
        mine = replaced[0].segment.id
        screen._move_to(screen.rows.index(replaced[0]))
        await pilot.press("e", "end", *" mine", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        after = {row.segment.id: row.segment.target for row in screen.rows}
        assert after[mine].endswith(" mine") and "Moscow" in after[mine]
        assert all(after[row.segment.id] == before[row.segment.id] for row in replaced[1:])
        assert f"undid the replace in {len(replaced) - 1} translation" in " ".join(notices)


async def test_history_lists_the_newest_change_first(open_app, article_file) -> None:
    from workbench.tui.dialogs import HistoryDialog

    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        segment_id = screen.current.segment.id
        for text in ("First edit.", "Second edit.", "Third edit."):
            app.bench.edit_segment(segment_id, text)
        screen.reload_segments()
        await pilot.press("H")
        assert isinstance(app.screen, HistoryDialog)
        lines = [str(s.render()) for s in app.screen.query("Static") if "→" in str(s.render())]
        assert "Third edit." in lines[0] and "First edit." in lines[-1]
        await pilot.press("escape", "u", "U", "H")  # undo and redo rows say what they were
        lines = [str(s.render()) for s in app.screen.query("Static") if "→" in str(s.render())]
        assert "(redo)" in lines[0] and "(undo)" in lines[1] and "(undo)" not in lines[2]
