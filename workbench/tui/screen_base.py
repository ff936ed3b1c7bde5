"""The one way a screen reaches the app and the service: typed, instead of `self.app.bench`.

Textual types `Screen.app` as a plain `App`; going through `workbench_app` gives the type checker
the `WorkbenchApp` (its status, error reporting, the service), and gives a reader one place to
see what screens ask of the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import Screen

if TYPE_CHECKING:
    from workbench.service import Workbench
    from workbench.tui.app import WorkbenchApp

ResultType = TypeVar("ResultType")


def app_of(node: DOMNode) -> WorkbenchApp:
    """The workbench app a widget lives in, typed (widgets that run workers need the service)."""
    return cast("WorkbenchApp", node.app)


class WorkbenchScreen(Screen[ResultType]):
    """A screen of the workbench app."""

    @property
    def workbench_app(self) -> WorkbenchApp:
        return app_of(self)

    @property
    def bench(self) -> Workbench:
        """The service the app was opened on (the UI thread's connection)."""
        return self.workbench_app.bench
