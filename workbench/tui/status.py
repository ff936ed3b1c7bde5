"""The status line: one immutable value on the app, drawn by a bar on every screen.

The app holds a `StatusLine` in a reactive; whatever changes it replaces the value, and every
`StatusBar` watching it redraws. Nothing pushes text into the bars by hand, so a bar can never
show a state the app has left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.widgets import Static

BUSY_STATES = ("importing", "loading", "translating", "cancelling", "adapting")
"""Prefixes of the states in which a worker runs and will report back."""


@dataclass(frozen=True)
class StatusLine:
    """What the status bar says: model and backend, cache hits, errors, the worker's state."""

    model: str
    backend: str
    adapted: bool = False
    """Whether the active model is one `adapt` wrote: "(adapted)" after its name; a base model
    has no mark."""
    cached: int = 0
    requested: int = 0
    errors: int = 0
    state: str = "ready"
    last_error: str = ""

    @property
    def busy(self) -> bool:
        """A worker is importing, loading a model, translating or cancelling and will report back."""
        return self.state.startswith(BUSY_STATES)

    def with_state(self, state: str) -> StatusLine:
        return replace(self, state=state)

    def with_cache(self, cached: int, requested: int) -> StatusLine:
        """The last run's cache hits, for the article in view (a session total read as nothing)."""
        return replace(self, cached=cached, requested=requested)

    def for_another_view(self) -> StatusLine:
        """Another article (or the list) in view: the last run's hits and its ending (done,
        cancelled, failed) are no longer about it; a worker still running keeps its state."""
        return replace(self, cached=0, requested=0, state=self.state if self.busy else "ready")

    def with_error(self, message: str) -> StatusLine:
        return replace(self, errors=self.errors + 1, last_error=message)

    def render(self) -> str:
        parts = [
            f"model {self.model}" + (" (adapted)" if self.adapted else ""),
            self.backend,
            self.state,
        ]
        if self.requested:
            parts.insert(2, f"{self.cached} of {self.requested} from cache")
        if self.errors:
            parts.append(f"[b red]{self.errors} error{'s' if self.errors > 1 else ''}[/]: {self.last_error}")
        return " · ".join(parts)


class StatusBar(Static):
    """The bottom line of a screen: redraws itself whenever the app's `status` changes."""

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show, init=True)

    def _show(self, status: StatusLine) -> None:
        self.update(status.render())
