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


async def test_the_cursor_row_stays_in_view_when_the_segment_info_grows(open_app, article_file) -> None:
    """A memory match adds a line under the grid, so the grid shrinks after the cursor moved."""
    app = open_app([article_file])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_article(app, pilot)
        grid = screen.grid
        last = max(i for i in range(len(screen.rows)) if screen._visible(i))
        app.bench.store.add_memory([(screen.rows[last].segment.source, "A memory text.")], "tmx:t.tmx", "ben")
        await pilot.press("home")
        while screen.cursor < last:
            await pilot.press("down")
            await pilot.pause()
            row = grid.row_region(screen.cursor)
            view = grid.scrollable_content_region.height
            assert grid.scroll_y <= row.y and row.bottom <= grid.scroll_y + view, screen.cursor
        assert "memory 100%: A memory text." in str(screen.query_one("#segment-info").render())


async def _burst(app, pilot, keys: list[str]) -> None:
    """Keys as a terminal sends a fast typist's keys: all queued before the app reads the first."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, " " if key == "space" else (key if len(key) == 1 else None)))
    for _ in range(5):
        await pilot.pause()


async def test_keys_typed_right_after_e_go_into_the_editor(open_app, article_file) -> None:
    """A terminal sends `e` and the next letters in one burst: none of them may act on the grid
    (an `a` would approve) or be lost before the editor has the focus."""
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        row = screen.current
        before = (row.segment.status, row.segment.target)
        await _burst(app, pilot, ["e", "end", "space", "a", "n", "d"])
        assert screen.editor is not None and screen.editor.has_focus
        assert screen.editor.text == f"{before[1]} and"
        assert (row.segment.status, row.segment.target) == before and not screen.show_diff


async def test_keys_typed_before_e_and_after_enter_keep_their_order(open_app, article_file) -> None:
    """`j j e` in one burst edits the row two below, not the one the cursor was on; the letters
    typed right after Enter go into the editor Enter opens."""
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("home")
        start = screen.cursor
        await _burst(app, pilot, ["j", "j", "e"])
        assert screen.editor is not None and screen.edit_row is screen.rows[screen.cursor]
        shown = [i for i in range(len(screen.rows)) if screen.grid.shows(i)]
        assert screen.cursor == shown[shown.index(start) + 2]
        await pilot.press("escape")
        await _burst(app, pilot, ["k", "enter", "end", "space", "f", "a", "s", "t"])
        assert screen.editor is not None and screen.editor.text.endswith(" fast")
        assert screen.edit_row is screen.rows[shown[shown.index(start) + 1]]


async def test_leaving_an_article_at_once_stops_its_translation(open_app, tmp_path) -> None:
    import asyncio

    from textual import events

    from tests.integration.test_tui import _settle
    from workbench.records import Status

    app = open_app([_long_article(tmp_path, 300)])
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.post_message(events.Key("enter", None))
        while not isinstance(app.screen, ArticleScreen):
            await asyncio.sleep(0.001)
        app.post_message(events.Key("escape", None))  # back before the screen has mounted
        await _settle(app, pilot)
        assert app.screen is not None and not isinstance(app.screen, ArticleScreen)
        article = app.bench.articles()[0]
        segments = app.bench.segments(article.id)
        assert sum(s.status is Status.UNTRANSLATED for s in segments) > 200, app.status.state
        assert app.status.state in ("ready", "cancelled")


async def test_leaving_while_it_translates_leaves_the_list_ready(open_app, tmp_path) -> None:
    from tests.integration.test_tui import _settle, paced_translator

    app = open_app([_long_article(tmp_path, 300)], factory=paced_translator, batch_tokens=64)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("enter")
        while not app.status.state.startswith("translating "):
            await pilot.pause(0.02)
        await pilot.press("escape")
        await _settle(app, pilot)  # fails while the state still says the worker is busy
        assert not isinstance(app.screen, ArticleScreen) and app.status.state == "ready"


async def test_the_segment_info_grows_with_its_wrapped_lines(open_app, article_file) -> None:
    """The info line wraps at the terminal's width; its box takes the wrapped height, so the end
    of a long flag reason is in view (it used to take only the explicit line breaks)."""
    from workbench.records import Flag

    app = open_app([article_file])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_article(app, pilot)
        reason = "length ratio 0.39 to the source, " * 4 + "and this is where the reason ends"
        screen.current.flags = (Flag("length", reason),)
        screen._describe_current()
        await pilot.pause()
        box = screen.query_one("#segment-info")
        drawn = " ".join(strip.text for strip in box.render_lines(box.region.reset_offset))
        assert box.region.height >= 3 and "where the reason ends" in " ".join(drawn.split())


async def test_letters_typed_right_after_tab_land_in_the_next_field(open_app, article_file) -> None:
    """In the search dialog, `Tab DPRK` in one burst puts DPRK into the replace field."""
    from textual.widgets import Input

    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_article(app, pilot)
        await _burst(app, pilot, ["slash", *"north"])
        await _burst(app, pilot, ["tab", *"DPRK"])
        assert [field.value for field in app.screen.query(Input)] == ["north", "DPRK"]
