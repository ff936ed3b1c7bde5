"""The Textual application: screens, the status line, the command palette, start-up import.

Nothing here imports torch: the model is loaded by the first translation worker, so the list
paints at once and a missing model is a notice, not a crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from workbench.errors import WorkbenchError
from workbench.service import Workbench
from workbench.service.adaptation import AdaptedModel, AdaptOptions
from workbench.settings import Workspace
from workbench.tui.article_list import ArticleListScreen
from workbench.tui.article_view import ArticleScreen
from workbench.tui.dialogs import HelpScreen
from workbench.tui.import_dialog import WebImport


@dataclass
class StatusLine:
    """What the status bar says: model and backend, cache hits, errors, the worker's state."""

    model: str
    backend: str
    adapted: bool = False
    """Whether the active model is one `adapt` wrote: "(adapted)" after its name; a base model
    has no mark (the snapshots of the base status line stay as they were)."""
    cached: int = 0
    requested: int = 0
    errors: int = 0
    state: str = "ready"
    last_error: str = ""

    def update(self, state: str) -> None:
        self.state = state

    @property
    def busy(self) -> bool:
        """A worker is importing, loading a model, translating or cancelling and will report back."""
        return self.state.startswith(("importing", "loading", "translating", "cancelling", "adapting"))

    def add_cache(self, cached: int, requested: int) -> None:
        self.cached += cached
        self.requested += requested

    def render(self) -> str:
        parts = [
            f"model {self.model}" + (" (adapted)" if self.adapted else ""),
            self.backend,
            f"cache {self.cached}/{self.requested}",
            self.state,
        ]
        if self.errors:
            parts.append(f"[b red]{self.errors} error{'s' if self.errors > 1 else ''}[/]: {self.last_error}")
        return " · ".join(parts)


class WorkbenchApp(WebImport, App[None]):
    CSS_PATH = Path(__file__).with_name("workbench.tcss")  # absolute: subclasses live elsewhere
    TITLE = "workbench"
    BINDINGS = [
        Binding("ctrl+t", "adapt_model", "Adapt the model to approved translations", show=False),
        Binding("ctrl+o", "import_web", "Import web pages or feeds", show=False),
    ]

    def __init__(self, bench: Workbench, import_paths: list[Path] | None = None) -> None:
        super().__init__()
        self.bench = bench
        self.import_paths = import_paths or []
        self.status = StatusLine(bench.model_label(), bench.backend_label(), bench.model_is_adapted())

    def on_mount(self) -> None:
        self.push_screen(ArticleListScreen())
        if self.import_paths:
            self.status.update("importing…")
            self._import(self.import_paths)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, paths: list[Path]) -> None:
        bench = self.bench.clone()
        try:
            results = bench.import_paths(paths)
        finally:
            bench.close()
        self.call_from_thread(self._imported, [f"{r.path}: {r.error}" for r in results if r.error])

    def _imported(self, errors: list[str]) -> None:
        for error in errors:
            self.report_error(error)
        self.status.update("ready")
        if isinstance(self.screen, ArticleListScreen):
            self.screen.reload()

    def action_adapt_model(self) -> None:
        """Fine-tune the model on the approved pairs in a worker; the workspace switches to it."""
        if self.status.busy:
            self.notify("wait for the running task to finish, then adapt", severity="warning")
            return
        self.status.update("adapting…")
        self.update_status()
        self.notify("adapting the model to the approved translations…")
        self._adapt()

    @work(thread=True, exclusive=True, group="adapt")
    def _adapt(self) -> None:
        bench = self.bench.clone()
        try:
            adapted = bench.adapt(
                AdaptOptions(), lambda report: self.call_from_thread(self._adapt_progress, report)
            )
        except Exception as error:  # noqa: BLE001 - a failed run is a notice; the old model stays
            self.call_from_thread(
                self._adapt_failed, str(error).splitlines()[0] if str(error) else repr(error)
            )
            return
        finally:
            bench.close()
        self.call_from_thread(self._adapted, adapted)

    def _adapt_progress(self, report) -> None:
        self.status.update(f"adapting {report.step}/{report.total_steps} · loss {report.loss:.3f}")
        if report.validation_loss is not None:
            self.notify(
                f"adapting: epoch {report.epoch}/{report.epochs}, loss {report.loss:.3f}, "
                f"validation {report.validation_loss:.3f}"
            )
        self.update_status()

    def _adapt_failed(self, message: str) -> None:
        self.status.update("ready")
        self.report_error(f"adaptation failed, the model is unchanged: {message}")

    def _adapted(self, adapted: AdaptedModel) -> None:
        self.bench.use_model(adapted.path)
        self.status.model, self.status.adapted = self.bench.model_label(), True
        self.status.update("ready")
        self.notify(f"{adapted.line()}; new translations use it", timeout=12)
        self.update_status()

    def open_article(self, article_id: int) -> None:
        self.push_screen(ArticleScreen(article_id))

    def report_error(self, message: str) -> None:
        """A notice the reviewer can act on; the app stays up and usable."""
        self.status.errors += 1
        self.status.last_error = message
        self.notify(message, severity="error", timeout=12)
        self.update_status()

    def update_status(self) -> None:
        for bar in self.screen.query("#status-bar"):
            if isinstance(bar, Static):
                bar.update(self.status.render())

    def show_help(self, screen: Screen) -> None:
        title = "article" if isinstance(screen, ArticleScreen) else "article list"
        self.push_screen(HelpScreen(title, list(screen.BINDINGS)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every described binding of the current screen is also a palette command."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Adapt the model", "fine-tune on the approved translations (key: ctrl+t)", self.action_adapt_model
        )
        for binding in getattr(screen, "BINDINGS", []):
            if binding.description and not binding.action.startswith("app."):
                yield SystemCommand(
                    binding.description,
                    f"key: {binding.key_display or binding.key.split(',')[0]}",
                    partial(screen.run_action, binding.action),
                )


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
