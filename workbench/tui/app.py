"""The Textual application: screens, the status line, the command palette, start-up import.

Nothing here imports torch: the model is loaded by the first translation worker, so the list
paints at once and a missing model is a notice, not a crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from platformdirs import user_downloads_path
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from workbench.errors import WorkbenchError
from workbench.service import Workbench
from workbench.service.adaptation import AdaptOptions
from workbench.settings import Workspace
from workbench.tui.article_list_screen import ArticleListScreen
from workbench.tui.article_screen import ArticleScreen
from workbench.tui.dialogs import HelpScreen, UnsavedDialog
from workbench.tui.import_dialog import ImportDialog, ImportRequest, fetch_request
from workbench.tui.inline_editor import InlineEditor
from workbench.tui.key_help import KeyHelp, described_keys
from workbench.tui.messages import (
    AdaptFailed,
    AdaptFinished,
    AdaptProgress,
    ImportFinished,
    WebImportFinished,
    WebImportProgress,
)
from workbench.tui.status import StatusLine

PALETTE_HELP = KeyHelp("^p", "command palette: every action by name", "command_palette")
QUIT_HELP = KeyHelp("^q", "quit (asks first about an unsaved edit)", "quit")
LINE_BREAK_HELP = KeyHelp("shift+⏎", "no line break: a segment is one line (it says so)", "")


class WorkbenchApp(App[None]):
    CSS_PATH = Path(__file__).with_name("workbench.tcss")  # absolute: subclasses live elsewhere
    TITLE = "workbench"
    BINDINGS = [
        Binding("ctrl+t", "adapt_model", "Adapt the model to approved translations", show=False),
        Binding("ctrl+o", "import_web", "Import web pages or feeds", show=False),
    ]

    status: reactive[StatusLine] = reactive(StatusLine("", ""), init=False)
    """What every screen's `StatusBar` shows; replaced (never mutated) so the bars redraw."""

    def __init__(self, bench: Workbench, import_paths: list[Path] | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.import_paths = import_paths or []
        self.set_reactive(
            WorkbenchApp.status,
            StatusLine(bench.model_label(), bench.backend_label(), bench.model_is_adapted()),
        )

    def set_state(self, state: str) -> None:
        """What the workers are doing, as the status bar says it."""
        self.status = self.status.with_state(state)

    def on_mount(self) -> None:
        self.push_screen(ArticleListScreen())
        if self.import_paths:
            self.set_state("importing…")
            self._import(self.import_paths)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, paths: list[Path]) -> None:
        try:
            bench = self.bench.clone()  # its own connection: a failure is a notice, not a crash
        except WorkbenchError as error:
            self.post_message(ImportFinished([str(error)]))
            return
        try:
            results = bench.import_paths(paths)
        finally:
            bench.close()
        self.post_message(ImportFinished([f"{r.path}: {r.error}" for r in results if r.error]))

    @on(ImportFinished)
    def _imported(self, message: ImportFinished) -> None:
        for error in message.errors:
            self.report_error(error)
        self.set_state("ready")
        if isinstance(self.screen, ArticleListScreen):
            self.screen.reload()

    def action_import_web(self) -> None:
        """Pages by URL, or feeds: asked in a dialog, fetched in a worker (issue 18)."""
        if self.status.busy:
            self.notify("wait for the running task to finish, then import", severity="warning")
            return
        self.push_screen(ImportDialog(), self._start_web_import)

    def _start_web_import(self, request: ImportRequest | None) -> None:
        if request is not None:
            self.set_state("importing…")
            self._fetch(request)

    @work(thread=True, exclusive=True, group="import")
    def _fetch(self, request: ImportRequest) -> None:
        try:
            bench = self.bench.clone()
        except WorkbenchError as error:
            self.post_message(WebImportFinished("nothing imported", [str(error)]))
            return

        def progress(done: int, total: int, url: str) -> None:
            self.post_message(WebImportProgress(done, total, url))

        try:
            self.post_message(fetch_request(bench, request, progress))
        finally:
            bench.close()

    @on(WebImportProgress)
    def _web_import_progress(self, message: WebImportProgress) -> None:
        self.set_state(f"importing {message.done}/{message.total} · {message.url}")

    @on(WebImportFinished)
    def _web_imported(self, message: WebImportFinished) -> None:
        self.notify(message.summary)
        self._imported(ImportFinished(message.errors))

    def action_adapt_model(self) -> None:
        """Fine-tune the model on the approved pairs in a worker; the workspace switches to it."""
        if self.status.busy:
            self.notify("wait for the running task to finish, then adapt", severity="warning")
            return
        self.set_state("adapting…")
        self.notify("adapting the model to the approved translations…")
        self._adapt()

    @work(thread=True, exclusive=True, group="adapt")
    def _adapt(self) -> None:
        try:
            bench = self.bench.clone()
        except WorkbenchError as error:
            self.post_message(AdaptFailed(str(error)))
            return

        def progress(report: object) -> None:
            fields = ("step", "total_steps", "loss", "epoch", "epochs", "validation_loss")
            self.post_message(AdaptProgress(*(getattr(report, name) for name in fields)))

        try:
            adapted = bench.adapt(AdaptOptions(), progress)
        except Exception as error:  # noqa: BLE001 - a failed run is a notice; the old model stays
            self.post_message(AdaptFailed(str(error).splitlines()[0] if str(error) else repr(error)))
            return
        finally:
            bench.close()
        self.post_message(AdaptFinished(adapted))

    @on(AdaptProgress)
    def _adapt_progress(self, report: AdaptProgress) -> None:
        self.set_state(f"adapting {report.step}/{report.total_steps} · loss {report.loss:.3f}")
        if report.validation_loss is not None:
            self.notify(
                f"adapting: epoch {report.epoch}/{report.epochs}, loss {report.loss:.3f}, "
                f"validation {report.validation_loss:.3f}"
            )

    @on(AdaptFailed)
    def _adapt_failed(self, message: AdaptFailed) -> None:
        self.set_state("ready")
        self.report_error(f"adaptation failed, the model is unchanged: {message.error}")

    @on(AdaptFinished)
    def _adapted(self, message: AdaptFinished) -> None:
        self.bench.use_model(message.adapted.path)
        self.status = replace(self.status, model=self.bench.model_label(), adapted=True, state="ready")
        self.notify(f"{message.adapted.line()}; new translations use it", timeout=12)

    async def action_quit(self) -> None:
        """Quit; with an unsaved edit open in any article, ask first (keep editing / discard /
        save). While a question is on top, ctrl+q waits for its answer: it never quits past it."""
        if isinstance(self.screen, UnsavedDialog):
            self.bell()
            return
        editing = next(
            (s for s in self.screen_stack if isinstance(s, ArticleScreen) and s.has_unsaved_edit()), None
        )
        if editing is not None:
            question = UnsavedDialog("Quit with a changed translation not saved?")
            self.push_screen(question, partial(self._quit_after, editing))
            return
        self.exit()

    def _quit_after(self, screen: ArticleScreen, choice: str | None) -> None:
        if choice == "discard":
            screen.discard_edit()
            self.exit()
        elif choice == "save" and screen.save_edit():
            self.exit()
        else:
            screen.keep_editing()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual saves screenshots into ~/Downloads and fails where there is none: then into
        the workspace's folder, which exists."""
        if path is None:
            downloads = user_downloads_path()
            path = str(downloads if downloads.is_dir() else self.bench.workspace.path)
        return super().deliver_screenshot(filename, path, time_format)

    def open_article(self, article_id: int) -> None:
        self.status = self.status.for_another_view()
        self.push_screen(ArticleScreen(article_id))

    def report_error(self, message: str) -> None:
        """A notice the reviewer can act on; the app stays up and usable."""
        self.status = self.status.with_error(message)
        self.notify(message, severity="error", timeout=12)

    def show_help(self, screen: Screen[None]) -> None:
        """The screen's keys, the editor's in an article, and the keys that work everywhere."""
        if isinstance(screen, ArticleScreen):
            sections = [
                ("in an article", described_keys(self, screen.BINDINGS)),
                ("in the editor", [*described_keys(self, InlineEditor.BINDINGS), LINE_BREAK_HELP]),
            ]
            title = "article"
        else:
            sections, title = [("in the list", described_keys(self, screen.BINDINGS))], "article list"
        everywhere = [*described_keys(self, self.BINDINGS), PALETTE_HELP, QUIT_HELP]
        self.push_screen(HelpScreen(title, [*sections, ("everywhere", everywhere)]))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every described binding of the current screen is also a palette command; Textual's
        own Quit asks about an unsaved edit here, and its Keys panel gives way to Help."""
        for command in super().get_system_commands(screen):
            if command.title == "Quit":
                yield SystemCommand("Quit", "asks first about an unsaved edit (key: ^q)", self.action_quit)
            elif command.title != "Keys":
                yield command
        sources: list[tuple[App[None] | Screen[object], list[KeyHelp]]] = [
            (self, described_keys(self, self.BINDINGS)),
            (screen, described_keys(self, getattr(screen, "BINDINGS", []))),
        ]
        for namespace, keys in sources:
            for key in keys:
                if not key.action.startswith("app."):
                    run = partial(namespace.run_action, key.action)
                    yield SystemCommand(key.description, f"key: {key.keys}", run)


def run_app(workspace: Workspace, paths: list[Path]) -> int:
    """Open the TUI; with paths, import them first (a no-op for files already imported)."""
    try:
        bench = Workbench(workspace)
    except WorkbenchError as error:
        print(f"workbench: error: {error}")
        return 1
    with bench:
        WorkbenchApp(bench, paths).run()
    return 0
