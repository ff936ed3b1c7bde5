"""The article grid draws only the lines on screen: a long article costs no more widgets than a
short one, a row that grows moves the rows below it, and the inline editor stays over its row."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_tui import _open_article, _shown
from tests.paths import ROOT
from workbench.tui.article_screen import ArticleScreen
from workbench.tui.inline_editor import InlineEditor

PAIRS = ROOT / "tests" / "fixtures" / "de_en_news.tsv"


def _long_article(folder: Path, sentences: int) -> Path:
    """An article of `sentences` distinct sentences built from the fixture's sources."""
    sources = [line.split("\t")[0] for line in PAIRS.read_text(encoding="utf-8").splitlines() if "\t" in line]
    lines = [f"{sources[n % len(sources)].rstrip('.')} ({n})." for n in range(sentences)]
    path = folder / "long.txt"
    path.write_text("Ein langer Artikel\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _widgets(screen: ArticleScreen) -> int:
    return len(list(screen.walk_children(with_self=False)))


async def test_a_long_article_takes_no_more_widgets_than_a_short_one(
    open_app, article_file, tmp_path
) -> None:
    long_article = _long_article(tmp_path, 400)
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        short_widgets = _widgets(await _open_article(app, pilot))
    app = open_app([long_article])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"langer", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleScreen) and len(screen.rows) == 401
        assert _widgets(screen) == short_widgets  # rows are drawn, not mounted
        await pilot.press("x")  # no need to translate it all
        await pilot.press("end")
        await pilot.pause()
        assert screen.cursor == 400
        assert screen.grid.scroll_y > 0 and "(399)" in _shown(screen, 400)
        last = screen.grid.row_region(400)
        assert last.bottom == screen.grid.virtual_size.height  # the last row ends the grid


async def test_a_growing_row_moves_the_rows_below_and_the_editor_follows_its_row(
    open_app, article_file
) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down", "e")
        editor = screen.query_one(InlineEditor)
        grid, row = screen.grid, screen.cursor
        below = next(i for i in range(row + 1, len(screen.rows)) if screen._visible(i))
        gap = screen.rows[below].paragraph_start
        before = grid.row_region(row).height
        editor.text = " ".join(["a longer translation that wraps over several lines"] * 4)
        await pilot.pause()
        await pilot.pause()
        grown = grid.row_region(row)
        assert grown.height == editor.size.height > before
        assert grid.row_region(below).y == grown.bottom + gap  # the next row moved down
        assert editor.region.offset == grid.target_cell(row).offset
        grid.scroll_to(y=2, animate=False, immediate=True)
        await pilot.pause()
        assert editor.region.offset == grid.target_cell(row).offset  # it scrolls with its row
        grid.scroll_to(y=grid.virtual_size.height, animate=False, immediate=True)
        await pilot.pause()
        assert grid.region.contains_region(editor.region)  # the row being edited stays in view
        assert editor.region.offset == grid.target_cell(row).offset
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.editor is None
        assert "several lines" in _shown(screen, row)


async def test_the_cursor_row_stays_in_view_when_the_terminal_shrinks(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down", "down", "down", "down", "down")
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        grid = screen.grid
        row = grid.row_region(screen.cursor)
        assert grid.scroll_y <= row.y and row.bottom <= grid.scroll_y + grid.scrollable_content_region.height
