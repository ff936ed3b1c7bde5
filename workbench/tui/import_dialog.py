"""Importing from the web in the TUI (issue 18): a dialog for one or more URLs or feeds, and the
worker that fetches them off the UI thread, posting progress and the outcome as Messages.

The App opens the dialog (ctrl+o) and runs `fetch_request` in a worker on its own clone of the
service, as every TUI worker does; failures become notices, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from workbench.service import Workbench
from workbench.service.web import UrlProgress
from workbench.tui.dialogs import FIELD_FOCUS_KEYS
from workbench.tui.messages import WebImportFinished


@dataclass(frozen=True)
class ImportRequest:
    addresses: tuple[str, ...]
    """Page URLs, or feed URLs and files."""
    feeds: bool


class ImportDialog(ModalScreen[ImportRequest | None]):
    """URLs separated by spaces, or feeds when the box is ticked; Enter imports."""

    CSS_PATH = Path(__file__).with_name("import_dialog.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel"), *FIELD_FOCUS_KEYS]

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


def fetch_request(bench: Workbench, request: ImportRequest, progress: UrlProgress) -> WebImportFinished:
    """Import the request's pages or feeds; the summary counts what happened."""
    if request.feeds:
        reports = [bench.import_feed(source, progress) for source in request.addresses]
        errors = [f"{r.source}: {r.error}" for r in reports if r.error]
        errors += [f"{x.path}: {x.error}" for r in reports for x in r.results if x.error]
        return WebImportFinished("; ".join(r.line() for r in reports), errors)
    results = bench.import_urls(request.addresses, progress)
    errors = [f"{r.path}: {r.error}" for r in results if r.error]
    counts = {"new": 0, "revised": 0, "unchanged": 0}
    for result in results:
        if result.outcome:
            counts[result.outcome.value] += 1
    summary = ", ".join(f"{n} {what}" for what, n in counts.items()) + f", {len(errors)} failed"
    return WebImportFinished(f"imported: {summary}", errors)
