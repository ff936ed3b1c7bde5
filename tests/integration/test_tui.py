"""The TUI through Textual's pilot, with the tiny model and a real workspace, plus SVG snapshots."""

from __future__ import annotations

import time

import pytest
from textual.widgets import DataTable, OptionList, TextArea

from tests.paths import ROOT, SEEDS
from workbench.engines.translator import load_translator
from workbench.records import Status
from workbench.tui.app import WorkbenchApp
from workbench.tui.article_list_screen import ArticleListScreen
from workbench.tui.article_screen import ArticleScreen
from workbench.tui.dialogs import HelpScreen, HistoryDialog
from workbench.tui.inline_editor import InlineEditor


def _record_notices(app: WorkbenchApp) -> list[str]:
    """The messages the app shows as notifications, recorded as they go through `App.notify`."""
    shown: list[str] = []
    notify = app.notify

    def record(message: str, *args, **kwargs) -> None:
        shown.append(message)
        notify(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return shown


def _shown(screen: ArticleScreen, index: int) -> str:
    """The words of the row's lines as the grid draws them, marker first, one space apart."""
    return " ".join(" ".join(line.text for line in screen.grid.row_lines(index)).split())


async def _settle(app: WorkbenchApp, pilot) -> None:
    """Until no worker runs and none is about to start (mount handlers start them late)."""
    for _ in range(100):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers) and not app.status.busy:
            return
    raise AssertionError(f"the app did not settle: {app.status.state}")


async def _open_article(app: WorkbenchApp, pilot) -> ArticleScreen:
    await _settle(app, pilot)
    await pilot.press("enter")
    await _settle(app, pilot)
    assert isinstance(app.screen, ArticleScreen)
    return app.screen


async def test_list_shows_imported_articles_filters_and_sorts(open_app) -> None:
    app = open_app([SEEDS])
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ArticleListScreen)
        assert len(screen.shown) == 5
        await pilot.press(*"kiew")
        assert [a.title[:4] for a in screen.shown] == ["Kiew"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"sea")
        assert [a.outlet for a in screen.shown] == ["SeaPRwire"]
        await pilot.press("escape", "f2")
        titles = [a.title for a in screen.shown]
        assert len(titles) == 5 and titles == sorted(titles, key=str.casefold)
        assert screen.query_one(DataTable).row_count == 5


async def test_list_shows_date_and_outlet_of_web_pages_and_sorts_by_date(open_app) -> None:
    """Issue 18: pages saved from the web carry their outlet and publication date."""
    web = ROOT / "tests" / "fixtures" / "web"
    app = open_app([web / "ohne_head_ende.html", SEEDS, web / "rheinblick_hafen.html"])
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i)[2:4] for i in range(table.row_count)}
        assert rows["Hafen Duisburg: Neue Containerbrücke geht in Betrieb"] == ["Rheinblick", "2025-03-14"]
        assert rows["Stadtrat beschließt Radweg-Offensive"] == ["Neckar-Bote", "2025-02-03"]
        await pilot.press(*["f2"] * 5)
        assert [a.date for a in screen.shown][:3] == ["2025-03-14", "2025-02-03", None]
        assert "sorted by date, newest first" in str(screen.query_one("#filter").render())


