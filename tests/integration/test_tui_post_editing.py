"""The TUI as a post-editor's tool (issue 17): typed text is never lost, editing in the grid,
confirm-and-next, navigation, progress in view. Pilot tests on a real workspace and tiny model."""

from __future__ import annotations

import sqlite3

from tests.integration.test_tui import _open_article, _record_notices, _settle, _shown, paced_translator
from tests.paths import SEEDS
from workbench.records import Status
from workbench.tui.article_screen import DRAFT_DELAY_S, ArticleScreen
from workbench.tui.dialogs import HistoryDialog, UnsavedDialog, local_time
from workbench.tui.inline_editor import InlineEditor


async def _type_into_editor(pilot, screen: ArticleScreen, text: str) -> InlineEditor:
    await pilot.press("e")
    editor = screen.query_one(InlineEditor)
    editor.text = text
    await pilot.pause()
    return editor


async def test_escape_with_a_changed_text_asks_keep_discard_or_save(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        row = screen.current
        machine = row.segment.target
        editor = await _type_into_editor(pilot, screen, "A text I typed.")
        await pilot.press("escape")
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("k")  # keep editing: the text is still there
        assert app.screen is screen and editor.has_focus and editor.text == "A text I typed."
        await pilot.press("escape", "d")  # discard
        assert screen.editor is None and row.segment.target == machine
        assert screen.bench.drafts(screen.article_id) == {}
        await _type_into_editor(pilot, screen, "A text I keep.")
        await pilot.press("escape", "s")  # save
        assert (row.segment.status, row.segment.target) == (Status.EDITED, "A text I keep.")
        await pilot.press("e", "escape")  # nothing changed: no question
        assert app.screen is screen and screen.editor is None


async def test_quitting_with_an_unsaved_edit_asks(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        await _type_into_editor(pilot, screen, "Not saved yet.")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, UnsavedDialog) and app.is_running
        await pilot.press("escape")  # escape keeps editing: no key loses the text by accident
        assert app.screen is screen and screen.editor.text == "Not saved yet."
        await pilot.press("ctrl+q", "s")
        await pilot.pause()
        assert not app.is_running
    assert screen.current.segment.target == "Not saved yet."


async def test_a_second_quit_or_the_palette_quit_never_pass_the_question(open_app, article_file) -> None:
    """ctrl+q pressed again while the question is up, or Quit picked in the palette, asks (or
    keeps asking) rather than quitting with the text unsaved."""
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await _type_into_editor(pilot, screen, "Typed, not saved.")
        await pilot.press("ctrl+q", "ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, UnsavedDialog)
        await pilot.press("k")
        quit_command = next(c for c in app.get_system_commands(screen) if c.title == "Quit")
        await quit_command.callback()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, UnsavedDialog)
        await pilot.press("k")
        assert app.screen is screen and screen.editor.text == "Typed, not saved."


async def test_a_draft_survives_a_crash_and_comes_back_in_the_editor(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down", "e")
        await pilot.press(*" and more")  # typed, never saved
        await pilot.pause(DRAFT_DELAY_S + 0.3)
        typed = screen.query_one(InlineEditor).text
        segment_id = screen.current.segment.id
        assert typed.endswith(" and more")
    # The session ends without saving or discarding (as a crash would): the draft is in the store.

    restarted = open_app()
    notices = _record_notices(restarted)
    async with restarted.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(restarted, pilot)
        row = next(r for r in screen.rows if r.segment.id == segment_id)
        assert row.segment.status is Status.MT  # a draft is not a save
        assert _shown(screen, screen.rows.index(row)).split()[0] == "*"
        assert any("1 unsaved draft kept" in notice for notice in notices)
        await pilot.press("down", "e")
        assert screen.query_one(InlineEditor).text == typed
        await pilot.press("enter")
        assert row.segment.target == typed and row.segment.status is Status.EDITED
        assert screen.bench.drafts(screen.article_id) == {}


async def test_a_failed_save_keeps_the_text_in_the_editor_and_the_draft(open_app, article_file) -> None:
    app = open_app([article_file])
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        editor = await _type_into_editor(pilot, screen, "Typed before the disk filled up.")
        saving = app.bench.edit_segment

        def locked(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

        app.bench.edit_segment = locked  # type: ignore[method-assign]
        await pilot.press("enter")
        assert screen.editor is editor and editor.text == "Typed before the disk filled up."
        assert any(n.startswith("not saved, the text is kept: database is locked") for n in notices)
        drafts = app.bench.drafts(screen.article_id)
        assert drafts[screen.current.segment.id].text == "Typed before the disk filled up."
        app.bench.edit_segment = saving  # type: ignore[method-assign]
        await pilot.press("ctrl+s")
        assert screen.current.segment.target == "Typed before the disk filled up."
        assert app.bench.drafts(screen.article_id) == {}


async def test_enter_confirms_and_moves_to_the_next_segment_needing_work(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        body = [i for i, r in enumerate(screen.rows) if r.segment.kind.value == "body"]
        await pilot.press("down")  # body[1]
        first = screen.current
        screen.bench.approve_segment(screen.rows[body[2]].segment.id)  # done: confirm skips it
        screen.reload_segments()
        editor = await _type_into_editor(pilot, screen, "Confirmed text.")
        await pilot.press("shift+enter")  # a segment is one line: no line break goes in
        assert "\n" not in editor.text
        await pilot.press("enter")
        assert (first.segment.status, first.segment.target) == (Status.EDITED, "Confirmed text.")
        assert screen.cursor == body[3] and screen.editor is None
        footer_keys = {b.description for b in InlineEditor.BINDINGS}  # type: ignore[union-attr]
        assert {"Confirm+next", "Save", "Leave editor"} <= footer_keys


async def test_an_edit_saved_during_a_long_translation_reaches_the_database(open_app) -> None:
    """The batches commit while the reviewer saves: each batch only touches segments no human
    owns, so the saved text stays (the store's guard), and the row shows it throughout."""
    app = open_app([SEEDS / "001_41deaae23a4276fc.txt"], factory=paced_translator, batch_tokens=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.05)
            if app.status.state.startswith("translating "):
                break
        screen = app.screen
        assert isinstance(screen, ArticleScreen) and app.status.busy
        await pilot.press("end")
        while screen.current.segment.kind.value != "body":
            await pilot.press("up")
        saved_id = screen.current.segment.id
        await _type_into_editor(pilot, screen, "Saved while the batches commit.")
        await pilot.press("ctrl+s")
        assert app.status.busy, "the translation should still be running"
        await _settle(app, pilot)
        assert app.status.state == "done"
        row = next(r for r in screen.rows if r.segment.id == saved_id)
        assert row.segment.target == "Saved while the batches commit."
    stored = app.bench.store.segment(saved_id)
    assert (stored.status, stored.target) == (Status.EDITED, "Saved while the batches commit.")


async def test_navigation_keys_always_move(open_app) -> None:
    app = open_app([SEEDS / "002_e2235c48d83a146a.txt"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_article(app, pilot)
        shown = [i for i in range(len(screen.rows)) if screen._visible(i)]
        assert len(shown) < len(screen.rows)  # the article ends in hidden boilerplate
        await pilot.press("end")
        assert screen.cursor == shown[-1]
        await pilot.press("home")
        assert screen.cursor == shown[0]
        await pilot.press("end", "up", "up", "pagedown")  # near the end: still moves, to the last
        assert screen.cursor == shown[-1]
        await pilot.press("pageup")
        assert screen.cursor < shown[-1]
        # Paging from the top shows every row on the way: the row it lands on held the first
        # line below the view, and comes to the top.
        await pilot.press("home")
        grid = screen.grid
        seen = {i for i in shown if grid.row_region(i).bottom <= grid.scroll_y + grid.size.height}
        await pilot.press("pagedown")
        assert screen.cursor > shown[0] and all(i in seen for i in shown if i < screen.cursor)
        assert grid.scroll_y == grid.row_region(screen.cursor).y or grid.scroll_y == grid.max_scroll_y
        flagged = [i for i in shown if screen.rows[i].flags]
        await pilot.press("home", "right_square_bracket")  # nothing untranslated: it says so
        assert screen.cursor == shown[0]
        if flagged:
            await pilot.press("f")
            assert screen.cursor == flagged[0] or flagged[0] == shown[0]


async def test_progress_position_memory_match_and_history_are_in_view(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        info = str(screen.query_one("#segment-info").render())
        assert info.startswith(f"segment {screen.cursor + 1}/{len(screen.rows)} · mt")  # as `show` numbers
        body = sum(r.segment.kind.value == "body" for r in screen.rows)
        line = str(screen.query_one("#progress-line").render())
        assert line.startswith(f"{body} mt") and "0/" in line and "words reviewed" in line
        segment = screen.current.segment
        app.bench.store.add_memory([(segment.source, "The memory's text.")], "tmx:t.tmx", "ben")
        await pilot.press("down", "up")
        assert "memory 100%: The memory's text." in str(screen.query_one("#segment-info").render())
        await pilot.press("a")
        line = str(screen.query_one("#progress-line").render())
        assert line.startswith(f"1 approved · {body - 1} mt")
        await pilot.press("up", "H")
        assert isinstance(app.screen, HistoryDialog)
        shown = " ".join(str(s.render()) for s in app.screen.query("Static"))
        edit = app.screen.history[0]
        assert local_time(edit.at) in shown and f"→ {segment.target}" in shown


async def test_screenshot_goes_to_the_workspace_without_a_downloads_folder(
    open_app, article_file, tmp_path, monkeypatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    app = open_app([article_file])
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        app.deliver_screenshot("shot.svg")
        for _ in range(50):
            await pilot.pause(0.05)
            if (app.bench.workspace.path / "shot.svg").exists():
                break
    assert (app.bench.workspace.path / "shot.svg").read_text(encoding="utf-8").startswith("<svg")
    assert not (home / "Downloads").exists()


async def test_an_english_article_in_an_english_workspace_is_translated_as_it_is(open_app, tmp_path) -> None:
    path = tmp_path / "en" / "english.txt"
    path.parent.mkdir()
    path.write_text(
        "Russia confirms North Korean troops\n\nThe Kremlin said on Monday that the region was retaken. "
        "Kyiv did not confirm the claim at first.\n",
        encoding="utf-8",
    )
    app = open_app([path])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        body = [r.segment for r in screen.rows if r.segment.kind.value == "body"]
        assert body and all(s.status is Status.MT and s.target == s.source for s in body)
        assert "untranslated" not in str(screen.query_one("#progress-line").render())


async def test_search_previews_replaces_as_one_step_and_undoes_it(open_app, article_file) -> None:
    from textual.widgets import OptionList

    from workbench.tui.search_dialog import SearchDialog

    app = open_app([article_file])
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        before = {r.segment.id: r.segment.target for r in screen.rows}
        holding = [r for r in screen.rows if r.segment.target and "Russia" in r.segment.target]
        assert len(holding) >= 2
        await pilot.press("slash", *"kursk")  # search ignores case; Enter goes to the next match
        assert isinstance(app.screen, SearchDialog)
        await pilot.press("enter")
        assert app.screen is screen and "Kursk" in screen.current.segment.target
        await pilot.press("slash")
        assert app.screen.query_one("#find").value == "kursk"  # the last search comes back
        await pilot.press(*["backspace"] * 5, *"Russia", "tab", *"Moscow")
        preview = app.screen.query_one("#preview", OptionList)
        assert preview.option_count == len(holding)
        assert f"{len(holding)} translations would change" in str(
            app.screen.query_one("#search-summary").render()
        )
        await pilot.press("ctrl+r")
        assert app.screen is screen
        assert all(r.segment.target == before[r.segment.id].replace("Russia", "Moscow") for r in holding)
        assert all(r.segment.status is Status.EDITED for r in holding)
        assert any(n.startswith(f"replaced in {len(holding)} translations") for n in notices)
        await pilot.press("ctrl+z")
        assert {r.segment.id: r.segment.target for r in screen.rows} == before
        assert all(r.segment.status is Status.MT for r in holding)
        # An empty replacement: ctrl+r from the find field is refused, the preview not seen;
        # in the (empty) replace field the preview shows the deletions, and ctrl+r makes them.
        await pilot.press("slash", *["backspace"] * 6, *"russia", "ctrl+r")
        assert isinstance(app.screen, SearchDialog) and any("type the replacement" in n for n in notices)
        await pilot.press("tab")
        summary = str(app.screen.query_one("#search-summary").render())
        assert summary == f"{len(holding)} translations would change (the matches deleted)"
        await pilot.press("ctrl+r")
        for row in holding:
            assert row.segment.target == " ".join(before[row.segment.id].replace("Russia", "").split())


async def test_list_filter_matches_all_words_and_the_list_keeps_its_row(open_app) -> None:
    from workbench.tui.article_list_screen import ArticleListScreen

    app = open_app([SEEDS])
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ArticleListScreen)
        await pilot.press(*"soldaten russ")  # two words, in any order, anywhere
        titles = [a.title for a in screen.shown]
        assert titles and all("soldaten" in t.casefold() and "russ" in t.casefold() for t in titles)
        await pilot.press("escape", "down", "down")
        chosen = screen.shown[2].id
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == chosen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.shown[screen.query_one("DataTable").cursor_row].id == chosen


async def test_help_is_f1_everywhere_and_a_missing_outlet_leaves_no_gap(open_app, tmp_path) -> None:
    path = tmp_path / "in" / "bare.txt"
    path.parent.mkdir()
    path.write_text("Putin gratuliert zum «Sieg»\n\nDer Kremlchef gratulierte den Soldaten zum «Sieg».\n")
    app = open_app([path])
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        list_keys = {b.action: b.key for b in app.screen.BINDINGS}
        screen = await _open_article(app, pilot)
        article_keys = {b.action: b.key for b in screen.BINDINGS}
        assert list_keys["help"] == "f1" and article_keys["help"].split(",")[0] == "f1"
        assert screen.bench.article(screen.article_id).outlet is None
        assert str(screen.query_one("#article-place").render()) == "de"


async def test_a_long_title_gives_way_to_the_outlet(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(64, 24)) as pilot:  # too narrow for the whole title
        screen = await _open_article(app, pilot)
        place = screen.query_one("#article-place")
        assert str(place.render()) == "Keystone-SDA · de" and place.region.right <= 64
        title = screen.query_one("#article-title")
        assert title.region.right <= place.region.x
        assert "…" in "".join(s.text for s in title.render_lines(title.region.reset_offset))


async def test_cancel_while_the_model_loads_says_so_truthfully(workspace_dir, tiny_model, tmp_path) -> None:
    from tests.integration.test_tui_first_segment import LONG_SEED, SlowLoading
    from workbench.service import Workbench
    from workbench.settings import load_workspace
    from workbench.tui.app import WorkbenchApp

    flags = {"model": str(tiny_model), "models_dir": str(tmp_path / "models")}
    with Workbench(
        load_workspace(str(workspace_dir), flags, env={}), translator_factory=SlowLoading()
    ) as bench:
        bench.import_paths([LONG_SEED])
        app = WorkbenchApp(bench)
        notices = _record_notices(app)
        async with app.run_test(size=(100, 20)) as pilot:
            states: list[str] = []
            app.watch(app, "status", lambda status: states.append(status.state), init=False)
            await pilot.press("enter")
            for _ in range(500):  # a machine busy with earlier tests' threads opens it slowly
                await pilot.pause(0.02)
                if isinstance(app.screen, ArticleScreen) and app.status.state == "loading model…":
                    break
            else:
                raise AssertionError(f"the article never said 'loading model…': {states}")
            await pilot.press("x")
            await _settle(app, pilot)
            # From x on: "cancelling…" until the worker stops (never "cancelled" before, never
            # a progress count in between), then "cancelled".
            assert "cancelling…" in states, states
            after = states[states.index("cancelling…") :]
            assert after[-1] == "cancelled" and set(after[:-1]) == {"cancelling…"}, states
            assert any(n.startswith("translation cancelled after 0 of ") for n in notices), notices
            screen = app.screen
            assert isinstance(screen, ArticleScreen)
            # Not even the rows on screen: the run stopped as soon as the model was there.
            assert all(row.segment.status is Status.UNTRANSLATED for row in screen.rows), [
                row.segment.status for row in screen.rows
            ]
