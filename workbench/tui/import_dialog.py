"""Importing from the web in the TUI (issue 18): a dialog for one or more URLs or feeds, and the
worker that fetches them off the UI thread, posting progress and the outcome as Messages.

`WebImport` is mixed into the App (ctrl+o opens the dialog); the worker uses its own clone of
the service, as every TUI worker does, and failures become notices, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Input, Static

from workbench.service import Workbench
from workbench.service.web import UrlProgress

if TYPE_CHECKING:
    from workbench.tui.app import StatusLine


@dataclass(frozen=True)
class ImportRequest:
    addresses: tuple[str, ...]
    """Page URLs, or feed URLs and files."""
    feeds: bool


class ImportDialog(ModalScreen[ImportRequest | None]):
    """URLs separated by spaces, or feeds when the box is ticked; Enter imports."""

    CSS_PATH = Path(__file__).with_name("import_dialog.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog"):
            yield Static("Import from the web", classes="dialog-title")
            yield Input(placeholder="https://… (several: separated by spaces)", id="addresses")
            yield Checkbox("these are RSS or Atom feeds (URL or file)", id="feeds")
            yield Static("enter import · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        addresses = tuple(event.value.split())
        if not addresses:
            self.notify("type a URL first", severity="warning")
            return
        self.dismiss(ImportRequest(addresses, self.query_one(Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportProgress(Message):
    """A URL fetched: `done` of `total` in the current batch."""

    def __init__(self, done: int, total: int, url: str) -> None:
        super().__init__()
        self.done, self.total, self.url = done, total, url


class ImportFinished(Message):
    """What to tell the reviewer: one summary line, and a line per failure."""

    def __init__(self, summary: str, errors: list[str]) -> None:
        super().__init__()
        self.summary, self.errors = summary, errors


class WebImport(App[None]):
    """The App's part: the action, the worker and the handlers of its messages."""

    bench: Workbench
    status: StatusLine
    if TYPE_CHECKING:  # WorkbenchApp's own

        def update_status(self) -> None: ...
        def report_error(self, message: str) -> None: ...
        def _imported(self, errors: list[str]) -> None: ...

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers the import too."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Import from the web", "pages by URL, or feeds (key: ctrl+o)", self.action_import_web
        )

    def action_import_web(self) -> None:
        if self.status.busy:
            self.notify("wait for the running task to finish, then import", severity="warning")
            return
        self.push_screen(ImportDialog(), self._start_import)

    def _start_import(self, request: ImportRequest | None) -> None:
        if request is None:
            return
        self.status.update("importing…")
        self.update_status()
        self._fetch(request)

    @work(thread=True, exclusive=True, group="import")
    def _fetch(self, request: ImportRequest) -> None:
        bench = self.bench.clone()
        post = self.post_message

        def progress(done: int, total: int, url: str) -> None:
            post(ImportProgress(done, total, url))

        try:
            post(_fetched(bench, request, progress))
        finally:
            bench.close()

    def on_import_progress(self, message: ImportProgress) -> None:
        self.status.update(f"importing {message.done}/{message.total} · {message.url}")
        self.update_status()

    def on_import_finished(self, message: ImportFinished) -> None:
        for error in message.errors:
            self.report_error(error)
        self.notify(message.summary)
        self._imported([])  # status ready, the list reloaded


def _fetched(bench: Workbench, request: ImportRequest, progress: UrlProgress) -> ImportFinished:
    """Import the request's pages or feeds; the summary counts what happened."""
    if request.feeds:
        reports = [bench.import_feed(source, progress) for source in request.addresses]
        errors = [f"{r.source}: {r.error}" for r in reports if r.error]
        errors += [f"{x.path}: {x.error}" for r in reports for x in r.results if x.error]
        return ImportFinished("; ".join(r.line() for r in reports), errors)
    results = bench.import_urls(request.addresses, progress)
    errors = [f"{r.path}: {r.error}" for r in results if r.error]
    counts = {"new": 0, "revised": 0, "unchanged": 0}
    for result in results:
        if result.outcome:
            counts[result.outcome.value] += 1
    summary = ", ".join(f"{n} {what}" for what, n in counts.items()) + f", {len(errors)} failed"
    return ImportFinished(f"imported: {summary}", errors)