async def test_import_dialog_fetches_pages_and_feeds_with_errors_as_notices(open_app) -> None:
    """Issue 18: ctrl+o, URLs typed, Enter: fetched in a worker; a failed URL is a notice."""
    from tests.local_web import LocalSite, Response

    web = ROOT / "tests" / "fixtures" / "web"
    with LocalSite() as site:
        hafen = site.route("/hafen", (web / "rheinblick_hafen.html").read_bytes())
        site.route("/radweg", (web / "ohne_head_ende.html").read_bytes())
        rss = f"<rss version='2.0'><channel><title>Neckar</title><item><link>{site.url('/radweg')}</link></item></channel></rss>"
        feed = site.route("/rss", Response(rss.encode(), content_type="application/rss+xml"))
        app = open_app(fetch_retries="0")
        notices = _record_notices(app)
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(app, pilot)
            await pilot.press("ctrl+o")
            await pilot.press(*f"{hafen} {site.url('/fehlt')}", "enter")
            await _settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ArticleListScreen)
            assert [a.outlet for a in screen.shown] == ["Rheinblick"]
            assert f"{site.url('/fehlt')}: HTTP 404 Not Found" in notices
            assert "imported: 1 new, 0 revised, 0 unchanged, 1 failed" in notices
            await pilot.press("ctrl+o")
            await pilot.press(*feed, "tab", "space", "shift+tab", "enter")
            await _settle(app, pilot)
            assert sorted(a.outlet for a in screen.shown) == ["Neckar-Bote", "Rheinblick"]
            assert "Neckar: 1 new, 0 changed, 0 unchanged, 0 failed" in notices


async def test_open_translates_in_the_background_and_fills_in(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        body = [r.segment for r in screen.rows if r.segment.kind.value == "body"]
        assert body and all(s.status is Status.MT for s in body)
        assert body[0].target == "Russia confirms involvement of North Korean soldiers"
        assert app.status.state == "done"
        assert "model tiny-de-en · ctranslate2" in app.status.render()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])  # small: the list scrolls, keys still move
async def test_cursor_moves_and_word_alignment_highlights_both_ways(open_app, article_file, size) -> None:
    app = open_app([article_file])
    async with app.run_test(size=size) as pilot:
        screen = await _open_article(app, pilot)
        assert screen.cursor == 0
        await pilot.press("down")
        row = screen.current
        assert row.segment.source.startswith("Russland hat erstmals")
        assert row.cursor
        await pilot.press("right")
        assert screen.word.side == "target" and screen.word.index == 0
        assert row.aligned(screen.word) == {s for s, t in row.segment.alignment if t == 0} != set()
        await pilot.press("right")
        assert screen.word.index == 1
        await pilot.press("tab")
        assert screen.word.side == "source"
        assert row.aligned(screen.word) == {t for s, t in row.segment.alignment if s == 0}
        await pilot.press("up")
        assert screen.cursor == 0 and screen.word is None


