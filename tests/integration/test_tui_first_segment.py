"""Opening an article: "loading model…" while the model loads, then the rows on screen first.

The translator is the real one, its loading slowed down so the loading state is observable on a
busy machine, and its batches recorded; the status line's states are recorded as they are set.
"""

from __future__ import annotations

import time

from tests.paths import SEEDS
from workbench.engines.translator import load_translator
from workbench.records import Status
from workbench.service import Workbench
from workbench.settings import load_workspace
from workbench.tui.app import WorkbenchApp
from workbench.tui.article_screen import ArticleScreen

LONG_SEED = SEEDS / "000_bb1e4186efedc55e.txt"


class SlowLoading:
    """load_translator, 0.5 s slower to load; records `first` and each batch's text indices."""

    def __init__(self) -> None:
        self.firsts: list[int] = []
        self.batches: list[list[int]] = []

    def __call__(self, *args, **kwargs):
        time.sleep(0.5)
        translator = load_translator(*args, **kwargs)
        real = translator.translate_batches

        def recorded(texts, first=0):
            self.firsts.append(first)
            for batch in real(texts, first):
                self.batches.append([index for index, _ in batch])
                yield batch

        translator.translate_batches = recorded
        return translator


async def test_opening_shows_loading_then_the_rows_on_screen_first(
    workspace_dir, tiny_model, tmp_path
) -> None:
    flags = {"model": str(tiny_model), "models_dir": str(tmp_path / "models")}
    factory = SlowLoading()
    with Workbench(load_workspace(str(workspace_dir), flags, env={}), translator_factory=factory) as bench:
        bench.import_paths([LONG_SEED])
        app = WorkbenchApp(bench)
        states: list[str] = []
        async with app.run_test(size=(100, 20)) as pilot:  # a small screen: part of the article shows
            app.watch(app, "status", lambda status: states.append(status.state), init=False)
            await pilot.pause()
            await pilot.press("enter")
            for _ in range(200):
                await pilot.pause(0.05)
                if states and states[-1] in ("done", "failed", "cancelled"):
                    break
            screen = app.screen
            assert isinstance(screen, ArticleScreen)
            body = [row.segment for row in screen.rows if row.segment.kind.value == "body"]

    assert states[-1] == "done", states
    assert states[0] == "loading model…"
    assert not any(state.startswith("translating 0/") for state in states)  # never a frozen 0/N
    progress = [state for state in states if state.startswith("translating ")]
    assert len(progress) >= 2  # filled in batch by batch
    (first,) = factory.firsts
    assert 0 < first < len(body)  # what the small screen shows, not the whole article
    assert sorted(factory.batches[0]) == list(range(first))  # the top of the article comes first
    assert all(segment.status is Status.MT for segment in body)