async def test_edit_is_saved_at_once_and_survives_a_restart(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down", "e")
        editor = app.screen.query_one(TextArea)
        assert isinstance(editor, InlineEditor) and editor.has_focus
        assert editor.region.offset == screen.grid.target_cell(screen.cursor).offset  # over its row
        assert screen.current.segment.source.split()[0] in _shown(screen, screen.cursor)  # source in view
        assert editor.text == screen.current.segment.target
        editor.text = "Russia admits, for the first time, deploying North Korean troops."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.current.segment.status is Status.EDITED
        edited_id = screen.current.segment.id

    restarted = open_app()
    async with restarted.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(restarted, pilot)
        row = next(r for r in screen.rows if r.segment.id == edited_id)
        assert row.segment.target == "Russia admits, for the first time, deploying North Korean troops."
        assert row.segment.status is Status.EDITED


async def test_approve_revert_undo_and_history(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        row = screen.current
        machine = row.segment.target
        await pilot.press("a")  # approves and moves on to the next segment needing work
        assert row.segment.status is Status.APPROVED
        assert screen.current is screen.rows[screen.rows.index(row) + 1]
        await pilot.press("up", "r")
        assert (screen.current.segment.status, screen.current.segment.target) == (Status.MT, machine)
        await pilot.press("u")
        assert screen.current.segment.status is Status.APPROVED
        await pilot.press("H")
        assert isinstance(app.screen, HistoryDialog)
        assert [e.new_status for e in app.screen.history] == [Status.APPROVED, Status.MT, Status.APPROVED]
        assert all(e.reviewer == "ana" for e in app.screen.history)
        await pilot.press("escape")
        assert app.screen is screen


async def test_undo_walks_back_to_the_machine_translation_and_redo_forward(open_app, article_file) -> None:
    app = open_app([article_file])
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        row = screen.current
        machine = row.segment.target
        for text in ("First text.", "Second text."):
            await pilot.press("e")
            screen.query_one(InlineEditor).text = text
            await pilot.press("ctrl+s")
        await pilot.press("u")
        assert row.segment.target == "First text."
        await pilot.press("u")
        assert (row.segment.status, row.segment.target) == (Status.MT, machine)
        await pilot.press("u")  # nothing left: no toggling back to an edit
        assert (row.segment.status, row.segment.target) == (Status.MT, machine)
        assert any(f"segment {screen.cursor + 1} has nothing left to undo" in n for n in notices)
        await pilot.press("U", "U")
        assert row.segment.target == "Second text."


async def test_needs_work_diff_and_next_flagged(open_app, article_file) -> None:
    from workbench.tui.segment_row import diff_text

    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down", "n")
        row = screen.current
        assert row.segment.status is Status.NEEDS_WORK
        assert "⚑" in _shown(screen, screen.cursor)
        assert "needs-work" in str(screen.query_one("#segment-info").render())
        await pilot.press("n")
        assert row.segment.status is Status.MT
        machine = row.segment.target
        await pilot.press("e")
        app.screen.query_one(TextArea).text = machine + " 99 99 99"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("d")
        shown = row.target_text()
        assert str(shown) == str(diff_text(machine, machine + " 99 99 99"))
        assert "99 99 99" in _shown(screen, screen.cursor)
        assert any("green" in str(span.style) for span in diff_text(machine, machine + " 99").spans)
        assert row.flags  # the edit added numbers the source lacks
        assert "numbers differ" in str(screen.query_one("#segment-info").render())
        await pilot.press("up", "f")
        assert screen.current.flags and screen.current is not screen.rows[0]


async def test_suggestion_from_memory_is_taken_with_enter(open_app, article_file) -> None:
    from workbench.tui.dialogs import SuggestionDialog

    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        segment = screen.current.segment
        app.bench.store.add_memory([(segment.source, "A translation from the memory.")], "tmx:t.tmx", "ben")
        await pilot.press("g")
        assert isinstance(app.screen, SuggestionDialog)
        assert app.screen.suggestions[0].kind == "tm"
        await pilot.press("enter")
        await pilot.pause()
        assert (screen.current.segment.status, screen.current.segment.target) == (
            Status.EDITED,
            "A translation from the memory.",
        )


@pytest.mark.parametrize("key", ["ctrl+s", "enter"])
async def test_save_over_a_change_made_elsewhere_keeps_both(open_app, article_file, key) -> None:
    """Either way of saving keeps both texts; Enter stays on the conflicted segment instead of
    moving on, so the reviewer sees what happened."""
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("down")
        segment = screen.current.segment
        other = app.bench.clone()  # another window on the same workspace
        other.edit_segment(segment.id, "The other reviewer's text.")
        other.close()
        notices = _record_notices(app)
        await pilot.press("e")
        app.screen.query_one(TextArea).text = "My text."
        await pilot.press(key)
        await pilot.pause()
        assert screen.current.segment.target == "The other reviewer's text."
        assert any("changed meanwhile" in notice for notice in notices)
        assert [s.text for s in app.bench.suggestions(segment.id) if s.kind == "conflict"] == ["My text."]
        # The service's conflict flag reaches the row, the info line and `f`.
        assert screen.current.flags
        assert "conflicting save" in str(screen.query_one("#segment-info").render())
        await pilot.press("up", "f")
        assert screen.current.segment.id == segment.id


async def test_missing_model_is_a_notice_and_reviewer_can_translate_by_hand(open_app, article_file) -> None:
    app = open_app([article_file], model="Helsinki-NLP/opus-mt-de-en", offline=True)
    notices = _record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        assert app.status.errors == 1
        assert "workbench models pull Helsinki-NLP/opus-mt-de-en" in app.status.last_error
        assert any("models pull" in notice for notice in notices)
        await pilot.press("down", "e")
        app.screen.query_one(TextArea).text = "Russia confirms it deployed North Korean soldiers."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.current.segment.status is Status.EDITED


def paced_translator(*args, **kwargs):
    """The real translator, slowed to 0.2 s a batch so a key press lands mid-translation."""
    translator = load_translator(*args, **kwargs)
    real = translator.translate_batches

    def paced(texts, first=0):
        for batch in real(texts, first):
            time.sleep(0.2)
            yield batch

    translator.translate_batches = paced
    return translator


async def test_cancel_stops_between_batches(open_app) -> None:
    app = open_app([SEEDS / "002_e2235c48d83a146a.txt"], factory=paced_translator, batch_tokens=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("enter", "x")
        await _settle(app, pilot)
        screen = app.screen
        assert app.status.state == "cancelled"
        body = [r.segment for r in screen.rows if r.segment.kind.value == "body"]
        assert any(s.status is Status.UNTRANSLATED for s in body)
        await pilot.press("t")  # and it resumes where it stopped
        await _settle(app, pilot)
        assert all(r.segment.status is Status.MT for r in screen.rows if r.segment.kind.value == "body")


async def test_boilerplate_rows_are_collapsible_and_can_be_flipped(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        boilerplate = [i for i, r in enumerate(screen.rows) if r.boilerplate]
        assert boilerplate and all(screen.grid.row_region(i).height == 0 for i in boilerplate)
        await pilot.press("b")
        await pilot.pause()
        assert all(screen.grid.row_region(i).height > 0 for i in boilerplate)
        while not screen.current.boilerplate:
            await pilot.press("down")
        await pilot.press("B")
        assert screen.current.segment.kind.value == "body"
        # Hiding boilerplate, or flipping the row into it while hidden, leaves the cursor on the
        # nearest shown row above, not back at the top.
        flipped = screen.cursor
        await pilot.press("B", "b")
        shown = [i for i in range(len(screen.rows)) if screen.grid.shows(i)]
        assert flipped not in shown and screen.cursor == max(i for i in shown if i < flipped)
        await pilot.press("down", "B")
        hidden_now = [i for i in range(len(screen.rows)) if not screen.grid.shows(i)]
        assert screen.grid.shows(screen.cursor) and screen.rows[screen.cursor].cursor
        assert len(hidden_now) > len(boilerplate)


async def test_help_screen_and_command_palette_list_the_actions(open_app, article_file) -> None:
    """Each action once, its keys as the footer writes them; help shows the editor's keys and
    the keys that work everywhere, and scrolls with its close hint in view at 80x24."""
    app = open_app([article_file])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_article(app, pilot)
        commands = {command.title: command for command in app.get_system_commands(screen)}
        titles = [command.title for command in app.get_system_commands(screen)]
        for action in ("Edit", "Approve+next", "Revert to machine translation", "Undo", "Redo", "History",
                       "Translate", "Cancel translation", "Next flagged", "Next untranslated"):  # fmt: skip
            assert titles.count(action) == 1, action
        assert commands["Next untranslated"].help == "key: ]" and commands["Edit"].help == "key: e ⏎"
        assert "Keys" not in titles and commands["Quit"].callback == app.action_quit
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        sections = dict(help_screen.sections)
        assert {k.description for k in sections["in an article"]} >= {"Approve+next", "Edit"}
        assert {k.keys for k in sections["in the editor"]} >= {"⏎", "^s", "esc"}
        assert {k.keys for k in sections["everywhere"]} >= {"^o", "^t", "^p", "^q"}
        hint = help_screen.query_one(".dialog-hint")
        assert hint.region.bottom <= app.size.height and hint.region.height == 1
        keys = help_screen.query_one("#help-keys")
        assert keys.max_scroll_y > 0  # more keys than lines: it scrolls
        await pilot.press("pagedown")
        assert keys.scroll_y > 0
        await pilot.press("escape")
        assert app.screen is screen


async def test_summary_pane_jumps_to_the_source_segment(open_app) -> None:
    app = open_app([SEEDS / "002_e2235c48d83a146a.txt"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        await pilot.press("s")
        await _settle(app, pilot)  # summarised in a worker
        pane = screen.query_one("#summary", OptionList)
        assert (
            screen.query_one("#summary-pane").has_class("shown") and pane.has_focus and pane.option_count == 3
        )
        note = str(screen.query_one("#summary-note").render())
        assert "not here" in note  # no summarization model: extractive, and it says so
        await pilot.press("down", "down")
        chosen = pane.get_option_at_index(pane.highlighted)
        assert pane.highlighted > 0
        await pilot.press("enter")
        assert screen.current.segment.id == int(chosen.id)
        assert screen.current.segment.target == chosen.prompt
        await pilot.press("escape")
        assert not screen.query_one("#summary-pane").has_class("shown") and app.screen is screen


async def test_mouse_click_moves_the_cursor(open_app, article_file) -> None:
    app = open_app([article_file])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_article(app, pilot)
        place = screen.grid.target_cell(2)
        await pilot.click(offset=place.offset)
        assert screen.cursor == 2


def _snapshot_app(open_app, article_file) -> WorkbenchApp:
    return open_app([article_file])


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_article_list(snap_compare, open_app, article_file, size) -> None:
    async def settle(pilot) -> None:
        await _settle(pilot.app, pilot)

    assert snap_compare(_snapshot_app(open_app, article_file), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_article_screen(snap_compare, open_app, article_file, size) -> None:
    async def open_and_move_down(pilot) -> None:
        # No word is focused: which source words light up depends on the weights' attention,
        # which differs between machines; the pilot tests check the highlighting instead.
        await _open_article(pilot.app, pilot)
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(
        _snapshot_app(open_app, article_file), terminal_size=size, run_before=open_and_move_down
    )


def test_snapshot_review_marks_and_diff(snap_compare, open_app, article_file) -> None:
    """An edit shown as a word diff against the MT, a needs-work mark, a memory suggestion open."""

    async def review(pilot) -> None:
        screen = await _open_article(pilot.app, pilot)
        await pilot.press("down", "e")
        pilot.app.screen.query_one(
            TextArea
        ).text = "Russia confirms, for the first time, North Korean soldiers in Kursk."
        await pilot.press("ctrl+s", "down", "n", "d", "up")
        segment = screen.current.segment
        pilot.app.bench.store.add_memory(
            [(segment.source, "Russia confirms North Korean troops.")], "tmx:t.tmx", "ben"
        )
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(_snapshot_app(open_app, article_file), terminal_size=(120, 40), run_before=review)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_inline_editor(snap_compare, open_app, article_file, size) -> None:
    """The editor in the segment's own row, the source and neighbours in view, its keys in the footer."""

    async def edit(pilot) -> None:
        await _open_article(pilot.app, pilot)
        await pilot.press("down", "e", *" (checked)")
        await pilot.pause()

    assert snap_compare(_snapshot_app(open_app, article_file), terminal_size=size, run_before=edit)


def test_snapshot_summary_open(snap_compare, open_app, article_file) -> None:
    """With the summary open the column heads stay over their columns; the reason is not cut."""

    async def summary(pilot) -> None:
        await _open_article(pilot.app, pilot)
        await pilot.press("s")
        await _settle(pilot.app, pilot)

    assert snap_compare(_snapshot_app(open_app, article_file), terminal_size=(120, 40), run_before=summary)


def test_snapshot_search_and_replace_preview(snap_compare, open_app, article_file) -> None:
    """Each translation as the replace would leave it, before anything changes (80x24)."""

    async def search(pilot) -> None:
        await _open_article(pilot.app, pilot)
        await pilot.press("slash", *"Russia", "tab", *"Moscow")
        await pilot.pause()

    assert snap_compare(_snapshot_app(open_app, article_file), terminal_size=(80, 24), run_before=search)
